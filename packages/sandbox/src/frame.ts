// What a VM reads from a frame: Ethernet, ARP, IPv4 with ICMP, TCP or UDP. A small decoder of
// its own (the datapath's parser fills flow keys, not objects); anything else decodes as `other`.

import { formatIp4, formatMac } from '@ovn-ts/datapath';

export interface EthHeader {
  readonly src: string;
  readonly dst: string;
}

export type Decoded =
  | {
      readonly kind: 'arp';
      readonly eth: EthHeader;
      readonly op: number;
      readonly sha: string;
      readonly spa: string;
      readonly tha: string;
      readonly tpa: string;
    }
  | {
      readonly kind: 'icmp';
      readonly eth: EthHeader;
      readonly ip: Ip4Header;
      readonly type: number;
      readonly code: number;
      readonly id: number;
      readonly seq: number;
      readonly payload: Uint8Array;
    }
  | {
      readonly kind: 'tcp';
      readonly eth: EthHeader;
      readonly ip: Ip4Header;
      readonly sport: number;
      readonly dport: number;
      readonly seq: number;
      readonly ack: number;
      readonly flags: number;
    }
  | {
      readonly kind: 'udp';
      readonly eth: EthHeader;
      readonly ip: Ip4Header;
      readonly sport: number;
      readonly dport: number;
      readonly payload: Uint8Array;
    }
  | { readonly kind: 'other'; readonly eth: EthHeader | undefined };

export interface Ip4Header {
  readonly src: string;
  readonly dst: string;
  readonly ttl: number;
}

const rd16 = (b: Uint8Array, o: number): number => (b[o]! << 8) | b[o + 1]!;
const rd32 = (b: Uint8Array, o: number): number =>
  ((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0;
const mac = (b: Uint8Array, o: number): string => {
  let v = 0n;
  for (let i = 0; i < 6; i++) v = (v << 8n) | BigInt(b[o + i]!);
  return formatMac(v);
};

/** Decodes one frame; truncated or unknown layers give `other`. VLAN tags are not expected on a VIF. */
export function decodeFrame(b: Uint8Array): Decoded {
  if (b.length < 14) return { kind: 'other', eth: undefined };
  const eth = { dst: mac(b, 0), src: mac(b, 6) };
  const type = rd16(b, 12);
  if (type === 0x0806) {
    if (b.length < 42 || rd16(b, 14) !== 1 || rd16(b, 16) !== 0x0800) return { kind: 'other', eth };
    return {
      kind: 'arp',
      eth,
      op: rd16(b, 20),
      sha: mac(b, 22),
      spa: formatIp4(rd32(b, 28)),
      tha: mac(b, 32),
      tpa: formatIp4(rd32(b, 38)),
    };
  }
  if (type !== 0x0800 || b.length < 34 || b[14]! >>> 4 !== 4) return { kind: 'other', eth };
  const ihl = (b[14]! & 15) * 4;
  const end = Math.min(b.length, 14 + rd16(b, 16));
  const l4 = 14 + ihl;
  // Fragments other than the first carry no transport header; a VM here never fragments.
  if ((rd16(b, 20) & 0x1fff) !== 0) return { kind: 'other', eth };
  const ip = { src: formatIp4(rd32(b, 26)), dst: formatIp4(rd32(b, 30)), ttl: b[22]! };
  const proto = b[23]!;
  if (proto === 1 && end >= l4 + 8)
    return {
      kind: 'icmp',
      eth,
      ip,
      type: b[l4]!,
      code: b[l4 + 1]!,
      id: rd16(b, l4 + 4),
      seq: rd16(b, l4 + 6),
      payload: b.slice(l4 + 8, end),
    };
  if (proto === 6 && end >= l4 + 20)
    return {
      kind: 'tcp',
      eth,
      ip,
      sport: rd16(b, l4),
      dport: rd16(b, l4 + 2),
      seq: rd32(b, l4 + 4),
      ack: rd32(b, l4 + 8),
      flags: rd16(b, l4 + 12) & 0x1ff,
    };
  if (proto === 17 && end >= l4 + 8)
    return {
      kind: 'udp',
      eth,
      ip,
      sport: rd16(b, l4),
      dport: rd16(b, l4 + 2),
      payload: b.slice(l4 + 8, end),
    };
  return { kind: 'other', eth };
}
