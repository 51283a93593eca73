/**
 * The SB schema in OVN's terms, for the generic database commands (sbctl list, get, find, set …):
 * OVN table and column names, where each lives in our tables, and its kind. It has the shape of
 * @ovn-ts/nb-db's catalog, so one implementation of the generic commands serves both databases.
 *
 * Columns that OVSDB stores as reference sets but we keep as rows are `derived`: the rows of
 * `derived.table` whose `fk` holds this row's uuid (or its `key` column, when given), each
 * contributing its `pick` column (default: its uuid). Link tables (datapath groups, multicast
 * group ports …) have `link: true`. Derived columns are read-only for the generic commands.
 * Columns marked `extension` are ovn-ts's own (flow provenance), not in ovn-sb(5).
 */
export type ColumnKind =
  | 'string'
  | 'integer'
  | 'boolean'
  | 'uuid' // a single reference (or, derived, a set of them)
  | 'string-set' // text[]
  | 'inet-set'
  | 'map'; // jsonb string map

export interface DerivedColumn {
  readonly table: string;
  readonly fk: string;
  readonly pick?: string;
  readonly link?: boolean;
  /** The column of this row that `fk` refers to, when it is not the uuid (Encap.chassis_name → name). */
  readonly key?: string;
}

export interface CatalogColumn {
  /** OVN's column name (ovn-sb(5)). */
  readonly name: string;
  /** Our column (absent for derived columns). */
  readonly column?: string;
  readonly derived?: DerivedColumn;
  readonly kind: ColumnKind;
  /** Optional columns (OVSDB `min: 0` scalars) are null when empty. */
  readonly optional?: boolean;
  /** Not for the generic commands to write: northd or a controller owns it, or it is derived. */
  readonly readonly?: boolean;
  /** For references, the OVN table they point into. */
  readonly ref?: string;
  /** An ovn-ts addition, not in ovn-sb(5). */
  readonly extension?: boolean;
}

export interface CatalogTable {
  /** OVN's table name, e.g. Port_Binding. */
  readonly name: string;
  /** Our table, schema-qualified (sb.port_binding). */
  readonly table: string;
  /** The column users name rows by, as ovn-sbctl does (a chassis name, a logical port). */
  readonly nameColumn?: string;
  /** Or the map key that names a row, as external_ids:name names a datapath. */
  readonly nameMapKey?: readonly [map: string, key: string];
  readonly columns: readonly CatalogColumn[];
}

type Opt = { optional?: boolean; ref?: string; readonly?: boolean; extension?: boolean };
const col = (name: string, kind: ColumnKind, o: Opt = {}): CatalogColumn => ({
  name,
  column: name,
  kind,
  ...(o.optional ? { optional: true } : {}),
  ...(o.readonly ? { readonly: true } : {}),
  ...(o.ref ? { ref: o.ref } : {}),
  ...(o.extension ? { extension: true } : {}),
});
const str = (name: string, o?: Opt) => col(name, 'string', o);
const int = (name: string, o?: Opt) => col(name, 'integer', o);
const bool = (name: string, o?: Opt) => col(name, 'boolean', o);
const map = (name: string, o?: Opt) => col(name, 'map', o);
const strings = (name: string) => col(name, 'string-set');
const ref = (name: string, table: string, o?: Opt) =>
  col(name, 'uuid', { ...o, ref: table, optional: o?.optional ?? true });
/** A set of references kept in link table `table` (this row in `self`, the target in `other`). */
const linked = (
  name: string,
  refTable: string,
  table: string,
  self: string,
  other: string,
): CatalogColumn => ({
  name,
  kind: 'uuid',
  derived: { table: `sb.${table}`, fk: self, pick: other, link: true },
  readonly: true,
  ref: refTable,
});
/** A set of references to rows owned by this one, which point back through `fk`. */
const children = (
  name: string,
  refTable: string,
  table: string,
  fk: string,
  key?: string,
): CatalogColumn => ({
  name,
  kind: 'uuid',
  derived: { table: `sb.${table}`, fk, ...(key ? { key } : {}) },
  readonly: true,
  ref: refTable,
});

