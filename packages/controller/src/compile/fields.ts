import type { FieldRef } from '@ovn-ts/datapath';
import { type BaseSegment, ovnSymbolTable, resolveSubfield, type SymbolTable } from '@ovn-ts/expr';

/** Thrown inside the compiler for a logical flow it cannot translate; caught per flow. */
export class CompileProblem extends Error {}

/** The datapath field that stores a logical base field (reg14 stays reg14, eth.src is eth_src). */
export function datapathField(name: string, symtab: SymbolTable = ovnSymbolTable): string {
  const s = symtab.get(name);
  if (s?.kind === 'field' && s.ovsName) return s.ovsName;
  throw new CompileProblem(`field ${name} has no datapath field`);
}

/** A run of bits of a datapath field: bits [ofs, ofs+nBits) of `field`, at `at` in the logical value. */
export interface DpSegment {
  readonly ref: FieldRef & { readonly ofs: number; readonly nBits: number };
  readonly at: number;
}

function toDp(seg: BaseSegment): DpSegment {
  const field = seg.field.ovsName;
  if (!field) throw new CompileProblem(`field ${seg.field.name} has no datapath field`);
  return { ref: { field, ofs: seg.offset, nBits: seg.width }, at: seg.at };
}

/**
 * Where the bits of a logical (sub)field live in the datapath, least significant first. String
 * fields (inport, outport) are their whole base register. `nBits` 0 means the whole symbol.
 */
export function segmentsOf(
  name: string,
  ofs: number,
  nBits: number,
  symtab: SymbolTable = ovnSymbolTable,
): DpSegment[] {
  const s = symtab.get(name);
  if (s?.kind === 'string') {
    const base = symtab.get(s.field);
    if (base?.kind !== 'field') throw new CompileProblem(`string field ${name} has no storage`);
    return [toDp({ field: base, offset: 0, width: base.width, at: 0 })];
  }
  const r = resolveSubfield(symtab, name, ofs, nBits === 0 ? undefined : nBits);
  if (!r.ok) throw new CompileProblem(r.error.message);
  return r.value.map(toDp).sort((a, b) => a.at - b.at);
}

/**
 * Pairs the bits of two equally wide segment lists into runs that lie in one datapath field on
 * both sides (a move from xxreg0 to ip6.dst becomes four 32-bit moves).
 */
export function pairSegments(
  src: readonly DpSegment[],
  dst: readonly DpSegment[],
): [DpSegment['ref'], DpSegment['ref']][] {
  const out: [DpSegment['ref'], DpSegment['ref']][] = [];
  let i = 0;
  let j = 0;
  let pos = 0;
  const end = (s: DpSegment) => s.at + s.ref.nBits;
  while (i < src.length && j < dst.length) {
    const a = src[i]!;
    const b = dst[j]!;
    const stop = Math.min(end(a), end(b));
    const n = stop - pos;
    if (n > 0) {
      out.push([
        { field: a.ref.field, ofs: a.ref.ofs + (pos - a.at), nBits: n },
        { field: b.ref.field, ofs: b.ref.ofs + (pos - b.at), nBits: n },
      ]);
    }
    pos = stop;
    if (end(a) === stop) i++;
    if (end(b) === stop) j++;
  }
  return out;
}
