/**
 * Encapsulation and decapsulation of one frame for a tunnel port, shared by the socket shells: the
 * Geneve or VXLAN header from the engine's TunnelMetadata (and the frame's offload state), and back.
 * Pure: bytes in, bytes out. The Geneve writer here is a specialised, allocation-free form of
 * geneve-codec's generic one (the tests check they agree byte for byte).
 */
import {
  isPlain,
  VIRTIO_NET_HDR_F_NEEDS_CSUM,
  VIRTIO_NET_HDR_GSO_NONE,
  type VirtioNetHeader,
} from '../linux/virtio-net-header.js';
import type { TunnelMetadata } from '../port.js';
import { completeChecksum } from './checksum-completion.js';
import {
  decodeGeneve,
  ETH_P_TEB,
  findOvnGeneveOption,
  GENEVE_BASE_LEN,
  GeneveError,
  OVN_GENEVE_CLASS,
  OVN_GENEVE_LEN,
  OVN_GENEVE_TYPE,
} from './geneve-codec.js';
import {
  findOffloadGeneveOption,
  OFFLOAD_GENEVE_CLASS,
  OFFLOAD_GENEVE_TYPE,
  OFFLOAD_OPTION_LEN,
} from './offload-option.js';
import { decodeVxlan, VXLAN_HEADER_LEN, writeVxlanHeader } from './vxlan-codec.js';

export type Encapsulation = 'geneve' | 'vxlan';

/** Largest UDP payload over IPv4. */
export const MAX_UDP_PAYLOAD = 65507;

export interface EncapConfig {
  readonly kind: Encapsulation;
  /** Geneve only: carry offload state in our option (the peer is ovn-ts). */
  readonly carryOffloads: boolean;
}

export type EncapResult =
  | { readonly ok: true; readonly length: number }
  | { readonly ok: false; readonly reason: 'too-big' | 'tso-needs-offload-option' };

export type HeaderResult =
  | {
      readonly ok: true;
      readonly headerLength: number;
      /** The frame's checksum is pending and the peer cannot take that: finish it on a copy. */
      readonly completeChecksum: boolean;
    }
  | { readonly ok: false; readonly reason: 'too-big' | 'tso-needs-offload-option' };

// The VNI of the last tun_id seen: BigInt arithmetic allocates, and a stream repeats its tun_id.
let lastTunId = 0n;
let lastVni = 0;

/**
 * Write the tunnel header alone into `out` at `at` for a frame of `frameLength` bytes (the shell sends
 * the frame from where it lies, or copies it after the header). The VNI is the low 24 bits of tunId.
 */
