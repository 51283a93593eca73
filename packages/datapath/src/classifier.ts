import type { Flow } from './flow.js';
import * as K from './key-layout.js';

/**
 * Tuple space search: one hash table per distinct mask. Subtables are kept ordered by the highest
 * priority they hold, so a lookup stops as soon as no remaining subtable can beat the best match.
 * Within a bucket, flows with the same masked value are kept in descending priority.
 */
class Subtable {
  readonly idx: Int32Array;
  readonly maskWords: Uint32Array;
  readonly map = new Map<number, Flow[]>();
  maxPriority = -1;
  count = 0;

  constructor(readonly mask: Uint32Array) {
    const idx: number[] = [];
    for (let i = 0; i < mask.length; i++) if (mask[i] !== 0) idx.push(i);
    this.idx = Int32Array.from(idx);
    this.maskWords = Uint32Array.from(idx.map((i) => mask[i]!));
  }

  hashKey(key: Uint32Array): number {
    const idx = this.idx;
    const mw = this.maskWords;
    let h = 0x811c9dc5;
    for (let i = 0; i < idx.length; i++) {
      h = Math.imul(h ^ (key[idx[i]!]! & mw[i]!), 0x01000193);
      h ^= h >>> 13;
    }
    // Keep it a small integer (Smi) so Map lookups neither allocate nor hash a heap number.
    return h & 0x3fffffff;
  }

  /** value words are already masked, so they hash like a masked key. */
  hashValue(value: Uint32Array): number {
    return this.hashKey(value);
  }

  same(flow: Flow, key: Uint32Array): boolean {
    const idx = this.idx;
    const mw = this.maskWords;
    const v = flow.match.value;
    for (let i = 0; i < idx.length; i++) {
      const w = idx[i]!;
      if ((key[w]! & mw[i]!) >>> 0 !== v[w]) return false;
    }
    return true;
  }

  unwildcard(wc: Uint32Array): void {
    const idx = this.idx;
    const mw = this.maskWords;
    for (let i = 0; i < idx.length; i++) wc[idx[i]!] = (wc[idx[i]!]! | mw[i]!) >>> 0;
  }

  recomputeMax(): void {
    let m = -1;
    for (const b of this.map.values()) if (b[0]!.priority > m) m = b[0]!.priority;
    this.maxPriority = m;
  }
}

/** Identity of a mask, memoised per mask array (a flow's mask is asked for on insert and on delete). */
const maskIds = new WeakMap<Uint32Array, string>();
function maskId(mask: Uint32Array): string {
  const known = maskIds.get(mask);
  if (known !== undefined) return known;
  const id = computeMaskId(mask);
  maskIds.set(mask, id);
  return id;
}

function computeMaskId(mask: Uint32Array): string {
  let s = '';
  for (let i = 0; i < mask.length; i++) if (mask[i] !== 0) s += `${i}:${mask[i]},`;
  return s;
}

export class Classifier {
  private subtables: Subtable[] = [];
  private readonly byMask = new Map<string, Subtable>();
  private orderDirty = false;
  size = 0;

  /** Inserts `flow`; returns the flow it replaced (same priority and match), if any. */
  insert(flow: Flow): Flow | undefined {
    const id = maskId(flow.match.mask);
    let st = this.byMask.get(id);
    if (!st) {
      st = new Subtable(flow.match.mask);
      this.byMask.set(id, st);
      this.subtables.push(st);
    }
    const h = st.hashValue(flow.match.value);
    let bucket = st.map.get(h);
    if (!bucket) {
      bucket = [];
      st.map.set(h, bucket);
    }
    for (let i = 0; i < bucket.length; i++) {
      const f = bucket[i]!;
      if (f.priority === flow.priority && st.same(f, flow.match.value)) {
        bucket[i] = flow;
        return f;
      }
    }
    let pos = bucket.length;
    while (pos > 0 && bucket[pos - 1]!.priority < flow.priority) pos--;
    bucket.splice(pos, 0, flow);
    st.count++;
    this.size++;
    if (flow.priority > st.maxPriority) {
      st.maxPriority = flow.priority;
      this.orderDirty = true;
    }
    return undefined;
  }

  remove(flow: Flow): boolean {
    const st = this.byMask.get(maskId(flow.match.mask));
    if (!st) return false;
    const h = st.hashValue(flow.match.value);
    const bucket = st.map.get(h);
    const i = bucket ? bucket.indexOf(flow) : -1;
    if (!bucket || i < 0) return false;
    bucket.splice(i, 1);
    if (bucket.length === 0) st.map.delete(h);
    st.count--;
    this.size--;
    if (st.count === 0) {
      this.byMask.delete(maskId(flow.match.mask));
      this.subtables.splice(this.subtables.indexOf(st), 1);
    } else if (flow.priority === st.maxPriority) {
      st.recomputeMax();
      this.orderDirty = true;
    }
    return true;
  }

  /** The flow with exactly this priority and match, if installed. */
  findExact(priority: number, value: Uint32Array, mask: Uint32Array): Flow | undefined {
    const st = this.byMask.get(maskId(mask));
    if (!st) return undefined;
    const bucket = st.map.get(st.hashValue(value));
    return bucket?.find((f) => f.priority === priority && st.same(f, value));
  }

