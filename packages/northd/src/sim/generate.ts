import { parseIpv6 } from '@ovn-ts/expr';
import ipaddr from 'ipaddr.js';
import { solicitedNode } from '../net/addresses.js';
import { ETH_ARP, ETH_IP4, ETH_IP6, readField } from './packet.js';
import type { SimPacket } from './types.js';

/** Actions that replace the packet by a new one built from it (ovn-sb(5)), then run nested actions. */
export type GeneratorName =
  | 'arp'
  | 'nd_ns'
  | 'nd_na'
  | 'nd_na_router'
  | 'icmp4'
  | 'icmp4_error'
  | 'icmp6'
  | 'icmp6_error'
  | 'tcp_reset'
  | 'sctp_abort'
  | 'reject';

/** Logical metadata carries over into generated packets (the controller re-injects them with it). */
function metadataOf(pkt: SimPacket): SimPacket {
  const out: SimPacket = new Map();
  for (const [k, v] of pkt) if (k === 'metadata' || /^reg\d+$/.test(k)) out.set(k, v);
  return out;
}

function copy(pkt: SimPacket, into: SimPacket, fields: readonly string[]): void {
  for (const f of fields) {
    const v = pkt.get(f);
    if (v !== undefined) into.set(f, v);
  }
}

const ETH = ['eth.src', 'eth.dst', 'vlan.tci'];

function v6(s: string): bigint {
  return parseIpv6(s)!;
}

function ip6String(v: bigint): string {
  const bytes: number[] = [];
  for (let i = 15; i >= 0; i--) bytes.push(Number((v >> BigInt(i * 8)) & 0xffn));
  return ipaddr.fromByteArray(bytes).toString();
}

/** The IPv6 multicast MAC of an address (33:33 + its low 32 bits). */
function ip6McastMac(v: bigint): bigint {
  return (0x3333n << 32n) | (v & 0xffffffffn);
}

/**
 * The packet a generator action starts from, with OVN's defaults (ovn-sb(5)); the nested actions
 * then adjust it. Returns undefined when the action does not apply to this packet (e.g. arp on a
 * non-IPv4 packet).
 */
export function generate(name: GeneratorName, pkt: SimPacket): SimPacket | undefined {
  const type = pkt.get('eth.type') ?? 0n;
  const isV4 = type === BigInt(ETH_IP4);
  const isV6 = type === BigInt(ETH_IP6);
  const out = metadataOf(pkt);
  copy(pkt, out, ETH);
  switch (name) {
    case 'arp': {
      if (!isV4) return undefined;
      out.set('eth.type', BigInt(ETH_ARP));
      out.set('arp.op', 1n);
      out.set('arp.sha', pkt.get('eth.src') ?? 0n);
      out.set('arp.spa', pkt.get('ip4.src') ?? 0n);
      out.set('arp.tha', 0n);
      out.set('arp.tpa', pkt.get('ip4.dst') ?? 0n);
      return out;
    }
    case 'nd_ns': {
      if (!isV6) return undefined;
      const target = pkt.get('ip6.dst') ?? 0n;
      const sn = v6(solicitedNode(ip6String(target)));
      out.set('eth.type', BigInt(ETH_IP6));
      out.set('eth.dst', ip6McastMac(sn));
      out.set('ip6.src', pkt.get('ip6.src') ?? 0n);
      out.set('ip6.dst', sn);
      out.set('ip.proto', 58n);
      out.set('ip.ttl', 255n);
      out.set('icmp6.type', 135n);
      out.set('nd.target', target);
      out.set('nd.sll', pkt.get('eth.src') ?? 0n);
      return out;
    }
    case 'nd_na':
    case 'nd_na_router': {
      if (!isV6) return undefined;
      // An answer to a solicitation: back to its sender, for the target it asked about.
      out.set('eth.type', BigInt(ETH_IP6));
      out.set('eth.dst', pkt.get('eth.src') ?? 0n);
      out.set('ip6.src', pkt.get('nd.target') ?? 0n);
      out.set('ip6.dst', pkt.get('ip6.src') ?? 0n);
      out.set('ip.proto', 58n);
      out.set('ip.ttl', 255n);
      out.set('icmp6.type', 136n);
      out.set('nd.target', pkt.get('nd.target') ?? 0n);
      return out;
    }
    case 'icmp4':
    case 'icmp4_error': {
      if (!isV4) return undefined;
      copy(pkt, out, ['eth.type', 'ip4.src', 'ip4.dst', 'ip.dscp']);
      out.set('ip.proto', 1n);
      out.set('ip.ttl', 255n);
      out.set('icmp4.type', 3n);
      out.set('icmp4.code', 1n);
      return out;
    }
    case 'icmp6':
    case 'icmp6_error': {
      if (!isV6) return undefined;
      copy(pkt, out, ['eth.type', 'ip6.src', 'ip6.dst']);
      out.set('ip.proto', 58n);
      out.set('ip.ttl', 255n);
      out.set('icmp6.type', 1n);
      out.set('icmp6.code', 1n);
      return out;
    }
    case 'tcp_reset':
    case 'sctp_abort': {
      const l4 = name === 'tcp_reset' ? 'tcp' : 'sctp';
      if ((!isV4 && !isV6) || (pkt.get('ip.proto') ?? 0n) !== (l4 === 'tcp' ? 6n : 132n))
        return undefined;
      copy(pkt, out, [
        'eth.type',
        'ip4.src',
        'ip4.dst',
        'ip6.src',
        'ip6.dst',
        'ip.proto',
        'ip.ttl',
      ]);
      // The reset answers the segment: its ports are the segment's, swapped.
      out.set(`${l4}.src`, pkt.get(`${l4}.dst`) ?? 0n);
      out.set(`${l4}.dst`, pkt.get(`${l4}.src`) ?? 0n);
      if (l4 === 'tcp') out.set('tcp.flags', 0x004n);
      return out;
    }
    case 'reject': {
      const proto = pkt.get('ip.proto') ?? 0n;
      if (proto === 6n) return generate('tcp_reset', pkt);
      if (proto === 132n) return generate('sctp_abort', pkt);
      return generate(isV4 ? 'icmp4' : 'icmp6', pkt);
    }
  }
}

/** For trace notes: "10.0.0.2" style description of an IPv4/IPv6 field. */
export function describeIp(pkt: SimPacket, field: string): string {
  const v = readField(pkt, field);
  return field.startsWith('ip6') || field === 'nd.target' || field.startsWith('xx')
    ? ip6String(v)
    : ipaddr
        .fromByteArray([
          Number((v >> 24n) & 0xffn),
          Number((v >> 16n) & 0xffn),
          Number((v >> 8n) & 0xffn),
          Number(v & 0xffn),
        ])
        .toString();
}
