import type { SwitchPortInput } from '../../inputs/inputs.js';
import type { IpAddress } from '../../net/addresses.js';

/** The NB row a port's flows derive from. */
export function lspSource(p: SwitchPortInput): { table: string; uuid: string } {
  return { table: 'logical_switch_port', uuid: p.row.uuid };
}

/** One value, or a `{a, b}` set of several. */
export function valueSet(values: readonly string[]): string {
  return values.length === 1 ? values[0]! : `{${values.join(', ')}}`;
}

export const macSet = valueSet;

/**
 * How a port-security address constrains an IP field. A host address (/32, /128, or host bits
 * set, e.g. 10.0.0.5/24) allows exactly that address; a network address (host bits zero, e.g.
 * 10.0.0.0/24) allows the whole subnet.
 */
export function allowedIp(ip: IpAddress): string {
  const host = ip.plen === (ip.family === 4 ? 32 : 128) || ip.addr !== ip.network;
  return host ? ip.addr : `${ip.network}/${ip.plen}`;
}

/** Whether the address is a host address inside a larger subnet (it also hears the broadcast). */
export function isHostInSubnet(ip: IpAddress): boolean {
  return ip.plen !== (ip.family === 4 ? 32 : 128) && ip.addr !== ip.network;
}
