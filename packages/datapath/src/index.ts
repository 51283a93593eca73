export * from './actions.js';
export type { ConnSummary } from './conntrack/conntrack.js';
export type { CtTimeouts } from './conntrack/tcp-state.js';
export {
  Datapath,
  type DatapathOptions,
  type DatapathStats,
  type FlowStat,
  type PacketOut,
  type TableStat,
  type TraceOptions,
} from './datapath.js';
export type { DatapathControl } from './datapath-control.js';
export { DatapathError, type DatapathErrorCode } from './errors.js';
export type { FieldValue, MaskedValue } from './field-value.js';
export { FIELDS, type FieldDef, fieldByName } from './fields.js';
export {
  addFlow,
  type BundleResult,
  deleteFlows,
  type FlowFilter,
  type FlowMod,
  type FlowSpec,
  modifyFlows,
} from './flow-mod.js';
export { parseActionsText, parseFlowText, parseMatchText } from './flow-text.js';
export { formatAction, formatActions } from './format-actions.js';
export type { GroupSpec } from './group.js';
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
export { AfPacketPort, type AfPacketPortOptions } from './linux/af-packet-port.js';
export { type ChildStats, DatapathChild } from './linux/datapath-child.js';
export type { DatapathProcessConfig } from './linux/datapath-process.js';
export { useDedicatedIoLoop } from './linux/dedicated-io-loop.js';
export { type LabHost, NetnsLab, withNetnsLab } from './linux/netns-lab.js';
// Kernel-backed and tunnel ports (koffi is loaded only when one is opened).
export { openPort, type PortSpec } from './linux/open-port.js';
export { TapPort, type TapPortOptions } from './linux/tap-port.js';
export { compileMatch, formatMatch, type MatchSpec } from './match.js';
export {
  type CapturedFrame,
  linkMemoryPorts,
  MemoryPort,
  type MemoryPortOptions,
} from './memory-port.js';
export { MemoryUnderlay } from './memory-underlay.js';
export { formatIp4, formatIp6, formatMac, parseIp4, parseIp6, parseMac } from './packet/addr.js';
export {
  buildPacket,
  type PacketSpec,
  TCP_ACK,
  TCP_FIN,
  TCP_PSH,
  TCP_RST,
  TCP_SYN,
} from './packet/build.js';
export { parseFrame } from './packet/parse.js';
export { type ChecksumReport, verifyChecksums } from './packet/verify.js';
export type { Continuation, PacketIn } from './packet-in.js';
export { readPacketInField } from './packet-in-field.js';
export type { DeliverFn, PortIo, PortIoStats, TunnelMetadata } from './port.js';
export type { PortStats } from './port-entry.js';
export { ctStateText, formatTrace, type TraceEvent, type TraceResult } from './trace.js';
export { DgramTunnelPort } from './tunnel/dgram-tunnel-port.js';
export {
  TunnelEndpoint,
  type TunnelEndpointOptions,
  TunnelPeerPort,
} from './tunnel/tunnel-endpoint.js';
export {
  type Encapsulation,
  type TunnelPortOptions,
  UdpTunnelPort,
} from './tunnel/udp-tunnel-port.js';
