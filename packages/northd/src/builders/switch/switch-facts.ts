import type { SwitchInput, SwitchPortInput } from '../../inputs/inputs.js';
import { checkedAcls } from './acl-parse.js';

/** What several switch builders ask about a switch: computed once per input, not per builder. */
export interface SwitchFacts {
  /** Some ACL with a valid match applies (directly or through a port group). */
  readonly hasAcls: boolean;
  /** Some applying ACL is allow-related. */
  readonly hasStatefulAcl: boolean;
  /** Some load balancer with at least one VIP applies. */
  readonly hasLbVip: boolean;
  /** Traffic goes through conntrack: a stateful ACL or a load balancer VIP (OVN's has_stateful). */
  readonly stateful: boolean;
  /** Some enabled port takes frames for unknown MACs (so _MC_unknown exists). */
  readonly hasUnknown: boolean;
  /** Ports conntrack must skip: router ports (their traffic is tracked elsewhere) and localnet. */
  readonly ctSkipPorts: readonly SwitchPortInput[];
}

const cache = new WeakMap<SwitchInput, SwitchFacts>();

export function switchFacts(input: SwitchInput): SwitchFacts {
  const hit = cache.get(input);
  if (hit) return hit;
  // An ACL whose match does not parse is left out as if it did not exist: it must not make the
  // switch stateful either.
  const acls = checkedAcls(input).filter((c) => c.ok);
  const hasAcls = acls.length > 0;
  const hasStatefulAcl = acls.some((c) => c.acl.row.action === 'allow-related');
  const hasLbVip = input.loadBalancers.some((lb) => Object.keys(lb.vips ?? {}).length > 0);
  const facts: SwitchFacts = {
    hasAcls,
    hasStatefulAcl,
    hasLbVip,
    stateful: hasStatefulAcl || hasLbVip,
    hasUnknown: input.ports.some(acceptsUnknown),
    ctSkipPorts: input.ports.filter((p) => p.row.type === 'router' || p.row.type === 'localnet'),
  };
  cache.set(input, facts);
  return facts;
}

/**
 * The port is a member of _MC_unknown: enabled, and either "unknown" is among its addresses or
 * it is a localnet port (the physical network behind it holds MACs OVN does not know).
 */
export function acceptsUnknown(p: SwitchPortInput): boolean {
  return p.enabled && (p.unknown || p.row.type === 'localnet');
}

/**
 * The port security entries that apply to a port. Localnet ports carry many foreign MACs and
 * external ports are reached through localnet, so neither is subject to port security.
 */
export function effectivePortSecurity(p: SwitchPortInput): SwitchPortInput['portSecurity'] {
  return p.row.type === 'localnet' || p.row.type === 'external' ? [] : p.portSecurity;
}
