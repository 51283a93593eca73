export type { DeliverFn, PortIo, PortIoStats, TunnelMetadata } from './port.js';
export { type CapturedFrame, MemoryPort, type MemoryPortOptions, linkMemoryPorts } from './memory-port.js';
