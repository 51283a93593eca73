// New packets the controller builds for generator actions (OVN's pinctrl): an ARP request for an
// IPv4 packet's destination, an ICMPv4 error quoting the packet, a TCP reset. The nested logical
// actions then rewrite addresses and types, as in OVN, so only the skeleton is built here.

import { buildPacket, formatIp4, formatIp6, formatMac, TCP_ACK, TCP_RST } from '@ovn-ts/datapath';
import { readPinField } from './packet-in-fields.js';

const mac = (fields: Uint32Array, f: string) => formatMac(readPinField(fields, f));
const ip4 = (fields: Uint32Array, f: string) => formatIp4(Number(readPinField(fields, f)));
const ip6 = (fields: Uint32Array, f: string) => formatIp6(readPinField(fields, f));
/** Source and destination, swapped when the answer goes back to the sender (reject). */
const ends = (fields: Uint32Array, swap: boolean) => {
  const pick = (a: string, b: string) => (swap ? [b, a] : [a, b]) as [string, string];
  const [es, ed] = pick('eth_src', 'eth_dst');
  const [i4s, i4d] = pick('ip_src', 'ip_dst');
  const [i6s, i6d] = pick('ipv6_src', 'ipv6_dst');
  return {
    eth: { src: mac(fields, es), dst: mac(fields, ed) },
    ip4: { src: ip4(fields, i4s), dst: ip4(fields, i4d) },
    ip6: { src: ip6(fields, i6s), dst: ip6(fields, i6d) },
  };
};
const vlanOf = (fields: Uint32Array) => {
  const tci = Number(readPinField(fields, 'vlan_tci'));
  return tci & 0x1000 ? { vlan: { vid: tci & 0xfff, pcp: tci >> 13 } } : {};
};

/** Where the IP header starts in an Ethernet frame (after one optional VLAN tag). */
function l3Offset(frame: Uint8Array): number {
  return frame[12] === 0x81 && frame[13] === 0x00 ? 18 : 14;
}

/** arp { }: a request for the packet's IPv4 destination, from its source (pinctrl_handle_arp). */
export function arpRequestFor(fields: Uint32Array): Uint8Array {
  return buildPacket({
    eth: { src: mac(fields, 'eth_src'), dst: 'ff:ff:ff:ff:ff:ff' },
    ...vlanOf(fields),
    arp: {
      op: 1,
      sha: mac(fields, 'eth_src'),
      spa: ip4(fields, 'ip_src'),
      tha: '00:00:00:00:00:00',
      tpa: ip4(fields, 'ip_dst'),
    },
  });
}

/**
 * icmp4 { } / icmp4_error { }: destination unreachable (type 3, code 1) from the packet's source to
 * its destination, quoting its IP header and 8 bytes of payload, TTL 255 (pinctrl_handle_icmp).
 */
export function icmp4ErrorFor(
  fields: Uint32Array,
  frame: Uint8Array,
  code = 1,
  swap = false,
): Uint8Array {
  const e = ends(fields, swap);
  const l3 = l3Offset(frame);
  const ihl = ((frame[l3] ?? 0x45) & 0x0f) * 4;
  const quoted = frame.slice(l3, Math.min(frame.length, l3 + ihl + 8));
  return buildPacket({
    eth: e.eth,
    ...vlanOf(fields),
    ip4: { ...e.ip4, ttl: 255 },
    icmp: { type: 3, code },
    payload: quoted,
  });
}

