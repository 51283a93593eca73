// The action half of @ovn-ts/expr: parse, validate and format OVN logical actions.

export * from './ast.js';
export { exprActions } from './cli-command.js';
export * from './dhcp-options.js';
export {
  type ActionEnv,
  OVN_PIPELINE_LENGTHS,
  type ResolvedActionEnv,
  resolveActionEnv,
} from './env.js';
export {
  formatAction,
  formatActionConstant,
  formatActionConstantSet,
  formatActionField,
  formatActions,
} from './format-actions.js';
export { formatLbKey, type LbKey, parseLbKey } from './lb-key.js';
export { type ParsedActions, parseActions, validateActions } from './parse-actions.js';
export { andPrereqs, matchWithPrereqs, parsePrereqs } from './prereqs.js';
