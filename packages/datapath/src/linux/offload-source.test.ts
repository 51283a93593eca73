import { afterEach, describe, expect, it } from 'vitest';
import {
  carryFrameOffload,
  checksumPending,
  frameOffload,
  type OffloadSource,
  registerOffloadSource,
  setFrameOffload,
  unregisterOffloadSource,
} from './frame-offload.js';
import {
  NO_OFFLOAD,
  VIRTIO_NET_HDR_F_NEEDS_CSUM,
  type VirtioNetHeader,
} from './virtio-net-header.js';

const pending: VirtioNetHeader = {
  ...NO_OFFLOAD,
  flags: VIRTIO_NET_HDR_F_NEEDS_CSUM,
  csumStart: 34,
  csumOffset: 6,
};

/** A receive region like an AF_PACKET socket's: slots of 128 bytes, one recorded view per slot. */
function region(): {
  memory: ArrayBuffer;
  source: OffloadSource;
  deliver(slot: number, start: number, len: number, o?: VirtioNetHeader): Uint8Array;
} {
  const memory = new ArrayBuffer(4 * 128);
  const views = new Map<number, { len: number; o: VirtioNetHeader | undefined }>();
  const source: OffloadSource = {
    offloadOf: (f) => {
      const v = views.get(f.byteOffset);
      return v && v.len === f.length ? v.o : undefined;
    },
  };
  return {
    memory,
    source,
    deliver(slot, start, len, o) {
      const at = slot * 128 + start;
      views.set(at, { len, o });
      return new Uint8Array(memory, at, len);
    },
  };
}

let registered: ArrayBuffer | undefined;
afterEach(() => {
  if (registered) unregisterOffloadSource(registered);
  registered = undefined;
});

describe('offload state kept by the receiving port', () => {
  it('is found for the delivered view, not for another view of the same memory or a copy', () => {
    const r = region();
    registerOffloadSource(r.memory, r.source);
    registered = r.memory;
    const f = r.deliver(1, 14, 60, pending);
    expect(frameOffload(f)).toBe(pending);
    expect(checksumPending(f, 40)).toBe(true);
    // Same memory, different extent: not the frame that was delivered.
    expect(frameOffload(new Uint8Array(r.memory, f.byteOffset, 50))).toBeUndefined();
    expect(frameOffload(new Uint8Array(r.memory, f.byteOffset + 4, 56))).toBeUndefined();
    // A copy has its own memory: the engine must carry the state over explicitly.
    expect(frameOffload(f.slice())).toBeUndefined();
    const copy = carryFrameOffload(f, f.slice());
    expect(frameOffload(copy)).toBe(pending);
  });

  it('a plain frame from the region has no state; frames set by setFrameOffload still answer', () => {
    const r = region();
    registerOffloadSource(r.memory, r.source);
    registered = r.memory;
    const plain = r.deliver(0, 14, 60, undefined);
    expect(frameOffload(plain)).toBeUndefined();
    const other = new Uint8Array(60);
    setFrameOffload(other, pending);
    expect(frameOffload(other)).toBe(pending);
  });

  it('stops answering once unregistered (the port closed)', () => {
    const r = region();
    registerOffloadSource(r.memory, r.source);
    const f = r.deliver(2, 10, 64, pending);
    expect(frameOffload(f)).toBe(pending);
    unregisterOffloadSource(r.memory);
    expect(frameOffload(f)).toBeUndefined();
  });
});
