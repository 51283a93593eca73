import type { SwitchInput } from '../../inputs/inputs.js';
import { MC_FLOOD, MC_UNKNOWN } from './registers.js';
import { acceptsUnknown } from './switch-facts.js';

/** A multicast group the switch's flows output to, with its member port names. */
export interface SwitchMulticastGroup {
  readonly name: string;
  readonly ports: readonly string[];
}

/**
 * The SB Multicast_Group rows the switch pipeline needs, with the same membership rules the
 * flows assume: _MC_flood holds every enabled port; _MC_unknown the enabled ports that take
 * unknown MACs (including localnet ports), and exists only when it has members (otherwise the
 * l2_unknown stage drops instead of outputting to it).
 */
export function switchMulticastGroups(input: SwitchInput): SwitchMulticastGroup[] {
  const groups: SwitchMulticastGroup[] = [
    { name: MC_FLOOD, ports: input.ports.filter((p) => p.enabled).map((p) => p.row.name) },
  ];
  const unknown = input.ports.filter(acceptsUnknown).map((p) => p.row.name);
  if (unknown.length) groups.push({ name: MC_UNKNOWN, ports: unknown });
  return groups;
}
