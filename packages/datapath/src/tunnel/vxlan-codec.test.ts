import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeVxlan, encodeVxlan } from './vxlan-codec.js';

describe('vxlan codec', () => {
  it('encodes the I flag and the VNI byte for byte (RFC 7348 layout)', () => {
    const out = encodeVxlan(0x123456, Uint8Array.from([0xaa, 0xbb]));
    expect([...out]).toEqual([0x08, 0, 0, 0, 0x12, 0x34, 0x56, 0, 0xaa, 0xbb]);
  });

  it('round-trips any VNI and payload', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 0xffffff }),
        fc.uint8Array({ maxLength: 100 }),
        (vni, payload) => {
          const d = decodeVxlan(encodeVxlan(vni, payload));
          expect(d.vni).toBe(vni);
          expect([...d.payload]).toEqual([...payload]);
        },
      ),
    );
  });

  it('rejects a datagram without the I flag, a short one and a VNI over 24 bits', () => {
    expect(() => decodeVxlan(Uint8Array.from([0, 0, 0, 0, 0, 0, 1, 0]))).toThrow(/I flag/);
    expect(() => decodeVxlan(Uint8Array.from([8, 0, 0]))).toThrow(/shorter/);
    expect(() => encodeVxlan(1 << 24, new Uint8Array(0))).toThrow(/24 bits/);
  });
});
