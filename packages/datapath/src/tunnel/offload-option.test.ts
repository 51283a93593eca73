import { describe, expect, it } from 'vitest';
import {
  VIRTIO_NET_HDR_F_NEEDS_CSUM,
  VIRTIO_NET_HDR_GSO_TCPV4,
} from '../linux/virtio-net-header.js';
import {
  decodeGeneve,
  ETH_P_TEB,
  encodeGeneve,
  findOvnGeneveOption,
  ovnGeneveOption,
} from './geneve-codec.js';
import { findOffloadGeneveOption, offloadGeneveOption } from './offload-option.js';

describe('offload geneve option', () => {
  const tso = {
    flags: VIRTIO_NET_HDR_F_NEEDS_CSUM,
    gsoType: VIRTIO_NET_HDR_GSO_TCPV4,
    hdrLen: 66,
    gsoSize: 1448,
    csumStart: 34,
    csumOffset: 16,
  };

  it('lays out the virtio-net header fields in network order in an experimental, critical option', () => {
    const o = offloadGeneveOption(tso);
    expect(o.optClass).toBeGreaterThanOrEqual(0xff00); // RFC 8926 experimental range
    expect(o.type & 0x80).toBe(0x80);
    expect([...o.data]).toEqual([1, 1, 0, 66, 0x05, 0xa8, 0, 34, 0, 16, 0, 0]);
  });

  it('travels beside the OVN option and comes back unchanged', () => {
    const wire = encodeGeneve(
      {
        vni: 9,
        protocol: ETH_P_TEB,
        oam: false,
        options: [ovnGeneveOption(0x10002), offloadGeneveOption(tso)],
      },
      new Uint8Array(60),
    );
    const d = decodeGeneve(wire);
    expect(findOffloadGeneveOption(d.header.options)).toEqual(tso);
    expect(findOvnGeneveOption(d.header.options)).toBe(0x10002);
  });

  it('is absent from a plain OVN packet', () => {
    const d = decodeGeneve(
      encodeGeneve(
        { vni: 9, protocol: ETH_P_TEB, oam: false, options: [ovnGeneveOption(1)] },
        new Uint8Array(60),
      ),
    );
    expect(findOffloadGeneveOption(d.header.options)).toBeUndefined();
  });
});
