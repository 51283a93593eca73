import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { completeChecksum } from './checksum-completion.js';

/** Ones'-complement 16-bit sum of 16-bit words, folded. */
function onesSum(bytes: readonly number[]): number {
  let s = 0;
  for (let i = 0; i < bytes.length; i += 2) s += (bytes[i]! << 8) | (bytes[i + 1] ?? 0);
  while (s > 0xffff) s = (s & 0xffff) + (s >>> 16);
  return s;
}

/** An Ethernet/IPv4/UDP frame whose UDP checksum field holds only the pseudo-header sum (CHECKSUM_PARTIAL). */
function partialUdpFrame(payload: Uint8Array): Uint8Array {
  const udpLen = 8 + payload.length;
  const f = new Uint8Array(14 + 20 + udpLen);
  f.set([0x08, 0x00], 12);
  f.set([0x45, 0, 0, 0, 0, 0, 0, 0, 64, 17, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2], 14);
  f.set([0x30, 0x39, 0x00, 0x35, udpLen >> 8, udpLen & 0xff, 0, 0], 34);
  f.set(payload, 42);
  const pseudo = onesSum([10, 0, 0, 1, 10, 0, 0, 2, 0, 17, udpLen >> 8, udpLen & 0xff]);
  f[40] = pseudo >> 8;
  f[41] = pseudo & 0xff;
  return f;
}

describe('checksum completion', () => {
  it('yields a UDP checksum that verifies against the pseudo-header', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (payload) => {
        const f = partialUdpFrame(payload);
        completeChecksum(f, 34, 6);
        const udpLen = 8 + payload.length;
        // Receiver's check: pseudo-header + whole UDP segment sums to all ones.
        const total =
          onesSum([10, 0, 0, 1, 10, 0, 0, 2, 0, 17, udpLen >> 8, udpLen & 0xff]) +
          onesSum([...f.subarray(34)]);
        expect((total & 0xffff) + (total >>> 16)).toBe(0xffff);
        expect(f[40]! | f[41]!).not.toBe(0);
      }),
    );
  });

  it('refuses a checksum field outside the frame', () => {
    expect(() => completeChecksum(new Uint8Array(40), 34, 16)).toThrow(/outside a 40-byte frame/);
  });
});
