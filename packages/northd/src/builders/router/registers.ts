/**
 * Registers the router pipeline uses to carry state between stages. These are OVN's conventions
 * (northd.c, REG_* and REGBIT_*), kept so that flows read like OVN's and traces compare directly.
 *
 *   xreg0[0..47]   REG_INPORT_ETH_ADDR: MAC of the port the packet came in on (set at admission,
 *                  used by ARP/ND replies in ip_input). Overlaps reg0/reg1, which routing reuses.
 *   reg0           REG_NEXT_HOP_IPV4: next hop chosen by routing, resolved by arp_resolve.
 *   xxreg0         REG_NEXT_HOP_IPV6 (reg0..reg3).
 *   reg1           REG_SRC_IPV4: the outgoing port's address, the source of ARP requests.
 *   xxreg1         REG_SRC_IPV6 (reg4..reg7).
 *   reg7           REG_ROUTE_TABLE_ID: the inport's route table (0 = main), set in ip_routing_pre.
 *   reg8[0..15]    REG_ECMP_GROUP_ID: 0 for non-ECMP routes.
 *   reg8[16..31]   REG_ECMP_MEMBER_ID: the member select() picked.
 *   reg9[0]        REGBIT_EGRESS_LOOPBACK: packet re-entered ingress after egress (hairpin).
 *   reg9[1]        REGBIT_PKT_LARGER: larger than the gateway MTU.
 *   reg9[2]        REGBIT_LOOKUP_NEIGHBOR_RESULT: the MAC binding is known (or no need to learn).
 *   reg9[3]        REGBIT_LOOKUP_NEIGHBOR_IP_RESULT: learning from this packet is allowed.
 *   reg9[16..31]   REG_ORIG_TP_DPORT_ROUTER: a load balancer VIP's L4 port, kept by defrag
 *                  before ct_dnat may rewrite it (reg0/xxreg0 keep the VIP meanwhile).
 *   flags.loopback (reg10[0]) lets a packet leave by the port it came in on.
 *   flags.force_snat_for_dnat / force_snat_for_lb / skip_snat_for_lb: set by DNAT and load
 *                  balancing on gateway routers for the egress SNAT stage.
 *   ct_mark.natted: the connection was load balanced (ct_lb_mark sets it).
 */
export const REG_INPORT_ETH_ADDR = 'xreg0[0..47]';
export const REG_NEXT_HOP_IPV4 = 'reg0';
export const REG_NEXT_HOP_IPV6 = 'xxreg0';
export const REG_SRC_IPV4 = 'reg1';
export const REG_SRC_IPV6 = 'xxreg1';
export const REG_ROUTE_TABLE_ID = 'reg7';
export const REG_ECMP_GROUP_ID = 'reg8[0..15]';
export const REG_ECMP_MEMBER_ID = 'reg8[16..31]';
export const REGBIT_EGRESS_LOOPBACK = 'reg9[0]';
export const REGBIT_PKT_LARGER = 'reg9[1]';
export const REGBIT_LOOKUP_NEIGHBOR_RESULT = 'reg9[2]';
export const REGBIT_LOOKUP_NEIGHBOR_IP_RESULT = 'reg9[3]';
export const REG_ORIG_TP_DPORT_ROUTER = 'reg9[16..31]';

/** A next-hop/source register pair for an address family. */
export function nextHopReg(family: 4 | 6): string {
  return family === 4 ? REG_NEXT_HOP_IPV4 : REG_NEXT_HOP_IPV6;
}

export function srcReg(family: 4 | 6): string {
  return family === 4 ? REG_SRC_IPV4 : REG_SRC_IPV6;
}
