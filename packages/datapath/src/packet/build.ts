import * as K from '../key-layout.js';
import { ip4Bytes, ip6Bytes, macBytes, parseIp4 } from './addr.js';
import { finish, onesSum, pseudoSum4, pseudoSum6, write16, write32 } from './checksum.js';

/**
 * Builds well-formed frames with correct checksums, layer by layer. Used by tests, benchmarks and by
 * controllers that compose replies (ARP, ICMP, ND) to packet out.
 */
export interface PacketSpec {
  readonly eth: { readonly src: string; readonly dst: string; readonly type?: number };
  readonly vlan?: { readonly vid: number; readonly pcp?: number };
  readonly arp?: {
    readonly op: number;
    readonly sha: string;
    readonly spa: string;
    readonly tha: string;
    readonly tpa: string;
  };
  readonly ip4?: {
    readonly src: string;
    readonly dst: string;
    readonly ttl?: number;
    readonly tos?: number;
    readonly id?: number;
    readonly proto?: number;
    /** Fragment offset in 8-byte units and the more-fragments flag. */
    readonly frag?: { readonly offset: number; readonly more: boolean };
    readonly options?: Uint8Array;
  };
  readonly ip6?: {
    readonly src: string;
    readonly dst: string;
    readonly hopLimit?: number;
    readonly tc?: number;
    readonly flowLabel?: number;
    readonly nextHeader?: number;
  };
  readonly tcp?: {
    readonly sport: number;
    readonly dport: number;
    readonly flags?: number;
    readonly seq?: number;
    readonly ack?: number;
    readonly window?: number;
  };
  readonly udp?: { readonly sport: number; readonly dport: number; readonly noChecksum?: boolean };
  readonly icmp?: {
    readonly type: number;
    readonly code?: number;
    readonly id?: number;
    readonly seq?: number;
  };
  /** Neighbour discovery (ICMPv6 135/136) with optional link-layer address options. */
  readonly nd?: {
    readonly type: 135 | 136;
    readonly target: string;
    readonly sll?: string;
    readonly tll?: string;
    readonly flags?: number;
  };
  readonly payload?: Uint8Array;
}

export const TCP_FIN = 0x01;
export const TCP_SYN = 0x02;
export const TCP_RST = 0x04;
export const TCP_PSH = 0x08;
export const TCP_ACK = 0x10;

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

function l4Bytes(
  spec: PacketSpec,
  v6: boolean,
): { proto: number; bytes: Uint8Array; csumOff: number; pseudo: boolean } | undefined {
  const payload = spec.payload ?? new Uint8Array(0);
  if (spec.tcp) {
    const t = spec.tcp;
    const h = new Uint8Array(20 + payload.length);
    write16(h, 0, t.sport);
    write16(h, 2, t.dport);
    write32(h, 4, t.seq ?? 0);
    write32(h, 8, t.ack ?? 0);
    write16(h, 12, (5 << 12) | ((t.flags ?? TCP_SYN) & 0x1ff));
    write16(h, 14, t.window ?? 65535);
    h.set(payload, 20);
    return { proto: K.IPPROTO_TCP, bytes: h, csumOff: 16, pseudo: true };
  }
  if (spec.udp) {
    const h = new Uint8Array(8 + payload.length);
    write16(h, 0, spec.udp.sport);
    write16(h, 2, spec.udp.dport);
    write16(h, 4, h.length);
    h.set(payload, 8);
    return { proto: K.IPPROTO_UDP, bytes: h, csumOff: spec.udp.noChecksum ? -1 : 6, pseudo: true };
  }
  if (spec.nd) {
    const n = spec.nd;
    const opts: Uint8Array[] = [];
    const opt = (type: number, mac: string): Uint8Array =>
      concat([Uint8Array.of(type, 1), macBytes(mac)]);
    if (n.sll) opts.push(opt(1, n.sll));
    if (n.tll) opts.push(opt(2, n.tll));
    const h = concat([new Uint8Array(8), ip6Bytes(n.target), ...opts]);
    h[0] = n.type;
    if (n.type === 136) write32(h, 4, n.flags ?? 0x60000000); // solicited + override
    return { proto: K.IPPROTO_ICMPV6, bytes: h, csumOff: 2, pseudo: true };
  }
  if (spec.icmp) {
    const c = spec.icmp;
    const h = new Uint8Array(8 + payload.length);
    h[0] = c.type;
    h[1] = c.code ?? 0;
    write16(h, 4, c.id ?? 0);
    write16(h, 6, c.seq ?? 0);
    h.set(payload, 8);
    return v6
      ? { proto: K.IPPROTO_ICMPV6, bytes: h, csumOff: 2, pseudo: true }
      : { proto: K.IPPROTO_ICMP, bytes: h, csumOff: 2, pseudo: false };
  }
  return undefined;
}

