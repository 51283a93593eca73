import type { CAction } from './compile-actions.js';
import type { Flow } from './flow.js';

/** Where a paused pipeline stopped: the action lists still to run, innermost last. */
export interface Continuation {
  readonly kind: 'continuation';
  readonly frames: readonly { readonly actions: readonly CAction[]; readonly index: number }[];
  readonly key: Uint32Array;
  readonly stack: readonly bigint[];
  readonly table: number;
  readonly flow: Flow | undefined;
}

/** A packet sent to the controller by a controller() action (or dec_ttl on TTL 0). */
export interface PacketIn {
  /** 'action', 'invalid_ttl', or the reason given in the controller() action. */
  readonly reason: string;
  readonly table: number;
  readonly cookie: bigint;
  readonly inPort: number;
  /** The packet as it was at the controller() action (earlier rewrites applied). */
  readonly packet: Uint8Array;
  readonly metadata: bigint;
  readonly regs: Uint32Array;
  readonly ctState: number;
  readonly ctZone: number;
  readonly ctMark: number;
  readonly tunId: bigint;
  readonly pktMark: number;
  readonly userdata: Uint8Array | undefined;
  /** All match fields at that moment (read with `readPacketInField`). */
  readonly fields: Uint32Array;
  /** Present for controller(pause): hand it to `Datapath.resume` to continue the pipeline. */
  readonly continuation: Continuation | undefined;
}
