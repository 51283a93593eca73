// What part of SB a chassis follows (OVN's conditional monitoring, controller/ovn-controller.c
// update_sb_monitors): the rows of its local datapaths, and a small skeleton of the rest that
// tells which datapaths become local. Pure: the daemon turns an interest into SQL conditions
// (src/daemon/sb-scope-sql.ts) and checks every feed row against it here as well.
//
// Followed whole (small, or global by nature): sb_global, chassis, encap, datapath_binding,
// address_set, port_group, gateway_chassis, ha_chassis.
// Followed by interest:
//   port_binding      in a local datapath; or of a type that links datapaths or may be bound here
//                     whatever the datapath (patch, chassisredirect, l3gateway, l2gateway,
//                     external); or named by a local interface; or bound to this chassis
//   logical_flow      on a local datapath, or on a datapath group with a local member
//   logical_dp_group_datapath, multicast_group, mac_binding    of a local datapath
//   multicast_group_port   of a followed multicast group
//   fdb               of a local datapath's tunnel key

import type { SbView } from '../compile/sb-view.js';
import { indexView, localDatapaths } from '../compile/view-index.js';
import type { RowChange } from './sb-view-model.js';

export interface SbInterest {
  /** This chassis's Chassis.uuid, once registered (ports bound here are followed). */
  readonly chassisUuid: string | undefined;
  /** Interfaces attached here (iface-ids): their port bindings are followed by name. */
  readonly names: ReadonlySet<string>;
  /** The local datapaths (uuids) and their tunnel keys. */
  readonly datapaths: ReadonlySet<string>;
  readonly datapathKeys: ReadonlySet<number>;
  /** Logical datapath groups with a local member. */
  readonly dpGroups: ReadonlySet<string>;
  /** Multicast groups of the local datapaths. */
  readonly multicastGroups: ReadonlySet<string>;
}

export const noInterest: SbInterest = {
  chassisUuid: undefined,
  names: new Set(),
  datapaths: new Set(),
  datapathKeys: new Set(),
  dpGroups: new Set(),
  multicastGroups: new Set(),
};

/** Tables followed whole, whatever the interest. */
export const WHOLE_TABLES: ReadonlySet<string> = new Set([
  'sb_global',
  'chassis',
  'encap',
  'datapath_binding',
  'address_set',
  'port_group',
  'gateway_chassis',
  'ha_chassis',
]);

/** Tables followed by interest whose rows carry a uuid (an update may take a row out of scope). */
export const SCOPED_ROW_TABLES: ReadonlySet<string> = new Set([
  'port_binding',
  'logical_flow',
  'multicast_group',
  'mac_binding',
  'fdb',
]);

/** Port types followed everywhere: they link datapaths, or this chassis may have to bind them. */
export const SKELETON_PORT_TYPES: readonly string[] = [
  'patch',
  'chassisredirect',
  'l3gateway',
  'l2gateway',
  'external',
];
const skeleton = new Set(SKELETON_PORT_TYPES);

const text = (r: Record<string, unknown>, k: string) =>
  typeof r[k] === 'string' ? (r[k] as string) : undefined;

/** Whether a row (as the feed records it) belongs to the followed part of SB. */
export function rowRelevant(i: SbInterest, table: string, row: Record<string, unknown>): boolean {
  if (WHOLE_TABLES.has(table)) return true;
  const has = (set: ReadonlySet<string>, k: string) => {
    const v = text(row, k);
    return v !== undefined && set.has(v);
  };
  switch (table) {
    case 'port_binding':
      return (
        has(i.datapaths, 'datapath') ||
        skeleton.has(text(row, 'type') ?? '') ||
        has(i.names, 'logical_port') ||
        (i.chassisUuid !== undefined && text(row, 'chassis') === i.chassisUuid)
      );
    case 'logical_flow':
      return has(i.datapaths, 'logical_datapath') || has(i.dpGroups, 'logical_dp_group');
    case 'logical_dp_group_datapath':
    case 'multicast_group':
    case 'mac_binding':
      return has(i.datapaths, 'datapath');
    case 'multicast_group_port':
      return has(i.multicastGroups, 'multicast_group');
    case 'fdb':
      return i.datapathKeys.has(Number(row.dp_key));
    default:
      return false;
  }
}

