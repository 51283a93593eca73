/**
 * The offload state of frames a socket delivers as views of its own receive slots (AF_PACKET frames,
 * frames decapsulated from tunnel datagrams), kept per slot and found again by frameOffload() from the
 * view alone: no WeakMap entry per frame (see frame-offload.ts for why that matters).
 */
import {
  type OffloadSource,
  registerOffloadSource,
  setFrameOffload,
  unregisterOffloadSource,
} from './frame-offload.js';
import type { VirtioNetHeader } from './virtio-net-header.js';

export class SlotOffloads implements OffloadSource {
  /**
   * Per slot and segment (a slot may hold several coalesced datagrams, each carrying a frame): start
   * (in `memory`) and length of the view handed out, and its state. Index: slot * segments + segment.
   */
  private readonly start: Int32Array;
  private readonly length: Int32Array;
  private readonly state: (VirtioNetHeader | undefined)[];
  /** Per slot: bytes per segment (a frame of segment k starts within [k * stride, (k + 1) * stride)). */
  private readonly stride: Int32Array;
  private registered = true;

  /**
   * `slotsAt`: where slot 0 starts in `memory`; slots follow every `slotSize` bytes; each holds up to
   * `segments` frames.
   */
  constructor(
    readonly memory: ArrayBuffer,
    private readonly slotsAt: number,
    private readonly slotSize: number,
    private readonly count: number,
    private readonly segments = 1,
  ) {
    this.start = new Int32Array(count * segments).fill(-1);
    this.length = new Int32Array(count * segments);
    this.state = new Array<VirtioNetHeader | undefined>(count * segments).fill(undefined);
    this.stride = new Int32Array(count).fill(slotSize);
    registerOffloadSource(memory, this);
  }

  /**
   * Slot `i` (segment `segment` of it, segments being `segmentSize` bytes apart; 0: the whole slot) now
   * holds the frame viewed at `at` (in `memory`) for `length` bytes, with `state`. False when the
   * segment is beyond what this table holds (the caller keeps the state some other way).
   */
  record(
    i: number,
    at: number,
    length: number,
    state: VirtioNetHeader | undefined,
    segment = 0,
    segmentSize = 0,
  ): boolean {
    if (segment >= this.segments) return false;
    this.stride[i] = segmentSize > 0 ? segmentSize : this.slotSize;
    const k = i * this.segments + segment;
    this.start[k] = at;
    this.length[k] = length;
    this.state[k] = state;
    return true;
  }

  /** Slot `i` holds no frame (a runt, a bad datagram). */
  clear(i: number): void {
    const k = i * this.segments;
    this.stride[i] = this.slotSize;
    this.start[k] = -1;
    this.state[k] = undefined;
  }

  /**
   * A view of `memory` for a frame in slot `i` (segment `segment`), recorded with its state; a state
   * the table cannot hold goes to frame-offload's per-frame map instead.
   */
  view(
    i: number,
    at: number,
    length: number,
    state: VirtioNetHeader | undefined,
    segment = 0,
    segmentSize = 0,
  ): Uint8Array {
    // A plain Uint8Array: cheaper to make than Buffer.subarray, and all the engine needs.
    const frame = new Uint8Array(this.memory, at, length);
    if (!this.record(i, at, length, state, segment, segmentSize) && state !== undefined)
      setFrameOffload(frame, state);
    return frame;
  }

  offloadOf(frame: Uint8Array): VirtioNetHeader | undefined {
    const at = frame.byteOffset;
    const rel = at - this.slotsAt;
    const i = (rel / this.slotSize) | 0;
    if (rel < 0 || i >= this.count) return undefined;
    const segment = ((rel - i * this.slotSize) / this.stride[i]!) | 0;
    if (segment >= this.segments) return undefined;
    const k = i * this.segments + segment;
    if (this.start[k] !== at || this.length[k] !== frame.length) return undefined;
    return this.state[k];
  }

  /** Stop answering (the socket's memory is about to be freed). */
  close(): void {
    if (!this.registered) return;
    this.registered = false;
    unregisterOffloadSource(this.memory);
  }
}
