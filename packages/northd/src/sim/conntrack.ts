import { CT_STATE_BITS } from '@ovn-ts/expr';
import { readField, writeField } from './packet.js';
import type { SimPacket } from './types.js';

/**
 * A small connection tracker: enough for ct_next to tell new from established connections and
 * replies, for ct_commit to remember connections with their mark and label, and for DNAT/SNAT
 * (ct_lb_mark, ct_dnat, ct_snat) to rewrite a connection's packets both ways. One zone per
 * datapath; no timeouts, no TCP state machine.
 */
export interface CtEntry {
  /** The tuple as first seen (before NAT) and the tuple replies carry (after NAT, reversed). */
  readonly orig: string;
  readonly reply: string;
  mark: bigint;
  label: bigint;
  /** NAT applied to the original direction: the rewritten destination or source. */
  readonly dnat?: { readonly ip: bigint; readonly port: bigint };
  readonly snat?: { readonly ip: bigint; readonly port: bigint };
}

export class Conntrack {
  private readonly zones = new Map<string, CtEntry[]>();

  entries(zone: string): readonly CtEntry[] {
    return this.zones.get(zone) ?? [];
  }

  /** The entry the packet belongs to, and in which direction. */
  lookup(zone: string, pkt: SimPacket): { entry: CtEntry; reply: boolean } | undefined {
    const t = tuple(pkt);
    if (!t) return undefined;
    for (const entry of this.entries(zone)) {
      if (entry.orig === t.key) return { entry, reply: false };
      if (entry.reply === t.key) return { entry, reply: true };
    }
    return undefined;
  }

  commit(zone: string, entry: CtEntry): CtEntry {
    const list = this.zones.get(zone) ?? [];
    const found = list.find((e) => e.orig === entry.orig);
    if (found) return found;
    list.push(entry);
    this.zones.set(zone, list);
    return entry;
  }
}

/** A packet's connection tuple, or undefined for non-IP packets. */
export function tuple(pkt: SimPacket): { key: string; reversed: string } | undefined {
  const type = pkt.get('eth.type') ?? 0n;
  if (type !== 0x800n && type !== 0x86ddn) return undefined;
  const v4 = type === 0x800n;
  const src = readField(pkt, v4 ? 'ip4.src' : 'ip6.src');
  const dst = readField(pkt, v4 ? 'ip4.dst' : 'ip6.dst');
  const proto = pkt.get('ip.proto') ?? 0n;
  const [sp, dp] = l4Ports(pkt, proto);
  return {
    key: `${proto}|${src}|${sp}|${dst}|${dp}`,
    reversed: `${proto}|${dst}|${dp}|${src}|${sp}`,
  };
}

function l4Ports(pkt: SimPacket, proto: bigint): [bigint, bigint] {
  const l4 = proto === 6n ? 'tcp' : proto === 17n ? 'udp' : proto === 132n ? 'sctp' : undefined;
  if (!l4) return [0n, 0n];
  return [pkt.get(`${l4}.src`) ?? 0n, pkt.get(`${l4}.dst`) ?? 0n];
}

/** Sets ct_state (trk plus the given bits) and the entry's mark and label on the packet. */
export function setCtState(
  pkt: SimPacket,
  bits: readonly (keyof typeof CT_STATE_BITS)[],
  entry?: CtEntry,
): void {
  let state = 1n << BigInt(CT_STATE_BITS.trk);
  for (const b of bits) state |= 1n << BigInt(CT_STATE_BITS[b]);
  pkt.set('ct_state', state);
  pkt.set('ct_mark', entry?.mark ?? 0n);
  pkt.set('ct_label', entry?.label ?? 0n);
}

/** Rewrites the packet's destination (dnat) or source (snat) address and L4 port. */
export function rewrite(
  pkt: SimPacket,
  which: 'src' | 'dst',
  to: { ip: bigint; port: bigint },
): void {
  const v4 = (pkt.get('eth.type') ?? 0n) === 0x800n;
  writeField(pkt, v4 ? `ip4.${which}` : `ip6.${which}`, to.ip);
  const proto = pkt.get('ip.proto') ?? 0n;
  const l4 = proto === 6n ? 'tcp' : proto === 17n ? 'udp' : proto === 132n ? 'sctp' : undefined;
  if (l4 && to.port !== 0n) pkt.set(`${l4}.${which}`, to.port);
}

/** Current address and port on one side of the packet. */
export function endpoint(pkt: SimPacket, which: 'src' | 'dst'): { ip: bigint; port: bigint } {
  const v4 = (pkt.get('eth.type') ?? 0n) === 0x800n;
  const proto = pkt.get('ip.proto') ?? 0n;
  const [sp, dp] = l4Ports(pkt, proto);
  return {
    ip: readField(pkt, v4 ? `ip4.${which}` : `ip6.${which}`),
    port: which === 'src' ? sp : dp,
  };
}
