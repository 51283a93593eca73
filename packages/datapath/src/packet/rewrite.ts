import * as K from '../key-layout.js';
import { adjustPendingChecksum, checksumPending } from '../linux/frame-offload.js';
import { adjustChecksum, onesSum, read16, write16, write32 } from './checksum.js';
import { O_IP_END, O_L3, O_L4, O_ND_SLL, O_ND_TLL, O_VLAN } from './parse.js';

/**
 * Header rewrites on a parsed frame. Every writer keeps the checksums that cover the bytes it changes
 * correct by incremental update (RFC 1624): the IPv4 header checksum, and the TCP/UDP/ICMPv6
 * checksums through the pseudo-header. `proto` is the IP protocol of the packet.
 */

/** Checksum offset of the transport header, or -1; `udp` tells whether UDP's zero rule applies. */
function l4Csum(off: Int32Array, proto: number, pseudo: boolean): number {
  const l4 = off[O_L4]!;
  if (l4 < 0) return -1;
  if (proto === K.IPPROTO_TCP) return l4 + 16;
  if (proto === K.IPPROTO_UDP) return l4 + 6;
  if (proto === K.IPPROTO_ICMPV6) return l4 + 2;
  if (proto === K.IPPROTO_ICMP && !pseudo) return l4 + 2;
  return -1;
}

function fits(b: Uint8Array, csum: number): boolean {
  return csum >= 0 && csum + 2 <= b.length;
}

/**
 * L4 checksum after a pseudo-header (address) change. A frame received with its checksum still pending
 * (TSO/checksum offload, linux/frame-offload.ts) holds the pseudo-header sum in the field instead: it
 * moves the other way.
 */
function adjustL4ForAddress(
  b: Uint8Array,
  c: number,
  old: number,
  neu: number,
  proto: number,
): void {
  if (checksumPending(b, c)) adjustPendingChecksum(b, c, old, neu);
  else adjustChecksum(b, c, old, neu, proto === K.IPPROTO_UDP);
}

export function writeMac(b: Uint8Array, at: number, hi: number, lo: number): void {
  if (at < 0 || at + 6 > b.length) return;
  write16(b, at, hi);
  write32(b, at + 2, lo);
}

export function setEthDst(b: Uint8Array, hi: number, lo: number): void {
  writeMac(b, 0, hi, lo);
}

export function setEthSrc(b: Uint8Array, hi: number, lo: number): void {
  writeMac(b, 6, hi, lo);
}

/** Rewrites an existing VLAN tag's TCI (`tci` without the present bit). */
export function setVlanTci(b: Uint8Array, off: Int32Array, tci: number): void {
  const v = off[O_VLAN]!;
  if (v >= 0) write16(b, v, tci & 0xffff);
}

/** Returns a new frame with a VLAN tag inserted after the MAC addresses; shifts `off`. */
export function pushVlan(
  b: Uint8Array,
  off: Int32Array,
  tci: number,
  tpid = K.ETH_TYPE_VLAN,
): Uint8Array {
  if (b.length < 14) return b; // not an Ethernet frame: nothing to tag
  const out = new Uint8Array(b.length + 4);
  out.set(b.subarray(0, 12), 0);
  write16(out, 12, tpid);
  write16(out, 14, tci & 0xffff);
  out.set(b.subarray(12), 16);
  for (const i of [O_L3, O_L4, O_ND_SLL, O_ND_TLL]) if (off[i]! >= 0) off[i] = off[i]! + 4;
  off[O_IP_END] = off[O_IP_END]! + 4;
  off[O_VLAN] = 14;
  return out;
}

/** Returns a new frame without its (outer) VLAN tag; shifts `off`. */
export function popVlan(b: Uint8Array, off: Int32Array): Uint8Array {
  if (off[O_VLAN]! < 0 || b.length < 18) return b;
  const out = new Uint8Array(b.length - 4);
  out.set(b.subarray(0, 12), 0);
  out.set(b.subarray(16), 12);
  for (const i of [O_L3, O_L4, O_ND_SLL, O_ND_TLL]) if (off[i]! >= 0) off[i] = off[i]! - 4;
  off[O_IP_END] = off[O_IP_END]! - 4;
  off[O_VLAN] = -1;
  return out;
}

/** IPv4 source (which=12) or destination (which=16) address. */
export function setIp4Addr(
  b: Uint8Array,
  off: Int32Array,
  which: 12 | 16,
  addr: number,
  proto: number,
): void {
  const l3 = off[O_L3]!;
  const at = l3 + which;
  if (l3 < 0 || at + 4 > b.length) return;
  const old = onesSum(b, at, at + 4);
  write32(b, at, addr);
  const neu = onesSum(b, at, at + 4);
  adjustChecksum(b, l3 + 10, old, neu);
  const c = l4Csum(off, proto, true);
  if (proto !== K.IPPROTO_ICMP && fits(b, c)) adjustL4ForAddress(b, c, old, neu, proto);
}

