import type { CacheEntry } from './flow-cache.js';

/**
 * The second cache level, behind the exact-match cache: outcomes stored under the key bits they
 * depend on (the megaflow mask from translation), one hash table per distinct mask, as OVS's dpcls.
 * A new connection of an already-seen kind (another source port, another client) hits here instead
 * of being translated again.
 *
 * Invalidation is wholesale: a new generation (any flow, group or port change) empties it.
 */
interface MegaEntry {
  readonly vals: Uint32Array;
  readonly entry: CacheEntry;
  next: MegaEntry | undefined;
}

class MaskTable {
  readonly idx: Int32Array;
  readonly masks: Uint32Array;
  readonly map = new Map<number, MegaEntry>();
  hits = 0;

  constructor(wc: Uint32Array) {
    const idx: number[] = [];
    for (let i = 0; i < wc.length; i++) if (wc[i] !== 0) idx.push(i);
    this.idx = Int32Array.from(idx);
    this.masks = Uint32Array.from(idx.map((i) => wc[i]!));
  }

  hash(key: Uint32Array): number {
    const idx = this.idx;
    const m = this.masks;
    let h = 0x811c9dc5;
    for (let i = 0; i < idx.length; i++) h = Math.imul(h ^ (key[idx[i]!]! & m[i]!), 0x01000193);
    h ^= h >>> 15;
    return Math.imul(h, 0x2c1b3c6d) & 0x3fffffff;
  }

  find(key: Uint32Array): CacheEntry | undefined {
    const idx = this.idx;
    const m = this.masks;
    let e = this.map.get(this.hash(key));
    while (e !== undefined) {
      const v = e.vals;
      let i = 0;
      while (i < idx.length && (key[idx[i]!]! & m[i]!) >>> 0 === v[i]) i++;
      if (i === idx.length) return e.entry;
      e = e.next;
    }
    return undefined;
  }

  add(key: Uint32Array, entry: CacheEntry): void {
    const vals = new Uint32Array(this.idx.length);
    for (let i = 0; i < vals.length; i++) vals[i] = (key[this.idx[i]!]! & this.masks[i]!) >>> 0;
    const h = this.hash(key);
    this.map.set(h, { vals, entry, next: this.map.get(h) });
  }
}

export class MegaflowCache {
  private tables: MaskTable[] = [];
  private byMask = new Map<string, MaskTable>();
  private gen = -1;
  private count = 0;
  private lookups = 0;

  constructor(private readonly capacity = 65536) {}

  get size(): number {
    return this.count;
  }

  get maskCount(): number {
    return this.tables.length;
  }

  private reset(gen: number): void {
    this.tables = [];
    this.byMask = new Map();
    this.count = 0;
    this.gen = gen;
  }

  lookup(key: Uint32Array, gen: number): CacheEntry | undefined {
    if (gen !== this.gen) {
      this.reset(gen);
      return undefined;
    }
    const tables = this.tables;
    for (let i = 0; i < tables.length; i++) {
      const t = tables[i]!;
      const e = t.find(key);
      if (e !== undefined) {
        t.hits++;
        // Now and then put the busiest masks first.
        if ((++this.lookups & 0xfff) === 0) this.tables.sort((a, b) => b.hits - a.hits);
        return e;
      }
    }
    return undefined;
  }

  insert(key: Uint32Array, wc: Uint32Array, entry: CacheEntry, gen: number): void {
    if (gen !== this.gen || this.count >= this.capacity) this.reset(gen);
    let id = '';
    for (let i = 0; i < wc.length; i++) if (wc[i] !== 0) id += `${i}:${wc[i]},`;
    let t = this.byMask.get(id);
    if (!t) {
      t = new MaskTable(wc);
      this.byMask.set(id, t);
      this.tables.push(t);
    }
    t.add(key, entry);
    this.count++;
  }
}
