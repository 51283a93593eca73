import type { FlowTable } from './classifier.js';
import type { Flow } from './flow.js';
import type { Group } from './group.js';
import { KEY_WORDS } from './key-layout.js';
import type { Op } from './packet-ctx.js';

/** The replayable outcome of one pass for one exact key. */
export interface CacheEntry {
  readonly ops: readonly Op[];
  readonly flows: readonly Flow[];
  readonly tables: readonly FlowTable[];
  readonly matched: readonly FlowTable[];
  readonly groups: readonly Group[];
  readonly drops: boolean;
}

/** Hash of a whole key (FNV-1a style over 32-bit words, then a final avalanche). */
export function hashKey(key: Uint32Array): number {
  // Two independent multiply chains halve the latency of hashing ~80 words.
  let h = 0x811c9dc5;
  let g = 0x2545f491;
  const n = key.length;
  let i = 0;
  for (; i + 1 < n; i += 2) {
    h = Math.imul(h ^ key[i]!, 0x01000193);
    g = Math.imul(g ^ key[i + 1]!, 0x01000193);
  }
  if (i < n) h = Math.imul(h ^ key[i]!, 0x01000193);
  h = Math.imul(h ^ (g >>> 0) ^ (g << 7), 0x9e3779b1);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  return h >>> 0;
}

/**
 * Exact-match cache of pass outcomes, 2-way set associative. Every entry carries the datapath
 * generation it was made under; any flow, group or port change bumps the generation, which makes
 * every older entry a miss, so invalidation is O(1) and can never be forgotten.
 */
export class FlowCache {
  private readonly keys: Uint32Array;
  private readonly hashes: Uint32Array;
  private readonly gens: Float64Array;
  private readonly entries: (CacheEntry | undefined)[];
  private readonly mask: number;
  private victim = 0;

  constructor(size = 1 << 15) {
    const n = 1 << Math.ceil(Math.log2(Math.max(2, size)));
    this.keys = new Uint32Array(n * KEY_WORDS);
    this.hashes = new Uint32Array(n);
    this.gens = new Float64Array(n).fill(-1);
    this.entries = new Array<CacheEntry | undefined>(n).fill(undefined);
    this.mask = n - 1;
  }

  private same(slot: number, key: Uint32Array): boolean {
    const keys = this.keys;
    const n = key.length;
    const base = slot * n;
    for (let i = 0; i < n; i++) if (keys[base + i] !== key[i]) return false;
    return true;
  }

  lookup(key: Uint32Array, hash: number, gen: number): CacheEntry | undefined {
    const s0 = hash & this.mask & ~1;
    for (let s = s0; s < s0 + 2; s++) {
      if (this.hashes[s] === hash && this.gens[s] === gen && this.same(s, key))
        return this.entries[s];
    }
    return undefined;
  }

  insert(key: Uint32Array, hash: number, gen: number, e: CacheEntry): void {
    const s0 = hash & this.mask & ~1;
    let slot = -1;
    for (let s = s0; s < s0 + 2; s++) {
      if (this.gens[s] !== gen) {
        slot = s;
        break;
      }
    }
    if (slot < 0) {
      slot = s0 + this.victim;
      this.victim ^= 1;
    }
    this.keys.set(key, slot * KEY_WORDS);
    this.hashes[slot] = hash;
    this.gens[slot] = gen;
    this.entries[slot] = e;
  }

  /** Entries valid for `gen` (a scan; for statistics only). */
  count(gen: number): number {
    let n = 0;
    for (let i = 0; i < this.gens.length; i++) if (this.gens[i] === gen) n++;
    return n;
  }
}
