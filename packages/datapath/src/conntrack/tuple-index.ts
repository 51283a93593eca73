/**
 * A hash map keyed by a connection tuple laid out as TUPLE_WORDS 32-bit words, so a lookup from a
 * packet builds no string and allocates nothing: the words go into a scratch array, are hashed to a
 * small integer and compared in place.
 *
 * Layout: [zone, v6 | proto << 1 | icmpKind << 9, src (4 words, IPv4 in the last), dst (4 words),
 * sport << 16 | dport].
 */
export const TUPLE_WORDS = 11;

interface Slot<V> {
  readonly w: Uint32Array;
  v: V;
  next: Slot<V> | undefined;
}

function hashWords(w: Uint32Array): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < TUPLE_WORDS; i++) h = Math.imul(h ^ w[i]!, 0x01000193);
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d);
  h ^= h >>> 12;
  return h & 0x3fffffff;
}

function same(a: Uint32Array, b: Uint32Array): boolean {
  for (let i = 0; i < TUPLE_WORDS; i++) if (a[i] !== b[i]) return false;
  return true;
}

export class TupleIndex<V> {
  private readonly map = new Map<number, Slot<V>>();
  size = 0;

  get(w: Uint32Array): V | undefined {
    for (let s = this.map.get(hashWords(w)); s !== undefined; s = s.next)
      if (same(s.w, w)) return s.v;
    return undefined;
  }

  /** Inserts or replaces; the words are copied. */
  set(w: Uint32Array, v: V): void {
    const h = hashWords(w);
    const head = this.map.get(h);
    for (let s = head; s !== undefined; s = s.next) {
      if (same(s.w, w)) {
        s.v = v;
        return;
      }
    }
    this.map.set(h, { w: w.slice(0, TUPLE_WORDS), v, next: head });
    this.size++;
  }

  delete(w: Uint32Array): boolean {
    const h = hashWords(w);
    let prev: Slot<V> | undefined;
    for (let s = this.map.get(h); s !== undefined; prev = s, s = s.next) {
      if (!same(s.w, w)) continue;
      if (prev) prev.next = s.next;
      else if (s.next) this.map.set(h, s.next);
      else this.map.delete(h);
      this.size--;
      return true;
    }
    return false;
  }

  *values(): IterableIterator<V> {
    for (const head of this.map.values())
      for (let s: Slot<V> | undefined = head; s; s = s.next) yield s.v;
  }
}
