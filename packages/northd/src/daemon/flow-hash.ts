/**
 * A flow's identity in SB (content plus provenance: a flow that changes builder is rewritten) as
 * a 53-bit number, so that the SB mirror holds a number per flow instead of a long string. Two
 * independent 32-bit multiplicative hashes, combined to fill a double's integer range. A collision
 * inside one datapath (a few thousand flows) has a chance near 1e-9, and would only make northd
 * keep an old row in place of a new one until that datapath next changes.
 *
 * Every full recompute hashes every flow, so this is on the hot path: two UTF-16 code units are
 * folded per step, and the fields are fed without building an intermediate string.
 */
export function flowHash(
  stage: string,
  priority: number,
  match: string,
  actions: string,
  builder: string,
  nbUuid: string | undefined,
): number {
  let a = 0x811c9dc5;
  let b = 0x9747b28c;
  // A separator after each field, so that ("ab", "c") and ("a", "bc") differ; the field's length
  // goes into it too.
  const fields = [stage, match, actions, builder, nbUuid ?? ''];
  for (let f = 0; f < fields.length; f++) {
    const s = fields[f]!;
    const n = s.length;
    let i = 0;
    for (; i + 1 < n; i += 2) {
      const c = s.charCodeAt(i) | (s.charCodeAt(i + 1) << 16);
      a = Math.imul(a ^ c, 0x01000193);
      b = Math.imul(b ^ c, 0x5bd1e995);
      b ^= b >>> 15;
    }
    if (i < n) {
      const c = s.charCodeAt(i);
      a = Math.imul(a ^ c, 0x01000193);
      b = Math.imul(b ^ c, 0x5bd1e995);
      b ^= b >>> 15;
    }
    const sep = 0xffff0000 ^ n;
    a = Math.imul(a ^ sep, 0x01000193);
    b = Math.imul(b ^ sep, 0x5bd1e995);
    b ^= b >>> 15;
  }
  a = Math.imul(a ^ (priority + 0x10000), 0x01000193);
  b = Math.imul(b ^ (priority + 0x10000), 0x5bd1e995);
  b ^= b >>> 13;
  a ^= a >>> 16;
  return (a >>> 0) * 0x200000 + ((b >>> 0) >>> 11);
}
