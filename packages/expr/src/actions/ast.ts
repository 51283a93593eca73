// The action language's syntax tree: one small immutable node per OVN logical action.
//
// Nodes keep exactly what the canonical text shows (so format(parse(x)) re-parses to an equal
// tree) plus what a later encoder needs. Values chosen from the parse context, such as the
// source table of `next`, are stored in the node so that formatting needs no context.

import type { ValueFormat } from '../values.js';

export type Pipeline = 'ingress' | 'egress';

/** A field or bit range of one, e.g. `reg0[3..5]`. `width` is the whole symbol's width. */
export interface ActionField {
  readonly kind: 'fieldRef';
  readonly name: string;
  /** First bit (0 for string fields). */
  readonly ofs: number;
  /** Number of bits (0 for string fields). */
  readonly nBits: number;
  /** Width of the named symbol (0 for string fields): the range is printed only if it differs. */
  readonly width: number;
}

export interface ActionIntegerConstant {
  readonly kind: 'integer';
  readonly value: bigint;
  readonly format: ValueFormat;
  /** Present for `value/mask` constants. */
  readonly mask?: bigint | undefined;
}

export interface ActionStringConstant {
  readonly kind: 'string';
  readonly value: string;
}

export type ActionConstant = ActionIntegerConstant | ActionStringConstant;

/** A constant or `{…}` set, as the generic options of put_dhcp_opts & co take. */
export interface ActionConstantSet {
  readonly kind: 'constantSet';
  readonly values: readonly ActionConstant[];
  /** Written in braces (printed in braces also when there is not exactly one value). */
  readonly braces: boolean;
}

/** Actions without arguments. `dec_ttl` is `ip.ttl--`. */
export type SimpleActionName =
  | 'output'
  | 'dec_ttl'
  | 'ct_clear'
  | 'igmp'
  | 'handle_dhcpv6_reply'
  | 'handle_bfd_msg'
  | 'ct_snat_to_vip'
  | 'mac_cache_use'
  | 'flood_remote';

export interface SimpleAction {
  readonly kind: 'simple';
  readonly name: SimpleActionName;
}

export interface NextAction {
  readonly kind: 'next';
  readonly pipeline: Pipeline;
  readonly table: number;
  /** The flow's own pipeline and table: `next;` means the table after this one. */
  readonly srcPipeline: Pipeline;
  readonly srcTable: number;
}

/** `field = constant;` */
export interface LoadAction {
  readonly kind: 'load';
  readonly dst: ActionField;
  readonly value: ActionConstant;
}

/** `dst = src;` */
export interface MoveAction {
  readonly kind: 'move';
  readonly dst: ActionField;
  readonly src: ActionField;
}

/** `a <-> b;` */
export interface ExchangeAction {
  readonly kind: 'exchange';
  readonly a: ActionField;
  readonly b: ActionField;
}

export interface PushPopAction {
  readonly kind: 'push' | 'pop';
  readonly field: ActionField;
}

export type CtZone = 'dnat' | 'snat';

/** `ct_next(dnat|snat)`, `ct_commit_to_zone(…)`, `ct_commit_nat(…)`. */
export interface CtZoneAction {
  readonly kind: 'ct_next' | 'ct_commit_to_zone' | 'ct_commit_nat';
  readonly zone: CtZone;
}

/** Actions holding a nested action list that runs on the same or on a new packet. */
export type NestedActionName =
  | 'ct_commit'
  | 'clone'
  | 'arp'
  | 'nd_ns'
  | 'nd_na'
  | 'nd_na_router'
  | 'icmp4'
  | 'icmp4_error'
  | 'icmp6'
  | 'icmp6_error'
  | 'tcp_reset'
  | 'sctp_abort'
  | 'reject';

export interface NestedAction {
  readonly kind: 'nested';
  readonly name: NestedActionName;
  readonly actions: readonly Action[];
}

export type CtNatName = 'ct_dnat' | 'ct_snat' | 'ct_dnat_in_czone' | 'ct_snat_in_czone';

export interface IpAddress {
  readonly family: 'ipv4' | 'ipv6';
  readonly value: bigint;
}

/** `ct_dnat;`, `ct_dnat(IP);`, `ct_snat(IP, LO[-HI]);` … */
export interface CtNatAction {
  readonly kind: 'ct_nat';
  readonly name: CtNatName;
  readonly ip?: IpAddress | undefined;
  readonly portRange?: { readonly lo: number; readonly hi?: number | undefined } | undefined;
}

export interface LbBackend {
  /** Logical port (ct_lb_mark_local only). */
  readonly port?: string | undefined;
  readonly ip: IpAddress;
  /** 0 when absent. */
  readonly l4Port: number;
}

