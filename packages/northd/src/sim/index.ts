// The logical pipeline simulator's public API (for tests now, `ovn-ts trace` later).
export { Conntrack, type CtEntry } from './conntrack.js';
export { type CompiledFlow, compileActions, compileFlow, compileMatch } from './expr-bridge.js';
export { formatOutcome, formatTrace, type TraceDetail } from './format-trace.js';
export { type Microflow, parseMicroflow, traceMicroflow } from './microflow.js';
export {
  arpRequest,
  describePacket,
  ETH_ARP,
  ETH_IP4,
  ETH_IP6,
  type FieldInput,
  icmp4Packet,
  l4Packet,
  packet,
  parseFieldValue,
  readField,
  writeField,
} from './packet.js';
export { hashPick, type Member, type Selector } from './select.js';
export { type SimOptions, type SimStart, simulate } from './simulate.js';
export type * from './types.js';
export { worldFromNb } from './world.js';
