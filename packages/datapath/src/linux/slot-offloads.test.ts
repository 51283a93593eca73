import { describe, expect, it } from 'vitest';
import { frameOffload } from './frame-offload.js';
import { SlotOffloads } from './slot-offloads.js';
import { NO_OFFLOAD, VIRTIO_NET_HDR_F_NEEDS_CSUM } from './virtio-net-header.js';

const pending = { ...NO_OFFLOAD, flags: VIRTIO_NET_HDR_F_NEEDS_CSUM, csumStart: 34, csumOffset: 6 };

describe('offload state by receive slot', () => {
  it('answers for the view of each slot it handed out, until the slot is reused or cleared', () => {
    // Slots of 100 bytes starting 16 bytes into the memory (headers before them, as in a MessageBatch).
    const slots = new SlotOffloads(new ArrayBuffer(16 + 3 * 100), 16, 100, 3);
    try {
      const a = slots.view(0, 16 + 4, 60, pending);
      const b = slots.view(2, 216 + 10, 70, undefined);
      expect(frameOffload(a)).toBe(pending);
      expect(frameOffload(b)).toBeUndefined();
      // The next batch puts another frame in slot 0: the old view no longer matches its extent.
      const c = slots.view(0, 16 + 8, 50, undefined);
      expect(frameOffload(c)).toBeUndefined();
      expect(frameOffload(a)).toBeUndefined();
      const d = slots.view(2, 216 + 10, 70, pending);
      slots.clear(2);
      expect(frameOffload(d)).toBeUndefined();
      // Before the first slot (a header area) nothing answers.
      expect(frameOffload(new Uint8Array(slots.memory, 0, 16))).toBeUndefined();
    } finally {
      slots.close();
    }
  });

  it('views share the memory: the engine rewrites frames in place', () => {
    const slots = new SlotOffloads(new ArrayBuffer(200), 0, 100, 2);
    try {
      const f = slots.view(1, 110, 20, undefined);
      f[0] = 0xab;
      expect(new Uint8Array(slots.memory)[110]).toBe(0xab);
    } finally {
      slots.close();
    }
  });

  it('keeps one state per coalesced datagram of a slot, and hands the rest to the per-frame map', () => {
    // Two slots of 1000 bytes, up to 3 segments each; datagrams of 100 bytes with a 20-byte header.
    const slots = new SlotOffloads(new ArrayBuffer(2000), 0, 1000, 2, 3);
    try {
      const segs = [0, 1, 2, 3].map((k) =>
        slots.view(1, 1000 + k * 100 + 20, 80, k === 1 ? undefined : pending, k, 100),
      );
      expect(segs.map((f) => frameOffload(f))).toEqual([pending, undefined, pending, pending]);
      // The fourth is beyond the table: its state went to the per-frame map, tied to that view.
      expect(frameOffload(new Uint8Array(slots.memory, 1000 + 3 * 100 + 20, 80))).toBeUndefined();
      // A single datagram in the slot afterwards: segment views of the earlier batch no longer match.
      const whole = slots.view(1, 1000 + 20, 500, undefined);
      expect(frameOffload(whole)).toBeUndefined();
      expect(frameOffload(new Uint8Array(slots.memory, 1000 + 100 + 20, 80))).toBeUndefined();
    } finally {
      slots.close();
    }
  });
});
