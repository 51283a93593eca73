import type { DatapathStats, FlowStat, PacketOut, TableStat, TraceOptions } from './datapath.js';
import type { MaskedValue } from './field-value.js';
import type { BundleResult, FlowFilter, FlowMod, FlowSpec } from './flow-mod.js';
import type { PacketIn } from './packet-in.js';
import type { PortIo } from './port.js';
import type { PortStats } from './port-entry.js';
import type { TraceResult } from './trace.js';

/**
 * What a controller needs from a datapath: flow and group changes in atomic bundles, ports, packet
 * out, packet in, barrier, statistics and trace. `Datapath` (this package) implements it; another
 * backend (Open vSwitch over OpenFlow, eBPF) can implement it too, so the controller depends on this
 * interface only.
 */
export interface DatapathControl {
  bundle(mods: readonly FlowMod[]): BundleResult;
  resync(owner: number, generation: number, flows: readonly FlowSpec[]): BundleResult;
  addPort(name: string, io: PortIo, options?: { port?: number }): number;
  removePort(port: number | string): Promise<void>;
  portNumber(name: string): number | undefined;
  packetOut(po: PacketOut): void;
  resume(
    pin: PacketIn,
    changes?: { packet?: Uint8Array; fields?: Readonly<Record<string, MaskedValue>> },
  ): void;
  onPacketIn(listener: (pin: PacketIn) => void): () => void;
  barrier(): Promise<void>;
  flowStats(filter?: FlowFilter): FlowStat[];
  flowCookies(filter?: FlowFilter): bigint[];
  tableStats(): TableStat[];
  portStats(): PortStats[];
  stats(): DatapathStats;
  dumpFlows(filter?: FlowFilter): string;
  trace(packet: Uint8Array, inPort: number, options?: TraceOptions): TraceResult;
  close(): Promise<void>;
}
