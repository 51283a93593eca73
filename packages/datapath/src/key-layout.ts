/**
 * The flow key: every match field lives at a fixed place in one Uint32Array, so a packet is parsed
 * into a reused array (no per-packet allocation), a subtable hashes only the words its mask uses, and
 * the flow cache compares keys word by word.
 *
 * Multi-word fields are big-endian across words (word 0 most significant): a MAC address takes two
 * words (top 16 bits in the first), IPv6 addresses and ct_label four, metadata and tun_id two.
 * Registers are consecutive, so xregN (reg2N:reg2N+1) and xxregN (reg4N..reg4N+3) are plain views.
 */
export const K_IN_PORT = 0;
export const K_METADATA = 1; // 2 words
export const K_REG0 = 3; // 16 words
export const K_ETH_SRC = 19; // 2 words
export const K_ETH_DST = 21; // 2 words
export const K_ETH_TYPE = 23;
/** VLAN TCI with bit 0x1000 meaning "a tag is present" (the CFI/DEI bit is not kept), as in OVS. */
export const K_VLAN_TCI = 24;
export const K_NW_PROTO = 25;
export const K_NW_TOS = 26;
export const K_NW_TTL = 27;
export const K_NW_FRAG = 28;
export const K_IP4_SRC = 29;
export const K_IP4_DST = 30;
export const K_IP6_SRC = 31; // 4 words
export const K_IP6_DST = 35; // 4 words
/** Transport source port; ICMP type for ICMPv4/v6 (as in OVS). */
export const K_TP_SRC = 39;
/** Transport destination port; ICMP code for ICMPv4/v6. */
export const K_TP_DST = 40;
export const K_TCP_FLAGS = 41;
export const K_ARP_OP = 42;
export const K_ARP_SPA = 43;
export const K_ARP_TPA = 44;
export const K_ARP_SHA = 45; // 2 words
export const K_ARP_THA = 47; // 2 words
export const K_ND_TARGET = 49; // 4 words
export const K_ND_SLL = 53; // 2 words
export const K_ND_TLL = 55; // 2 words
export const K_CT_STATE = 57;
export const K_CT_ZONE = 58;
export const K_CT_MARK = 59;
export const K_CT_LABEL = 60; // 4 words
export const K_TUN_ID = 64; // 2 words
export const K_TUN_METADATA0 = 66;
export const K_PKT_MARK = 67;
export const K_CONJ_ID = 68;
/** Internal: 0 for a packet from a port, table+1 after a ct(table=N) recirculation. */
export const K_RECIRC = 69;
/** The connection's original-direction tuple (OVS's ct_nw_src & co.), set with ct_state. */
export const K_CT_NW_PROTO = 70;
export const K_CT_NW_SRC = 71;
export const K_CT_NW_DST = 72;
export const K_CT_IPV6_SRC = 73; // 4 words
export const K_CT_IPV6_DST = 77; // 4 words
export const K_CT_TP_SRC = 81;
export const K_CT_TP_DST = 82;
export const CT_TUPLE_WORDS = 13;
export const KEY_WORDS = 83;

/** Words filled from packet headers: the range the translator compares to know what to rewrite. */
export const HEADER_FIRST = K_ETH_SRC;
export const HEADER_END = K_CT_STATE;

/** ip_frag bits (OVS: "yes" = is a fragment, "later" = not the first fragment). */
export const FRAG_ANY = 1;
export const FRAG_LATER = 2;

/** ct_state bits, with OVS's values. */
export const CS_NEW = 0x01;
export const CS_EST = 0x02;
export const CS_REL = 0x04;
export const CS_RPL = 0x08;
export const CS_INV = 0x10;
export const CS_TRK = 0x20;
export const CS_SNAT = 0x40;
export const CS_DNAT = 0x80;

export const CT_STATE_NAMES: readonly [number, string][] = [
  [CS_NEW, 'new'],
  [CS_EST, 'est'],
  [CS_REL, 'rel'],
  [CS_RPL, 'rpl'],
  [CS_INV, 'inv'],
  [CS_TRK, 'trk'],
  [CS_SNAT, 'snat'],
  [CS_DNAT, 'dnat'],
];

export const VLAN_PRESENT = 0x1000;

export const ETH_TYPE_IP = 0x0800;
export const ETH_TYPE_ARP = 0x0806;
export const ETH_TYPE_IPV6 = 0x86dd;
export const ETH_TYPE_VLAN = 0x8100;
export const ETH_TYPE_QINQ = 0x88a8;
export const IPPROTO_ICMP = 1;
export const IPPROTO_TCP = 6;
export const IPPROTO_UDP = 17;
export const IPPROTO_ICMPV6 = 58;
export const IPPROTO_SCTP = 132;

/** Special port numbers (OpenFlow's). */
export const PORT_IN_PORT = 0xfffffff8;
export const PORT_CONTROLLER = 0xfffffffd;
export const PORT_LOCAL = 0xfffffffe;
export const PORT_NONE = 0xffffffff;
