/** Load balancer endpoints as OVN writes them: IP, IP:PORT, IPv6, [IPv6]:PORT. Pure. */
import { invalid } from './errors.js';
import { isIpv4, isIpv6 } from './net.js';

export interface Endpoint {
  readonly ip: string;
  readonly port: number | undefined;
  readonly family: 4 | 6;
  /** The canonical text, used as the key in Load_Balancer.vips. */
  readonly text: string;
}

export function parseEndpoint(object: string, s: string, what: string): Endpoint {
  let ip: string;
  let portText: string | undefined;
  const bracket = /^\[([^\]]+)\](?::(\d+))?$/.exec(s);
  if (bracket) {
    ip = bracket[1]!;
    portText = bracket[2];
    if (!isIpv6(ip)) throw invalid(object, `invalid ${what} "${s}"`);
  } else if (isIpv6(s)) {
    ip = s;
  } else {
    const m = /^([^:]+)(?::(\d+))?$/.exec(s);
    if (!m || !isIpv4(m[1]!))
      throw invalid(object, `invalid ${what} "${s}" (expected IP, IP:PORT or [IPv6]:PORT)`);
    ip = m[1]!;
    portText = m[2];
  }
  const family = isIpv4(ip) ? 4 : 6;
  let port: number | undefined;
  if (portText !== undefined) {
    port = Number(portText);
    if (!(port >= 1 && port <= 65535))
      throw invalid(object, `port ${portText} of ${what} "${s}" out of range 1..65535`);
  }
  const text = port === undefined ? ip : family === 6 ? `[${ip}]:${port}` : `${ip}:${port}`;
  return { ip, port, family, text };
}

/** A VIP and its comma-separated backends: same family, with ports exactly when the VIP has one. */
export function parseVipAndBackends(
  object: string,
  vipText: string,
  backendsText: string,
): { vip: Endpoint; backends: string } {
  const vip = parseEndpoint(object, vipText, 'VIP');
  const parts = backendsText
    .split(',')
    .map((b) => b.trim())
    .filter((b) => b !== '');
  const backends = parts.map((b) => {
    const e = parseEndpoint(object, b, 'backend');
    if (e.family !== vip.family)
      throw invalid(object, `backend ${b} is not in the address family of VIP ${vipText}`);
    if ((e.port === undefined) !== (vip.port === undefined)) {
      throw invalid(
        object,
        vip.port === undefined
          ? `backend ${b} has a port but VIP ${vipText} has none`
          : `backend ${b} needs a port, as VIP ${vipText} has one`,
      );
    }
    return e.text;
  });
  return { vip, backends: backends.join(',') };
}
