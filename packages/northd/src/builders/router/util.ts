import type { RouterInput, RouterPortInput } from '../../inputs/inputs.js';
import { type IpAddress, linkLocalFromMac, parseIp } from '../../net/addresses.js';

/** A port name as OVN writes it in matches and actions (its json_key): a quoted string. */
export function q(name: string): string {
  return JSON.stringify(name);
}

/** The NB row a port's flows come from. */
export function portSource(p: RouterPortInput): { table: string; uuid: string } {
  return { table: 'logical_router_port', uuid: p.row.uuid };
}

/**
 * A distributed gateway port: a port of a distributed router (no options:chassis) with gateway
 * chassis (or the older options:redirect-chassis). Its chassisredirect twin is "cr-<name>",
 * which resides on the active gateway chassis.
 */
export function isGatewayPort(input: RouterInput, p: RouterPortInput): boolean {
  return (
    !input.row.options?.chassis &&
    (p.gatewayChassis.length > 0 || !!p.row.options?.['redirect-chassis'])
  );
}

/** The router's distributed gateway ports, by name. */
export function gatewayPorts(input: RouterInput): RouterPortInput[] {
  return input.ports.filter((p) => isGatewayPort(input, p));
}

export function crPort(p: RouterPortInput): string {
  return q(`cr-${p.row.name}`);
}

/** `{a, b}` for several values, the value alone for one, as OVN prints address lists. */
export function set(values: readonly string[]): string {
  return values.length === 1 ? values[0]! : `{${values.join(', ')}}`;
}

/**
 * The port's IPv6 addresses as OVN sees them: the configured networks plus the link-local
 * address derived from the MAC, which OVN gives every router port (extract_lrp_networks).
 */
export function ipv6Networks(p: RouterPortInput): IpAddress[] {
  const out = [...p.addresses.ipv6];
  const lla = linkLocalFromMac(p.addresses.mac);
  if (!out.some((a) => a.addr === lla)) out.push(parseIp(`${lla}/64`)!);
  return out;
}

/** All networks of a port, IPv4 first, with the link-local one. */
export function allNetworks(p: RouterPortInput): IpAddress[] {
  return [...p.addresses.ipv4, ...ipv6Networks(p)];
}

export function isLinkLocal(a: IpAddress): boolean {
  return a.family === 6 && a.network.startsWith('fe80:') && a.plen >= 10;
}

/** Ports that take part in the pipeline: enabled ones (disabled ports get no flows at all). */
export function enabledPorts(ports: readonly RouterPortInput[]): RouterPortInput[] {
  return ports.filter((p) => p.enabled);
}
