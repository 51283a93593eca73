/**
 * Internet checksums (RFC 1071) and their incremental update (RFC 1624, eqn. 3: HC' = ~(~HC + ~m + m')).
 * Sums are kept as 16-bit one's-complement values, folded.
 */

/** One's-complement sum of bytes [start, end) as 16-bit big-endian words, plus `initial`. Not inverted. */
export function onesSum(b: Uint8Array, start: number, end: number, initial = 0): number {
  let s = initial;
  let i = start;
  for (; i + 1 < end; i += 2) s += (b[i]! << 8) | b[i + 1]!;
  if (i < end) s += b[i]! << 8;
  while (s > 0xffff) s = (s & 0xffff) + (s >>> 16);
  return s;
}

export function fold(s: number): number {
  let x = s;
  while (x > 0xffff) x = (x & 0xffff) + (x >>> 16);
  return x;
}

/** The checksum field value for the data summed into `sum`. */
export function finish(sum: number): number {
  return ~fold(sum) & 0xffff;
}

/** Pseudo-header sum for IPv4 (RFC 793/768). */
export function pseudoSum4(src: number, dst: number, proto: number, len: number): number {
  return fold((src >>> 16) + (src & 0xffff) + (dst >>> 16) + (dst & 0xffff) + proto + len);
}

/** Pseudo-header sum for IPv6 (RFC 8200 §8.1); addresses as 16 bytes starting at `srcOff`/`dstOff` of `b`. */
export function pseudoSum6(
  b: Uint8Array,
  srcOff: number,
  dstOff: number,
  nextHeader: number,
  len: number,
): number {
  let s = onesSum(b, srcOff, srcOff + 16);
  s = onesSum(b, dstOff, dstOff + 16, s);
  return fold(s + (len >>> 16) + (len & 0xffff) + nextHeader);
}

/**
 * Adjusts the checksum stored at `csumOff` after data whose folded sum was `oldSum` became data whose
 * folded sum is `newSum`. `udp` keeps UDP's rule: 0 means "no checksum" and a computed 0 is sent as 0xffff.
 */
export function adjustChecksum(
  b: Uint8Array,
  csumOff: number,
  oldSum: number,
  newSum: number,
  udp = false,
): void {
  const hc = (b[csumOff]! << 8) | b[csumOff + 1]!;
  if (udp && hc === 0) return;
  const s = fold((~hc & 0xffff) + (~oldSum & 0xffff) + newSum);
  let r = ~s & 0xffff;
  if (udp && r === 0) r = 0xffff;
  b[csumOff] = r >>> 8;
  b[csumOff + 1] = r & 0xff;
}

export function write16(b: Uint8Array, off: number, v: number): void {
  b[off] = (v >>> 8) & 0xff;
  b[off + 1] = v & 0xff;
}

export function read16(b: Uint8Array, off: number): number {
  return (b[off]! << 8) | b[off + 1]!;
}

export function read32(b: Uint8Array, off: number): number {
  return ((b[off]! << 24) | (b[off + 1]! << 16) | (b[off + 2]! << 8) | b[off + 3]!) >>> 0;
}

export function write32(b: Uint8Array, off: number, v: number): void {
  b[off] = v >>> 24;
  b[off + 1] = (v >>> 16) & 0xff;
  b[off + 2] = (v >>> 8) & 0xff;
  b[off + 3] = v & 0xff;
}
