import { type FieldRef, fieldByName } from '@ovn-ts/datapath';

/** Reads a field (or a bit range of one) from a packet-in's field snapshot. */
export function readPinField(fields: Uint32Array, r: FieldRef | string): bigint {
  const ref = typeof r === 'string' ? { field: r } : r;
  const f = fieldByName(ref.field);
  if (!f) throw new Error(`packet-in: unknown field ${ref.field}`);
  let v: bigint;
  if (f.nWords === 1) {
    const m = f.bits === 32 ? 0xffffffff : (1 << f.bits) - 1;
    v = BigInt(((fields[f.word]! >>> f.shift) & m) >>> 0);
  } else {
    v = 0n;
    for (let i = 0; i < f.nWords; i++) v = (v << 32n) | BigInt(fields[f.word + i]!);
    v &= (1n << BigInt(f.bits)) - 1n;
  }
  const ofs = ref.ofs ?? 0;
  const n = ref.nBits ?? f.bits - ofs;
  return (v >> BigInt(ofs)) & ((1n << BigInt(n)) - 1n);
}

/** Reads a value spread over several bit ranges, least significant first. */
export function readPinRefs(fields: Uint32Array, refs: readonly FieldRef[]): bigint {
  let v = 0n;
  let at = 0n;
  for (const r of refs) {
    const n = BigInt(r.nBits ?? fieldByName(r.field)!.bits);
    v |= readPinField(fields, r) << at;
    at += n;
  }
  return v;
}