/** `ct_lb_mark[(backends=…[; hash_fields="…"][; skip_snat|force_snat])]` and `ct_lb_mark_local`. */
export interface CtLbAction {
  readonly kind: 'ct_lb';
  readonly name: 'ct_lb_mark' | 'ct_lb_mark_local';
  readonly backends: readonly LbBackend[];
  readonly hashFields?: string | undefined;
  readonly flag?: 'skip_snat' | 'force_snat' | undefined;
}

/** `R = select(id=weight, …)` or `R = select(values=(…); hash_fields="…")`. */
export interface SelectAction {
  readonly kind: 'select';
  readonly dst: ActionField;
  readonly members: readonly { readonly id: number; readonly weight: number }[];
  readonly hashFields?: string | undefined;
}

/** Functions whose only output is a result field: `R = name();`. */
export type ResultFunctionName =
  | 'dns_lookup'
  | 'chk_lb_hairpin'
  | 'chk_lb_hairpin_reply'
  | 'check_in_port_sec'
  | 'check_out_port_sec'
  | 'chk_ecmp_nh_mac'
  | 'chk_ecmp_nh'
  | 'chk_lb_aff'
  | 'ct_nw_dst'
  | 'ct_ip6_dst'
  | 'ct_tp_dst'
  | 'ct_proto'
  | 'ct_state_save';

export interface ResultAction {
  readonly kind: 'result';
  readonly name: ResultFunctionName;
  readonly dst: ActionField;
}

/** `get_arp(P, A);` / `get_nd(P, A);` */
export interface GetMacBindAction {
  readonly kind: 'get_arp' | 'get_nd';
  readonly port: ActionField;
  readonly ip: ActionField;
}

/** `put_arp(P, A, M);` / `put_nd(P, A, M);` */
export interface PutMacBindAction {
  readonly kind: 'put_arp' | 'put_nd';
  readonly port: ActionField;
  readonly ip: ActionField;
  readonly mac: ActionField;
}

/** `R = lookup_arp(P, A, M);` / `R = lookup_nd(P, A, M);` */
export interface LookupMacBindAction {
  readonly kind: 'lookup_arp' | 'lookup_nd';
  readonly dst: ActionField;
  readonly port: ActionField;
  readonly ip: ActionField;
  readonly mac: ActionField;
}

/** `R = lookup_arp_ip(P, A);` / `R = lookup_nd_ip(P, A);` */
export interface LookupMacBindIpAction {
  readonly kind: 'lookup_arp_ip' | 'lookup_nd_ip';
  readonly dst: ActionField;
  readonly port: ActionField;
  readonly ip: ActionField;
}

/** `R = chk_evpn_arp(A);` */
export interface ChkEvpnArpAction {
  readonly kind: 'chk_evpn_arp';
  readonly dst: ActionField;
  readonly ip: ActionField;
}

export interface GenericOptionValue {
  readonly name: string;
  readonly value: ActionConstantSet;
}

/** `R = put_dhcp_opts(…)`, `put_dhcpv6_opts`, `put_nd_ra_opts`. */
export interface PutOptsAction {
  readonly kind: 'put_dhcp_opts' | 'put_dhcpv6_opts' | 'put_nd_ra_opts';
  readonly dst: ActionField;
  readonly options: readonly GenericOptionValue[];
}

/** `R = dhcp_relay_req_chk(relay, server);` / `dhcp_relay_resp_chk`. */
export interface DhcpRelayAction {
  readonly kind: 'dhcp_relay_req_chk' | 'dhcp_relay_resp_chk';
  readonly dst: ActionField;
  readonly relayIp: bigint;
  readonly serverIp: bigint;
}

export interface SetQueueAction {
  readonly kind: 'set_queue';
  readonly queueId: number;
}

export interface SetMeterAction {
  readonly kind: 'set_meter';
  readonly rate: bigint;
  /** 0 when absent. */
  readonly burst: bigint;
}

export type LogVerdict = 'allow' | 'drop' | 'reject' | 'pass';
export type LogSeverity = 'alert' | 'warning' | 'notice' | 'info' | 'debug';

export interface LogAction {
  readonly kind: 'log';
  readonly name?: string | undefined;
  readonly verdict: LogVerdict;
  readonly severity: LogSeverity;
  readonly meter?: string | undefined;
}

/** `R = check_pkt_larger(L);` */
export interface CheckPktLargerAction {
  readonly kind: 'check_pkt_larger';
  readonly dst: ActionField;
  readonly length: number;
}