export function writeTunnelHeader(
  out: Uint8Array,
  frameLength: number,
  meta: TunnelMetadata | undefined,
  offload: VirtioNetHeader | undefined,
  config: EncapConfig,
  at = 0,
): HeaderResult {
  const tunId = meta?.tunId ?? 0n;
  if (tunId !== lastTunId) {
    lastTunId = tunId;
    lastVni = Number(tunId & 0xffffffn);
  }
  const vni = lastVni;
  const off = offload && !isPlain(offload) ? offload : undefined;
  let hl: number;
  if (config.kind === 'geneve') {
    const ovn = meta?.geneveOption;
    const carry = off !== undefined && config.carryOffloads;
    hl = 8 + (ovn === undefined ? 0 : 8) + (carry ? 16 : 0);
    if (hl + frameLength > MAX_UDP_PAYLOAD) return { ok: false, reason: 'too-big' };
    if (at + hl > out.length)
      throw new Error(`tunnel header: ${hl} bytes do not fit a ${out.length}-byte buffer at ${at}`);
    out[at + 0] = (hl - 8) / 4;
    // Both options we write are critical (type bit 0x80): the C bit says so.
    out[at + 1] = ovn !== undefined || carry ? 0x40 : 0;
    out[at + 2] = ETH_P_TEB >> 8;
    out[at + 3] = ETH_P_TEB & 0xff;
    out[at + 4] = vni >> 16;
    out[at + 5] = (vni >> 8) & 0xff;
    out[at + 6] = vni & 0xff;
    out[at + 7] = 0;
    let p = at + 8;
    if (ovn !== undefined) {
      out[p] = OVN_GENEVE_CLASS >> 8;
      out[p + 1] = OVN_GENEVE_CLASS & 0xff;
      out[p + 2] = OVN_GENEVE_TYPE;
      out[p + 3] = 1;
      out[p + 4] = ovn >>> 24;
      out[p + 5] = (ovn >>> 16) & 0xff;
      out[p + 6] = (ovn >>> 8) & 0xff;
      out[p + 7] = ovn & 0xff;
      p += 8;
    }
    if (carry) {
      out[p] = OFFLOAD_GENEVE_CLASS >> 8;
      out[p + 1] = OFFLOAD_GENEVE_CLASS & 0xff;
      out[p + 2] = OFFLOAD_GENEVE_TYPE;
      out[p + 3] = 3;
      out[p + 4] = off.flags;
      out[p + 5] = off.gsoType;
      out[p + 6] = off.hdrLen >> 8;
      out[p + 7] = off.hdrLen & 0xff;
      out[p + 8] = off.gsoSize >> 8;
      out[p + 9] = off.gsoSize & 0xff;
      out[p + 10] = off.csumStart >> 8;
      out[p + 11] = off.csumStart & 0xff;
      out[p + 12] = off.csumOffset >> 8;
      out[p + 13] = off.csumOffset & 0xff;
      out[p + 14] = 0;
      out[p + 15] = 0;
      p += 16;
    }
  } else {
    hl = VXLAN_HEADER_LEN;
    if (hl + frameLength > MAX_UDP_PAYLOAD) return { ok: false, reason: 'too-big' };
    writeVxlanHeader(out, at, vni);
  }
  let complete = false;
  if (off && !(config.kind === 'geneve' && config.carryOffloads)) {
    // The peer cannot take pending state: a TSO frame would exceed its wire; a pending checksum is finished here.
    if (off.gsoType !== VIRTIO_NET_HDR_GSO_NONE)
      return { ok: false, reason: 'tso-needs-offload-option' };
    complete = (off.flags & VIRTIO_NET_HDR_F_NEEDS_CSUM) !== 0;
  }
  return { ok: true, headerLength: hl, completeChecksum: complete };
}

/**
 * Write the tunnel header and the frame into `out` at `at` (which must hold header + frame), finishing
 * a pending checksum on the copy when the peer cannot carry it.
 */
export function encapsulateInto(
  out: Uint8Array,
  frame: Uint8Array,
  meta: TunnelMetadata | undefined,
  offload: VirtioNetHeader | undefined,
  config: EncapConfig,
  at = 0,
): EncapResult {
  if (at > out.length) return { ok: false, reason: 'too-big' };
  const h = writeTunnelHeader(out, frame.length, meta, offload, config, at);
  if (!h.ok) return h;
  const hl = h.headerLength;
  if (at + hl + frame.length > out.length) return { ok: false, reason: 'too-big' };
  out.set(frame, at + hl);
  if (h.completeChecksum)
    completeChecksum(
      out.subarray(at + hl, at + hl + frame.length),
      offload!.csumStart,
      offload!.csumOffset,
    );
  return { ok: true, length: hl + frame.length };
}

export interface Decapsulated {
  /** The inner frame, a view into the datagram. */
  readonly frame: Uint8Array;
  readonly tunId: number;
  readonly geneveOption: number | undefined;
  readonly offload: VirtioNetHeader | undefined;
}

/** Parse one tunnel datagram; throws (GeneveError/VxlanError/Error) on anything malformed. */
export function decapsulate(datagram: Uint8Array, kind: Encapsulation): Decapsulated {
  let d: Decapsulated;
  if (kind === 'geneve') {
    const g = decodeGeneve(datagram);
    if (g.header.protocol !== ETH_P_TEB)
      throw new Error(`geneve: protocol 0x${g.header.protocol.toString(16)} is not Ethernet`);
    const options = g.header.options;
    d = {
      frame: g.payload,
      tunId: g.header.vni,
      geneveOption: options.length === 0 ? undefined : findOvnGeneveOption(options),
      offload: options.length === 0 ? undefined : findOffloadGeneveOption(options),
    };
  } else {
    const v = decodeVxlan(datagram);
    d = { frame: v.payload, tunId: v.vni, geneveOption: undefined, offload: undefined };
  }
  if (d.frame.length < 14)
    throw new Error(
      `${kind}: inner frame of ${d.frame.length} bytes is shorter than an Ethernet header`,
    );
  return d;
}