/**
 * The feed changes a model following `i` takes: relevant rows as they are; an update that takes a
 * row it holds out of scope as a delete; everything else dropped.
 */
export function selectChanges(
  i: SbInterest,
  changes: Iterable<RowChange>,
  holds: (table: string, uuid: string) => boolean,
): RowChange[] {
  const out: RowChange[] = [];
  for (const c of changes) {
    if (rowRelevant(i, c.table, c.row)) out.push(c);
    else if (c.op !== 'insert' && SCOPED_ROW_TABLES.has(c.table)) {
      const uuid = text(c.row, 'uuid');
      if (uuid !== undefined && holds(c.table, uuid))
        out.push({ table: c.table, op: 'delete', row: c.row });
    }
  }
  return out;
}

/** What an interest follows in addition to another (the rows to load when it grows). */
export interface InterestGrowth {
  readonly names: readonly string[];
  readonly datapaths: readonly string[];
  readonly datapathKeys: readonly number[];
  readonly dpGroups: readonly string[];
  readonly multicastGroups: readonly string[];
  /** The chassis uuid became known: ports bound here must be loaded. */
  readonly chassis: boolean;
}

const minus = <T>(a: ReadonlySet<T>, b: ReadonlySet<T>) => [...a].filter((x) => !b.has(x));

export function interestGrowth(next: SbInterest, prev: SbInterest): InterestGrowth {
  return {
    names: minus(next.names, prev.names),
    datapaths: minus(next.datapaths, prev.datapaths),
    datapathKeys: minus(next.datapathKeys, prev.datapathKeys),
    dpGroups: minus(next.dpGroups, prev.dpGroups),
    multicastGroups: minus(next.multicastGroups, prev.multicastGroups),
    chassis: next.chassisUuid !== undefined && next.chassisUuid !== prev.chassisUuid,
  };
}

export const grows = (g: InterestGrowth) =>
  g.chassis ||
  g.names.length + g.datapaths.length + g.dpGroups.length + g.multicastGroups.length > 0;

/** Whether `next` follows less than `prev` somewhere (rows to forget). */
export function shrinks(next: SbInterest, prev: SbInterest): boolean {
  return (
    next.chassisUuid !== prev.chassisUuid ||
    minus(prev.names, next.names).length +
      minus(prev.datapaths, next.datapaths).length +
      minus(prev.dpGroups, next.dpGroups).length +
      minus(prev.multicastGroups, next.multicastGroups).length >
      0
  );
}

/** What the model of SB needs to offer to work out an interest. */
export interface InterestSource {
  view(): SbView;
  chassisUuid(name: string): string | undefined;
  dpGroupsWith(datapaths: ReadonlySet<string>): ReadonlySet<string>;
  multicastGroupsOf(datapaths: ReadonlySet<string>): ReadonlySet<string>;
}

/** The interest of `chassis` with `localPorts` attached, as far as the rows held so far tell. */
export function interestOf(
  src: InterestSource,
  chassis: string,
  localPorts: ReadonlyMap<string, number>,
): SbInterest {
  const view = src.view();
  const ix = indexView({ ...view, flows: new Map(), macBindings: new Map() });
  const dps = localDatapaths(ix, chassis, localPorts);
  const datapaths = new Set(dps.map((d) => d.uuid));
  return {
    chassisUuid: src.chassisUuid(chassis),
    names: new Set(localPorts.keys()),
    datapaths,
    datapathKeys: new Set(dps.map((d) => d.key)),
    dpGroups: src.dpGroupsWith(datapaths),
    multicastGroups: src.multicastGroupsOf(datapaths),
  };
}