/** IPv6 source (which=8) or destination (which=24) address, as four 32-bit words. */
export function setIp6Addr(
  b: Uint8Array,
  off: Int32Array,
  which: 8 | 24,
  w: ArrayLike<number>,
  proto: number,
): void {
  const l3 = off[O_L3]!;
  const at = l3 + which;
  if (l3 < 0 || at + 16 > b.length) return;
  const old = onesSum(b, at, at + 16);
  for (let i = 0; i < 4; i++) write32(b, at + 4 * i, w[i]!);
  const neu = onesSum(b, at, at + 16);
  const c = l4Csum(off, proto, true);
  if (fits(b, c)) adjustL4ForAddress(b, c, old, neu, proto);
}

export function setTos(b: Uint8Array, off: Int32Array, v6: boolean, tos: number): void {
  const l3 = off[O_L3]!;
  if (l3 < 0) return;
  if (v6) {
    const w = read16(b, l3);
    write16(b, l3, (w & 0xf00f) | ((tos & 0xff) << 4));
    return;
  }
  const old = onesSum(b, l3, l3 + 2);
  b[l3 + 1] = tos & 0xff;
  adjustChecksum(b, l3 + 10, old, onesSum(b, l3, l3 + 2));
}

export function setTtl(b: Uint8Array, off: Int32Array, v6: boolean, ttl: number): void {
  const l3 = off[O_L3]!;
  if (l3 < 0) return;
  if (v6) {
    b[l3 + 7] = ttl & 0xff;
    return;
  }
  const old = onesSum(b, l3 + 8, l3 + 10);
  b[l3 + 8] = ttl & 0xff;
  adjustChecksum(b, l3 + 10, old, onesSum(b, l3 + 8, l3 + 10));
}

/**
 * Transport source (which=0) or destination (which=2) port; for ICMP the type (which=0) or code
 * (which=2, stored at byte 1) as OVS maps them onto tp_src/tp_dst.
 */
export function setTpField(
  b: Uint8Array,
  off: Int32Array,
  which: 0 | 2,
  value: number,
  proto: number,
): void {
  const l4 = off[O_L4]!;
  if (l4 < 0) return;
  if (proto === K.IPPROTO_ICMP || proto === K.IPPROTO_ICMPV6) {
    if (l4 + 4 > b.length) return;
    const old = onesSum(b, l4, l4 + 2);
    b[l4 + (which === 0 ? 0 : 1)] = value & 0xff;
    adjustChecksum(b, l4 + 2, old, onesSum(b, l4, l4 + 2));
    return;
  }
  if (proto !== K.IPPROTO_TCP && proto !== K.IPPROTO_UDP) return; // SCTP ports are read-only here (CRC32c)
  const at = l4 + which;
  if (at + 2 > b.length) return;
  const old = read16(b, at);
  write16(b, at, value);
  const c = l4Csum(off, proto, true);
  // A pending (offloaded) checksum covers the ports when it is finished: nothing to adjust now.
  if (fits(b, c) && !checksumPending(b, c))
    adjustChecksum(b, c, old, value & 0xffff, proto === K.IPPROTO_UDP);
}

/** ARP fields: op (6), sha (8), spa (14), tha (18), tpa (24) — byte offsets inside the ARP header. */
export function setArp16(b: Uint8Array, off: Int32Array, at: number, v: number): void {
  const l3 = off[O_L3]!;
  if (l3 >= 0 && l3 + at + 2 <= b.length) write16(b, l3 + at, v);
}

export function setArp32(b: Uint8Array, off: Int32Array, at: number, v: number): void {
  const l3 = off[O_L3]!;
  if (l3 >= 0 && l3 + at + 4 <= b.length) write32(b, l3 + at, v);
}

export function setArpMac(
  b: Uint8Array,
  off: Int32Array,
  at: number,
  hi: number,
  lo: number,
): void {
  const l3 = off[O_L3]!;
  if (l3 >= 0) writeMac(b, l3 + at, hi, lo);
}

export function setNdTarget(b: Uint8Array, off: Int32Array, w: ArrayLike<number>): void {
  const l4 = off[O_L4]!;
  if (l4 < 0 || l4 + 24 > b.length) return;
  const at = l4 + 8;
  const old = onesSum(b, at, at + 16);
  for (let i = 0; i < 4; i++) write32(b, at + 4 * i, w[i]!);
  adjustChecksum(b, l4 + 2, old, onesSum(b, at, at + 16));
}

/** Rewrites the MAC of the ND SLL (which = O_ND_SLL) or TLL option, when the packet has one. */
export function setNdLla(
  b: Uint8Array,
  off: Int32Array,
  which: typeof O_ND_SLL | typeof O_ND_TLL,
  hi: number,
  lo: number,
): void {
  const at = off[which]!;
  const l4 = off[O_L4]!;
  if (at < 0 || l4 < 0 || at + 6 > b.length) return;
  const old = onesSum(b, at, at + 6);
  writeMac(b, at, hi, lo);
  adjustChecksum(b, l4 + 2, old, onesSum(b, at, at + 6));
}
