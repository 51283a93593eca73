import { type IpAddress, parseIp } from '../../net/addresses.js';

/** One VIP of a Load_Balancer row: "10.0.0.10:80" → "10.0.0.3:80,10.0.0.4:80". */
export interface LbVip {
  readonly ip: IpAddress;
  /** The L4 port, if the VIP names one. */
  readonly port?: number;
  /** Backends as ct_lb_mark writes them: "10.0.0.3:80", "[fd00::3]:80", "10.0.0.3". */
  readonly backends: readonly string[];
}

/** Parses a VIP key and its backend list; a string says what is wrong. */
export function parseLbVip(key: string, value: string): LbVip | string {
  const vip = parseEndpoint(key);
  if (typeof vip === 'string') return `VIP ${key}: ${vip}`;
  const backends: string[] = [];
  for (const raw of value.split(',')) {
    const b = raw.trim();
    if (!b) continue;
    const be = parseEndpoint(b);
    if (typeof be === 'string') return `VIP ${key}: backend ${b}: ${be}`;
    if (be.ip.family !== vip.ip.family)
      return `VIP ${key}: backend ${b}: address family differs from the VIP's`;
    // A VIP with a port needs backend ports; one without takes none.
    if ((vip.port === undefined) !== (be.port === undefined)) {
      return `VIP ${key}: backend ${b}: ${vip.port === undefined ? 'has a port, the VIP has none' : 'needs a port'}`;
    }
    const ip = be.ip.family === 6 && be.port !== undefined ? `[${be.ip.addr}]` : be.ip.addr;
    backends.push(be.port === undefined ? ip : `${ip}:${be.port}`);
  }
  return { ip: vip.ip, ...(vip.port !== undefined && { port: vip.port }), backends };
}

function parseEndpoint(text: string): { ip: IpAddress; port?: number } | string {
  let host = text;
  let port: number | undefined;
  const v6 = /^\[([^\]]+)\](?::(\d+))?$/.exec(text);
  if (v6) {
    host = v6[1]!;
    if (v6[2] !== undefined) port = Number(v6[2]);
  } else if (/^[\d.]+:\d+$/.test(text)) {
    const i = text.lastIndexOf(':');
    host = text.slice(0, i);
    port = Number(text.slice(i + 1));
  }
  const ip = parseIp(host);
  if (!ip || ip.plen !== (ip.family === 4 ? 32 : 128) || host.includes('/'))
    return 'not an IP address';
  if (port !== undefined && (port < 1 || port > 65535)) return 'port out of range';
  return port === undefined ? { ip } : { ip, port };
}
