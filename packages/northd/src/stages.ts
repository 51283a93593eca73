/**
 * OVN's logical pipeline stages, with their table numbers (ovn-northd(8)). Flows name their stage;
 * the table number is derived from it, so golden dumps read by name.
 */
export const SWITCH_INGRESS = [
  'ls_in_port_sec_l2',
  'ls_in_port_sec_ip',
  'ls_in_port_sec_nd',
  'ls_in_lookup_fdb',
  'ls_in_put_fdb',
  'ls_in_pre_acl',
  'ls_in_pre_lb',
  'ls_in_pre_stateful',
  'ls_in_acl_hint',
  'ls_in_acl',
  'ls_in_qos_mark',
  'ls_in_qos_meter',
  'ls_in_lb',
  'ls_in_acl_after_lb',
  'ls_in_stateful',
  'ls_in_pre_hairpin',
  'ls_in_nat_hairpin',
  'ls_in_hairpin',
  'ls_in_arp_rsp',
  'ls_in_dhcp_options',
  'ls_in_dhcp_response',
  'ls_in_dns_lookup',
  'ls_in_dns_response',
  'ls_in_external_port',
  'ls_in_l2_lkup',
  'ls_in_l2_unknown',
] as const;

export const SWITCH_EGRESS = [
  'ls_out_pre_lb',
  'ls_out_pre_acl',
  'ls_out_pre_stateful',
  'ls_out_acl_hint',
  'ls_out_acl',
  'ls_out_qos_mark',
  'ls_out_qos_meter',
  'ls_out_stateful',
  'ls_out_port_sec_ip',
  'ls_out_port_sec_l2',
] as const;

export const ROUTER_INGRESS = [
  'lr_in_admission',
  'lr_in_lookup_neighbor',
  'lr_in_learn_neighbor',
  'lr_in_ip_input',
  'lr_in_unsnat',
  'lr_in_defrag',
  'lr_in_dnat',
  'lr_in_ecmp_stateful',
  'lr_in_nd_ra_options',
  'lr_in_nd_ra_response',
  'lr_in_ip_routing_pre',
  'lr_in_ip_routing',
  'lr_in_ip_routing_ecmp',
  'lr_in_policy',
  'lr_in_policy_ecmp',
  'lr_in_arp_resolve',
  'lr_in_chk_pkt_len',
  'lr_in_larger_pkts',
  'lr_in_gw_redirect',
  'lr_in_arp_request',
] as const;

export const ROUTER_EGRESS = [
  'lr_out_undnat',
  'lr_out_post_undnat',
  'lr_out_snat',
  'lr_out_egr_loop',
  'lr_out_delivery',
] as const;

export type SwitchIngressStage = (typeof SWITCH_INGRESS)[number];
export type SwitchEgressStage = (typeof SWITCH_EGRESS)[number];
export type RouterIngressStage = (typeof ROUTER_INGRESS)[number];
export type RouterEgressStage = (typeof ROUTER_EGRESS)[number];
export type SwitchStage = SwitchIngressStage | SwitchEgressStage;
export type RouterStage = RouterIngressStage | RouterEgressStage;
export type Stage = SwitchStage | RouterStage;
export type Pipeline = 'ingress' | 'egress';

const tables = new Map<Stage, { pipeline: Pipeline; table: number }>();
for (const [list, pipeline] of [
  [SWITCH_INGRESS, 'ingress'],
  [SWITCH_EGRESS, 'egress'],
  [ROUTER_INGRESS, 'ingress'],
  [ROUTER_EGRESS, 'egress'],
] as const) {
  for (const [i, s] of list.entries()) tables.set(s, { pipeline, table: i });
}

export function stageTable(stage: Stage): number {
  return tables.get(stage)!.table;
}

export function stagePipeline(stage: Stage): Pipeline {
  return tables.get(stage)!.pipeline;
}

/** The stage at `table` of a pipeline, for `next(pipeline=…, table=…)` and traces. */
export function stageAt(
  kind: 'switch' | 'router',
  pipeline: Pipeline,
  table: number,
): Stage | undefined {
  const list =
    kind === 'switch'
      ? pipeline === 'ingress'
        ? SWITCH_INGRESS
        : SWITCH_EGRESS
      : pipeline === 'ingress'
        ? ROUTER_INGRESS
        : ROUTER_EGRESS;
  return list[table];
}
