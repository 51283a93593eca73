import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  VIRTIO_NET_HDR_F_NEEDS_CSUM,
  VIRTIO_NET_HDR_GSO_TCPV4,
} from '../linux/virtio-net-header.js';
import { ETH_P_TEB, encodeGeneve, type GeneveOption, ovnGeneveOption } from './geneve-codec.js';
import { offloadGeneveOption } from './offload-option.js';
import { decapsulate, encapsulateInto, MAX_UDP_PAYLOAD } from './tunnel-encap.js';
import { encodeVxlan } from './vxlan-codec.js';

const out = new Uint8Array(MAX_UDP_PAYLOAD);
const tso = {
  flags: VIRTIO_NET_HDR_F_NEEDS_CSUM,
  gsoType: VIRTIO_NET_HDR_GSO_TCPV4,
  hdrLen: 66,
  gsoSize: 1448,
  csumStart: 34,
  csumOffset: 16,
};
const arbOffload = fc.record({
  flags: fc.constantFrom(0, 1, 2),
  gsoType: fc.constantFrom(0, 1, 4, 0x81),
  hdrLen: fc.integer({ min: 0, max: 0xffff }),
  gsoSize: fc.integer({ min: 0, max: 0xffff }),
  csumStart: fc.integer({ min: 0, max: 20 }),
  csumOffset: fc.constantFrom(6, 16),
});

describe('tunnel encapsulation', () => {
  it('writes exactly what the generic Geneve codec writes, for any VNI, option and offload state', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
        fc.option(fc.integer({ min: 0, max: 0xffffffff }), { nil: undefined }),
        fc.option(arbOffload, { nil: undefined }),
        fc.uint8Array({ minLength: 60, maxLength: 120 }),
        (tunId, geneveOption, offload, frame) => {
          const plain = offload === undefined || (offload.flags === 0 && offload.gsoType === 0);
          const options: GeneveOption[] = [];
          if (geneveOption !== undefined) options.push(ovnGeneveOption(geneveOption));
          if (!plain) options.push(offloadGeneveOption(offload));
          const expected = encodeGeneve(
            { vni: Number(tunId & 0xffffffn), protocol: ETH_P_TEB, oam: false, options },
            frame,
          );
          const r = encapsulateInto(
            out,
            frame,
            { tunId, ...(geneveOption === undefined ? {} : { geneveOption }) },
            offload,
            { kind: 'geneve', carryOffloads: true },
          );
          expect(r).toEqual({ ok: true, length: expected.length });
          expect([...out.subarray(0, expected.length)]).toEqual([...expected]);
        },
      ),
    );
  });

  it('writes a VXLAN header with the low 24 bits of tun_id', () => {
    const frame = new Uint8Array(60).fill(7);
    const r = encapsulateInto(out, frame, { tunId: 0x1_00abcdn }, undefined, {
      kind: 'vxlan',
      carryOffloads: false,
    });
    expect(r).toEqual({ ok: true, length: 68 });
    expect([...out.subarray(0, 68)]).toEqual([...encodeVxlan(0xabcd, frame)]);
  });

  it('decapsulates what it encapsulates, metadata and offload state included', () => {
    const frame = new Uint8Array(1000).fill(3);
    const r = encapsulateInto(out, frame, { tunId: 42n, geneveOption: 0x00030004 }, tso, {
      kind: 'geneve',
      carryOffloads: true,
    });
    if (!r.ok) throw new Error(r.reason);
    const d = decapsulate(out.subarray(0, r.length), 'geneve');
    expect(d.tunId).toBe(42);
    expect(d.geneveOption).toBe(0x00030004);
    expect(d.offload).toEqual(tso);
    expect(d.frame.length).toBe(1000);
  });

  it('refuses a TSO frame the peer cannot take, and one too big for a datagram', () => {
    expect(
      encapsulateInto(out, new Uint8Array(9000), { tunId: 1n }, tso, {
        kind: 'vxlan',
        carryOffloads: false,
      }),
    ).toEqual({ ok: false, reason: 'tso-needs-offload-option' });
    expect(
      encapsulateInto(out, new Uint8Array(65500), { tunId: 1n }, undefined, {
        kind: 'geneve',
        carryOffloads: true,
      }),
    ).toEqual({ ok: false, reason: 'too-big' });
  });

  it('rejects a datagram whose inner frame is shorter than an Ethernet header', () => {
    expect(() => decapsulate(encodeVxlan(1, new Uint8Array(10)), 'vxlan')).toThrow(
      /shorter than an Ethernet header/,
    );
    expect(() =>
      decapsulate(
        encodeGeneve({ vni: 1, protocol: 0x0800, oam: false, options: [] }, new Uint8Array(20)),
        'geneve',
      ),
    ).toThrow(/not Ethernet/);
  });
});
