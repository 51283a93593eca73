import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeGeneve, type GeneveOption, ovnGeneveOption } from './geneve-codec.js';
import { offloadGeneveOption } from './offload-option.js';
import { decapScratch, decapsulate, decapsulateAt } from './tunnel-encap.js';
import { encodeVxlan } from './vxlan-codec.js';

const arbOffload = fc.record({
  flags: fc.constantFrom(0, 1, 2),
  gsoType: fc.constantFrom(0, 1, 4),
  hdrLen: fc.integer({ min: 0, max: 0xffff }),
  gsoSize: fc.integer({ min: 0, max: 0xffff }),
  csumStart: fc.integer({ min: 0, max: 0xffff }),
  csumOffset: fc.integer({ min: 0, max: 0xffff }),
});
const arbOption: fc.Arbitrary<GeneveOption> = fc.oneof(
  fc.integer({ min: 0, max: 0xffffffff }).map(ovnGeneveOption),
  arbOffload.map(offloadGeneveOption),
  fc.record({
    optClass: fc.integer({ min: 0, max: 0xffff }),
    type: fc.integer({ min: 0, max: 0xff }),
    data: fc
      .integer({ min: 0, max: 8 })
      .chain((w) => fc.uint8Array({ minLength: 4 * w, maxLength: 4 * w })),
  }),
);

/** Well-formed Geneve datagrams (any options, in any order), and bytes that may be anything. */
const arbDatagram = fc.oneof(
  fc
    .record({
      vni: fc.integer({ min: 0, max: 0xffffff }),
      protocol: fc.constantFrom(0x6558, 0x0800),
      options: fc.array(arbOption, { maxLength: 4 }),
      frame: fc.uint8Array({ minLength: 0, maxLength: 80 }),
    })
    .filter((g) => g.options.reduce((n, o) => n + 4 + o.data.length, 0) <= 252)
    .map((g) =>
      encodeGeneve({ vni: g.vni, protocol: g.protocol, oam: false, options: g.options }, g.frame),
    ),
  fc.uint8Array({ minLength: 0, maxLength: 120 }),
);

function outcome(run: () => unknown): unknown {
  try {
    return { ok: run() };
  } catch (err) {
    return { error: (err as Error).message };
  }
}

describe('decapsulateAt (the receive loop form)', () => {
  it('finds what decapsulate finds, and throws what it throws, at any offset in a larger buffer', () => {
    fc.assert(
      fc.property(arbDatagram, fc.nat(40), (datagram, at) => {
        const buf = new Uint8Array(at + datagram.length + 7).fill(0xee);
        buf.set(datagram, at);
        const expected = outcome(() => {
          const d = decapsulate(datagram, 'geneve');
          return {
            frame: [...d.frame],
            tunId: d.tunId,
            geneveOption: d.geneveOption,
            offload: d.offload,
          };
        });
        const got = outcome(() => {
          const d = decapScratch();
          decapsulateAt(buf, at, datagram.length, 'geneve', d);
          const frame = [...buf.subarray(d.frameStart, d.frameStart + d.frameLength)];
          return { frame, tunId: d.tunId, geneveOption: d.geneveOption, offload: d.offload };
        });
        expect(got).toEqual(expected);
      }),
    );
  });

  it('reads VXLAN through the generic decoder, with the frame placed in the caller buffer', () => {
    const frame = Uint8Array.from({ length: 60 }, (_, i) => i);
    const datagram = encodeVxlan(0x123456, frame);
    const buf = new Uint8Array(100);
    buf.set(datagram, 10);
    const d = decapScratch();
    decapsulateAt(buf, 10, datagram.length, 'vxlan', d);
    expect(d.tunId).toBe(0x123456);
    expect([...buf.subarray(d.frameStart, d.frameStart + d.frameLength)]).toEqual([...frame]);
    expect(d.offload).toBeUndefined();
  });
});
