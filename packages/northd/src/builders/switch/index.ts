import type { SwitchInput } from '../../inputs/inputs.js';
import type { FlowSink } from '../../lflow.js';
import { buildAcls } from './acl.js';
import { buildAclHints } from './acl-hints.js';
import { buildArpNdResponder } from './arp-nd-responder.js';
import { buildPassThrough } from './defaults.js';
import { buildDhcp } from './dhcp.js';
import { buildDhcpv6 } from './dhcpv6.js';
import { buildFdb } from './fdb.js';
import { buildL2Lookup } from './l2-lookup.js';
import { buildLoadBalancing } from './lb.js';
import { buildLbHairpin } from './lb-hairpin.js';
import { buildPortSecurityIp } from './port-security-ip.js';
import { buildPortSecurityL2 } from './port-security-l2.js';
import { buildPortSecurityNd } from './port-security-nd.js';
import { buildPreAcl } from './pre-acl.js';
import { buildPreLb } from './pre-lb.js';
import { buildPreStateful } from './pre-stateful.js';
import { buildStateful } from './stateful.js';
import { buildVirtualPorts } from './virtual-port.js';

export type SwitchBuilder = (input: SwitchInput, sink: FlowSink) => void;

/**
 * The switch pipeline, one builder per feature, each in its own file. Order does not matter for
 * the result (flows are identified by stage, priority, match and actions), only for readability:
 * here it follows the pipeline.
 *
 * What they read, for incremental recomputation: the SwitchInput only — the switch row, its
 * ports (with the peer router port's MAC and networks for "router" ports, and DHCP_Options
 * rows), the ACLs that apply (port group rows for names only), load balancers, and NB_Global
 * options:default_acl_drop. Address set contents and port group members are never read: `$as`
 * and `@pg` stay names in the matches, so changing them needs no switch recompute (only a port
 * group gaining or losing this switch's ports changes which ACLs apply here).
 */
export const SWITCH_BUILDERS: ReadonlyArray<readonly [name: string, build: SwitchBuilder]> = [
  ['ls-port-security-l2', buildPortSecurityL2],
  ['ls-port-security-ip', buildPortSecurityIp],
  ['ls-port-security-nd', buildPortSecurityNd],
  ['ls-fdb', buildFdb],
  ['ls-pre-acl', buildPreAcl],
  ['ls-pre-lb', buildPreLb],
  ['ls-pre-stateful', buildPreStateful],
  ['ls-acl-hints', buildAclHints],
  ['ls-acl', buildAcls],
  ['ls-lb', buildLoadBalancing],
  ['ls-stateful', buildStateful],
  ['ls-lb-hairpin', buildLbHairpin],
  ['ls-arp-nd-responder', buildArpNdResponder],
  ['ls-virtual-port', buildVirtualPorts],
  ['ls-dhcp', buildDhcp],
  ['ls-dhcpv6', buildDhcpv6],
  ['ls-l2-lookup', buildL2Lookup],
  ['ls-pass-through', buildPassThrough],
];

export { type SwitchMulticastGroup, switchMulticastGroups } from './multicast-groups.js';
export { MC_FLOOD, MC_UNKNOWN } from './registers.js';
