import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeGeneve,
  ETH_P_TEB,
  encodeGeneve,
  findOvnGeneveOption,
  GeneveError,
  type GeneveOption,
  ovnGeneveOption,
  writeGeneveHeader,
} from './geneve-codec.js';

const frame = Uint8Array.from([0x02, 0, 0, 0, 0, 2, 0x02, 0, 0, 0, 0, 1, 0x08, 0x00, 0x45]);

describe('geneve codec', () => {
  it('encodes VNI, protocol and OVN option byte for byte (RFC 8926 layout)', () => {
    // ingress port key 5, egress port key 7, as OVN packs them.
    const out = encodeGeneve(
      { vni: 0x123456, protocol: ETH_P_TEB, oam: false, options: [ovnGeneveOption((5 << 16) | 7)] },
      frame,
    );
    const expected = [
      0x02, // version 0, options length 2 words (4-byte option header + 4 bytes of data)
      0x40, // C: a critical option (type 0x80) is present
      0x65,
      0x58, // Transparent Ethernet Bridging
      0x12,
      0x34,
      0x56,
      0x00, // VNI, reserved
      0x01,
      0x02,
      0x80,
      0x01, // class 0x0102, type 0x80, length 1 word
      0x00,
      0x05,
      0x00,
      0x07, // ingress << 16 | egress
    ];
    expect([...out.subarray(0, 16)]).toEqual(expected);
    expect([...out.subarray(16)]).toEqual([...frame]);
  });

  it('encodes a header without options and with the OAM bit', () => {
    const out = encodeGeneve(
      { vni: 1, protocol: ETH_P_TEB, oam: true, options: [] },
      new Uint8Array(0),
    );
    expect([...out]).toEqual([0x00, 0x80, 0x65, 0x58, 0x00, 0x00, 0x01, 0x00]);
  });

  it('decodes what it encodes, options and payload included', () => {
    const option: GeneveOption = {
      optClass: 0xffff,
      type: 0x01,
      data: Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8]),
    };
    const d = decodeGeneve(
      encodeGeneve(
        {
          vni: 0xabcdef,
          protocol: ETH_P_TEB,
          oam: false,
          options: [ovnGeneveOption(0x7fff_ffff), option],
        },
        frame,
      ),
    );
    expect(d.header.vni).toBe(0xabcdef);
    expect(d.header.critical).toBe(true);
    expect(findOvnGeneveOption(d.header.options)).toBe(0x7fff_ffff);
    expect(d.header.options[1]!.optClass).toBe(0xffff);
    expect([...d.header.options[1]!.data]).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect([...d.payload]).toEqual([...frame]);
  });

  it('round-trips any VNI, option value and payload', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 0xffffff }),
        fc.integer({ min: 0, max: 0xffffffff }),
        fc.uint8Array({ maxLength: 200 }),
        (vni, opt, payload) => {
          const d = decodeGeneve(
            encodeGeneve(
              { vni, protocol: ETH_P_TEB, oam: false, options: [ovnGeneveOption(opt)] },
              payload,
            ),
          );
          expect(d.header.vni).toBe(vni);
          expect(findOvnGeneveOption(d.header.options)).toBe(opt);
          expect([...d.payload]).toEqual([...payload]);
        },
      ),
    );
  });

  it('writes into a larger buffer at an offset', () => {
    const out = new Uint8Array(40).fill(0xee);
    expect(
      writeGeneveHeader(out, 4, { vni: 7, protocol: ETH_P_TEB, oam: false, options: [] }),
    ).toBe(8);
    expect([...out.subarray(0, 13)]).toEqual([
      0xee, 0xee, 0xee, 0xee, 0, 0, 0x65, 0x58, 0, 0, 7, 0, 0xee,
    ]);
  });

  it('rejects a VNI over 24 bits, bad option lengths and malformed datagrams', () => {
    expect(() =>
      encodeGeneve({ vni: 0x1000000, protocol: ETH_P_TEB, oam: false, options: [] }, frame),
    ).toThrow(/24 bits/);
    expect(() =>
      encodeGeneve(
        {
          vni: 1,
          protocol: ETH_P_TEB,
          oam: false,
          options: [{ optClass: 1, type: 1, data: new Uint8Array(3) }],
        },
        frame,
      ),
    ).toThrow(GeneveError);
    expect(() => decodeGeneve(Uint8Array.from([0, 0, 0x65]))).toThrow(/shorter/);
    expect(() => decodeGeneve(Uint8Array.from([0x40, 0, 0x65, 0x58, 0, 0, 1, 0]))).toThrow(
      /version 1/,
    );
    // Options length says 1 word, but the datagram ends after the base header.
    expect(() => decodeGeneve(Uint8Array.from([0x01, 0, 0x65, 0x58, 0, 0, 1, 0]))).toThrow(
      /past the end/,
    );
    // An option whose own length (2 words) exceeds the options area (1 word).
    expect(() =>
      decodeGeneve(Uint8Array.from([0x01, 0, 0x65, 0x58, 0, 0, 1, 0, 0x01, 0x02, 0x80, 0x02])),
    ).toThrow(/option runs past/);
  });

  it('finds no OVN option when only others are present', () => {
    expect(
      findOvnGeneveOption([{ optClass: 0x0102, type: 0x81, data: new Uint8Array(4) }]),
    ).toBeUndefined();
  });
});
