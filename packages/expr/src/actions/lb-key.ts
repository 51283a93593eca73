// Load-balancer address strings such as "10.0.0.1:80" or "[fd00::1]:80", as trigger_event's
// `vip` and commit_lb_aff's `vip`/`backend` take them: an IPv4 address or a bracketed IPv6
// address, optionally followed by `:port` (OVS's inet_parse_active with no default port).

import { formatIpv4, formatIpv6, parseIpv4, parseIpv6 } from '../values.js';
import type { IpAddress } from './ast.js';

export interface LbKey {
  readonly ip: IpAddress;
  /** 0 when absent. */
  readonly port: number;
}

export function parseLbKey(s: string): LbKey | undefined {
  let host: string;
  let rest: string;
  if (s.startsWith('[')) {
    const close = s.indexOf(']');
    if (close < 0) return undefined;
    host = s.slice(1, close);
    rest = s.slice(close + 1);
  } else {
    const colon = s.indexOf(':');
    host = colon < 0 ? s : s.slice(0, colon);
    rest = colon < 0 ? '' : s.slice(colon);
  }
  let port = 0;
  if (rest !== '') {
    if (!/^:[0-9]+$/.test(rest)) return undefined;
    port = Number(rest.slice(1));
    if (port > 65535) return undefined;
  }
  if (host.includes(':')) {
    const v6 = parseIpv6(host);
    return v6 === undefined ? undefined : { ip: { family: 'ipv6', value: v6 }, port };
  }
  const v4 = parseIpv4(host);
  return v4 === undefined ? undefined : { ip: { family: 'ipv4', value: v4 }, port };
}

/** Formats as OVN prints it: IPv6 always in brackets, the port only when nonzero. */
export function formatLbKey(ip: IpAddress, port: number): string {
  const host = ip.family === 'ipv4' ? formatIpv4(ip.value) : `[${formatIpv6(ip.value)}]`;
  return port ? `${host}:${port}` : host;
}
