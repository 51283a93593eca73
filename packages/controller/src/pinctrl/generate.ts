// New packets the controller builds for generator actions (OVN's pinctrl): an ARP request for an
// IPv4 packet's destination, an ICMPv4 error quoting the packet, a TCP reset. The nested logical
// actions then rewrite addresses and types, as in OVN, so only the skeleton is built here.

import { buildPacket, formatIp4, formatMac, TCP_ACK, TCP_RST } from '@ovn-ts/datapath';
import { readPinField } from './packet-in-fields.js';

const mac = (fields: Uint32Array, f: string) => formatMac(readPinField(fields, f));
const ip4 = (fields: Uint32Array, f: string) => formatIp4(Number(readPinField(fields, f)));
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
export function icmp4ErrorFor(fields: Uint32Array, frame: Uint8Array): Uint8Array {
  const l3 = l3Offset(frame);
  const ihl = ((frame[l3] ?? 0x45) & 0x0f) * 4;
  const quoted = frame.slice(l3, Math.min(frame.length, l3 + ihl + 8));
  return buildPacket({
    eth: { src: mac(fields, 'eth_src'), dst: mac(fields, 'eth_dst') },
    ...vlanOf(fields),
    ip4: { src: ip4(fields, 'ip_src'), dst: ip4(fields, 'ip_dst'), ttl: 255 },
    icmp: { type: 3, code: 1 },
    payload: quoted,
  });
}

/** tcp_reset { }: RST|ACK for a TCP segment, ports swapped (pinctrl_handle_tcp_reset). */
export function tcpResetFor(fields: Uint32Array, frame: Uint8Array): Uint8Array {
  const l3 = l3Offset(frame);
  const l4 = l3 + ((frame[l3] ?? 0x45) & 0x0f) * 4;
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  const seq = l4 + 8 <= frame.length ? view.getUint32(l4 + 4) : 0;
  const totalLen = view.getUint16(l3 + 2);
  const dataOffset = l4 + 12 < frame.length ? (frame[l4 + 12]! >> 4) * 4 : 20;
  const payload = Math.max(0, totalLen - (l4 - l3) - dataOffset);
  return buildPacket({
    eth: { src: mac(fields, 'eth_src'), dst: mac(fields, 'eth_dst') },
    ...vlanOf(fields),
    ip4: { src: ip4(fields, 'ip_src'), dst: ip4(fields, 'ip_dst'), ttl: 255 },
    tcp: {
      sport: Number(readPinField(fields, 'tcp_dst')),
      dport: Number(readPinField(fields, 'tcp_src')),
      flags: TCP_RST | TCP_ACK,
      seq: 0,
      ack: (seq + Math.max(payload, 1)) >>> 0,
    },
  });
}
