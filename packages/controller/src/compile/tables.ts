/**
 * The physical table layout, with OVN's numbers (controller/lflow.h): a reader who knows
 * `ovs-ofctl dump-flows br-int` on an OVN hypervisor finds the same tables here.
 *
 *   0        classify by in_port: local VIF → logical ingress; tunnel → local output
 *   8..      logical ingress pipeline (logical table N is physical table 8 + N)
 *   54       remote output: a logical outport bound on another chassis → tunnel
 *   56       local output: a logical outport on this chassis (or a multicast group's local members)
 *   57       check loopback: never back out of the inport unless flags.loopback
 *   62..     logical egress pipeline (logical table N is physical table 62 + N)
 *   88       save in_port: flags.loopback lets a packet leave by the port it came in on
 *   89       logical to physical: output to the VIF, or through a patch port to the peer datapath
 *   90, 91   MAC bindings for get_arp/get_nd and lookup_arp/lookup_nd
 *   95, 96   learnt MACs (FDB) for get_fdb and lookup_fdb
 */
export const TABLE = {
  PHY_TO_LOG: 0,
  LOG_INGRESS: 8,
  REMOTE_OUTPUT: 54,
  LOCAL_OUTPUT: 56,
  CHECK_LOOPBACK: 57,
  LOG_EGRESS: 62,
  SAVE_INPORT: 88,
  LOG_TO_PHY: 89,
  MAC_BINDING: 90,
  MAC_LOOKUP: 91,
  GET_FDB: 95,
  LOOKUP_FDB: 96,
  /** ovn-ts: lookup_arp_ip/lookup_nd_ip (OVN matches them in table 91 with other priorities). */
  MAC_LOOKUP_IP: 114,
} as const;

/** Lengths the logical pipelines may have (the gaps between the physical tables above). */
export const MAX_INGRESS_TABLES = TABLE.REMOTE_OUTPUT - TABLE.LOG_INGRESS;
export const MAX_EGRESS_TABLES = TABLE.SAVE_INPORT - TABLE.LOG_EGRESS;

export type Pipeline = 'ingress' | 'egress';

/** The physical table of logical table `table` of `pipeline`. */
export function physicalTable(pipeline: Pipeline, table: number): number {
  return (pipeline === 'ingress' ? TABLE.LOG_INGRESS : TABLE.LOG_EGRESS) + table;
}

/** Registers holding logical metadata (OVN's MFF_LOG_*), as datapath field names. */
export const REG = {
  flags: 'reg10',
  dnatZone: 'reg11',
  snatZone: 'reg12',
  ctZone: 'reg13',
  inport: 'reg14',
  outport: 'reg15',
} as const;

/** Bits of the logical flags register (reg10) that the physical tables use. */
export const FLAG = {
  loopback: 0,
  /** OVN's MLF_LOOKUP_MAC_BIT: the result of lookup_arp/lookup_nd. */
  lookupMac: 6,
  /** OVN's MLF_LOOKUP_FDB_BIT: the result of lookup_fdb. */
  lookupFdb: 8,
} as const;
