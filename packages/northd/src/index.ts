export { buildDatapath } from './builders/build.js';
export { ROUTER_BUILDERS, type RouterBuilder } from './builders/router/index.js';
export { SWITCH_BUILDERS, type SwitchBuilder } from './builders/switch/index.js';
export { type NorthdOptions, runNorthd } from './daemon/northd.js';
export type * from './engine/desired.js';
export { type EngineStats, type KnownKeys, NorthdEngine } from './engine/engine.js';
export {
  DATAPATH_KEYS,
  KeyAllocator,
  KeysExhausted,
  MC_FLOOD,
  MC_UNKNOWN,
  PORT_KEYS,
} from './engine/keys.js';
export { deriveRouter, deriveSwitch } from './inputs/derive.js';
export type * from './inputs/inputs.js';
export * from './lflow.js';
export {
  type IndexName,
  NB_TABLES,
  type NbChange,
  NbModel,
  type NbRows,
  type NbTable,
  rowKey,
} from './model/nb-model.js';
export * from './net/addresses.js';
export * as sim from './sim/index.js';
export * from './stages.js';
export { loadTopology } from './testing/load-topology.js';
export { NbFixture } from './testing/nb-fixture.js';
export {
  generateTopology,
  INSERT_ORDER,
  SCALES,
  type TopologyScale,
  topoUuid,
  vmPort,
} from './testing/topology.js';
