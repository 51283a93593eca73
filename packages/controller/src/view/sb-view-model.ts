// The SB rows a controller follows, kept up to date from the change feed (pure: row changes in,
// SbView out). Rows arrive as the feed records them (to_jsonb of the row); link tables
// (multicast_group_port, logical_dp_group_datapath) as pairs. View objects of rows that did not
// change are kept, so the compiler sees the same objects from one update to the next.

import type {
  SbView,
  ViewChassis,
  ViewDatapath,
  ViewFdb,
  ViewFlow,
  ViewMacBinding,
  ViewMulticastGroup,
  ViewPort,
} from '../compile/sb-view.js';

/** One row change, in the change feed's shape. */
export interface RowChange {
  readonly table: string;
  readonly op: 'insert' | 'update' | 'delete';
  readonly row: Record<string, unknown>;
}

/** The tables a controller reads. */
export const VIEW_TABLES = [
  'sb_global',
  'chassis',
  'encap',
  'datapath_binding',
  'port_binding',
  'logical_dp_group',
  'logical_dp_group_datapath',
  'logical_flow',
  'multicast_group',
  'multicast_group_port',
  'mac_binding',
  'address_set',
  'port_group',
  'fdb',
  'gateway_chassis',
  'ha_chassis',
] as const;

type Row = Record<string, unknown>;
const str = (r: Row, k: string) => (typeof r[k] === 'string' ? (r[k] as string) : '');
const num = (r: Row, k: string) => Number(r[k] ?? 0);
const map = (r: Row, k: string) =>
  r[k] && typeof r[k] === 'object' ? (r[k] as Record<string, string>) : {};
const list = (r: Row, k: string) => (Array.isArray(r[k]) ? (r[k] as string[]) : []);
/** inet values read back without a host prefix length. */
const ip = (r: Row, k: string) => str(r, k).replace(/\/(32|128)$/, '');

function addTo<K, V>(m: Map<K, Set<V>>, k: K, v: V): void {
  let s = m.get(k);
  if (!s) {
    s = new Set();
    m.set(k, s);
  }
  s.add(v);
}

const samePort = (a: ViewPort, b: ViewPort) =>
  a.name === b.name &&
  a.datapath === b.datapath &&
  a.key === b.key &&
  a.type === b.type &&
  a.chassis === b.chassis &&
  a.tag === b.tag &&
  a.virtualParent === b.virtualParent &&
  JSON.stringify(a.options) === JSON.stringify(b.options);

export class SbViewModel {
  nbCfg = 0;
  /**
   * Goes up with every change the view shows (not nb_cfg, not a port's `up` or other columns the
   * view leaves out): an unchanged version means an unchanged view.
   */
  version = 0;
  private readonly datapaths = new Map<string, ViewDatapath>();
  private readonly ports = new Map<string, ViewPort>();
  /** Port uuid → chassis uuid (names are resolved through chassisNames). */
  private readonly portChassis = new Map<string, string>();
  private readonly chassisNames = new Map<string, string>();
  private readonly encaps = new Map<
    string,
    { chassis: string; type: ViewChassis['encaps'][number]['type']; ip: string }
  >();
  private chassisView: Map<string, ViewChassis> | undefined;
  private readonly flowRows = new Map<string, Row>();
  private readonly flows = new Map<string, ViewFlow>();
  private readonly groupMembers = new Map<string, Set<string>>();
  /** Datapath uuid → the logical datapath groups it is a member of. */
  private readonly groupsOfDatapath = new Map<string, Set<string>>();
  private readonly flowsOfGroup = new Map<string, Set<string>>();
  private readonly groupOfFlow = new Map<string, string>();
  /** Port uuid → multicast groups it belongs to. */
  private readonly groupsOfPort = new Map<string, Set<string>>();
  private readonly mcRows = new Map<string, Row>();
  private readonly mcMembers = new Map<string, Set<string>>();
  private readonly multicastGroups = new Map<string, ViewMulticastGroup>();
  private readonly macBindings = new Map<string, ViewMacBinding>();
  private readonly fdb = new Map<string, ViewFdb>();
  private readonly gatewayRows = new Map<
    string,
    { port: string; chassis: string | null; priority: number }
  >();
  private gatewayView: Map<string, { chassis: string; priority: number }[]> | undefined;
  /** HA chassis rows (group, chassis, priority) and each port's HA chassis group. */
  private readonly haRows = new Map<
    string,
    { group: string; chassis: string | null; priority: number }
  >();
  private readonly haGroupOfPort = new Map<string, string>();
  private readonly addressSets = new Map<string, readonly string[]>();
  private readonly addressSetNames = new Map<string, string>();
  private readonly portGroups = new Map<string, readonly string[]>();
  private readonly portGroupNames = new Map<string, string>();

