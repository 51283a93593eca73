// Sets of masked values of one field: "the field matches any of these value/mask pairs".
// Normalization ANDs them (intersection) and ORs them (union); a canonical set has no duplicates,
// no entry covered by another, and is sorted by value then mask. On ordinal fields, entries that
// differ in exactly one masked bit merge into one with that bit wildcarded (10.0.0.0 and 10.0.0.1
// become 10.0.0.0/31), which is what keeps compiled ranges and address sets small.
//
// `null` stands for the universal set (the field is unconstrained).

export interface MaskedValue {
  readonly value: bigint;
  readonly mask: bigint;
}

export type ValueSet = readonly MaskedValue[];

const bitCache = new Map<bigint, bigint[]>();

/** The single-bit masks of `m`, least significant first (cached: masks repeat a lot). */
function bitsOf(m: bigint): bigint[] {
  let bits = bitCache.get(m);
  if (bits) return bits;
  bits = [];
  for (let r = m; r !== 0n; r &= r - 1n) bits.push(r & -r);
  if (bitCache.size > 4096) bitCache.clear();
  bitCache.set(m, bits);
  return bits;
}

function popcount(m: bigint): number {
  return bitsOf(m).length;
}

type Groups = Map<bigint, Set<bigint>>;

function addTo(groups: Groups, mask: bigint, value: bigint): void {
  let g = groups.get(mask);
  if (!g) {
    g = new Set();
    groups.set(mask, g);
  }
  g.add(value);
}

/** Merges sibling entries; returns false if the set became universal. */
function mergeSiblings(groups: Groups): boolean {
  for (let changed = true; changed; ) {
    changed = false;
    for (const [m, g] of [...groups]) {
      if (g.size < 2) continue;
      const bits = bitsOf(m);
      for (const v of [...g]) {
        if (!g.has(v)) continue;
        for (const b of bits) {
          const partner = v ^ b;
          if (!g.has(partner)) continue;
          g.delete(v);
          g.delete(partner);
          const m2 = m & ~b;
          if (m2 === 0n) return false;
          addTo(groups, m2, v & ~b);
          changed = true;
          break;
        }
      }
    }
  }
  return true;
}

/** Drops entries covered by a more general entry. */
function removeSubsumed(groups: Groups): void {
  const masks = [...groups.keys()].filter((m) => groups.get(m)!.size > 0);
  masks.sort((a, b) => popcount(a) - popcount(b));
  for (let i = 0; i < masks.length; i++) {
    const general = masks[i]!;
    const gg = groups.get(general)!;
    if (gg.size === 0) continue;
    for (let j = i + 1; j < masks.length; j++) {
      const specific = masks[j]!;
      if ((general & specific) !== general || general === specific) continue;
      const gs = groups.get(specific)!;
      for (const v of [...gs]) if (gg.has(v & general)) gs.delete(v);
    }
  }
}

function compareEntries(a: MaskedValue, b: MaskedValue): number {
  if (a.value !== b.value) return a.value < b.value ? -1 : 1;
  if (a.mask !== b.mask) return a.mask > b.mask ? -1 : 1;
  return 0;
}

/** Canonical form of a list of entries (values must already be within their masks). */
export function reduceSet(values: Iterable<MaskedValue>, ordinal: boolean): ValueSet | null {
  const groups: Groups = new Map();
  for (const v of values) {
    if (v.mask === 0n) return null;
    addTo(groups, v.mask, v.value & v.mask);
  }
  if (ordinal && !mergeSiblings(groups)) return null;
  removeSubsumed(groups);
  const out: MaskedValue[] = [];
  for (const [mask, g] of groups) for (const value of g) out.push({ value, mask });
  out.sort(compareEntries);
  return out;
}

function group(set: ValueSet): Groups {
  const groups: Groups = new Map();
  for (const e of set) addTo(groups, e.mask, e.value);
  return groups;
}

/** Entries matching both sets; [] if none. */
export function intersectSets(
  a: ValueSet | null,
  b: ValueSet | null,
  ordinal: boolean,
): ValueSet | null {
  if (a === null) return b;
  if (b === null) return a;
  if (a.length === 1 && b.length === 1) {
    const x = a[0]!;
    const y = b[0]!;
    if (((x.value ^ y.value) & x.mask & y.mask) !== 0n) return [];
    return [{ value: x.value | y.value, mask: x.mask | y.mask }];
  }
  const ga = group(a);
  const gb = group(b);
  const out: MaskedValue[] = [];
  for (const [ma, va] of ga) {
    for (const [mb, vb] of gb) {
      const common = ma & mb;
      if (common === mb) {
        // Every entry of `b` with mask mb is at least as general: look each `a` entry up.
        for (const v of va) if (vb.has(v & mb)) out.push({ value: v, mask: ma });
      } else if (common === ma) {
        for (const v of vb) if (va.has(v & ma)) out.push({ value: v, mask: mb });
      } else {
        for (const x of va) {
          for (const y of vb) {
            if (((x ^ y) & common) === 0n) out.push({ value: x | y, mask: ma | mb });
          }
        }
      }
    }
  }
  return reduceSet(out, ordinal);
}

/** Whether every value matched by `a` is matched by `b` (entry-wise; sound, not complete). */
export function setImplies(a: ValueSet | null, b: ValueSet | null): boolean {
  if (b === null) return true;
  if (a === null) return false;
  const gb = group(b);
  return a.every((x) => {
    for (const [mb, vb] of gb) {
      if ((mb & x.mask) === mb && vb.has(x.value & mb)) return true;
    }
    return false;
  });
}

const keyCache = new WeakMap<ValueSet, string>();

/** A string identifying the set (sets are canonical, so equal sets have equal keys). */
export function setKey(set: ValueSet): string {
  let k = keyCache.get(set);
  if (k === undefined) {
    k = set.map((e) => `${e.value.toString(16)}/${e.mask.toString(16)}`).join(',');
    keyCache.set(set, k);
  }
  return k;
}
