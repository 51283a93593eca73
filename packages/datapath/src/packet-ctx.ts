import type { Conntrack } from './conntrack/conntrack.js';
import { KEY_WORDS } from './key-layout.js';
import { OFFSETS_LEN } from './packet/parse.js';
import type { PacketIn } from './packet-in.js';
import type { TraceEvent } from './trace.js';

/**
 * The state of one packet while the datapath executes a translation's ops on it. One instance is
 * reused for every packet of a batch, so the fast path allocates nothing.
 */
export class PacketCtx {
  frame: Uint8Array = new Uint8Array(0);
  readonly off = new Int32Array(OFFSETS_LEN);
  readonly key = new Uint32Array(KEY_WORDS);
  /** Scratch key for ops that need the translation-time view without changing `key`. */
  readonly scratchKey = new Uint32Array(KEY_WORDS);
  /** Set by a ct(table=N) op: run the next pass with the updated key. */
  recirc = false;
  /**
   * Copies recirculated by a ct(table=N) that was not the last op of its pass: the packet itself
   * goes on with the rest of the actions (OVS's fork), each copy takes its own passes afterwards.
   */
  readonly forks: { frame: Uint8Array; off: Int32Array; key: Uint32Array }[] = [];
  /** Time for conntrack, read once per batch. */
  now = 0;
  /** Trace mode: record events and keep outputs here instead of transmitting. */
  trace: TraceEvent[] | undefined = undefined;
  traceOutputs: { port: number; frame: Uint8Array }[] | undefined = undefined;
  /** Conntrack lookups without changes (trace). */
  peek = false;

  constructor(
    readonly conntrack: Conntrack,
    readonly punt: (pin: PacketIn) => void,
  ) {}
}

/** One step of a translated pipeline, replayed on every packet that hits the cache entry. */
export type Op = (p: PacketCtx) => void;