/** What decapsulateAt found; the caller keeps one and passes it every time (no allocation per datagram). */
export interface DecapScratch {
  /** The inner frame: offset in the buffer passed in, and length. */
  frameStart: number;
  frameLength: number;
  tunId: number;
  geneveOption: number | undefined;
  /** A fresh object when the datagram carries offload state (it may be kept), else undefined. */
  offload: VirtioNetHeader | undefined;
}

export function decapScratch(): DecapScratch {
  return { frameStart: 0, frameLength: 0, tunId: 0, geneveOption: undefined, offload: undefined };
}

/**
 * decapsulate() for the receive loop: the datagram is `length` bytes at `start` of `buf`, the result goes
 * into `out`. Same checks, errors and results as decapsulate (a property test holds them together), but
 * Geneve options are read in place instead of being collected into objects.
 */
export function decapsulateAt(
  buf: Uint8Array,
  start: number,
  length: number,
  kind: Encapsulation,
  out: DecapScratch,
): void {
  if (kind !== 'geneve') {
    const d = decapsulate(buf.subarray(start, start + length), kind);
    out.frameStart = d.frame.byteOffset - buf.byteOffset;
    out.frameLength = d.frame.length;
    out.tunId = d.tunId;
    out.geneveOption = d.geneveOption;
    out.offload = d.offload;
    return;
  }
  if (length < GENEVE_BASE_LEN)
    throw new GeneveError(`geneve: datagram of ${length} bytes is shorter than the header`);
  const b0 = buf[start]!;
  const version = b0 >> 6;
  if (version !== 0) throw new GeneveError(`geneve: unsupported version ${version}`);
  const end = GENEVE_BASE_LEN + (b0 & 0x3f) * 4;
  if (length < end)
    throw new GeneveError(`geneve: options run past the end of the datagram (${end} > ${length})`);
  let ovn: number | undefined;
  let offload: VirtioNetHeader | undefined;
  let p = GENEVE_BASE_LEN;
  while (p < end) {
    if (end - p < 4) throw new GeneveError('geneve: truncated option header');
    const at = start + p;
    const len = (buf[at + 3]! & 0x1f) * 4;
    if (p + 4 + len > end) throw new GeneveError('geneve: option runs past the options area');
    const optClass = (buf[at]! << 8) | buf[at + 1]!;
    const type = buf[at + 2]!;
    const d = at + 4;
    if (
      ovn === undefined &&
      optClass === OVN_GENEVE_CLASS &&
      type === OVN_GENEVE_TYPE &&
      len === OVN_GENEVE_LEN
    ) {
      ovn = ((buf[d]! << 24) | (buf[d + 1]! << 16) | (buf[d + 2]! << 8) | buf[d + 3]!) >>> 0;
    } else if (
      offload === undefined &&
      optClass === OFFLOAD_GENEVE_CLASS &&
      type === OFFLOAD_GENEVE_TYPE &&
      len === OFFLOAD_OPTION_LEN
    ) {
      offload = {
        flags: buf[d]!,
        gsoType: buf[d + 1]!,
        hdrLen: (buf[d + 2]! << 8) | buf[d + 3]!,
        gsoSize: (buf[d + 4]! << 8) | buf[d + 5]!,
        csumStart: (buf[d + 6]! << 8) | buf[d + 7]!,
        csumOffset: (buf[d + 8]! << 8) | buf[d + 9]!,
      };
    }
    p += 4 + len;
  }
  const protocol = (buf[start + 2]! << 8) | buf[start + 3]!;
  if (protocol !== ETH_P_TEB)
    throw new Error(`geneve: protocol 0x${protocol.toString(16)} is not Ethernet`);
  const frameLength = length - end;
  if (frameLength < 14)
    throw new Error(
      `geneve: inner frame of ${frameLength} bytes is shorter than an Ethernet header`,
    );
  out.frameStart = start + end;
  out.frameLength = frameLength;
  out.tunId = (buf[start + 4]! << 16) | (buf[start + 5]! << 8) | buf[start + 6]!;
  out.geneveOption = ovn;
  out.offload = offload;
}
