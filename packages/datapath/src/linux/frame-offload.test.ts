import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { completeChecksum } from '../tunnel/checksum-completion.js';
import {
  adjustPendingChecksum,
  carryFrameOffload,
  checksumPending,
  frameOffload,
  setFrameOffload,
} from './frame-offload.js';
import { VIRTIO_NET_HDR_F_NEEDS_CSUM, VIRTIO_NET_HDR_GSO_NONE } from './virtio-net-header.js';

function sum16(bytes: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < bytes.length; i += 2) s += (bytes[i]! << 8) | (bytes[i + 1] ?? 0);
  while (s > 0xffff) s = (s & 0xffff) + (s >>> 16);
  return s;
}

/** Ethernet/IPv4/TCP frame with the TCP checksum pending: the field holds the pseudo-header sum. */
function pendingTcpFrame(src: number[], dst: number[], payload: Uint8Array): Uint8Array {
  const tcpLen = 20 + payload.length;
  const f = new Uint8Array(34 + tcpLen);
  f.set([0x08, 0x00], 12);
  f.set([0x45, 0, 0, 0, 0, 0, 0, 0, 64, 6, 0, 0, ...src, ...dst], 14);
  f.set([0x30, 0x39, 0x00, 0x50, 0, 0, 0, 1, 0, 0, 0, 0, 0x50, 0x10, 0xff, 0xff], 34);
  f.set(payload, 54);
  const p = sum16([...src, ...dst, 0, 6, tcpLen >> 8, tcpLen & 0xff]);
  f[50] = p >> 8;
  f[51] = p & 0xff;
  setFrameOffload(f, {
    flags: VIRTIO_NET_HDR_F_NEEDS_CSUM,
    gsoType: VIRTIO_NET_HDR_GSO_NONE,
    hdrLen: 0,
    gsoSize: 0,
    csumStart: 34,
    csumOffset: 16,
  });
  return f;
}

const ip = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255));

describe('pending checksums under rewrites', () => {
  it('an address rewrite adjusted with the pending rule yields the checksum of the rewritten packet', () => {
    fc.assert(
      fc.property(ip, ip, ip, fc.uint8Array({ maxLength: 64 }), (src, dst, newDst, payload) => {
        const f = pendingTcpFrame(src, dst, payload);
        expect(checksumPending(f, 50)).toBe(true);
        const old = sum16(f.subarray(30, 34));
        f.set(newDst, 30);
        adjustPendingChecksum(f, 50, old, sum16(f.subarray(30, 34)));
        // What a NIC (or completeChecksum) then computes must equal a frame built for the new address.
        const expected = pendingTcpFrame(src, newDst, payload);
        completeChecksum(f, 34, 16);
        completeChecksum(expected, 34, 16);
        expect([f[50], f[51]]).toEqual([expected[50], expected[51]]);
      }),
    );
  });

  it('moves offload state to a replacement frame, shifted for a pushed VLAN tag', () => {
    const f = pendingTcpFrame([10, 0, 0, 1], [10, 0, 0, 2], new Uint8Array(4));
    const tagged = carryFrameOffload(f, new Uint8Array(f.length + 4), 4);
    expect(frameOffload(tagged)?.csumStart).toBe(38);
    expect(checksumPending(tagged, 54)).toBe(true);
    expect(checksumPending(new Uint8Array(60), 50)).toBe(false);
  });
});