/** `trigger_event(event = "…", option = value, …);` */
export interface TriggerEventAction {
  readonly kind: 'trigger_event';
  readonly event: string;
  readonly options: readonly GenericOptionValue[];
}

/** `bind_vport("V", P);` */
export interface BindVportAction {
  readonly kind: 'bind_vport';
  readonly vport: string;
  readonly parent: ActionField;
}

/** `handle_svc_check(P);` */
export interface HandleSvcCheckAction {
  readonly kind: 'handle_svc_check';
  readonly port: ActionField;
}

/** `fwd_group(liveness=…, childports="p1", "p2");` */
export interface FwdGroupAction {
  readonly kind: 'fwd_group';
  readonly liveness: boolean;
  readonly childPorts: readonly string[];
}

/** `put_fdb(P, M);` */
export interface PutFdbAction {
  readonly kind: 'put_fdb';
  readonly port: ActionField;
  readonly mac: ActionField;
}

/** `P = get_fdb(M);` / `P = get_remote_fdb(M);` */
export interface GetFdbAction {
  readonly kind: 'get_fdb' | 'get_remote_fdb';
  readonly dst: ActionField;
  readonly mac: ActionField;
}

/** `R = lookup_fdb(P, M);` */
export interface LookupFdbAction {
  readonly kind: 'lookup_fdb';
  readonly dst: ActionField;
  readonly port: ActionField;
  readonly mac: ActionField;
}

export type L4Protocol = 'tcp' | 'udp' | 'sctp';

/** `commit_ecmp_nh(ipv6 = B, proto = P);` */
export interface CommitEcmpNhAction {
  readonly kind: 'commit_ecmp_nh';
  readonly ipv6: boolean;
  readonly proto: L4Protocol;
}

/** `commit_lb_aff(vip = "…", backend = "…"[, proto = P], timeout = T);` */
export interface CommitLbAffAction {
  readonly kind: 'commit_lb_aff';
  readonly vip: IpAddress;
  readonly vipPort: number;
  readonly backend: IpAddress;
  readonly backendPort: number;
  /** Present exactly when the VIP has a port. */
  readonly proto?: L4Protocol | undefined;
  readonly timeout: number;
}

/** `sample(probability=N, collector_set=…, obs_domain=…, obs_point=…);` */
export interface SampleAction {
  readonly kind: 'sample';
  readonly probability: number;
  readonly collectorSet: number;
  readonly obsDomain: number;
  /** A number, a field, or `$cookie` (the flow's UUID). */
  readonly obsPoint: number | ActionField | 'cookie';
}

/** `mirror("port");` */
export interface MirrorAction {
  readonly kind: 'mirror';
  readonly port: string;
}

export type Action =
  | SimpleAction
  | NextAction
  | LoadAction
  | MoveAction
  | ExchangeAction
  | PushPopAction
  | CtZoneAction
  | NestedAction
  | CtNatAction
  | CtLbAction
  | SelectAction
  | ResultAction
  | GetMacBindAction
  | PutMacBindAction
  | LookupMacBindAction
  | LookupMacBindIpAction
  | ChkEvpnArpAction
  | PutOptsAction
  | DhcpRelayAction
  | SetQueueAction
  | SetMeterAction
  | LogAction
  | CheckPktLargerAction
  | TriggerEventAction
  | BindVportAction
  | HandleSvcCheckAction
  | FwdGroupAction
  | PutFdbAction
  | GetFdbAction
  | LookupFdbAction
  | CommitEcmpNhAction
  | CommitLbAffAction
  | SampleAction
  | MirrorAction;

export type ActionKind = Action['kind'];

// Factories for the nodes code builds most often (northd builders, tests).

export const actionField = (name: string, width: number, ofs = 0, nBits = width): ActionField => ({
  kind: 'fieldRef',
  name,
  ofs,
  nBits,
  width,
});

export const simpleAction = (name: SimpleActionName): SimpleAction => ({ kind: 'simple', name });

export const nestedAction = (name: NestedActionName, actions: readonly Action[]): NestedAction => ({
  kind: 'nested',
  name,
  actions,
});

export const loadAction = (dst: ActionField, value: ActionConstant): LoadAction => ({
  kind: 'load',
  dst,
  value,
});

export const moveAction = (dst: ActionField, src: ActionField): MoveAction => ({
  kind: 'move',
  dst,
  src,
});

export const actionInteger = (
  value: bigint,
  format: ValueFormat = 'decimal',
  mask?: bigint,
): ActionIntegerConstant =>
  mask === undefined
    ? { kind: 'integer', value, format }
    : { kind: 'integer', value, format, mask };

export const actionString = (value: string): ActionStringConstant => ({ kind: 'string', value });
