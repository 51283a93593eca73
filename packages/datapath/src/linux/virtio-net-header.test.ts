import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeVirtioNetHeader,
  encodeVirtioNetHeader,
  isPlain,
  NO_OFFLOAD,
  VIRTIO_NET_HDR_F_NEEDS_CSUM,
  VIRTIO_NET_HDR_GSO_TCPV4,
} from './virtio-net-header.js';

describe('virtio-net header', () => {
  it('lays out a TSO header as struct virtio_net_hdr (little-endian 16-bit fields)', () => {
    const out = new Uint8Array(10);
    encodeVirtioNetHeader(
      {
        flags: VIRTIO_NET_HDR_F_NEEDS_CSUM,
        gsoType: VIRTIO_NET_HDR_GSO_TCPV4,
        hdrLen: 66,
        gsoSize: 1448,
        csumStart: 34,
        csumOffset: 16,
      },
      out,
    );
    expect([...out]).toEqual([1, 1, 66, 0, 0xa8, 0x05, 34, 0, 16, 0]);
  });

  it('round-trips any header at an offset', () => {
    const u16 = fc.integer({ min: 0, max: 0xffff });
    const u8 = fc.integer({ min: 0, max: 0xff });
    fc.assert(
      fc.property(
        fc.record({
          flags: u8,
          gsoType: u8,
          hdrLen: u16,
          gsoSize: u16,
          csumStart: u16,
          csumOffset: u16,
        }),
        (h) => {
          const buf = new Uint8Array(14);
          encodeVirtioNetHeader(h, buf, 4);
          expect(decodeVirtioNetHeader(buf, 4)).toEqual(h);
        },
      ),
    );
  });

  it('tells plain frames from offloaded ones and refuses short buffers', () => {
    expect(isPlain(NO_OFFLOAD)).toBe(true);
    expect(isPlain({ ...NO_OFFLOAD, flags: VIRTIO_NET_HDR_F_NEEDS_CSUM })).toBe(false);
    expect(() => decodeVirtioNetHeader(new Uint8Array(9))).toThrow(/need 10 bytes/);
  });
});
