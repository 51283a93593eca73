/**
 * The SB tables as OVN names them, mapped onto ours: OVN table → our table, OVN column → where
 * its value lives and of what kind. The generic `sbctl list/find/get/set` commands work from
 * this, and readOvnRows (ovn-rows.ts) reads rows in OVN's shape with it.
 *
 * A value lives in a column of the row, in a link table (a set of references kept as rows), or in
 * child rows that point back (a set of strong references whose targets belong to this row, such
 * as Port_Binding.gateway_chassis). Columns marked `extension` are ovn-ts's own (flow provenance).
 */
export type OvnKind = 'string' | 'integer' | 'boolean' | 'uuid' | 'set' | 'map';
export type OvnScalarKind = 'string' | 'integer' | 'boolean' | 'uuid';

export type ColumnSource =
  | { readonly kind: 'column'; readonly column: string }
  | { readonly kind: 'link'; readonly table: string; readonly self: string; readonly other: string }
  /** Child rows whose `parent` column holds this row's `key` (uuid unless said otherwise). */
  | {
      readonly kind: 'children';
      readonly table: string;
      readonly parent: string;
      readonly key?: string;
    };

export interface CatalogColumn {
  /** The OVN column name (ovn-sb(5)). */
  readonly ovn: string;
  readonly kind: OvnKind;
  /** For a set, the kind of its elements. */
  readonly element?: OvnScalarKind;
  /** For uuid values (or sets of them), the OVN table they refer to. */
  readonly ref?: string;
  /** OVN's "optional" (0 or 1 value): null when empty. */
  readonly optional?: boolean;
  /** Written by sbctl set? False for values that live outside the row or that northd alone owns. */
  readonly writable: boolean;
  readonly source: ColumnSource;
  /** Not in OVN's schema: an ovn-ts addition. */
  readonly extension?: boolean;
}

export interface CatalogTable {
  /** OVN's table name, e.g. Port_Binding. */
  readonly ovn: string;
  /** Our table in schema sb. */
  readonly table: string;
  /** The column by which `sbctl get/list` also find a record, as ovn-sbctl does (e.g. a chassis name). */
  readonly nameColumn?: string;
  /** Or the map key that names a record, as external_ids:name names a datapath. */
  readonly nameMapKey?: readonly [map: string, key: string];
  readonly columns: readonly CatalogColumn[];
}

type Opt = {
  optional?: boolean;
  ref?: string;
  writable?: boolean;
  extension?: boolean;
  column?: string;
};
const col = (ovn: string, kind: OvnScalarKind | 'map', o: Opt = {}): CatalogColumn => ({
  ovn,
  kind,
  writable: o.writable ?? true,
  source: { kind: 'column', column: o.column ?? ovn },
  ...(o.optional ? { optional: true } : {}),
  ...(o.ref ? { ref: o.ref } : {}),
  ...(o.extension ? { extension: true } : {}),
});
const str = (ovn: string, o?: Opt) => col(ovn, 'string', o);
const int = (ovn: string, o?: Opt) => col(ovn, 'integer', o);
const bool = (ovn: string, o?: Opt) => col(ovn, 'boolean', o);
const ref = (ovn: string, table: string, o?: Opt) =>
  col(ovn, 'uuid', { ...o, ref: table, optional: o?.optional ?? true });
const map = (ovn: string, o?: Opt) => col(ovn, 'map', o);
const strings = (ovn: string, o: Opt = {}): CatalogColumn => ({
  ovn,
  kind: 'set',
  element: 'string',
  writable: o.writable ?? true,
  source: { kind: 'column', column: o.column ?? ovn },
});
const linked = (
  ovn: string,
  refTable: string,
  table: string,
  self: string,
  other: string,
): CatalogColumn => ({
  ovn,
  kind: 'set',
  element: 'uuid',
  ref: refTable,
  writable: false,
  source: { kind: 'link', table, self, other },
});
const children = (
  ovn: string,
  refTable: string,
  table: string,
  parent: string,
  key?: string,
): CatalogColumn => ({
  ovn,
  kind: 'set',
  element: 'uuid',
  ref: refTable,
  writable: false,
  source: { kind: 'children', table, parent, ...(key ? { key } : {}) },
});
const uuid = {
  ovn: '_uuid',
  kind: 'uuid',
  writable: false,
  source: { kind: 'column', column: 'uuid' },
} as const;

