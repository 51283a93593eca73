import type {
  Acl,
  AddressSet,
  DhcpOptions,
  GatewayChassis,
  LoadBalancer,
  LogicalRouter,
  LogicalRouterPort,
  LogicalSwitch,
  LogicalSwitchPort,
  Nat,
  NbGlobal,
  PortGroup,
  StaticRoute,
} from '@ovn-ts/nb-db';
import { NB_INTENT_TABLES } from '@ovn-ts/nb-db/tables';

/** The NB tables as northd holds them in memory: rows as the change feed delivers them. */
export interface NbRows {
  nb_global: NbGlobal;
  logical_switch: LogicalSwitch;
  logical_switch_port: LogicalSwitchPort;
  logical_router: LogicalRouter;
  logical_router_port: LogicalRouterPort;
  gateway_chassis: GatewayChassis;
  logical_router_static_route: StaticRoute;
  port_group: PortGroup;
  port_group_port: { port_group_uuid: string; port_uuid: string };
  address_set: AddressSet;
  acl: Acl;
  nat: Nat;
  load_balancer: LoadBalancer;
  logical_switch_load_balancer: { switch_uuid: string; load_balancer_uuid: string };
  logical_router_load_balancer: { router_uuid: string; load_balancer_uuid: string };
  dhcp_options: DhcpOptions;
}

export type NbTable = keyof NbRows;

/** The tables northd reads: NB's intent tables (nb-db owns the list). */
export const NB_TABLES: readonly NbTable[] = NB_INTENT_TABLES;

/** One row change, as the feed reports it (table names without the schema). */
export interface NbChange {
  readonly table: string;
  readonly op: 'insert' | 'update' | 'delete';
  readonly row: Record<string, unknown>;
}

/** The key of a row in its table: its uuid, or the pair of a link table. */
export function rowKey(table: NbTable, row: Record<string, unknown>): string {
  switch (table) {
    case 'port_group_port':
      return `${row.port_group_uuid}/${row.port_uuid}`;
    case 'logical_switch_load_balancer':
      return `${row.switch_uuid}/${row.load_balancer_uuid}`;
    case 'logical_router_load_balancer':
      return `${row.router_uuid}/${row.load_balancer_uuid}`;
    default:
      return String(row.uuid);
  }
}

/** A one-to-many index (parent key → child keys) kept up to date as rows come and go. */
class Index {
  private readonly map = new Map<string, Set<string>>();
  get(parent: string | null | undefined): ReadonlySet<string> {
    return (parent != null && this.map.get(parent)) || EMPTY;
  }
  add(parent: string | null | undefined, child: string): void {
    if (parent == null) return;
    const s = this.map.get(parent);
    if (s) s.add(child);
    else this.map.set(parent, new Set([child]));
  }
  delete(parent: string | null | undefined, child: string): void {
    if (parent == null) return;
    const s = this.map.get(parent);
    if (!s) return;
    s.delete(child);
    if (s.size === 0) this.map.delete(parent);
  }
}
const EMPTY: ReadonlySet<string> = new Set();

/** Which column of a child table points at its parent, for each index the builders need. */
const routerPortOption = (row: Record<string, unknown>) =>
  row.type === 'router'
    ? ((row.options as Record<string, string> | undefined)?.['router-port'] ?? null)
    : null;

const INDEXED: ReadonlyArray<{
  name: IndexName;
  table: NbTable;
  column: string | ((row: Record<string, unknown>) => string | null);
  child?: string;
}> = [
  { name: 'switchPortsByRouterPort', table: 'logical_switch_port', column: routerPortOption },
  { name: 'routerPortsByPeer', table: 'logical_router_port', column: 'peer' },
  { name: 'portsByDhcpOptions', table: 'logical_switch_port', column: 'dhcpv4_options' },
  { name: 'portsBySwitch', table: 'logical_switch_port', column: 'switch_uuid' },
  { name: 'portsByName', table: 'logical_switch_port', column: 'name' },
  { name: 'routerPortsByRouter', table: 'logical_router_port', column: 'router_uuid' },
  { name: 'routerPortsByName', table: 'logical_router_port', column: 'name' },
  { name: 'routesByRouter', table: 'logical_router_static_route', column: 'router_uuid' },
  { name: 'natsByRouter', table: 'nat', column: 'router_uuid' },
  { name: 'gatewaysByRouterPort', table: 'gateway_chassis', column: 'router_port_uuid' },
  { name: 'aclsBySwitch', table: 'acl', column: 'switch_uuid' },
  { name: 'aclsByPortGroup', table: 'acl', column: 'port_group_uuid' },
  {
    name: 'portsByPortGroup',
    table: 'port_group_port',
    column: 'port_group_uuid',
    child: 'port_uuid',
  },
  {
    name: 'portGroupsByPort',
    table: 'port_group_port',
    column: 'port_uuid',
    child: 'port_group_uuid',
  },
  {
    name: 'lbsBySwitch',
    table: 'logical_switch_load_balancer',
    column: 'switch_uuid',
    child: 'load_balancer_uuid',
  },
  {
    name: 'switchesByLb',
    table: 'logical_switch_load_balancer',
    column: 'load_balancer_uuid',
    child: 'switch_uuid',
  },
  {
    name: 'lbsByRouter',
    table: 'logical_router_load_balancer',
    column: 'router_uuid',
    child: 'load_balancer_uuid',
  },
  {
    name: 'routersByLb',
    table: 'logical_router_load_balancer',
    column: 'load_balancer_uuid',
    child: 'router_uuid',
  },
  { name: 'portGroupsByName', table: 'port_group', column: 'name' },
  { name: 'addressSetsByName', table: 'address_set', column: 'name' },
];

