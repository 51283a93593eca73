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
});