  apply(changes: Iterable<RowChange>): void {
    const dirtyFlows = new Set<string>();
    const dirtyGroups = new Set<string>();
    let chassisChanged = false;
    const version = this.version;
    for (const c of changes) {
      const r = c.row;
      const del = c.op === 'delete';
      const uuid = str(r, 'uuid');
      if (c.table !== 'sb_global' && c.table !== 'port_binding') this.version = version + 1;
      switch (c.table) {
        case 'sb_global':
          if (!del) this.nbCfg = num(r, 'nb_cfg');
          break;
        case 'chassis':
          if (del) this.chassisNames.delete(uuid);
          else this.chassisNames.set(uuid, str(r, 'name'));
          chassisChanged = true;
          break;
        case 'encap':
          if (del) this.encaps.delete(uuid);
          else
            this.encaps.set(uuid, {
              chassis: str(r, 'chassis_name'),
              type: str(r, 'type') as 'geneve',
              ip: ip(r, 'ip'),
            });
          this.chassisView = undefined;
          break;
        case 'datapath_binding':
          if (del) this.datapaths.delete(uuid);
          else {
            const kind = str(r, 'type') === 'logical-router' ? 'router' : 'switch';
            this.datapaths.set(uuid, {
              uuid,
              key: num(r, 'tunnel_key'),
              kind,
              name: map(r, 'external_ids').name ?? uuid,
            });
          }
          break;
        case 'port_binding': {
          const oldHa = this.haGroupOfPort.get(uuid);
          const old = this.ports.get(uuid);
          this.gatewayView = undefined;
          if (del) {
            this.version = version + 1;
            this.ports.delete(uuid);
            this.portChassis.delete(uuid);
            this.haGroupOfPort.delete(uuid);
          } else {
            if (typeof r.ha_chassis_group === 'string')
              this.haGroupOfPort.set(uuid, r.ha_chassis_group);
            else this.haGroupOfPort.delete(uuid);
            const ch = typeof r.chassis === 'string' ? r.chassis : undefined;
            if (ch) this.portChassis.set(uuid, ch);
            else this.portChassis.delete(uuid);
            const p: ViewPort = {
              uuid,
              name: str(r, 'logical_port'),
              datapath: str(r, 'datapath'),
              key: num(r, 'tunnel_key'),
              type: str(r, 'type'),
              options: map(r, 'options'),
              chassis: ch ? (this.chassisNames.get(ch) ?? null) : null,
              tag: typeof r.tag === 'number' ? r.tag : null,
              virtualParent: typeof r.virtual_parent === 'string' ? r.virtual_parent : null,
            };
            // A change the view does not show (up, external_ids) keeps the port's object.
            if (old && samePort(old, p) && oldHa === this.haGroupOfPort.get(uuid)) break;
            this.version = version + 1;
            this.ports.set(uuid, p);
          }
          for (const g of this.groupsOfPort.get(uuid) ?? []) dirtyGroups.add(g);
          break;
        }
        case 'logical_dp_group':
          if (del) {
            for (const d of this.groupMembers.get(uuid) ?? [])
              this.groupsOfDatapath.get(d)?.delete(uuid);
            this.groupMembers.delete(uuid);
          }
          break;
        case 'logical_dp_group_datapath': {
          const g = str(r, 'dp_group');
          const d = str(r, 'datapath');
          if (del) {
            this.groupMembers.get(g)?.delete(d);
            this.groupsOfDatapath.get(d)?.delete(g);
          } else {
            addTo(this.groupMembers, g, d);
            addTo(this.groupsOfDatapath, d, g);
          }
          for (const f of this.flowsOfGroup.get(g) ?? []) dirtyFlows.add(f);
          break;
        }
        case 'logical_flow':
          if (del) this.flowRows.delete(uuid);
          // Only the columns the view uses: SB rows also carry provenance, tags, external_ids.
          else
            this.flowRows.set(uuid, {
              uuid,
              logical_datapath: r.logical_datapath ?? null,
              logical_dp_group: r.logical_dp_group ?? null,
              pipeline: r.pipeline,
              table_id: r.table_id,
              priority: r.priority,
              match: r.match,
              actions: r.actions,
              stage: r.stage,
            });
          dirtyFlows.add(uuid);
          break;
        case 'multicast_group':
          if (del) {
            this.mcRows.delete(uuid);
            this.mcMembers.delete(uuid);
          } else this.mcRows.set(uuid, r);
          dirtyGroups.add(uuid);
          break;
        case 'multicast_group_port': {
          const g = str(r, 'multicast_group');
          const p = str(r, 'port_binding');
          if (del) {
            this.mcMembers.get(g)?.delete(p);
            this.groupsOfPort.get(p)?.delete(g);
          } else {
            addTo(this.mcMembers, g, p);
            addTo(this.groupsOfPort, p, g);
          }
          dirtyGroups.add(g);
          break;
        }
        case 'mac_binding':
          if (del) this.macBindings.delete(uuid);
          else {
            this.macBindings.set(uuid, {
              uuid,
              datapath: str(r, 'datapath'),
              logicalPort: str(r, 'logical_port'),
              ip: ip(r, 'ip'),
              mac: str(r, 'mac'),
            });
          }
          break;
        case 'ha_chassis':
          if (del) this.haRows.delete(uuid);
          else {
            const ch = typeof r.chassis === 'string' ? r.chassis : null;
            this.haRows.set(uuid, {
              group: str(r, 'ha_chassis_group'),
              chassis: ch,
              priority: num(r, 'priority'),
            });
          }
          this.gatewayView = undefined;
          break;
        case 'gateway_chassis':
          if (del) this.gatewayRows.delete(uuid);
          else {
            const ch = typeof r.chassis === 'string' ? r.chassis : null;
            this.gatewayRows.set(uuid, {
              port: str(r, 'port_binding'),
              chassis: ch,
              priority: num(r, 'priority'),
            });
          }
          this.gatewayView = undefined;
          break;
        case 'fdb':
          if (del) this.fdb.delete(uuid);
          else
            this.fdb.set(uuid, {
              uuid,
              mac: str(r, 'mac'),
              dpKey: num(r, 'dp_key'),
              portKey: num(r, 'port_key'),
            });
          break;
        case 'address_set':
        case 'port_group': {
          const [sets, names] =
            c.table === 'address_set'
              ? [this.addressSets, this.addressSetNames]
              : [this.portGroups, this.portGroupNames];
          const old = names.get(uuid);
          if (old !== undefined) sets.delete(old);
          if (del) names.delete(uuid);
          else {
            names.set(uuid, str(r, 'name'));
            sets.set(str(r, 'name'), list(r, c.table === 'address_set' ? 'addresses' : 'ports'));
          }
          break;
        }
      }
    }
    if (chassisChanged) this.gatewayView = undefined;
    if (chassisChanged) {
      this.chassisView = undefined;
      for (const [uuid, p] of this.ports) {
        const ch = this.portChassis.get(uuid);
        const name = ch ? (this.chassisNames.get(ch) ?? null) : null;
        if (name !== p.chassis) this.ports.set(uuid, { ...p, chassis: name });
      }
    }
    for (const f of dirtyFlows) this.refreshFlow(f);
    for (const g of dirtyGroups) this.refreshGroup(g);
  }

