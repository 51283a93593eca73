import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  VIRTIO_NET_HDR_F_NEEDS_CSUM,
  VIRTIO_NET_HDR_GSO_TCPV4,
  VIRTIO_NET_HDR_GSO_TCPV6,
} from '../linux/virtio-net-header.js';
import { buildPacket, TCP_ACK, TCP_FIN, TCP_PSH } from '../packet/build.js';
import { verifyChecksums } from '../packet/verify.js';
import { segmentTcp } from './tcp-segmentation.js';

const tso = (v6: boolean, mss: number) => ({
  flags: VIRTIO_NET_HDR_F_NEEDS_CSUM,
  gsoType: v6 ? VIRTIO_NET_HDR_GSO_TCPV6 : VIRTIO_NET_HDR_GSO_TCPV4,
  hdrLen: 0,
  gsoSize: mss,
  csumStart: v6 ? 54 : 34,
  csumOffset: 16,
});

function big(v6: boolean, payload: Uint8Array, flags: number): Uint8Array {
  return buildPacket({
    eth: { src: '02:00:00:00:00:01', dst: '02:00:00:00:00:02' },
    ...(v6
      ? { ip6: { src: 'fd00::1', dst: 'fd00::2' } }
      : { ip4: { src: '10.0.0.1', dst: '10.0.0.2' } }),
    tcp: { sport: 40000, dport: 5201, flags, seq: 0xfffff000 },
    payload,
  } as Parameters<typeof buildPacket>[0]);
}

const seqOf = (f: Uint8Array, l4: number) =>
  ((f[l4 + 4]! << 24) | (f[l4 + 5]! << 16) | (f[l4 + 6]! << 8) | f[l4 + 7]!) >>> 0;

describe('TCP segmentation', () => {
  it('cuts a TSO frame into MSS-sized, fully checksummed segments that reassemble to the payload', () => {
    fc.assert(
      fc.property(
        fc.boolean(),
        fc.integer({ min: 1, max: 6000 }),
        fc.integer({ min: 100, max: 1460 }),
        (v6, size, mss) => {
          const payload = new Uint8Array(size).map((_, i) => (i * 31) & 0xff);
          const f = big(v6, payload, TCP_ACK | TCP_PSH | TCP_FIN);
          const l4 = v6 ? 54 : 34;
          const segs = segmentTcp(f, tso(v6, mss))!;
          expect(segs.length).toBe(Math.ceil(size / mss));
          const joined: number[] = [];
          segs.forEach((s, i) => {
            expect(verifyChecksums(s)).toEqual({ ipHeader: true, l4: true });
            expect(seqOf(s, l4)).toBe((0xfffff000 + i * mss) >>> 0);
            const last = i === segs.length - 1;
            expect((s[l4 + 13]! & (TCP_PSH | TCP_FIN)) !== 0).toBe(last);
            expect(s.length - l4 - 20).toBeLessThanOrEqual(mss);
            joined.push(...s.subarray(l4 + 20));
          });
          expect(joined).toEqual([...payload]);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('gives IPv4 segments consecutive ids and correct total lengths', () => {
    const f = big(false, new Uint8Array(3000), TCP_ACK);
    const segs = segmentTcp(f, tso(false, 1448))!;
    // 3000 bytes at MSS 1448: 1448 + 1448 + 104, each behind 20 + 20 bytes of IP and TCP header.
    expect(segs.map((s) => (s[16]! << 8) | s[17]!)).toEqual([1488, 1488, 144]);
    const id0 = (f[18]! << 8) | f[19]!;
    expect(segs.map((s) => (s[18]! << 8) | s[19]!)).toEqual(
      [id0, id0 + 1, id0 + 2].map((x) => x & 0xffff),
    );
  });

  it('declines what it cannot cut: not TCP GSO, or a damaged header', () => {
    const f = big(false, new Uint8Array(3000), TCP_ACK);
    expect(segmentTcp(f, { ...tso(false, 1448), gsoType: 3 })).toBeUndefined();
    expect(segmentTcp(f, { ...tso(false, 1448), csumStart: f.length })).toBeUndefined();
    expect(segmentTcp(f, { ...tso(false, 0) })).toBeUndefined();
  });
});
