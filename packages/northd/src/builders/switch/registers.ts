/**
 * The switch pipeline's register bits and constants, in one place, as OVN's northd assigns them
 * (ovn-northd(8), 22.03 numbering). Builders write and read these; the simulator and traces
 * show them, so they keep OVN's meaning: a reader of OVN's documentation recognises them.
 */

/** Pre-ACL → pre-stateful: send the packet to conntrack (ct_next) for tracking and defrag. */
export const REGBIT_CONNTRACK_DEFRAG = 'reg0[0]';
/** ACL → stateful: commit the connection (ct_commit with ct_mark.blocked = 0). */
export const REGBIT_CONNTRACK_COMMIT = 'reg0[1]';
/** Pre-LB → pre-stateful: send the packet to conntrack through ct_lb_mark (load balancers). */
export const REGBIT_CONNTRACK_NAT = 'reg0[2]';
/** DHCP options → DHCP response: put_dhcp_opts built a reply. */
export const REGBIT_DHCP_OPTS_RESULT = 'reg0[3]';
/** Pre-hairpin → hairpin: the packet is a load-balanced connection back to its own source. */
export const REGBIT_HAIRPIN = 'reg0[6]';
/** ACL hint: the packet may match an allow ACL and its connection must be committed. */
export const REGBIT_ACL_HINT_ALLOW_NEW = 'reg0[7]';
/** ACL hint: the packet may match an allow ACL; its connection is already committed. */
export const REGBIT_ACL_HINT_ALLOW = 'reg0[8]';
/** ACL hint: the packet may match a drop/reject ACL (new, untracked or blocked connection). */
export const REGBIT_ACL_HINT_DROP = 'reg0[9]';
/** ACL hint: the packet may match a drop/reject ACL of an allowed connection, to be blocked. */
export const REGBIT_ACL_HINT_BLOCK = 'reg0[10]';
/** Lookup FDB → put FDB: the (inport, eth.src) pair is already learnt. */
export const REGBIT_LKUP_FDB = 'reg0[11]';
/** Pre-hairpin → NAT hairpin: the packet is a reply of a hairpinned connection. */
export const REGBIT_HAIRPIN_REPLY = 'reg0[12]';
/** ACL → stateful: commit the ACL's label (REG_LABEL) into ct_label.label. */
export const REGBIT_ACL_LABEL = 'reg0[13]';
/** The label of the ACL that allowed the packet. */
export const REG_LABEL = 'reg3';
/** Load balancer: the original destination (IPv4 / IPv6) and transport port, for hairpin. */
export const REG_ORIG_DIP_IPV4 = 'reg1';
export const REG_ORIG_DIP_IPV6 = 'xxreg1';
export const REG_ORIG_TP_DPORT = 'reg2[0..15]';

/** Multicast groups the switch pipeline outputs to (SB Multicast_Group names). */
export const MC_FLOOD = '_MC_flood';
export const MC_UNKNOWN = '_MC_unknown';

/** ACL priorities are offset so that OVN's own flows fit above and below them. */
export const ACL_PRIORITY_OFFSET = 1000;

/** The port name as a match/action string constant (OVN's json_key): `"sw0-p1"`. */
export function portKey(name: string): string {
  return JSON.stringify(name);
}
