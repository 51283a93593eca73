import type { Nat } from '@ovn-ts/nb-db';
import type { RouterInput } from '../../inputs/inputs.js';
import { type IpAddress, parseIp } from '../../net/addresses.js';

/** A NAT row with its addresses parsed, or the reason it cannot be used. */
export type NatRule =
  | { readonly ok: true; readonly row: Nat; readonly external: IpAddress; readonly logical: IpAddress }
  | { readonly ok: false; readonly row: Nat; readonly problem: string };

/** A gateway router: one bound to a chassis (options:chassis), where all NAT is centralized. */
export function isGatewayRouter(input: RouterInput): boolean {
  return !!input.row.options?.['chassis'];
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
        return { ok: false, row, problem: `${row.type} needs a single logical_ip, not the network ${row.logical_ip}` };
      }
      return { ok: true, row, external, logical };
    });
}

/** Usable rules, on routers where they are built (gateway routers so far). */
export function builtNats(input: RouterInput): Extract<NatRule, { ok: true }>[] {
  if (!isGatewayRouter(input)) return [];
  return natRules(input).filter((r): r is Extract<NatRule, { ok: true }> => r.ok);
}

/** External addresses that SNAT (snat, dnat_and_snat) translates to. */
export function snatExternalIps(input: RouterInput): Set<string> {
  return new Set(builtNats(input).filter((r) => r.row.type !== 'dnat').map((r) => r.external.addr));
}
