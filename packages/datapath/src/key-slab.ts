import { KEY_WORDS } from './key-layout.js';

/**
 * Key-sized Uint32Arrays carved from shared slabs. A typed array of this size gets its own off-heap
 * buffer, which made adding flows and translating packets mostly allocation and GC work; views on a
 * slab are cheap. A slab is freed when the last view on it is.
 */
const SLAB_KEYS = 512;
let slab = new Uint32Array(0);
let pos = 0;

export function allocKey(): Uint32Array {
  if (pos + KEY_WORDS > slab.length) {
    slab = new Uint32Array(SLAB_KEYS * KEY_WORDS);
    pos = 0;
  }
  const k = slab.subarray(pos, pos + KEY_WORDS);
  pos += KEY_WORDS;
  return k;
}

/** A slab-backed copy of `key`. */
export function copyKey(key: Uint32Array): Uint32Array {
  const k = allocKey();
  k.set(key);
  return k;
}
