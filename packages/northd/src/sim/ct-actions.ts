import { type Conntrack, type CtEntry, endpoint, rewrite, setCtState, tuple } from './conntrack.js';
import type { ActionOf } from './expr-bridge.js';
import { describeIp } from './generate.js';
import { hashPick, type Selector } from './select.js';
import type { SimPacket } from './types.js';

type Note = (text: string) => void;
type Nat = { dnat?: { ip: bigint; port: bigint }; snat?: { ip: bigint; port: bigint } };

/**
 * The conntrack actions on one zone (see zoneOf in simulate.ts): ct_next, ct_commit, ct_dnat /
 * ct_snat with or without an address, and ct_lb_mark. Each sets ct_state (and ct_mark/ct_label
 * from the connection) on the packet and notes what it found; NAT rewrites the packet.
 */
export class CtActions {
  constructor(
    private readonly conntrack: Conntrack,
    private readonly select: Selector = hashPick,
  ) {}

  next(zone: string, pkt: SimPacket, note: Note): void {
    const hit = this.conntrack.lookup(zone, pkt);
    if (!hit) {
      setCtState(pkt, ['new']);
      note('ct: new connection');
      return;
    }
    setCtState(pkt, hit.reply ? ['est', 'rpl'] : ['est'], hit.entry);
    note(`ct: established${hit.reply ? ', reply' : ''}`);
  }

  /** Commits the packet's connection (once), keeping the ct_mark/ct_label the packet carries. */
  commit(zone: string, pkt: SimPacket, note: Note): void {
    const t = tuple(pkt);
    if (!t) return;
    const hit = this.conntrack.lookup(zone, pkt);
    const entry =
      hit?.entry ??
      this.conntrack.commit(zone, { orig: t.key, reply: t.reversed, mark: 0n, label: 0n });
    entry.mark = pkt.get('ct_mark') ?? 0n;
    entry.label = pkt.get('ct_label') ?? 0n;
    note('ct_commit');
  }

  /** ct_dnat/ct_snat: an established connection gets its NAT; with an address, a new one is made. */
  nat(zone: string, a: ActionOf<'ct_nat'>, pkt: SimPacket, note: Note): void {
    const hit = this.conntrack.lookup(zone, pkt);
    if (hit) {
      this.applyNat(hit.entry, hit.reply, pkt, note);
      return;
    }
    if (!a.ip) {
      setCtState(pkt, ['new']);
      note(`${a.name}: new connection, nothing to undo`);
      return;
    }
    const to = { ip: a.ip.value, port: BigInt(a.portRange?.lo ?? 0) };
    this.newNat(zone, pkt, a.name.startsWith('ct_dnat') ? { dnat: to } : { snat: to }, note);
  }

  /** ct_lb_mark: an established connection keeps its backend; a new one picks one. */
  lb(zone: string, a: ActionOf<'ct_lb'>, pkt: SimPacket, note: Note): void {
    const hit = this.conntrack.lookup(zone, pkt);
    if (hit) {
      this.applyNat(hit.entry, hit.reply, pkt, note);
      return;
    }
    if (a.backends.length === 0) {
      setCtState(pkt, ['new']);
      return;
    }
    const b =
      a.backends[
        this.select(
          a.backends.map((_, i) => ({ id: i, weight: 1 })),
          pkt,
        )
      ]!;
    // ct_lb_mark marks the connection as NATed (ct_mark.natted, bit 1) for later stages.
    this.newNat(zone, pkt, { dnat: { ip: b.ip.value, port: BigInt(b.l4Port) } }, note, 2n);
  }

  private newNat(zone: string, pkt: SimPacket, nat: Nat, note: Note, mark = 0n): void {
    const before = tuple(pkt);
    if (!before) return;
    if (nat.dnat) rewrite(pkt, 'dst', nat.dnat);
    if (nat.snat) rewrite(pkt, 'src', nat.snat);
    const after = tuple(pkt)!;
    const entry = this.conntrack.commit(zone, {
      orig: before.key,
      reply: after.reversed,
      mark,
      label: 0n,
      ...nat,
    });
    const bits = [
      'new',
      ...(nat.dnat ? (['dnat'] as const) : []),
      ...(nat.snat ? (['snat'] as const) : []),
    ] as const;
    setCtState(pkt, bits, entry);
    note(
      `ct: new connection, ${nat.dnat ? 'dnat' : 'snat'} to ${describeEndpoint(pkt, nat.dnat ? 'dst' : 'src')}`,
    );
  }

  /** An established connection's NAT: forward packets as first rewritten, replies undone. */
  private applyNat(entry: CtEntry, reply: boolean, pkt: SimPacket, note: Note): void {
    const [, osrc, osport, odst, odport] = entry.orig.split('|').map((x) => BigInt(x));
    if (reply) {
      if (entry.dnat) rewrite(pkt, 'src', { ip: odst!, port: odport! });
      if (entry.snat) rewrite(pkt, 'dst', { ip: osrc!, port: osport! });
    } else {
      if (entry.dnat) rewrite(pkt, 'dst', entry.dnat);
      if (entry.snat) rewrite(pkt, 'src', entry.snat);
    }
    setCtState(pkt, reply ? ['est', 'rpl'] : ['est'], entry);
    note(
      `ct: established${reply ? ', reply' : ''}${entry.dnat || entry.snat ? ', NAT applied' : ''}`,
    );
  }
}

function describeEndpoint(pkt: SimPacket, which: 'src' | 'dst'): string {
  const v4 = (pkt.get('eth.type') ?? 0n) === 0x800n;
  const e = endpoint(pkt, which);
  const ip = describeIp(pkt, v4 ? `ip4.${which}` : `ip6.${which}`);
  return e.port ? `${ip}:${e.port}` : ip;
}
