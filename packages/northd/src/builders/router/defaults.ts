import type { RouterInput } from '../../inputs/inputs.js';
import type { FlowSink } from '../../lflow.js';
import type { RouterStage } from '../../stages.js';
import { REG_ECMP_GROUP_ID } from './registers.js';

/** Stages whose features are not built (or add only exceptions): everything passes, as in OVN. */
const PASS: readonly RouterStage[] = [
  'lr_in_unsnat',
  'lr_in_defrag',
  'lr_in_dnat',
  'lr_in_ecmp_stateful',
  'lr_in_nd_ra_options',
  'lr_in_nd_ra_response',
  'lr_in_chk_pkt_len',
  'lr_in_larger_pkts',
  'lr_in_gw_redirect',
  'lr_out_undnat',
  'lr_out_post_undnat',
  'lr_out_snat',
  'lr_out_egr_loop',
];

/**
 * Priority-0 flows of the stages that only pass packets on. Router policies are not built: the
 * policy stage clears the ECMP group so that policy_ecmp passes the packet.
 */
export function buildDefaults(_input: RouterInput, sink: FlowSink): void {
  for (const stage of PASS) sink.add(stage, 0, '1', 'next;');
  sink.add('lr_in_policy', 0, '1', `${REG_ECMP_GROUP_ID} = 0; next;`);
  sink.add('lr_in_policy_ecmp', 150, `${REG_ECMP_GROUP_ID} == 0`, 'next;');
}