/** tcp_reset { }: RST|ACK for a TCP segment, ports swapped (pinctrl_handle_tcp_reset). */
export function tcpResetFor(fields: Uint32Array, frame: Uint8Array, swap = false): Uint8Array {
  const e = ends(fields, swap);
  const v6 = readPinField(fields, 'eth_type') === 0x86ddn;
  const l3 = l3Offset(frame);
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  const l4 = v6 ? l3 + 40 : l3 + ((frame[l3] ?? 0x45) & 0x0f) * 4;
  const l3Length = v6 ? 40 + view.getUint16(l3 + 4) : view.getUint16(l3 + 2);
  const seq = l4 + 8 <= frame.length ? view.getUint32(l4 + 4) : 0;
  const dataOffset = l4 + 12 < frame.length ? (frame[l4 + 12]! >> 4) * 4 : 20;
  const payload = Math.max(0, l3Length - (l4 - l3) - dataOffset);
  const tcp = {
    sport: Number(readPinField(fields, 'tcp_dst')),
    dport: Number(readPinField(fields, 'tcp_src')),
    flags: TCP_RST | TCP_ACK,
    seq: 0,
    ack: (seq + Math.max(payload, 1)) >>> 0,
  };
  const eth = e.eth;
  return v6
    ? buildPacket({
        eth,
        ...vlanOf(fields),
        ip6: { ...e.ip6, hopLimit: 255 },
        tcp,
      })
    : buildPacket({
        eth,
        ...vlanOf(fields),
        ip4: { ...e.ip4, ttl: 255 },
        tcp,
      });
}

/** The solicited-node multicast address of `addr` (ff02::1:ffXX:XXXX) and its MAC. */
function solicitedNode(addr: bigint): { ip: string; mac: string } {
  const low = addr & 0xffffffn;
  const ip = 0xff020000000000000000000000000000n | 0x1ff000000n | low;
  return { ip: formatIp6(ip), mac: formatMac(0x3333ff000000n | low) };
}

/** The EUI-64 link-local address of a MAC (fe80::, U/L bit flipped, ff:fe in the middle). */
function linkLocal(m: bigint): string {
  const hi = ((m >> 24n) & 0xffffffn) ^ 0x020000n;
  const lo = m & 0xffffffn;
  return formatIp6((0xfe80n << 112n) | (hi << 40n) | (0xfffen << 24n) | lo);
}

/**
 * nd_ns { }: a neighbour solicitation for the next hop in xxreg0 (where the router's flows put
 * it), from the link-local address of the packet's source MAC, to the next hop's solicited-node
 * group (pinctrl_handle_nd_ns).
 */
export function ndNsFor(fields: Uint32Array): Uint8Array {
  const target = readPinField(fields, 'xxreg0');
  const sn = solicitedNode(target);
  const src = readPinField(fields, 'eth_src');
  return buildPacket({
    eth: { src: formatMac(src), dst: sn.mac },
    ...vlanOf(fields),
    ip6: { src: linkLocal(src), dst: sn.ip, hopLimit: 255 },
    nd: { type: 135, target: formatIp6(target), sll: formatMac(src) },
  });
}

/**
 * nd_na { } / nd_na_router { }: an advertisement answering a solicitation, from the target to the
 * solicitor (pinctrl_handle_nd_na); the router form sets the router flag.
 */
export function ndNaFor(fields: Uint32Array, router: boolean): Uint8Array {
  const src = mac(fields, 'eth_dst');
  return buildPacket({
    eth: { src, dst: mac(fields, 'eth_src') },
    ...vlanOf(fields),
    ip6: { src: ip6(fields, 'nd_target'), dst: ip6(fields, 'ipv6_src'), hopLimit: 255 },
    nd: {
      type: 136,
      target: ip6(fields, 'nd_target'),
      tll: src,
      flags: router ? 0xe0000000 : 0x60000000,
    },
  });
}

/** icmp6 { } / icmp6_error { }: destination unreachable (type 1, code 4) quoting the packet. */
export function icmp6ErrorFor(fields: Uint32Array, frame: Uint8Array, swap = false): Uint8Array {
  const e = ends(fields, swap);
  const l3 = l3Offset(frame);
  // As much of the packet as fits the IPv6 minimum MTU (1280) with the new headers.
  const quoted = frame.slice(l3, Math.min(frame.length, l3 + 1280 - 48));
  return buildPacket({
    eth: e.eth,
    ...vlanOf(fields),
    ip6: { ...e.ip6, hopLimit: 255 },
    icmp: { type: 1, code: 4 },
    payload: quoted,
  });
}
