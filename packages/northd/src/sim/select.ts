import { tuple } from './conntrack.js';
import type { SimPacket } from './types.js';

/** A group member and its weight, as select() and ct_lb_mark choose among them. */
export interface Member {
  readonly id: number;
  readonly weight: number;
}

/** Picks a member for select()/ct_lb_mark; the default is hashPick. */
export type Selector = (members: readonly Member[], packet: SimPacket) => number;

/**
 * A member by weight, chosen by an FNV-1a hash of the connection tuple: the same connection
 * always picks the same member, different connections spread (as OVS's select groups do).
 */
export function hashPick(members: readonly Member[], pkt: SimPacket): number {
  const t = tuple(pkt)?.key ?? '';
  let h = 0x811c9dc5;
  for (let i = 0; i < t.length; i++) h = Math.imul(h ^ t.charCodeAt(i), 0x01000193) >>> 0;
  const total = members.reduce((n, m) => n + m.weight, 0);
  let x = h % Math.max(total, 1);
  for (const m of members) {
    if (x < m.weight) return m.id;
    x -= m.weight;
  }
  return members[0]?.id ?? 0;
}