export type IndexName =
  | 'switchPortsByRouterPort'
  | 'routerPortsByPeer'
  | 'portsByDhcpOptions'
  | 'portsBySwitch'
  | 'portsByName'
  | 'routerPortsByRouter'
  | 'routerPortsByName'
  | 'routesByRouter'
  | 'natsByRouter'
  | 'gatewaysByRouterPort'
  | 'aclsBySwitch'
  | 'aclsByPortGroup'
  | 'portsByPortGroup'
  | 'portGroupsByPort'
  | 'lbsBySwitch'
  | 'switchesByLb'
  | 'lbsByRouter'
  | 'routersByLb'
  | 'portGroupsByName'
  | 'addressSetsByName';

/**
 * The whole NB database in memory, with the indexes the builders need. Pure: it changes only
 * through `apply`, which takes the feed's row changes one by one.
 */
export class NbModel {
  private readonly rows = new Map<NbTable, Map<string, unknown>>();
  private readonly indexes = new Map<IndexName, Index>();

  constructor() {
    for (const t of NB_TABLES) this.rows.set(t, new Map());
    for (const ix of INDEXED) this.indexes.set(ix.name, new Index());
  }

  table<T extends NbTable>(t: T): ReadonlyMap<string, NbRows[T]> {
    return this.rows.get(t) as Map<string, NbRows[T]>;
  }

  get<T extends NbTable>(t: T, key: string | null | undefined): NbRows[T] | undefined {
    return key == null ? undefined : (this.rows.get(t)?.get(key) as NbRows[T] | undefined);
  }

  /** Child keys of `parent` in index `name` (e.g. the uuids of a switch's ports). */
  children(name: IndexName, parent: string | null | undefined): ReadonlySet<string> {
    return this.indexes.get(name)!.get(parent);
  }

  /** Rows of `table` whose keys are in `keys`, in key order (stable output for stable flows). */
  rowsOf<T extends NbTable>(t: T, keys: Iterable<string>): NbRows[T][] {
    const m = this.rows.get(t)!;
    const out: NbRows[T][] = [];
    for (const k of [...keys].sort()) {
      const r = m.get(k);
      if (r) out.push(r as NbRows[T]);
    }
    return out;
  }

  /** Whether northd reads `table` (the feed also carries tables it does not, e.g. its own diagnostics). */
  has(table: string): table is NbTable {
    return this.rows.has(table as NbTable);
  }

  globals(): NbGlobal | undefined {
    return this.rows.get('nb_global')!.values().next().value as NbGlobal | undefined;
  }

  /** Applies one row change; returns the previous version of the row, if any. */
  apply(change: NbChange): Record<string, unknown> | undefined {
    const table = change.table as NbTable;
    const rows = this.rows.get(table);
    if (!rows) return undefined; // a table northd does not read (e.g. the feed's own)
    const key = rowKey(table, change.row);
    const old = rows.get(key) as Record<string, unknown> | undefined;
    if (old) this.unindex(table, key, old);
    if (change.op === 'delete') {
      rows.delete(key);
    } else {
      rows.set(key, change.row);
      this.index(table, key, change.row);
    }
    return old;
  }

  private index(table: NbTable, key: string, row: Record<string, unknown>): void {
    for (const ix of INDEXED) {
      if (ix.table !== table) continue;
      this.indexes
        .get(ix.name)!
        .add(parentOf(ix.column, row), ix.child ? String(row[ix.child]) : key);
    }
  }

  private unindex(table: NbTable, key: string, row: Record<string, unknown>): void {
    for (const ix of INDEXED) {
      if (ix.table !== table) continue;
      this.indexes
        .get(ix.name)!
        .delete(parentOf(ix.column, row), ix.child ? String(row[ix.child]) : key);
    }
  }
}

function parentOf(
  column: string | ((row: Record<string, unknown>) => string | null),
  row: Record<string, unknown>,
): string | null {
  return typeof column === 'function'
    ? column(row)
    : ((row[column] as string | null | undefined) ?? null);
}
