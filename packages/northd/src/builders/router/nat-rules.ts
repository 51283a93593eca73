import type { Nat } from '@ovn-ts/nb-db';
import ipaddr from 'ipaddr.js';
import type { RouterInput, RouterPortInput } from '../../inputs/inputs.js';
import { type IpAddress, parseIp } from '../../net/addresses.js';
import { gatewayPorts } from './util.js';

/**
 * A NAT row with its addresses parsed, or the reason it cannot be used. On a distributed router
 * `gw` is the distributed gateway port the rule applies on.
 */
export type NatRule =
  | {
      readonly ok: true;
      readonly row: Nat;
      readonly external: IpAddress;
      readonly logical: IpAddress;
      readonly gw?: RouterPortInput;
    }
  | { readonly ok: false; readonly row: Nat; readonly problem: string };

/** A gateway router: one bound to a chassis (options:chassis), where all NAT is centralized. */
export function isGatewayRouter(input: RouterInput): boolean {
  return !!input.row.options?.chassis;
}

/**
 * The router's NAT rules, parsed and checked as OVN does: external_ip is one address; logical_ip
 * is an address (or, for snat only, a network) of the same family.
 */
export function natRules(input: RouterInput): NatRule[] {
  return [...input.nats]
    .sort((a, b) => a.uuid.localeCompare(b.uuid))
    .map((row): NatRule => {
      const external = parseIp(row.external_ip);
      if (!external || external.plen !== (external.family === 4 ? 32 : 128)) {
        return { ok: false, row, problem: `bad external_ip "${row.external_ip}"` };
      }
      const logical = parseIp(row.logical_ip);
      if (!logical) return { ok: false, row, problem: `bad logical_ip "${row.logical_ip}"` };
      if (logical.family !== external.family) {
        return { ok: false, row, problem: 'external_ip and logical_ip are of different families' };
      }
      const host = logical.plen === (logical.family === 4 ? 32 : 128);
      if (row.type !== 'snat' && !host) {
        return {
          ok: false,
          row,
          problem: `${row.type} needs a single logical_ip, not the network ${row.logical_ip}`,
        };
      }
      const range = row.external_port_range;
      if (range && !validPortRange(range))
        return { ok: false, row, problem: `bad external_port_range "${range}"` };
      if (isGatewayRouter(input)) return { ok: true, row, external, logical };
      const gw = natGatewayPort(input, external);
      if (typeof gw === 'string') return { ok: false, row, problem: gw };
      return { ok: true, row, external, logical, gw };
    });
}

/**
 * The distributed gateway port a rule of a distributed router applies on (OVN infers it when the
 * rule names none): the only one, or the one whose network holds the external IP.
 */
function natGatewayPort(input: RouterInput, external: IpAddress): RouterPortInput | string {
  const gws = gatewayPorts(input);
  if (gws.length === 0)
    return 'NAT on a distributed router needs a distributed gateway port (a port with gateway chassis)';
  if (gws.length === 1) return gws[0]!;
  const ext = ipaddr.parse(external.addr);
  const holding = gws.filter((p) =>
    [...p.addresses.ipv4, ...p.addresses.ipv6].some((a) => {
      const net = ipaddr.parse(a.network);
      return net.kind() === ext.kind() && ext.match(net, a.plen);
    }),
  );
  return holding.length === 1
    ? holding[0]!
    : `cannot tell which distributed gateway port serves external_ip ${external.addr}`;
}

/** Usable rules. */
export function builtNats(input: RouterInput): Extract<NatRule, { ok: true }>[] {
  return natRules(input).filter((r): r is Extract<NatRule, { ok: true }> => r.ok);
}

/** "N" or "LO-HI" with 1 ≤ LO ≤ HI ≤ 65535. */
function validPortRange(text: string): boolean {
  const m = /^(\d+)(?:-(\d+))?$/.exec(text);
  if (!m) return false;
  const lo = Number(m[1]);
  const hi = m[2] === undefined ? lo : Number(m[2]);
  return lo >= 1 && lo <= hi && hi <= 65535;
}