  /** Whether the model holds the row `uuid` of `table` (port bindings, flows, groups, bindings). */
  holds(table: string, uuid: string): boolean {
    switch (table) {
      case 'port_binding':
        return this.ports.has(uuid);
      case 'logical_flow':
        return this.flowRows.has(uuid);
      case 'multicast_group':
        return this.mcRows.has(uuid);
      case 'mac_binding':
        return this.macBindings.has(uuid);
      case 'fdb':
        return this.fdb.has(uuid);
      default:
        return false;
    }
  }

  chassisUuid(name: string): string | undefined {
    for (const [uuid, n] of this.chassisNames) if (n === name) return uuid;
    return undefined;
  }

  /** The logical datapath groups with a member among `datapaths`. */
  dpGroupsWith(datapaths: ReadonlySet<string>): Set<string> {
    const out = new Set<string>();
    for (const d of datapaths) for (const g of this.groupsOfDatapath.get(d) ?? []) out.add(g);
    return out;
  }

  /** The multicast groups (uuids) of `datapaths`. */
  multicastGroupsOf(datapaths: ReadonlySet<string>): Set<string> {
    const out = new Set<string>();
    for (const [uuid, r] of this.mcRows) if (datapaths.has(str(r, 'datapath'))) out.add(uuid);
    return out;
  }

  /** How many rows of the interest-scoped tables the model holds (memory follows these). */
  counts(): { ports: number; flows: number; multicastGroups: number; macBindings: number } {
    return {
      ports: this.ports.size,
      flows: this.flowRows.size,
      multicastGroups: this.mcRows.size,
      macBindings: this.macBindings.size,
    };
  }