  private order(): void {
    if (!this.orderDirty) return;
    this.subtables.sort((a, b) => b.maxPriority - a.maxPriority);
    this.orderDirty = false;
  }

  /**
   * The highest-priority flow matching `key`, or undefined. With `wc`, ORs in the mask of every
   * subtable probed: those are the key bits the answer depends on (subtables skipped by priority
   * could not have won whatever the key).
   */
  lookup(key: Uint32Array, wc?: Uint32Array): Flow | undefined {
    this.order();
    const sts = this.subtables;
    let best: Flow | undefined;
    let bestPri = -1;
    for (let s = 0; s < sts.length; s++) {
      const st = sts[s]!;
      if (st.maxPriority <= bestPri) break;
      if (wc) st.unwildcard(wc);
      const bucket = st.map.get(st.hashKey(key));
      if (bucket === undefined) continue;
      for (let i = 0; i < bucket.length; i++) {
        const f = bucket[i]!;
        if (f.priority <= bestPri) break;
        if (st.same(f, key)) {
          best = f;
          bestPri = f.priority;
          break;
        }
      }
    }
    return best;
  }

  /** Every flow matching `key` with priority above `minPriority` (used for conjunction clauses). */
  lookupAll(key: Uint32Array, minPriority: number, out: Flow[], wc?: Uint32Array): void {
    this.order();
    for (const st of this.subtables) {
      if (st.maxPriority <= minPriority) break;
      if (wc) st.unwildcard(wc);
      const bucket = st.map.get(st.hashKey(key));
      if (!bucket) continue;
      for (const f of bucket) {
        if (f.priority <= minPriority) break;
        if (st.same(f, key)) out.push(f);
      }
    }
  }

  *flows(): IterableIterator<Flow> {
    for (const st of this.subtables) for (const b of st.map.values()) yield* b;
  }

  get subtableCount(): number {
    return this.subtables.length;
  }
}

/**
 * One OpenFlow table: ordinary flows plus conjunction clause flows. A lookup finds the best ordinary
 * flow; then, if clause flows of higher priority match, it looks for a conjunction whose every clause
 * matched and, if one does, looks up again with conj_id set to find the flow that acts for it.
 */
export class FlowTable {
  readonly normal = new Classifier();
  readonly clauses = new Classifier();
  lookups = 0;
  matched = 0;
  private readonly scratch: Flow[] = [];

  constructor(readonly id: number) {}

  get size(): number {
    return this.normal.size + this.clauses.size;
  }

  insert(flow: Flow): Flow | undefined {
    const old = this.findExact(flow.priority, flow.match.value, flow.match.mask);
    if (old && old.conj !== flow.conj) {
      (old.conj ? this.clauses : this.normal).remove(old);
      (flow.conj ? this.clauses : this.normal).insert(flow);
      return old;
    }
    return (flow.conj ? this.clauses : this.normal).insert(flow);
  }

  remove(flow: Flow): boolean {
    return (flow.conj ? this.clauses : this.normal).remove(flow);
  }

  findExact(priority: number, value: Uint32Array, mask: Uint32Array): Flow | undefined {
    return (
      this.normal.findExact(priority, value, mask) ?? this.clauses.findExact(priority, value, mask)
    );
  }

  lookup(key: Uint32Array, wc?: Uint32Array): Flow | undefined {
    const best = this.normal.lookup(key, wc);
    if (this.clauses.size === 0) return best;
    const minPri = best ? best.priority : -1;
    const hits = this.scratch;
    hits.length = 0;
    this.clauses.lookupAll(key, minPri, hits, wc);
    if (hits.length === 0) return best;
    // priority → conjunction id → bitmask of clauses seen
    const seen = new Map<number, Map<number, { bits: bigint; n: number }>>();
    for (const f of hits) {
      let byId = seen.get(f.priority);
      if (!byId) {
        byId = new Map();
        seen.set(f.priority, byId);
      }
      for (const a of f.cactions) {
        if (a.kind !== 'conjunction') continue;
        const e = byId.get(a.id) ?? { bits: 0n, n: a.nClauses };
        e.bits |= 1n << BigInt(a.clause - 1);
        byId.set(a.id, e);
      }
    }
    const pris = [...seen.keys()].sort((a, b) => b - a);
    for (const p of pris) {
      const ids = [...seen.get(p)!.entries()]
        .filter(([, e]) => e.bits === (1n << BigInt(e.n)) - 1n)
        .map(([id]) => id);
      ids.sort((a, b) => a - b);
      for (const id of ids) {
        const saved = key[K.K_CONJ_ID]!;
        key[K.K_CONJ_ID] = id;
        const f = this.normal.lookup(key, wc);
        key[K.K_CONJ_ID] = saved;
        if (f && f.priority >= p) return f;
        if (f && (!best || f.priority > best.priority)) return f;
      }
    }
    return best;
  }

  *flows(): IterableIterator<Flow> {
    yield* this.normal.flows();
    yield* this.clauses.flows();
  }
}
