import type { Action } from './actions.js';
import { type CAction, compileActions } from './compile-actions.js';
import * as K from './key-layout.js';

/** An OpenFlow group. `select` picks one bucket by a stable hash of the 5-tuple, honouring weights. */
export interface GroupSpec {
  readonly id: number;
  readonly type: 'all' | 'select' | 'indirect';
  readonly buckets: readonly { readonly weight?: number; readonly actions: readonly Action[] }[];
}

export interface Group {
  readonly spec: GroupSpec;
  readonly buckets: readonly { readonly weight: number; readonly actions: readonly CAction[] }[];
  packets: number;
  bytes: number;
}

export function compileGroup(spec: GroupSpec): Group {
  if (!Number.isInteger(spec.id) || spec.id < 0 || spec.id > 0xfffffff0)
    throw new Error(`group ${spec.id}: bad id`);
  if (spec.type === 'indirect' && spec.buckets.length !== 1)
    throw new Error(`group ${spec.id}: indirect needs exactly one bucket`);
  const buckets = spec.buckets.map((b, i) => {
    const weight = b.weight ?? 1;
    if (!Number.isInteger(weight) || weight < 0 || weight > 0xffff)
      throw new Error(`group ${spec.id}: bucket ${i}: bad weight ${b.weight}`);
    try {
      return { weight, actions: compileActions(b.actions) };
    } catch (e) {
      throw new Error(`group ${spec.id}: bucket ${i}: ${(e as Error).message}`);
    }
  });
  return { spec, buckets, packets: 0, bytes: 0 };
}

function mix(h: number, v: number): number {
  let x = Math.imul(h ^ v, 0x9e3779b1);
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b);
  return (x ^ (x >>> 13)) >>> 0;
}

/** Symmetric-free stable hash of the 5-tuple (addresses, protocol, ports) from the key. */
export function fiveTupleHash(key: Uint32Array): number {
  let h = 0x12345678;
  h = mix(h, key[K.K_ETH_TYPE]!);
  h = mix(h, key[K.K_NW_PROTO]!);
  if (key[K.K_ETH_TYPE] === K.ETH_TYPE_IPV6) {
    for (let i = 0; i < 4; i++) h = mix(mix(h, key[K.K_IP6_SRC + i]!), key[K.K_IP6_DST + i]!);
  } else {
    h = mix(mix(h, key[K.K_IP4_SRC]!), key[K.K_IP4_DST]!);
  }
  h = mix(mix(h, key[K.K_TP_SRC]!), key[K.K_TP_DST]!);
  return h;
}

/**
 * Weighted rendezvous hashing: each bucket scores -weight/ln(u) with u uniform from (hash, bucket);
 * the highest score wins. Adding or removing a bucket moves only the flows that must move.
 */
export function selectBucket(g: Group, hash: number): number {
  let best = -1;
  let bestScore = -1;
  for (let i = 0; i < g.buckets.length; i++) {
    const w = g.buckets[i]!.weight;
    if (w === 0) continue;
    const u = (mix(hash, i + 1) + 1) / 4294967297;
    const score = -w / Math.log(u);
    if (score > bestScore) {
      bestScore = score;
      best = i;
    }
  }
  return best;
}