export const SB_CATALOG: readonly CatalogTable[] = [
  {
    name: 'SB_Global',
    table: 'sb.sb_global',
    columns: [
      int('nb_cfg'),
      int('nb_cfg_timestamp'),
      map('options'),
      bool('ipsec'),
      map('external_ids'),
    ],
  },
  {
    name: 'Chassis',
    table: 'sb.chassis',
    nameColumn: 'name',
    columns: [
      str('name'),
      str('hostname'),
      children('encaps', 'Encap', 'encap', 'chassis_name', 'name'),
      int('nb_cfg'),
      strings('vtep_logical_switches'),
      strings('transport_zones'),
      map('other_config'),
      map('external_ids'),
    ],
  },
  {
    name: 'Chassis_Private',
    table: 'sb.chassis_private',
    nameColumn: 'name',
    columns: [
      str('name'),
      ref('chassis', 'Chassis'),
      int('nb_cfg'),
      int('nb_cfg_timestamp'),
      map('external_ids'),
    ],
  },
  {
    name: 'Encap',
    table: 'sb.encap',
    columns: [str('type'), str('ip'), map('options'), str('chassis_name')],
  },
  {
    name: 'Datapath_Binding',
    table: 'sb.datapath_binding',
    nameMapKey: ['external_ids', 'name'],
    columns: [
      int('tunnel_key'),
      str('type', { optional: true }),
      col('nb_uuid', 'uuid', { optional: true }),
      map('external_ids'),
    ],
  },
  {
    name: 'Port_Binding',
    table: 'sb.port_binding',
    nameColumn: 'logical_port',
    columns: [
      str('logical_port'),
      str('type'),
      ref('datapath', 'Datapath_Binding', { optional: false }),
      int('tunnel_key'),
      strings('mac'),
      strings('port_security'),
      strings('nat_addresses'),
      map('options'),
      str('parent_port', { optional: true }),
      int('tag', { optional: true }),
      str('virtual_parent', { optional: true }),
      ref('chassis', 'Chassis'),
      linked(
        'additional_chassis',
        'Chassis',
        'port_binding_additional_chassis',
        'port_binding',
        'chassis',
      ),
      ref('encap', 'Encap'),
      ref('requested_chassis', 'Chassis'),
      children('gateway_chassis', 'Gateway_Chassis', 'gateway_chassis', 'port_binding'),
      ref('ha_chassis_group', 'HA_Chassis_Group'),
      bool('up'),
      map('external_ids'),
    ],
  },
  {
    name: 'Gateway_Chassis',
    table: 'sb.gateway_chassis',
    nameColumn: 'name',
    columns: [
      str('name'),
      ref('chassis', 'Chassis'),
      int('priority'),
      map('options'),
      map('external_ids'),
      ref('port_binding', 'Port_Binding', { optional: false, readonly: true, extension: true }),
    ],
  },
  {
    name: 'HA_Chassis_Group',
    table: 'sb.ha_chassis_group',
    nameColumn: 'name',
    columns: [
      str('name'),
      children('ha_chassis', 'HA_Chassis', 'ha_chassis', 'ha_chassis_group'),
      map('external_ids'),
    ],
  },
  {
    name: 'HA_Chassis',
    table: 'sb.ha_chassis',
    columns: [ref('chassis', 'Chassis'), int('priority'), map('external_ids')],
  },
  {
    name: 'Logical_Flow',
    table: 'sb.logical_flow',
    columns: [
      ref('logical_datapath', 'Datapath_Binding'),
      ref('logical_dp_group', 'Logical_DP_Group'),
      str('pipeline'),
      int('table_id'),
      int('priority'),
      str('match'),
      str('actions'),
      str('controller_meter', { optional: true }),
      str('flow_desc', { optional: true }),
      map('tags'),
      map('external_ids'),
      str('stage', { extension: true }),
      col('nb_uuid', 'uuid', { optional: true, extension: true }),
      str('nb_table', { optional: true, extension: true }),
      str('builder', { extension: true }),
    ],
  },
  {
    name: 'Logical_DP_Group',
    table: 'sb.logical_dp_group',
    columns: [
      linked('datapaths', 'Datapath_Binding', 'logical_dp_group_datapath', 'dp_group', 'datapath'),
    ],
  },
  {
    name: 'Multicast_Group',
    table: 'sb.multicast_group',
    columns: [
      ref('datapath', 'Datapath_Binding', { optional: false }),
      str('name'),
      int('tunnel_key'),
      linked('ports', 'Port_Binding', 'multicast_group_port', 'multicast_group', 'port_binding'),
    ],
  },
  {
    name: 'MAC_Binding',
    table: 'sb.mac_binding',
    columns: [
      str('logical_port'),
      str('ip'),
      str('mac'),
      int('timestamp'),
      ref('datapath', 'Datapath_Binding', { optional: false }),
    ],
  },
  {
    name: 'FDB',
    table: 'sb.fdb',
    columns: [str('mac'), int('dp_key'), int('port_key'), int('timestamp')],
  },
  {
    name: 'Address_Set',
    table: 'sb.address_set',
    nameColumn: 'name',
    columns: [str('name'), strings('addresses'), map('options')],
  },
  {
    name: 'Port_Group',
    table: 'sb.port_group',
    nameColumn: 'name',
    columns: [str('name'), strings('ports')],
  },
  {
    name: 'DHCP_Options',
    table: 'sb.dhcp_options',
    nameColumn: 'name',
    columns: [str('name'), int('code'), str('type')],
  },
  {
    name: 'DHCPv6_Options',
    table: 'sb.dhcpv6_options',
    nameColumn: 'name',
    columns: [str('name'), int('code'), str('type')],
  },
  {
    name: 'DNS',
    table: 'sb.dns',
    columns: [
      map('records'),
      linked('datapaths', 'Datapath_Binding', 'dns_datapath', 'dns', 'datapath'),
      map('options'),
      map('external_ids'),
    ],
  },
  {
    name: 'Load_Balancer',
    table: 'sb.load_balancer',
    nameColumn: 'name',
    columns: [
      str('name'),
      map('vips'),
      str('protocol', { optional: true }),
      linked(
        'datapaths',
        'Datapath_Binding',
        'load_balancer_datapath',
        'load_balancer',
        'datapath',
      ),
      ref('ls_datapath_group', 'Logical_DP_Group'),
      ref('lr_datapath_group', 'Logical_DP_Group'),
      map('options'),
      map('external_ids'),
    ],
  },
  {
    name: 'Meter',
    table: 'sb.meter',
    nameColumn: 'name',
    columns: [str('name'), str('unit'), children('bands', 'Meter_Band', 'meter_band', 'meter')],
  },
  {
    name: 'Meter_Band',
    table: 'sb.meter_band',
    columns: [
      str('action'),
      int('rate'),
      int('burst_size'),
      ref('meter', 'Meter', { optional: false, readonly: true, extension: true }),
    ],
  },
  {
    name: 'Controller_Event',
    table: 'sb.controller_event',
    columns: [str('event_type'), map('event_info'), ref('chassis', 'Chassis'), int('seq_num')],
  },
  {
    name: 'IP_Multicast',
    table: 'sb.ip_multicast',
    columns: [
      ref('datapath', 'Datapath_Binding', { optional: false }),
      bool('enabled', { optional: true }),
      bool('querier', { optional: true }),
      str('eth_src', { optional: true }),
      str('ip4_src', { optional: true }),
      str('ip6_src', { optional: true }),
      int('table_size', { optional: true }),
      int('idle_timeout', { optional: true }),
      int('query_interval', { optional: true }),
      int('query_max_resp', { optional: true }),
      int('seq_no'),
    ],
  },
  {
    name: 'BFD',
    table: 'sb.bfd',
    columns: [
      int('src_port'),
      int('disc'),
      str('logical_port'),
      str('dst_ip'),
      int('min_tx'),
      int('min_rx'),
      int('detect_mult'),
      str('status'),
      str('chassis_name'),
      map('options'),
      map('external_ids'),
    ],
  },
  {
    name: 'Static_MAC_Binding',
    table: 'sb.static_mac_binding',
    columns: [
      str('logical_port'),
      str('ip'),
      str('mac'),
      bool('override_dynamic_mac'),
      ref('datapath', 'Datapath_Binding', { optional: false }),
    ],
  },
];

/** Finds a table by OVN name as users type it: case-insensitive, `_`/`-` ignored, or a unique prefix. */
export function findCatalogTable(name: string): CatalogTable | undefined {
  return pick(SB_CATALOG, name);
}

/** Finds a column of a table the same way. */
export function findCatalogColumn(table: CatalogTable, name: string): CatalogColumn | undefined {
  return pick(table.columns, name);
}

const norm = (s: string) => s.toLowerCase().replace(/[-_]/g, '');

function pick<T extends { name: string }>(items: readonly T[], wanted: string): T | undefined {
  const key = norm(wanted);
  const exact = items.find((i) => norm(i.name) === key);
  if (exact) return exact;
  const prefixed = items.filter((i) => norm(i.name).startsWith(key));
  return prefixed.length === 1 && key !== '' ? prefixed[0] : undefined;
}
