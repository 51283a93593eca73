import type { Encapsulation } from './tunnel-encap.js';

/** How a tunnel port is configured, whichever socket shell carries it. */
export interface TunnelPortOptions {
  readonly encapsulation: Encapsulation;
  /** Local address to bind, e.g. '127.0.0.1'. */
  readonly localIp: string;
  /** Local UDP port; default 6081 (Geneve) or 4789 (VXLAN); 0 picks a free one. */
  readonly localPort?: number;
  /** Peer used when the engine's metadata names none. */
  readonly remoteIp?: string;
  /** Peer's UDP port; default the encapsulation's standard port. */
  readonly remotePort?: number;
  /** Geneve only: carry checksum/TSO state in our offload option (peer must be ovn-ts). Default true. */
  readonly carryOffloads?: boolean;
  /** Socket buffer sizes. Default 4 MiB. */
  readonly bufferBytes?: number;
  readonly onError?: (err: unknown) => void;
}
