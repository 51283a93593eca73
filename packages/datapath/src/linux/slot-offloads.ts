/**
 * The offload state of frames a socket delivers as views of its own receive slots (AF_PACKET frames,
 * frames decapsulated from tunnel datagrams), kept per slot and found again by frameOffload() from the
 * view alone: no WeakMap entry per frame (see frame-offload.ts for why that matters).
 */
import {
  type OffloadSource,
  registerOffloadSource,
  unregisterOffloadSource,
} from './frame-offload.js';
import type { VirtioNetHeader } from './virtio-net-header.js';

export class SlotOffloads implements OffloadSource {
  /** Per slot: start (in `memory`) and length of the view handed out, and its state. */
  private readonly start: Int32Array;
  private readonly length: Int32Array;
  private readonly state: (VirtioNetHeader | undefined)[];
  private registered = true;

  /** `slotsAt`: where slot 0 starts in `memory`; slots follow every `slotSize` bytes. */
  constructor(
    readonly memory: ArrayBuffer,
    private readonly slotsAt: number,
    private readonly slotSize: number,
    count: number,
  ) {
    this.start = new Int32Array(count).fill(-1);
    this.length = new Int32Array(count);
    this.state = new Array<VirtioNetHeader | undefined>(count).fill(undefined);
    registerOffloadSource(memory, this);
  }

  /** Slot `i` now holds the frame viewed at `at` (in `memory`) for `length` bytes, with `state`. */
  record(i: number, at: number, length: number, state: VirtioNetHeader | undefined): void {
    this.start[i] = at;
    this.length[i] = length;
    this.state[i] = state;
  }

  /** Slot `i` holds no frame (a runt, a bad datagram). */
  clear(i: number): void {
    this.start[i] = -1;
    this.state[i] = undefined;
  }

  /** A view of `memory` for slot `i`'s frame, recorded with its state. */
  view(i: number, at: number, length: number, state: VirtioNetHeader | undefined): Uint8Array {
    this.record(i, at, length, state);
    // A plain Uint8Array: cheaper to make than Buffer.subarray, and all the engine needs.
    return new Uint8Array(this.memory, at, length);
  }

  offloadOf(frame: Uint8Array): VirtioNetHeader | undefined {
    const at = frame.byteOffset;
    const i = ((at - this.slotsAt) / this.slotSize) | 0;
    if (at < this.slotsAt || i >= this.start.length) return undefined;
    if (this.start[i] !== at || this.length[i] !== frame.length) return undefined;
    return this.state[i];
  }

  /** Stop answering (the socket's memory is about to be freed). */
  close(): void {
    if (!this.registered) return;
    this.registered = false;
    unregisterOffloadSource(this.memory);
  }
}
