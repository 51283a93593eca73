/**
 * The contract between the datapath engine and every kind of port.
 *
 * Ports move batches of frames, not single frames: the engine classifies a whole batch per call, and
 * kernel-backed ports (TAP, AF_PACKET) read and write several frames per wake-up. A frame is the full
 * Ethernet frame (destination MAC first), without FCS.
 *
 * Ownership: a port may reuse the buffers it hands to `deliver` once `deliver` returns (the engine copies
 * what it keeps). While `deliver` runs, the engine may rewrite a delivered frame's bytes in place (header
 * rewrites without a copy are what make the fast path fast). Buffers passed to `transmit` belong to the
 * port only for the duration of the call; a port that queues them must copy them. `transmit` is called
 * before `deliver` returns, once per port per batch.
 */

/**
 * Tunnel metadata that travels beside a frame on tunnel ports (Geneve, VXLAN).
 *
 * On receive the engine loads `tunId` into the `tun_id` match field and `geneveOption` into
 * `tun_metadata0`; on output to a tunnel port the current values of those fields are placed here.
 */
export interface TunnelMetadata {
  /** VNI (24 bits used by Geneve and VXLAN). OVN puts the datapath tunnel key here. */
  readonly tunId: bigint;
  /** Outer source address (on receive); the remote endpoint to send to (on transmit, overrides the port default). */
  readonly remoteIp?: string;
  /** Outer local address, when the port has several. */
  readonly localIp?: string;
  /**
   * OVN's Geneve option (class 0x0102, type 0x80), 32 bits:
   * ingress logical port key (15 bits) << 16 | egress logical port key (16 bits).
   */
  readonly geneveOption?: number;
}

/** Called by a port with frames it received from its medium. `meta[i]` belongs to `frames[i]`. */
export type DeliverFn = (
  frames: readonly Uint8Array[],
  meta?: readonly (TunnelMetadata | undefined)[],
) => void;

/** One port's input/output, as seen by the engine. */
export interface PortIo {
  /** 'memory' | 'tap' | 'af_packet' | 'geneve' | 'vxlan' (free text for other backends). */
  readonly kind: string;
  /** True for Geneve/VXLAN (assumed for kind 'geneve'/'vxlan'): the engine reads and fills TunnelMetadata. */
  readonly tunnel?: boolean;
  /** Begin receiving; the port calls `deliver` for every batch it reads. Called once, when the port is added. */
  start(deliver: DeliverFn): void;
  /** Send frames out of the port. Must not throw for a transient failure: count it and drop instead. */
  transmit(frames: readonly Uint8Array[], meta?: readonly (TunnelMetadata | undefined)[]): void;
  /** Stop receiving and release resources. Called once, when the port is removed or the datapath closes. */
  close(): Promise<void>;
}

/** Counters a port may expose; the datapath keeps its own rx/tx counters regardless. */
export interface PortIoStats {
  readonly rxPackets: number;
  readonly rxBytes: number;
  readonly txPackets: number;
  readonly txBytes: number;
  readonly txDropped: number;
}
