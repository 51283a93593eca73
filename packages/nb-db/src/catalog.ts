/**
 * The NB schema in OVN's terms, for the generic database commands (list, get, set, find …):
 * OVN table and column names, the column each maps to, and its kind. Columns that OVSDB stores as
 * reference sets but we store as foreign keys on the child are `derived`: readable, changed only
 * through the commands that own the relation (lsp-add, acl-add …).
 */
export type ColumnKind =
  | 'string'
  | 'integer'
  | 'boolean'
  | 'uuid' // a single reference
  | 'string-set' // text[]
  | 'inet-set'
  | 'map'; // jsonb string map

export interface CatalogColumn {
  /** OVN's column name. */
  readonly name: string;
  /** Our column, or how a derived column is computed. */
  readonly column?: string;
  readonly derived?: {
    readonly table: string;
    readonly fk: string;
    readonly pick?: string;
    readonly link?: boolean;
  };
  readonly kind: ColumnKind;
  /** Optional columns (OVSDB `min: 0` scalars) print as [] when null. */
  readonly optional?: boolean;
  readonly readonly?: boolean;
}

export interface CatalogTable {
  readonly name: string;
  readonly table: string;
  /** The column users name rows by, when the table has one. */
  readonly nameColumn?: string;
  readonly columns: readonly CatalogColumn[];
}

const ext: CatalogColumn = { name: 'external_ids', column: 'external_ids', kind: 'map' };
const opts: CatalogColumn = { name: 'options', column: 'options', kind: 'map' };
const col = (
  name: string,
  kind: ColumnKind,
  extra: Partial<CatalogColumn> = {},
): CatalogColumn => ({
  name,
  column: name,
  kind,
  ...extra,
});
const derived = (
  name: string,
  table: string,
  fk: string,
  extra: { pick?: string; link?: boolean } = {},
): CatalogColumn => ({ name, kind: 'uuid', derived: { table, fk, ...extra }, readonly: true });

export const nbCatalog: readonly CatalogTable[] = [
  {
    name: 'NB_Global',
    table: 'nb.nb_global',
    columns: [
      col('name', 'string'),
      col('nb_cfg', 'integer'),
      col('nb_cfg_timestamp', 'integer'),
      col('sb_cfg', 'integer'),
      col('sb_cfg_timestamp', 'integer'),
      col('hv_cfg', 'integer'),
      col('hv_cfg_timestamp', 'integer'),
      opts,
      ext,
    ],
  },
  {
    name: 'Logical_Switch',
    table: 'nb.logical_switch',
    nameColumn: 'name',
    columns: [
      col('name', 'string'),
      derived('ports', 'nb.logical_switch_port', 'switch_uuid'),
      derived('acls', 'nb.acl', 'switch_uuid'),
      derived('load_balancer', 'nb.logical_switch_load_balancer', 'switch_uuid', {
        pick: 'load_balancer_uuid',
        link: true,
      }),
      col('other_config', 'map'),
      ext,
    ],
  },
  {
    name: 'Logical_Switch_Port',
    table: 'nb.logical_switch_port',
    nameColumn: 'name',
    columns: [
      col('name', 'string'),
      col('type', 'string'),
      col('addresses', 'string-set'),
      col('dynamic_addresses', 'string', { optional: true }),
      col('port_security', 'string-set'),
      opts,
      col('enabled', 'boolean', { optional: true }),
      col('up', 'boolean', { optional: true }),
      col('parent_name', 'string', { optional: true }),
      col('tag_request', 'integer', { optional: true }),
      col('tag', 'integer', { optional: true }),
      col('dhcpv4_options', 'uuid', { optional: true }),
      col('dhcpv6_options', 'uuid', { optional: true }),
      ext,
    ],
  },
  {
    name: 'Logical_Router',
    table: 'nb.logical_router',
    nameColumn: 'name',
    columns: [
      col('name', 'string'),
      col('enabled', 'boolean', { optional: true }),
      derived('ports', 'nb.logical_router_port', 'router_uuid'),
      derived('static_routes', 'nb.logical_router_static_route', 'router_uuid'),
      derived('nat', 'nb.nat', 'router_uuid'),
      derived('load_balancer', 'nb.logical_router_load_balancer', 'router_uuid', {
        pick: 'load_balancer_uuid',
        link: true,
      }),
      opts,
      ext,
    ],
  },
  {
    name: 'Logical_Router_Port',
    table: 'nb.logical_router_port',
    nameColumn: 'name',
    columns: [
      col('name', 'string'),
      col('mac', 'string'),
      col('networks', 'inet-set'),
      col('peer', 'string', { optional: true }),
      col('enabled', 'boolean', { optional: true }),
      derived('gateway_chassis', 'nb.gateway_chassis', 'router_port_uuid'),
      opts,
      ext,
    ],
  },
  {
    name: 'Gateway_Chassis',
    table: 'nb.gateway_chassis',
    nameColumn: 'name',
    columns: [
      col('name', 'string'),
      col('chassis_name', 'string'),
      col('priority', 'integer'),
      opts,
      ext,
    ],
  },
  {
    name: 'Logical_Router_Static_Route',
    table: 'nb.logical_router_static_route',
    columns: [
      col('ip_prefix', 'string'),
      col('nexthop', 'string'),
      col('output_port', 'string', { optional: true }),
      col('policy', 'string', { optional: true }),
      col('route_table', 'string'),
      opts,
      ext,
    ],
  },
  {
    name: 'Port_Group',
    table: 'nb.port_group',
    nameColumn: 'name',
    columns: [
      col('name', 'string'),
      derived('ports', 'nb.port_group_port', 'port_group_uuid', { pick: 'port_uuid', link: true }),
      derived('acls', 'nb.acl', 'port_group_uuid'),
      ext,
    ],
  },
  {
    name: 'Address_Set',
    table: 'nb.address_set',
    nameColumn: 'name',
    columns: [col('name', 'string'), col('addresses', 'string-set'), ext],
  },
  {
    name: 'ACL',
    table: 'nb.acl',
    nameColumn: 'name',
    columns: [
      col('name', 'string', { optional: true }),
      col('direction', 'string'),
      col('priority', 'integer'),
      col('match', 'string'),
      col('action', 'string'),
      col('log', 'boolean'),
      col('severity', 'string', { optional: true }),
      col('meter', 'string', { optional: true }),
      col('label', 'integer'),
      col('tier', 'integer'),
      opts,
      ext,
    ],
  },
  {
    name: 'NAT',
    table: 'nb.nat',
    columns: [
      col('type', 'string'),
      col('external_ip', 'string'),
      col('external_mac', 'string', { optional: true }),
      col('external_port_range', 'string', { optional: true }),
      col('logical_ip', 'string'),
      col('logical_port', 'string', { optional: true }),
      opts,
      ext,
    ],
  },
  {
    name: 'Load_Balancer',
    table: 'nb.load_balancer',
    nameColumn: 'name',
    columns: [
      col('name', 'string'),
      col('vips', 'map'),
      col('protocol', 'string', { optional: true }),
      col('selection_fields', 'string-set'),
      opts,
      ext,
    ],
  },
  {
    name: 'DHCP_Options',
    table: 'nb.dhcp_options',
    columns: [col('cidr', 'string'), opts, ext],
  },
];

/** Finds a table by OVN name, case-insensitively and ignoring underscores, as ovn-nbctl does. */
export function findCatalogTable(name: string): CatalogTable | undefined {
  const key = name.toLowerCase().replace(/_/g, '');
  return nbCatalog.find((t) => t.name.toLowerCase().replace(/_/g, '') === key);
}
