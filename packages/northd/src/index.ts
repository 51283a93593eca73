export * from './stages.js';
export * from './lflow.js';
export { NbModel, NB_TABLES, rowKey, type NbRows, type NbTable, type NbChange, type IndexName } from './model/nb-model.js';
export type * from './inputs/inputs.js';
export { deriveSwitch, deriveRouter } from './inputs/derive.js';
export * from './net/addresses.js';
export { buildDatapath } from './builders/build.js';
export { SWITCH_BUILDERS, type SwitchBuilder } from './builders/switch/index.js';
export { ROUTER_BUILDERS, type RouterBuilder } from './builders/router/index.js';