  /**
   * Forgets the rows for which `keep(table, row)` fails (the chassis no longer follows them), as
   * deletes through apply(), so every derived index stays right.
   */
  retain(keep: (table: string, row: Record<string, unknown>) => boolean): void {
    const gone: RowChange[] = [];
    const del = (table: string, row: Record<string, unknown>) =>
      gone.push({ table, op: 'delete', row });
    for (const [uuid, p] of this.ports) {
      const row = {
        uuid,
        datapath: p.datapath,
        type: p.type,
        logical_port: p.name,
        chassis: this.portChassis.get(uuid) ?? null,
      };
      if (!keep('port_binding', row)) del('port_binding', row);
    }
    for (const [uuid, r] of this.flowRows)
      if (!keep('logical_flow', r)) del('logical_flow', { uuid });
    for (const [g, members] of this.groupMembers)
      for (const d of members) {
        const row = { dp_group: g, datapath: d };
        if (!keep('logical_dp_group_datapath', row)) del('logical_dp_group_datapath', row);
      }
    for (const [uuid, r] of this.mcRows) {
      const gonePorts = !keep('multicast_group', r);
      for (const p of this.mcMembers.get(uuid) ?? []) {
        const row = { multicast_group: uuid, port_binding: p };
        if (gonePorts || !keep('multicast_group_port', row)) del('multicast_group_port', row);
      }
      if (gonePorts) del('multicast_group', { uuid });
    }
    for (const [uuid, b] of this.macBindings)
      if (!keep('mac_binding', { uuid, datapath: b.datapath })) del('mac_binding', { uuid });
    for (const [uuid, e] of this.fdb)
      if (!keep('fdb', { uuid, dp_key: e.dpKey })) del('fdb', { uuid });
    if (gone.length > 0) this.apply(gone);
  }

  private refreshFlow(uuid: string): void {
    const r = this.flowRows.get(uuid);
    const oldGroup = this.groupOfFlow.get(uuid);
    if (oldGroup !== undefined) {
      this.flowsOfGroup.get(oldGroup)?.delete(uuid);
      this.groupOfFlow.delete(uuid);
    }
    if (!r) {
      this.flows.delete(uuid);
      return;
    }
    let dps: string[];
    if (typeof r.logical_datapath === 'string') dps = [r.logical_datapath];
    else {
      const g = str(r, 'logical_dp_group');
      addTo(this.flowsOfGroup, g, uuid);
      this.groupOfFlow.set(uuid, g);
      dps = [...(this.groupMembers.get(g) ?? [])].sort();
    }
    this.flows.set(uuid, {
      uuid,
      datapaths: dps,
      pipeline: str(r, 'pipeline') === 'egress' ? 'egress' : 'ingress',
      tableId: num(r, 'table_id'),
      priority: num(r, 'priority'),
      match: str(r, 'match'),
      actions: str(r, 'actions'),
      stage: str(r, 'stage'),
    });
  }

  private refreshGroup(uuid: string): void {
    const r = this.mcRows.get(uuid);
    if (!r) {
      this.multicastGroups.delete(uuid);
      return;
    }
    const ports = [...(this.mcMembers.get(uuid) ?? [])]
      .map((p) => this.ports.get(p)?.name)
      .filter((n): n is string => n !== undefined)
      .sort();
    this.multicastGroups.set(uuid, {
      uuid,
      datapath: str(r, 'datapath'),
      name: str(r, 'name'),
      key: num(r, 'tunnel_key'),
      ports,
    });
  }

  private gatewayChassis(): ReadonlyMap<string, readonly { chassis: string; priority: number }[]> {
    if (this.gatewayView) return this.gatewayView;
    const v = new Map<string, { chassis: string; priority: number }[]>();
    for (const g of this.gatewayRows.values()) {
      const port = this.ports.get(g.port)?.name;
      const chassis = g.chassis ? this.chassisNames.get(g.chassis) : undefined;
      if (!port || !chassis) continue;
      const list = v.get(port) ?? [];
      list.push({ chassis, priority: g.priority });
      v.set(port, list);
    }
    // A port's HA chassis group (newer OVN's form of the same choice).
    for (const [portUuid, group] of this.haGroupOfPort) {
      const port = this.ports.get(portUuid)?.name;
      if (!port) continue;
      for (const h of this.haRows.values()) {
        const chassis =
          h.group === group && h.chassis ? this.chassisNames.get(h.chassis) : undefined;
        if (!chassis) continue;
        const list = v.get(port) ?? [];
        list.push({ chassis, priority: h.priority });
        v.set(port, list);
      }
    }
    for (const list of v.values())
      list.sort((a, b) => b.priority - a.priority || (a.chassis < b.chassis ? -1 : 1));
    this.gatewayView = v;
    return v;
  }

  view(): SbView {
    if (!this.chassisView) {
      const v = new Map<string, ViewChassis>();
      for (const name of [...this.chassisNames.values()].sort()) {
        const encaps = [...this.encaps.values()]
          .filter((e) => e.chassis === name)
          .map((e) => ({ type: e.type, ip: e.ip }));
        v.set(name, { name, encaps });
      }
      this.chassisView = v;
    }
    return {
      datapaths: this.datapaths,
      ports: this.ports,
      multicastGroups: this.multicastGroups,
      flows: this.flows,
      macBindings: this.macBindings,
      chassis: this.chassisView,
      addressSets: this.addressSets,
      portGroups: this.portGroups,
      fdb: this.fdb,
      gatewayChassis: this.gatewayChassis(),
    };
  }
}
