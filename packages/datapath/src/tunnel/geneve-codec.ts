/**
 * Geneve (RFC 8926) header encoding and decoding: pure functions over bytes, no sockets.
 *
 *  0                   1                   2                   3
 * |Ver|  Opt Len  |O|C|    Rsvd.  |          Protocol Type        |
 * |        Virtual Network Identifier (VNI)       |    Reserved   |
 * |                    Variable-Length Options                    |
 *
 * Each option: class (16 bits), type (8; the top bit marks it critical), 3 reserved bits and a
 * 5-bit length in 4-byte words, then the data. Opt Len counts all options in 4-byte words.
 */

export const GENEVE_UDP_PORT = 6081;
export const GENEVE_BASE_LEN = 8;
/** Protocol type of an Ethernet payload ("Transparent Ethernet Bridging"). */
export const ETH_P_TEB = 0x6558;
/** Option length is 6 bits of 4-byte words. */
export const GENEVE_MAX_OPTIONS_LEN = 63 * 4;

/** OVN's option: class 0x0102, type 0x80 (critical), 4 bytes: ingress port key << 16 | egress port key. */
export const OVN_GENEVE_CLASS = 0x0102;
export const OVN_GENEVE_TYPE = 0x80;
export const OVN_GENEVE_LEN = 4;

export interface GeneveOption {
  readonly optClass: number;
  /** Includes the critical bit (0x80). */
  readonly type: number;
  /** Length a multiple of 4, at most 124 bytes. */
  readonly data: Uint8Array;
}

export interface GeneveHeader {
  readonly vni: number;
  readonly protocol: number;
  readonly oam: boolean;
  /** Set when any option is critical (the C bit); computed on encode. */
  readonly critical?: boolean;
  readonly options: readonly GeneveOption[];
}

export interface DecodedGeneve {
  readonly header: GeneveHeader;
  /** The encapsulated frame: a view into the datagram. */
  readonly payload: Uint8Array;
}

export class GeneveError extends Error {}

function optionsLength(options: readonly GeneveOption[]): number {
  let len = 0;
  for (const o of options) {
    if (o.data.length % 4 !== 0 || o.data.length > 124) {
      throw new GeneveError(
        `geneve option ${o.optClass.toString(16)}/${o.type.toString(16)}: data length ${o.data.length} is not a multiple of 4 up to 124`,
      );
    }
    len += 4 + o.data.length;
  }
  if (len > GENEVE_MAX_OPTIONS_LEN)
    throw new GeneveError(`geneve: options take ${len} bytes, more than ${GENEVE_MAX_OPTIONS_LEN}`);
  return len;
}

/** Bytes the header with these options occupies. */
export function geneveHeaderLength(options: readonly GeneveOption[]): number {
  return GENEVE_BASE_LEN + optionsLength(options);
}

/** Write the Geneve header at `out[offset]`; returns its length. */
export function writeGeneveHeader(out: Uint8Array, offset: number, header: GeneveHeader): number {
  if (!Number.isInteger(header.vni) || header.vni < 0 || header.vni > 0xffffff) {
    throw new GeneveError(`geneve: VNI ${header.vni} does not fit in 24 bits`);
  }
  const optLen = optionsLength(header.options);
  if (out.length - offset < GENEVE_BASE_LEN + optLen)
    throw new GeneveError('geneve: output buffer too small for the header');
  const critical = header.options.some((o) => (o.type & 0x80) !== 0);
  out[offset] = optLen / 4; // version 0
  out[offset + 1] = (header.oam ? 0x80 : 0) | (critical ? 0x40 : 0);
  out[offset + 2] = header.protocol >> 8;
  out[offset + 3] = header.protocol & 0xff;
  out[offset + 4] = header.vni >> 16;
  out[offset + 5] = (header.vni >> 8) & 0xff;
  out[offset + 6] = header.vni & 0xff;
  out[offset + 7] = 0;
  let p = offset + GENEVE_BASE_LEN;
  for (const o of header.options) {
    out[p] = o.optClass >> 8;
    out[p + 1] = o.optClass & 0xff;
    out[p + 2] = o.type;
    out[p + 3] = o.data.length / 4;
    out.set(o.data, p + 4);
    p += 4 + o.data.length;
  }
  return p - offset;
}

/** A complete Geneve payload (header + frame) for a UDP datagram. */
export function encodeGeneve(header: GeneveHeader, frame: Uint8Array): Uint8Array {
  const hl = geneveHeaderLength(header.options);
  const out = new Uint8Array(hl + frame.length);
  writeGeneveHeader(out, 0, header);
  out.set(frame, hl);
  return out;
}

/** Parse a UDP payload as Geneve. Options' data are views into `datagram`. */
export function decodeGeneve(datagram: Uint8Array): DecodedGeneve {
  if (datagram.length < GENEVE_BASE_LEN)
    throw new GeneveError(
      `geneve: datagram of ${datagram.length} bytes is shorter than the header`,
    );
  const version = datagram[0]! >> 6;
  if (version !== 0) throw new GeneveError(`geneve: unsupported version ${version}`);
  const optLen = (datagram[0]! & 0x3f) * 4;
  const end = GENEVE_BASE_LEN + optLen;
  if (datagram.length < end)
    throw new GeneveError(
      `geneve: options run past the end of the datagram (${end} > ${datagram.length})`,
    );
  const options: GeneveOption[] = [];
  let p = GENEVE_BASE_LEN;
  while (p < end) {
    if (end - p < 4) throw new GeneveError('geneve: truncated option header');
    const len = (datagram[p + 3]! & 0x1f) * 4;
    if (p + 4 + len > end) throw new GeneveError('geneve: option runs past the options area');
    options.push({
      optClass: (datagram[p]! << 8) | datagram[p + 1]!,
      type: datagram[p + 2]!,
      data: datagram.subarray(p + 4, p + 4 + len),
    });
    p += 4 + len;
  }
  return {
    header: {
      vni: (datagram[4]! << 16) | (datagram[5]! << 8) | datagram[6]!,
      protocol: (datagram[2]! << 8) | datagram[3]!,
      oam: (datagram[1]! & 0x80) !== 0,
      critical: (datagram[1]! & 0x40) !== 0,
      options,
    },
    payload: datagram.subarray(end),
  };
}

/** OVN's Geneve option carrying ingress << 16 | egress logical port keys. */
export function ovnGeneveOption(value: number): GeneveOption {
  const data = new Uint8Array(4);
  new DataView(data.buffer).setUint32(0, value >>> 0);
  return { optClass: OVN_GENEVE_CLASS, type: OVN_GENEVE_TYPE, data };
}

/** The value of OVN's option among `options`, if present. */
export function findOvnGeneveOption(options: readonly GeneveOption[]): number | undefined {
  for (const o of options) {
    if (
      o.optClass === OVN_GENEVE_CLASS &&
      o.type === OVN_GENEVE_TYPE &&
      o.data.length === OVN_GENEVE_LEN
    ) {
      return ((o.data[0]! << 24) | (o.data[1]! << 16) | (o.data[2]! << 8) | o.data[3]!) >>> 0;
    }
  }
  return undefined;
}