/** Builds a frame from a layered spec, computing lengths and every checksum from scratch. */
export function buildPacket(spec: PacketSpec): Uint8Array {
  const parts: Uint8Array[] = [];
  const eth = new Uint8Array(14);
  eth.set(macBytes(spec.eth.dst), 0);
  eth.set(macBytes(spec.eth.src), 6);
  const type =
    spec.eth.type ??
    (spec.arp ? K.ETH_TYPE_ARP : spec.ip4 ? K.ETH_TYPE_IP : spec.ip6 ? K.ETH_TYPE_IPV6 : 0);
  if (spec.vlan) {
    write16(eth, 12, K.ETH_TYPE_VLAN);
    parts.push(eth);
    const tag = new Uint8Array(4);
    write16(tag, 0, ((spec.vlan.pcp ?? 0) << 13) | (spec.vlan.vid & 0xfff));
    write16(tag, 2, type);
    parts.push(tag);
  } else {
    write16(eth, 12, type);
    parts.push(eth);
  }
  if (spec.arp) {
    const a = spec.arp;
    const h = new Uint8Array(28);
    write16(h, 0, 1);
    write16(h, 2, K.ETH_TYPE_IP);
    h[4] = 6;
    h[5] = 4;
    write16(h, 6, a.op);
    h.set(macBytes(a.sha), 8);
    h.set(ip4Bytes(a.spa), 14);
    h.set(macBytes(a.tha), 18);
    h.set(ip4Bytes(a.tpa), 24);
    parts.push(h);
  } else if (spec.ip4) {
    const ip = spec.ip4;
    const l4 = ip.frag && ip.frag.offset !== 0 ? undefined : l4Bytes(spec, false);
    const body = l4?.bytes ?? spec.payload ?? new Uint8Array(0);
    const proto = ip.proto ?? l4?.proto ?? 0;
    const opts = ip.options ?? new Uint8Array(0);
    const ihl = 20 + opts.length;
    const h = new Uint8Array(ihl);
    h[0] = 0x40 | (ihl / 4);
    h[1] = ip.tos ?? 0;
    write16(h, 2, ihl + body.length);
    write16(h, 4, ip.id ?? 0);
    write16(h, 6, ip.frag ? (ip.frag.more ? 0x2000 : 0) | (ip.frag.offset & 0x1fff) : 0x4000);
    h[8] = ip.ttl ?? 64;
    h[9] = proto;
    h.set(ip4Bytes(ip.src), 12);
    h.set(ip4Bytes(ip.dst), 16);
    h.set(opts, 20);
    write16(h, 10, finish(onesSum(h, 0, ihl)));
    if (l4 && l4.csumOff >= 0) {
      const init = l4.pseudo
        ? pseudoSum4(parseIp4(ip.src), parseIp4(ip.dst), proto, body.length)
        : 0;
      let c = finish(onesSum(body, 0, body.length, init));
      if (proto === K.IPPROTO_UDP && c === 0) c = 0xffff;
      write16(body, l4.csumOff, c);
    }
    parts.push(h, body);
  } else if (spec.ip6) {
    const ip = spec.ip6;
    const l4 = l4Bytes(spec, true);
    const body = l4?.bytes ?? spec.payload ?? new Uint8Array(0);
    const nh = ip.nextHeader ?? l4?.proto ?? 59;
    const h = new Uint8Array(40);
    write32(h, 0, (6 << 28) | ((ip.tc ?? 0) << 20) | ((ip.flowLabel ?? 0) & 0xfffff));
    write16(h, 4, body.length);
    h[6] = nh;
    h[7] = ip.hopLimit ?? 64;
    h.set(ip6Bytes(ip.src), 8);
    h.set(ip6Bytes(ip.dst), 24);
    if (l4 && l4.csumOff >= 0) {
      let c = finish(onesSum(body, 0, body.length, pseudoSum6(h, 8, 24, l4.proto, body.length)));
      if (l4.proto === K.IPPROTO_UDP && c === 0) c = 0xffff;
      write16(body, l4.csumOff, c);
    }
    parts.push(h, body);
  } else if (spec.payload) {
    parts.push(spec.payload);
  }
  return concat(parts);
}
