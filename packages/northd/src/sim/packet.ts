import {
  formatValue,
  ones,
  ovnSymbolTable,
  parseIpv4,
  parseIpv6,
  parseMac,
  resolveSubfield,
  type SymbolTable,
} from '@ovn-ts/expr';
import type { SimPacket } from './types.js';

/** A field value as people write it: a MAC, an IP, a number, or a port name for inport/outport. */
export type FieldInput = string | number | bigint | boolean;

/**
 * Parses a value for `field` (any integer symbol: base field, subfield or composite). Strings
 * are read as MAC, IPv4, IPv6 or integer, whichever parses.
 */
export function parseFieldValue(v: FieldInput): bigint {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number') return BigInt(v);
  if (typeof v === 'boolean') return v ? 1n : 0n;
  const parsed = parseMac(v) ?? parseIpv4(v) ?? parseIpv6(v);
  if (parsed !== undefined) return parsed;
  if (/^(0x[0-9a-f]+|\d+)$/i.test(v)) return BigInt(v);
  throw new Error(`sim: cannot read value "${v}"`);
}

/** Reads bits [ofs, ofs+width) of integer symbol `name` (width: the rest of the symbol). */
export function readField(
  pkt: SimPacket,
  name: string,
  ofs = 0,
  width?: number,
  symtab: SymbolTable = ovnSymbolTable,
): bigint {
  const segs = resolveSubfield(symtab, name, ofs, width);
  if (!segs.ok) throw new Error(`sim: ${segs.error.message}`);
  let v = 0n;
  for (const s of segs.value) {
    const base = pkt.get(s.field.name) ?? 0n;
    v |= ((base >> BigInt(s.offset)) & ones(s.width)) << BigInt(s.at);
  }
  return v;
}

/** Writes `value` into bits [ofs, ofs+width) of integer symbol `name`. */
export function writeField(
  pkt: SimPacket,
  name: string,
  value: bigint,
  ofs = 0,
  width?: number,
  symtab: SymbolTable = ovnSymbolTable,
): void {
  const segs = resolveSubfield(symtab, name, ofs, width);
  if (!segs.ok) throw new Error(`sim: ${segs.error.message}`);
  for (const s of segs.value) {
    const part = (value >> BigInt(s.at)) & ones(s.width);
    const mask = ones(s.width) << BigInt(s.offset);
    const base = pkt.get(s.field.name) ?? 0n;
    pkt.set(s.field.name, (base & ~mask) | (part << BigInt(s.offset)));
  }
}

/** Base field holding a string field's key (inport → reg14). */
export function stringBase(name: string, symtab: SymbolTable = ovnSymbolTable): string | undefined {
  const s = symtab.get(name);
  return s?.kind === 'string' ? s.field : undefined;
}

/**
 * A packet from readable fields, e.g. { 'eth.type': 0x800, 'ip4.src': '10.0.0.2', 'ip.ttl': 64 }.
 * Any integer symbol may be set (subfields write their bits). Port names for inport/outport are
 * resolved when the packet enters a datapath, so they are not accepted here.
 */
export function packet(
  fields: Readonly<Record<string, FieldInput>>,
  symtab: SymbolTable = ovnSymbolTable,
): SimPacket {
  const pkt: SimPacket = new Map();
  for (const [name, v] of Object.entries(fields)) {
    if (stringBase(name, symtab))
      throw new Error(`sim: give ${name} to simulate(), not in the packet`);
    writeField(pkt, name, parseFieldValue(v), 0, undefined, symtab);
  }
  return pkt;
}

/** Common packet shapes. */
export const ETH_IP4 = 0x800;
export const ETH_IP6 = 0x86dd;
export const ETH_ARP = 0x806;

/** An ICMPv4 echo request (or other ICMP, by type) between two hosts. */
export function icmp4Packet(o: {
  ethSrc: string;
  ethDst: string;
  src: string;
  dst: string;
  ttl?: number;
  type?: number;
}): SimPacket {
  return packet({
    'eth.src': o.ethSrc,
    'eth.dst': o.ethDst,
    'eth.type': ETH_IP4,
    'ip4.src': o.src,
    'ip4.dst': o.dst,
    'ip.proto': 1,
    'ip.ttl': o.ttl ?? 64,
    'icmp4.type': o.type ?? 8,
    'icmp4.code': 0,
  });
}

/** A UDP or TCP datagram. */
export function l4Packet(o: {
  proto: 'udp' | 'tcp';
  ethSrc: string;
  ethDst: string;
  src: string;
  dst: string;
  sport: number;
  dport: number;
  ttl?: number;
}): SimPacket {
  return packet({
    'eth.src': o.ethSrc,
    'eth.dst': o.ethDst,
    'eth.type': ETH_IP4,
    'ip4.src': o.src,
    'ip4.dst': o.dst,
    'ip.proto': o.proto === 'udp' ? 17 : 6,
    'ip.ttl': o.ttl ?? 64,
    [`${o.proto}.src`]: o.sport,
    [`${o.proto}.dst`]: o.dport,
  });
}

/** An ARP request from (sha, spa) for tpa, broadcast. */
export function arpRequest(o: { sha: string; spa: string; tpa: string }): SimPacket {
  return packet({
    'eth.src': o.sha,
    'eth.dst': 'ff:ff:ff:ff:ff:ff',
    'eth.type': ETH_ARP,
    'arp.op': 1,
    'arp.sha': o.sha,
    'arp.spa': o.spa,
    'arp.tha': '00:00:00:00:00:00',
    'arp.tpa': o.tpa,
  });
}

/** Packet fields (non-zero base fields, plus the named ports) in readable form, sorted. */
export function describePacket(
  pkt: SimPacket,
  portName: (key: bigint) => string | undefined = () => undefined,
  symtab: SymbolTable = ovnSymbolTable,
): Record<string, string> {
  const out: Record<string, string> = {};
  const strings = new Map<string, string>();
  for (const [name, s] of symtab.symbols) if (s.kind === 'string') strings.set(s.field, name);
  for (const f of symtab.baseFields) {
    const v = pkt.get(f.name);
    // Header fields show even when zero (icmp4.type 0 is an echo reply); metadata only when set.
    if (
      v === undefined ||
      (v === 0n && (/^reg\d+$/.test(f.name) || f.name === 'metadata' || f.name.startsWith('ct_')))
    )
      continue;
    const str = strings.get(f.name);
    out[str ?? f.name] = str ? (portName(v) ?? String(v)) : formatValue(v, f.format);
  }
  return out;
}
