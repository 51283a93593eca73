import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';

/** A map column (options, external_ids …): string keys to string values. */
export type StringMap = Record<string, string>;
type Map_ = ColumnType<StringMap, StringMap | undefined, StringMap>;
type Uuid = Generated<string>;
type Revision = ColumnType<number, never, never>;

interface Base {
  uuid: Uuid;
  external_ids: Map_;
}

export interface NbGlobalTable extends Base {
  singleton: ColumnType<boolean, never, never>;
  name: Generated<string>;
  nb_cfg: Generated<number>;
  nb_cfg_timestamp: Generated<number>;
  sb_cfg: Generated<number>;
  sb_cfg_timestamp: Generated<number>;
  hv_cfg: Generated<number>;
  hv_cfg_timestamp: Generated<number>;
  options: Map_;
}

export interface DhcpOptionsTable extends Base {
  cidr: string;
  options: Map_;
}

export interface LogicalSwitchTable extends Base {
  revision: Revision;
  name: Generated<string>;
  other_config: Map_;
}

export type LspType =
  | ''
  | 'router'
  | 'localnet'
  | 'localport'
  | 'l2gateway'
  | 'vtep'
  | 'external'
  | 'virtual'
  | 'remote';

export interface LogicalSwitchPortTable extends Base {
  revision: Revision;
  name: string;
  switch_uuid: string;
  type: Generated<LspType>;
  addresses: Generated<string[]>;
  dynamic_addresses: string | null;
  port_security: Generated<string[]>;
  options: Map_;
  enabled: boolean | null;
  up: boolean | null;
  parent_name: string | null;
  tag_request: number | null;
  tag: number | null;
  dhcpv4_options: string | null;
  dhcpv6_options: string | null;
}

export interface LogicalRouterTable extends Base {
  revision: Revision;
  name: Generated<string>;
  enabled: boolean | null;
  options: Map_;
}

export interface LogicalRouterPortTable extends Base {
  revision: Revision;
  name: string;
  router_uuid: string;
  mac: string;
  networks: string[];
  peer: string | null;
  enabled: boolean | null;
  options: Map_;
}

export interface GatewayChassisTable extends Base {
  name: string;
  router_port_uuid: string;
  chassis_name: string;
  priority: Generated<number>;
  options: Map_;
}

export interface StaticRouteTable extends Base {
  revision: Revision;
  router_uuid: string;
  route_table: Generated<string>;
  ip_prefix: string;
  nexthop: string;
  output_port: string | null;
  policy: 'src-ip' | 'dst-ip' | null;
  options: Map_;
}

export interface PortGroupTable extends Base {
  revision: Revision;
  name: string;
}

export interface PortGroupPortTable {
  port_group_uuid: string;
  port_uuid: string;
}

export interface AddressSetTable extends Base {
  revision: Revision;
  name: string;
  addresses: Generated<string[]>;
}

export type AclDirection = 'from-lport' | 'to-lport';
export type AclAction = 'allow' | 'allow-related' | 'allow-stateless' | 'drop' | 'reject' | 'pass';
export type AclSeverity = 'alert' | 'warning' | 'notice' | 'info' | 'debug';

export interface AclTable extends Base {
  revision: Revision;
  switch_uuid: string | null;
  port_group_uuid: string | null;
  name: string | null;
  direction: AclDirection;
  priority: number;
  match: string;
  action: AclAction;
  log: Generated<boolean>;
  severity: AclSeverity | null;
  meter: string | null;
  label: Generated<number>;
  tier: Generated<number>;
  options: Map_;
}

export type NatType = 'snat' | 'dnat' | 'dnat_and_snat';

export interface NatTable extends Base {
  revision: Revision;
  router_uuid: string;
  type: NatType;
  external_ip: string;
  external_mac: string | null;
  external_port_range: string | null;
  logical_ip: string;
  logical_port: string | null;
  options: Map_;
}

export interface LoadBalancerTable extends Base {
  revision: Revision;
  name: Generated<string>;
  vips: Map_;
  protocol: 'tcp' | 'udp' | 'sctp' | null;
  selection_fields: Generated<string[]>;
  options: Map_;
}

export interface SwitchLoadBalancerTable {
  switch_uuid: string;
  load_balancer_uuid: string;
}

export interface RouterLoadBalancerTable {
  router_uuid: string;
  load_balancer_uuid: string;
}

/** The NB schema as kysely sees it (tables are qualified with the `nb` schema). */
export interface NbDatabase {
  'nb.nb_global': NbGlobalTable;
  'nb.dhcp_options': DhcpOptionsTable;
  'nb.logical_switch': LogicalSwitchTable;
  'nb.logical_switch_port': LogicalSwitchPortTable;
  'nb.logical_router': LogicalRouterTable;
  'nb.logical_router_port': LogicalRouterPortTable;
  'nb.gateway_chassis': GatewayChassisTable;
  'nb.logical_router_static_route': StaticRouteTable;
  'nb.port_group': PortGroupTable;
  'nb.port_group_port': PortGroupPortTable;
  'nb.address_set': AddressSetTable;
  'nb.acl': AclTable;
  'nb.nat': NatTable;
  'nb.load_balancer': LoadBalancerTable;
  'nb.logical_switch_load_balancer': SwitchLoadBalancerTable;
  'nb.logical_router_load_balancer': RouterLoadBalancerTable;
}

export type NbTableName = keyof NbDatabase;
export type Row<T extends NbTableName> = Selectable<NbDatabase[T]>;
export type NewRow<T extends NbTableName> = Insertable<NbDatabase[T]>;
export type RowPatch<T extends NbTableName> = Updateable<NbDatabase[T]>;

export type NbGlobal = Row<'nb.nb_global'>;
export type LogicalSwitch = Row<'nb.logical_switch'>;
export type LogicalSwitchPort = Row<'nb.logical_switch_port'>;
export type LogicalRouter = Row<'nb.logical_router'>;
export type LogicalRouterPort = Row<'nb.logical_router_port'>;
export type GatewayChassis = Row<'nb.gateway_chassis'>;
export type StaticRoute = Row<'nb.logical_router_static_route'>;
export type PortGroup = Row<'nb.port_group'>;
export type AddressSet = Row<'nb.address_set'>;
export type Acl = Row<'nb.acl'>;
export type Nat = Row<'nb.nat'>;
export type LoadBalancer = Row<'nb.load_balancer'>;
export type DhcpOptions = Row<'nb.dhcp_options'>;
