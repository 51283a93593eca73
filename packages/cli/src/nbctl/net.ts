/**
 * Addresses as OVN writes them, checked before anything is written (the database checks again).
 * ipaddr.js parses IPs; we only insist on the canonical textual forms OVN accepts
 * (dotted-quad IPv4, no "10.1" shorthands).
 */
import ipaddr from 'ipaddr.js';
import { invalid } from './errors.js';

const MAC_RE = /^[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2}){5}$/;

export const isMac = (s: string): boolean => MAC_RE.test(s);

export function isIpv4(s: string): boolean {
  return ipaddr.IPv4.isValidFourPartDecimal(s);
}

export function isIpv6(s: string): boolean {
  return s.includes(':') && ipaddr.IPv6.isValid(s) && !s.includes('%');
}

export const isIp = (s: string): boolean => isIpv4(s) || isIpv6(s);

export interface Cidr {
  readonly ip: string;
  readonly prefix: number;
  readonly family: 4 | 6;
}

/** `IP/LEN` (host bits allowed, as on router ports) or, when `allowBare`, a plain IP. */
export function parseCidr(s: string, allowBare = false): Cidr | undefined {
  const slash = s.indexOf('/');
  const ip = slash < 0 ? s : s.slice(0, slash);
  const family = isIpv4(ip) ? 4 : isIpv6(ip) ? 6 : undefined;
  if (!family) return undefined;
  const max = family === 4 ? 32 : 128;
  if (slash < 0) return allowBare ? { ip, prefix: max, family } : undefined;
  const len = s.slice(slash + 1);
  if (!/^\d{1,3}$/.test(len) || Number(len) > max) return undefined;
  return { ip, prefix: Number(len), family };
}

/** The network of a prefix, as OVN normalises route prefixes: 10.0.0.5/24 → 10.0.0.0/24. */
export function networkOf(c: Cidr): string {
  const addr = ipaddr.parse(c.ip);
  const bytes = addr.toByteArray();
  for (let bit = c.prefix; bit < bytes.length * 8; bit++) bytes[bit >> 3]! &= ~(0x80 >> (bit & 7));
  const net = ipaddr.fromByteArray(bytes).toString();
  return c.prefix === (c.family === 4 ? 32 : 128) ? net : `${net}/${c.prefix}`;
}

export function checkMac(object: string, s: string): string {
  if (!isMac(s)) throw invalid(object, `invalid MAC address "${s}"`);
  return s.toLowerCase();
}

export function checkIp(object: string, s: string, what = 'IP address'): string {
  if (!isIp(s)) throw invalid(object, `invalid ${what} "${s}"`);
  return s;
}

export function checkCidr(object: string, s: string, what = 'network'): Cidr {
  const c = parseCidr(s);
  if (!c) throw invalid(object, `invalid ${what} "${s}" (expected IP/PREFIXLEN)`);
  return c;
}

/**
 * One entry of Logical_Switch_Port.addresses: `unknown`, `router`, `dynamic`, `MAC [IP…]`,
 * `MAC dynamic` or `dynamic IP`. IPs are host addresses, optionally with a prefix length.
 */
export function checkLspAddress(object: string, entry: string): string {
  const parts = entry.trim().split(/\s+/);
  if (['unknown', 'router', 'dynamic'].includes(entry)) return entry;
  if (parts[0] === 'dynamic') {
    if (parts.length === 2 && parseCidr(parts[1]!, true)) return entry;
    throw invalid(object, `invalid address "${entry}" (expected "dynamic IP")`);
  }
  if (!isMac(parts[0]!)) throw invalid(object, `invalid MAC address "${parts[0]}" in "${entry}"`);
  for (const p of parts.slice(1)) {
    if (p !== 'dynamic' && !parseCidr(p, true))
      throw invalid(object, `invalid IP address "${p}" in "${entry}"`);
  }
  return parts.join(' ');
}

/** One entry of Logical_Switch_Port.port_security: `MAC [IP[/LEN]…]`. */
export function checkPortSecurity(object: string, entry: string): string {
  const parts = entry.trim().split(/\s+/);
  if (!isMac(parts[0]!))
    throw invalid(object, `invalid MAC address "${parts[0]}" in port security "${entry}"`);
  for (const p of parts.slice(1)) {
    if (!parseCidr(p, true))
      throw invalid(object, `invalid IP address or network "${p}" in port security "${entry}"`);
  }
  return parts.join(' ');
}

/** An integer in [lo, hi], or an error naming the range. */
export function checkInt(object: string, s: string, what: string, lo: number, hi: number): number {
  if (!/^[+-]?\d+$/.test(s)) throw invalid(object, `${what} "${s}" is not an integer`);
  const n = Number(s);
  if (n < lo || n > hi) throw invalid(object, `${what} ${s} out of range ${lo}..${hi}`);
  return n;
}

/** `key=value` pairs, as lsp-set-options and friends take them. */
export function parseKeyValues(object: string, args: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const a of args) {
    const eq = a.indexOf('=');
    if (eq <= 0) throw invalid(object, `"${a}" is not key=value`);
    out[a.slice(0, eq)] = a.slice(eq + 1);
  }
  return out;
}

/** The network with its prefix length always written: 10.0.0.5/24 → 10.0.0.0/24, 10.0.0.5/32 → 10.0.0.5/32. */
export function networkWithLength(c: Cidr): string {
  return `${networkOf(c).replace(/\/\d+$/, '')}/${c.prefix}`;
}

/** True when no bits are set right of the prefix (what PostgreSQL's cidr type demands). */
export function hasNoHostBits(c: Cidr): boolean {
  return networkWithLength(c) === `${ipaddr.parse(c.ip).toString()}/${c.prefix}`;
}
