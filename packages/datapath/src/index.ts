export type { DeliverFn, PortIo, PortIoStats, TunnelMetadata } from './port.js';
export { type CapturedFrame, MemoryPort, type MemoryPortOptions, linkMemoryPorts } from './memory-port.js';
export {
  Datapath,
  type DatapathOptions,
  type DatapathStats,
  type FlowStat,
  type PacketOut,
  type TableStat,
  type TraceOptions,
} from './datapath.js';
export * from './actions.js';
export type { FieldValue, MaskedValue } from './field-value.js';
export { type MatchSpec, compileMatch, formatMatch } from './match.js';
export { FIELDS, type FieldDef, fieldByName } from './fields.js';
export {
  type BundleResult,
  type FlowFilter,
  type FlowMod,
  type FlowSpec,
  addFlow,
  deleteFlows,
  modifyFlows,
} from './flow-mod.js';
export type { GroupSpec } from './group.js';
export type { Continuation, PacketIn } from './packet-in.js';
export type { PortStats } from './port-entry.js';
export { type TraceEvent, type TraceResult, ctStateText, formatTrace } from './trace.js';
export { DatapathError, type DatapathErrorCode } from './errors.js';
export type { ConnSummary } from './conntrack/conntrack.js';
export type { CtTimeouts } from './conntrack/tcp-state.js';
export { formatAction, formatActions } from './format-actions.js';
export { parseActionsText, parseFlowText, parseMatchText } from './flow-text.js';
export {
  CS_DNAT,
  CS_EST,
  CS_INV,
  CS_NEW,
  CS_REL,
  CS_RPL,
  CS_SNAT,
  CS_TRK,
  PORT_CONTROLLER,
  PORT_IN_PORT,
  PORT_LOCAL,
  PORT_NONE,
} from './key-layout.js';
export { type PacketSpec, buildPacket, TCP_ACK, TCP_FIN, TCP_PSH, TCP_RST, TCP_SYN } from './packet/build.js';
export { formatIp4, formatIp6, formatMac, parseIp4, parseIp6, parseMac } from './packet/addr.js';
export { type ChecksumReport, verifyChecksums } from './packet/verify.js';
export { parseFrame } from './packet/parse.js';
// Kernel-backed and tunnel ports (koffi is loaded only when one is opened).
export { openPort, type PortSpec } from './linux/open-port.js';
export { AfPacketPort, type AfPacketPortOptions } from './linux/af-packet-port.js';
export { TapPort, type TapPortOptions } from './linux/tap-port.js';
export { UdpTunnelPort, type TunnelPortOptions, type Encapsulation } from './tunnel/udp-tunnel-port.js';
export { DgramTunnelPort } from './tunnel/dgram-tunnel-port.js';
export { useDedicatedIoLoop } from './linux/dedicated-io-loop.js';
export { DatapathChild, type ChildStats } from './linux/datapath-child.js';
export type { DatapathProcessConfig } from './linux/datapath-process.js';
export { NetnsLab, type LabHost, withNetnsLab } from './linux/netns-lab.js';
