import ipaddr from 'ipaddr.js';

/** One IPv4 or IPv6 address with its prefix, as OVN's address parsing yields it. */
export interface IpAddress {
  readonly family: 4 | 6;
  /** The address as written canonically (e.g. 10.0.0.1, fd00::1). */
  readonly addr: string;
  readonly plen: number;
  /** The network address (host bits cleared) and, for IPv4, the broadcast address. */
  readonly network: string;
  readonly bcast?: string;
}

/** A MAC with its addresses: one entry of Logical_Switch_Port.addresses, or a router port. */
export interface LportAddresses {
  readonly mac: string;
  readonly ipv4: readonly IpAddress[];
  readonly ipv6: readonly IpAddress[];
}

/**
 * Parsed addresses by text. Every compile parses every port's addresses again, and ipaddr.js is a
 * large part of a full recompute; results are immutable, so they are shared. Bounded: cleared
 * when it grows past CACHE_MAX entries.
 */
const parsedIps = new Map<string, IpAddress | undefined>();
const parsedEntries = new Map<string, LportAddresses | undefined>();
const CACHE_MAX = 200_000;

function cached<T>(cache: Map<string, T>, key: string, make: (key: string) => T): T {
  if (cache.has(key)) return cache.get(key)!;
  if (cache.size >= CACHE_MAX) cache.clear();
  const v = make(key);
  cache.set(key, v);
  return v;
}

/** Parses "IP" or "IP/PLEN"; without a prefix, a host address (/32, /128). */
export function parseIp(text: string): IpAddress | undefined {
  return cached(parsedIps, text, parseIpUncached);
}

function parseIpUncached(text: string): IpAddress | undefined {
  try {
    const [a, p] = text.split('/');
    const addr = ipaddr.parse(a!);
    const family = addr.kind() === 'ipv4' ? 4 : 6;
    const max = family === 4 ? 32 : 128;
    const plen = p === undefined ? max : Number(p);
    if (!Number.isInteger(plen) || plen < 0 || plen > max) return undefined;
    const network = maskAddr(addr, plen, false);
    return {
      family,
      addr: addr.toString(),
      plen,
      network,
      ...(family === 4 && { bcast: maskAddr(addr, plen, true) }),
    };
  } catch {
    return undefined;
  }
}

function maskAddr(addr: ipaddr.IPv4 | ipaddr.IPv6, plen: number, setHost: boolean): string {
  const bytes = addr.toByteArray();
  for (let i = 0; i < bytes.length; i++) {
    const keep = Math.max(0, Math.min(8, plen - i * 8));
    const mask = keep === 0 ? 0 : (0xff << (8 - keep)) & 0xff;
    bytes[i] = setHost ? (bytes[i]! & mask) | (~mask & 0xff) : bytes[i]! & mask;
  }
  return ipaddr.fromByteArray(bytes).toString();
}

const MAC = /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/i;

/**
 * Parses one address entry "MAC [IP…]" (Logical_Switch_Port.addresses or port_security).
 * Returns undefined for the keyword forms ("unknown", "router", "dynamic") and malformed entries.
 */
export function parseLportAddresses(entry: string): LportAddresses | undefined {
  return cached(parsedEntries, entry, parseLportAddressesUncached);
}

function parseLportAddressesUncached(entry: string): LportAddresses | undefined {
  const parts = entry.trim().split(/\s+/);
  const mac = parts[0];
  if (!mac || !MAC.test(mac)) return undefined;
  const ipv4: IpAddress[] = [];
  const ipv6: IpAddress[] = [];
  for (const p of parts.slice(1)) {
    if (p === 'dynamic') continue;
    const ip = parseIp(p);
    if (!ip) return undefined;
    (ip.family === 4 ? ipv4 : ipv6).push(ip);
  }
  return { mac: mac.toLowerCase(), ipv4, ipv6 };
}

/** A router port's MAC and networks ("10.0.0.1/24", …). */
export function routerPortAddresses(mac: string, networks: readonly string[]): LportAddresses {
  const ipv4: IpAddress[] = [];
  const ipv6: IpAddress[] = [];
  for (const n of networks) {
    const ip = parseIp(n);
    if (ip) (ip.family === 4 ? ipv4 : ipv6).push(ip);
  }
  return { mac: mac.toLowerCase(), ipv4, ipv6 };
}

/** The IPv6 link-local address derived from a MAC (EUI-64), as routers use for ND. */
export function linkLocalFromMac(mac: string): string {
  const b = mac.split(':').map((x) => Number.parseInt(x, 16));
  const bytes = [
    0xfe,
    0x80,
    0,
    0,
    0,
    0,
    0,
    0,
    b[0]! ^ 2,
    b[1]!,
    b[2]!,
    0xff,
    0xfe,
    b[3]!,
    b[4]!,
    b[5]!,
  ];
  return ipaddr.fromByteArray(bytes).toString();
}

/** The solicited-node multicast address of an IPv6 address (ff02::1:ffXX:XXXX). */
export function solicitedNode(addr: string): string {
  const b = ipaddr.parse(addr).toByteArray();
  const bytes = [0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0xff, b[13]!, b[14]!, b[15]!];
  return ipaddr.fromByteArray(bytes).toString();
}
