import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';

/**
 * Row types of the SB tables for kysely: `Selectable<X>` is what a read returns, `Insertable<X>`
 * what an insert needs (columns with defaults optional), `Updateable<X>` what an update may set.
 * Column types follow what pg returns: uuid, inet and macaddr as strings (macaddr normalised to
 * lower-case colon form), bigint counters as numbers, jsonb maps as objects, text[] as arrays.
 */

/** A map column (options, external_ids …): string keys to string values. */
export type StringMap = Record<string, string>;
type MapCol = ColumnType<StringMap, StringMap | undefined, StringMap>;
type Id = Generated<string>;
type Ref = string;
/** A text[] column with a default of the empty array. */
type Strings = ColumnType<string[], string[] | undefined, string[]>;

export interface SbGlobalTable {
  uuid: Id;
  singleton: ColumnType<boolean, never, never>;
  nb_cfg: Generated<number>;
  nb_cfg_timestamp: Generated<number>;
  ipsec: Generated<boolean>;
  options: MapCol;
  external_ids: MapCol;
}

export interface ChassisTable {
  uuid: Id;
  name: string;
  hostname: Generated<string>;
  /** Deprecated, as in OVN: controllers report in chassis_private. */
  nb_cfg: Generated<number>;
  vtep_logical_switches: Strings;
  transport_zones: Strings;
  other_config: MapCol;
  external_ids: MapCol;
}

export interface ChassisPrivateTable {
  uuid: Id;
  name: string;
  chassis: Ref | null;
  nb_cfg: Generated<number>;
  nb_cfg_timestamp: Generated<number>;
  external_ids: MapCol;
}

export type EncapType = 'geneve' | 'vxlan' | 'stt';

export interface EncapTable {
  uuid: Id;
  type: EncapType;
  ip: string;
  options: MapCol;
  chassis_name: string;
}

export type DatapathType = 'logical-switch' | 'logical-router';

export interface DatapathBindingTable {
  uuid: Id;
  tunnel_key: number;
  type: DatapathType | null;
  nb_uuid: Ref | null;
  external_ids: MapCol;
}

export interface HaChassisGroupTable {
  uuid: Id;
  name: string;
  external_ids: MapCol;
}

export interface HaChassisTable {
  uuid: Id;
  ha_chassis_group: Ref;
  chassis: Ref | null;
  priority: Generated<number>;
  external_ids: MapCol;
}

export type PortBindingType =
  | ''
  | 'patch'
  | 'l3gateway'
  | 'l2gateway'
  | 'localnet'
  | 'localport'
  | 'vtep'
  | 'chassisredirect'
  | 'virtual'
  | 'external'
  | 'remote';

export interface PortBindingTable {
  uuid: Id;
  logical_port: string;
  type: Generated<PortBindingType>;
  datapath: Ref;
  tunnel_key: number;
  mac: Strings;
  port_security: Strings;
  nat_addresses: Strings;
  options: MapCol;
  parent_port: string | null;
  tag: number | null;
  virtual_parent: string | null;
  chassis: Ref | null;
  encap: Ref | null;
  requested_chassis: Ref | null;
  ha_chassis_group: Ref | null;
  up: Generated<boolean>;
  external_ids: MapCol;
}

export interface PortBindingAdditionalChassisTable {
  port_binding: Ref;
  chassis: Ref;
}

export interface GatewayChassisTable {
  uuid: Id;
  name: string;
  port_binding: Ref;
  chassis: Ref | null;
  priority: Generated<number>;
  options: MapCol;
  external_ids: MapCol;
}

export interface LogicalDpGroupTable {
  uuid: Id;
}

export interface LogicalDpGroupDatapathTable {
  dp_group: Ref;
  datapath: Ref;
}

export type Pipeline = 'ingress' | 'egress';

export interface LogicalFlowTable {
  uuid: Id;
  logical_datapath: Ref | null;
  logical_dp_group: Ref | null;
  pipeline: Pipeline;
  table_id: number;
  /** OVN's stage name (ls_in_port_sec_l2 …), kept in external_ids:stage-name by OVN. */
  stage: string;
  priority: number;
  match: string;
  actions: string;
  controller_meter: string | null;
  flow_desc: string | null;
  tags: MapCol;
  /** Provenance: the NB row the flow came from (its table in nb_table) and the builder. */
  nb_uuid: Ref | null;
  nb_table: string | null;
  builder: Generated<string>;
  external_ids: MapCol;
}

export interface MulticastGroupTable {
  uuid: Id;
  datapath: Ref;
  name: string;
  tunnel_key: number;
}

export interface MulticastGroupPortTable {
  multicast_group: Ref;
  port_binding: Ref;
}

export interface MacBindingTable {
  uuid: Id;
  logical_port: string;
  ip: string;
  mac: string;
  /** Milliseconds since the epoch, as OVN keeps it. */
  timestamp: Generated<number>;
  datapath: Ref;
}

export interface FdbTable {
  uuid: Id;
  mac: string;
  dp_key: number;
  port_key: number;
  timestamp: Generated<number>;
}

export interface AddressSetTable {
  uuid: Id;
  name: string;
  addresses: Strings;
  options: MapCol;
}

export interface PortGroupTable {
  uuid: Id;
  name: string;
  ports: Strings;
}

export interface DhcpOptionsTable {
  uuid: Id;
  name: string;
  code: number;
  type: string;
}

export interface Dhcpv6OptionsTable {
  uuid: Id;
  name: string;
  code: number;
  type: string;
}

export interface DnsTable {
  uuid: Id;
  records: MapCol;
  options: MapCol;
  external_ids: MapCol;
}