export const SB_CATALOG: readonly CatalogTable[] = [
  {
    ovn: 'SB_Global',
    table: 'sb_global',
    columns: [
      uuid,
      int('nb_cfg'),
      int('nb_cfg_timestamp'),
      map('options'),
      bool('ipsec'),
      map('external_ids'),
    ],
  },
  {
    ovn: 'Chassis',
    table: 'chassis',
    nameColumn: 'name',
    columns: [
      uuid,
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
    ovn: 'Chassis_Private',
    table: 'chassis_private',
    nameColumn: 'name',
    columns: [
      uuid,
      str('name'),
      ref('chassis', 'Chassis'),
      int('nb_cfg'),
      int('nb_cfg_timestamp'),
      map('external_ids'),
    ],
  },
  {
    ovn: 'Encap',
    table: 'encap',
    columns: [uuid, str('type'), str('ip'), map('options'), str('chassis_name')],
  },
  {
    ovn: 'Datapath_Binding',
    table: 'datapath_binding',
    nameMapKey: ['external_ids', 'name'],
    columns: [
      uuid,
      int('tunnel_key'),
      str('type', { optional: true }),
      col('nb_uuid', 'uuid', { optional: true }),
      map('external_ids'),
    ],
  },
  {
    ovn: 'Port_Binding',
    table: 'port_binding',
    nameColumn: 'logical_port',
    columns: [
      uuid,
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
    ovn: 'Gateway_Chassis',
    table: 'gateway_chassis',
    nameColumn: 'name',
    columns: [
      uuid,
      str('name'),
      ref('chassis', 'Chassis'),
      int('priority'),
      map('options'),
      map('external_ids'),
      ref('port_binding', 'Port_Binding', { optional: false, writable: false, extension: true }),
    ],
  },
  {
    ovn: 'HA_Chassis_Group',
    table: 'ha_chassis_group',
    nameColumn: 'name',
    columns: [
      uuid,
      str('name'),
      children('ha_chassis', 'HA_Chassis', 'ha_chassis', 'ha_chassis_group'),
      map('external_ids'),
    ],
  },
  {
    ovn: 'HA_Chassis',
    table: 'ha_chassis',
    columns: [uuid, ref('chassis', 'Chassis'), int('priority'), map('external_ids')],
  },
  {
    ovn: 'Logical_Flow',
    table: 'logical_flow',
    columns: [
      uuid,
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
    ovn: 'Logical_DP_Group',
    table: 'logical_dp_group',
    columns: [
      uuid,
      linked('datapaths', 'Datapath_Binding', 'logical_dp_group_datapath', 'dp_group', 'datapath'),
    ],
  },
  {
    ovn: 'Multicast_Group',
    table: 'multicast_group',
    columns: [
      uuid,
      ref('datapath', 'Datapath_Binding', { optional: false }),
      str('name'),
      int('tunnel_key'),
      linked('ports', 'Port_Binding', 'multicast_group_port', 'multicast_group', 'port_binding'),
    ],
  },
  {
    ovn: 'MAC_Binding',
    table: 'mac_binding',
    columns: [
      uuid,
      str('logical_port'),
      str('ip'),
      str('mac'),
      int('timestamp'),
      ref('datapath', 'Datapath_Binding', { optional: false }),
    ],
  },
  {
    ovn: 'FDB',
    table: 'fdb',
    columns: [uuid, str('mac'), int('dp_key'), int('port_key'), int('timestamp')],
  },
  {
    ovn: 'Address_Set',
    table: 'address_set',
    nameColumn: 'name',
    columns: [uuid, str('name'), strings('addresses'), map('options')],
  },
  {
    ovn: 'Port_Group',
    table: 'port_group',
    nameColumn: 'name',
    columns: [uuid, str('name'), strings('ports')],
  },
  {
    ovn: 'DHCP_Options',
    table: 'dhcp_options',
    nameColumn: 'name',
    columns: [uuid, str('name'), int('code'), str('type')],
  },
  {
    ovn: 'DHCPv6_Options',
    table: 'dhcpv6_options',
    nameColumn: 'name',
    columns: [uuid, str('name'), int('code'), str('type')],
  },
  {
    ovn: 'DNS',
    table: 'dns',
    columns: [
      uuid,
      map('records'),
      linked('datapaths', 'Datapath_Binding', 'dns_datapath', 'dns', 'datapath'),
      map('options'),
      map('external_ids'),
    ],
  },
  {
    ovn: 'Load_Balancer',
    table: 'load_balancer',
    nameColumn: 'name',
    columns: [
      uuid,
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
    ovn: 'Meter',
    table: 'meter',
    nameColumn: 'name',
    columns: [
      uuid,
      str('name'),
      str('unit'),
      children('bands', 'Meter_Band', 'meter_band', 'meter'),
    ],
  },
  {
    ovn: 'Meter_Band',
    table: 'meter_band',
    columns: [
      uuid,
      str('action'),
      int('rate'),
      int('burst_size'),
      ref('meter', 'Meter', { optional: false, writable: false, extension: true }),
    ],
  },
  {
    ovn: 'Controller_Event',
    table: 'controller_event',
    columns: [
      uuid,
      str('event_type'),
      map('event_info'),
      ref('chassis', 'Chassis'),
      int('seq_num'),
    ],
  },
  {
    ovn: 'IP_Multicast',
    table: 'ip_multicast',
    columns: [
      uuid,
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
    ovn: 'BFD',
    table: 'bfd',
    columns: [
      uuid,
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
    ovn: 'Static_MAC_Binding',
    table: 'static_mac_binding',
    columns: [
      uuid,
      str('logical_port'),
      str('ip'),
      str('mac'),
      bool('override_dynamic_mac'),
      ref('datapath', 'Datapath_Binding', { optional: false }),
    ],
  },
];

/**
 * The catalog entry for an OVN table name as a user types it: exact or case-insensitive, or an
 * unambiguous case-insensitive prefix (ovn-sbctl accepts `port_b` for Port_Binding).
 */
export function findCatalogTable(name: string): CatalogTable | undefined {
  const lower = name.toLowerCase();
  const exact =
    SB_CATALOG.find((t) => t.ovn === name) ?? SB_CATALOG.find((t) => t.ovn.toLowerCase() === lower);
  if (exact) return exact;
  const prefixed = SB_CATALOG.filter((t) => t.ovn.toLowerCase().startsWith(lower));
  return prefixed.length === 1 ? prefixed[0] : undefined;
}

/** The catalog column for an OVN column name of a table (exact, then case-insensitive). */
export function findCatalogColumn(table: CatalogTable, name: string): CatalogColumn | undefined {
  return (
    table.columns.find((c) => c.ovn === name) ??
    table.columns.find((c) => c.ovn.toLowerCase() === name.toLowerCase())
  );
}