export interface DnsDatapathTable {
  dns: Ref;
  datapath: Ref;
}

export type LbProtocol = 'tcp' | 'udp' | 'sctp';

export interface LoadBalancerTable {
  uuid: Id;
  name: Generated<string>;
  vips: MapCol;
  protocol: LbProtocol | null;
  ls_datapath_group: Ref | null;
  lr_datapath_group: Ref | null;
  options: MapCol;
  external_ids: MapCol;
}

export interface LoadBalancerDatapathTable {
  load_balancer: Ref;
  datapath: Ref;
}

export interface MeterTable {
  uuid: Id;
  name: string;
  unit: 'kbps' | 'pktps';
}

export interface MeterBandTable {
  uuid: Id;
  meter: Ref;
  action: Generated<'drop'>;
  rate: number;
  burst_size: Generated<number>;
}

export interface ControllerEventTable {
  uuid: Id;
  event_type: 'empty_lb_backends';
  event_info: MapCol;
  chassis: Ref | null;
  seq_num: number;
}

export interface IpMulticastTable {
  uuid: Id;
  datapath: Ref;
  enabled: boolean | null;
  querier: boolean | null;
  eth_src: string | null;
  ip4_src: string | null;
  ip6_src: string | null;
  table_size: number | null;
  idle_timeout: number | null;
  query_interval: number | null;
  query_max_resp: number | null;
  seq_no: Generated<number>;
}

export type BfdStatus = 'down' | 'init' | 'up' | 'admin_down';

export interface BfdTable {
  uuid: Id;
  src_port: number;
  disc: number;
  logical_port: string;
  dst_ip: string;
  min_tx: number;
  min_rx: number;
  detect_mult: number;
  status: Generated<BfdStatus>;
  chassis_name: Generated<string>;
  options: MapCol;
  external_ids: MapCol;
}

export interface StaticMacBindingTable {
  uuid: Id;
  logical_port: string;
  ip: string;
  mac: string;
  override_dynamic_mac: Generated<boolean>;
  datapath: Ref;
}

/** The SB schema for kysely (tables live in PostgreSQL schema `sb`; see createSbKysely). */
export interface SbDatabase {
  sb_global: SbGlobalTable;
  chassis: ChassisTable;
  chassis_private: ChassisPrivateTable;
  encap: EncapTable;
  datapath_binding: DatapathBindingTable;
  ha_chassis_group: HaChassisGroupTable;
  ha_chassis: HaChassisTable;
  port_binding: PortBindingTable;
  port_binding_additional_chassis: PortBindingAdditionalChassisTable;
  gateway_chassis: GatewayChassisTable;
  logical_dp_group: LogicalDpGroupTable;
  logical_dp_group_datapath: LogicalDpGroupDatapathTable;
  logical_flow: LogicalFlowTable;
  multicast_group: MulticastGroupTable;
  multicast_group_port: MulticastGroupPortTable;
  mac_binding: MacBindingTable;
  fdb: FdbTable;
  address_set: AddressSetTable;
  port_group: PortGroupTable;
  dhcp_options: DhcpOptionsTable;
  dhcpv6_options: Dhcpv6OptionsTable;
  dns: DnsTable;
  dns_datapath: DnsDatapathTable;
  load_balancer: LoadBalancerTable;
  load_balancer_datapath: LoadBalancerDatapathTable;
  meter: MeterTable;
  meter_band: MeterBandTable;
  controller_event: ControllerEventTable;
  ip_multicast: IpMulticastTable;
  bfd: BfdTable;
  static_mac_binding: StaticMacBindingTable;
}

export type SbTableName = keyof SbDatabase;

export type SbGlobal = Selectable<SbGlobalTable>;
export type Chassis = Selectable<ChassisTable>;
export type ChassisPrivate = Selectable<ChassisPrivateTable>;
export type Encap = Selectable<EncapTable>;
export type DatapathBinding = Selectable<DatapathBindingTable>;
export type NewDatapathBinding = Insertable<DatapathBindingTable>;
export type DatapathBindingUpdate = Updateable<DatapathBindingTable>;
export type HaChassisGroup = Selectable<HaChassisGroupTable>;
export type HaChassis = Selectable<HaChassisTable>;
export type PortBinding = Selectable<PortBindingTable>;
export type NewPortBinding = Insertable<PortBindingTable>;
export type PortBindingUpdate = Updateable<PortBindingTable>;
export type GatewayChassis = Selectable<GatewayChassisTable>;
export type NewGatewayChassis = Insertable<GatewayChassisTable>;
export type LogicalFlow = Selectable<LogicalFlowTable>;
export type NewLogicalFlow = Insertable<LogicalFlowTable>;
export type MulticastGroup = Selectable<MulticastGroupTable>;
export type MacBinding = Selectable<MacBindingTable>;
export type Fdb = Selectable<FdbTable>;
export type AddressSet = Selectable<AddressSetTable>;
export type PortGroup = Selectable<PortGroupTable>;
export type DhcpOption = Selectable<DhcpOptionsTable>;
export type Dhcpv6Option = Selectable<Dhcpv6OptionsTable>;
export type Dns = Selectable<DnsTable>;
export type LoadBalancer = Selectable<LoadBalancerTable>;
export type NewLoadBalancer = Insertable<LoadBalancerTable>;
export type Meter = Selectable<MeterTable>;
export type MeterBand = Selectable<MeterBandTable>;
export type ControllerEvent = Selectable<ControllerEventTable>;
export type IpMulticast = Selectable<IpMulticastTable>;
export type Bfd = Selectable<BfdTable>;
export type StaticMacBinding = Selectable<StaticMacBindingTable>;
