import type pg from 'pg';
import type { KnownKeys } from '../engine/engine.js';
import { flowHash } from './flow-hash.js';
import { FlowRows } from './flow-rows.js';
import { GroupedMap } from './grouped-map.js';

export interface MirrorPort {
  uuid: string;
  datapath: string; // SB datapath uuid
  key: number;
  digest: string;
}

/**
 * What northd last wrote to SB, kept in memory so that each run writes only the difference.
 * Loaded from SB when northd becomes active (so a new leader continues where the old one stopped).
 */
export class SbMirror {
  /** NB uuid → SB datapath row. */
  readonly datapaths = new Map<string, { uuid: string; key: number; digest: string }>();
  /** logical_port → SB port binding row, grouped by SB datapath uuid. */
  readonly ports = new GroupedMap<MirrorPort>((_k, p) => p.datapath);
  /** `${datapath NB uuid}/${name}` → SB multicast group row, grouped by datapath NB uuid. */
  readonly multicastGroups = new GroupedMap<{ uuid: string; digest: string }>((k) =>
    k.slice(0, k.indexOf('/')),
  );
  /** datapath NB uuid → its own flow rows. */
  readonly flows = new Map<string, FlowRows>();
  readonly addressSets = new Map<string, { uuid: string; digest: string }>();
  readonly portGroups = new Map<string, { uuid: string; digest: string }>();
  /** SB datapath uuid → NB uuid. */
  readonly nbOfSb = new Map<string, string>();
  /**
   * Logical datapath groups: SB group uuid → member datapaths (NB uuids) and the flows written
   * once for all of them (flow key → SB uuid). A datapath's flows in SB are its own (`flows`)
   * and those of the groups it belongs to.
   */
  readonly dpGroups = new Map<string, DpGroupState>();
  /** Datapath NB uuid → the groups it belongs to. */
  readonly groupsOfDp = new Map<string, Set<string>>();
  /** Flow key → the groups that hold it (to find a group a datapath may join). */
  readonly groupsOfFlow = new Map<number, Set<string>>();

  addGroup(
    uuid: string,
    members: Iterable<string>,
    flows: Iterable<readonly [number, string | undefined]>,
  ) {
    const g: DpGroupState = { members: new Set(), flows: new FlowRows(uuid) };
    for (const [k, u] of flows) g.flows.set(k, u);
    this.dpGroups.set(uuid, g);
    for (const k of g.flows.keys()) addTo(this.groupsOfFlow, k, uuid);
    for (const dp of members) this.joinGroup(uuid, dp);
  }

  joinGroup(uuid: string, dp: string): void {
    const g = this.dpGroups.get(uuid);
    if (!g) return;
    g.members.add(dp);
    addTo(this.groupsOfDp, dp, uuid);
  }

  leaveGroup(uuid: string, dp: string): void {
    this.dpGroups.get(uuid)?.members.delete(dp);
    removeFrom(this.groupsOfDp, dp, uuid);
  }

  deleteGroup(uuid: string): void {
    const g = this.dpGroups.get(uuid);
    if (!g) return;
    for (const dp of g.members) removeFrom(this.groupsOfDp, dp, uuid);
    for (const k of g.flows.keys()) removeFrom(this.groupsOfFlow, k, uuid);
    this.dpGroups.delete(uuid);
  }

  static async load(client: pg.PoolClient | pg.Pool): Promise<SbMirror> {
    const m = new SbMirror();
    const dps = await client.query<{
      uuid: string;
      tunnel_key: number;
      nb_uuid: string | null;
      type: string;
      name: string;
    }>(
      `SELECT uuid, tunnel_key, nb_uuid, type, coalesce(external_ids->>'name', '') AS name FROM sb.datapath_binding`,
    );
    for (const d of dps.rows) {
      if (!d.nb_uuid) continue;
      m.datapaths.set(d.nb_uuid, {
        uuid: d.uuid,
        key: d.tunnel_key,
        digest: datapathDigest(d.type, d.name, d.tunnel_key),
      });
      m.nbOfSb.set(d.uuid, d.nb_uuid);
      m.flows.set(d.nb_uuid, new FlowRows(d.uuid));
    }
    const pbs = await client.query<{
      uuid: string;
      logical_port: string;
      datapath: string;
      tunnel_key: number;
      type: string;
      mac: string[];
      port_security: string[];
      options: Record<string, string>;
      parent_port: string | null;
      tag: number | null;
      nb_uuid: string | null;
    }>(
      `SELECT uuid, logical_port, datapath, tunnel_key, type, mac, port_security, options, parent_port, tag,
              external_ids->>'nb-uuid' AS nb_uuid
         FROM sb.port_binding`,
    );
    for (const p of pbs.rows) {
      const digest = portDigest({
        type: p.type,
        mac: p.mac,
        portSecurity: p.port_security,
        options: p.options,
        parentPort: p.parent_port,
        tag: p.tag,
        nbUuid: p.nb_uuid ?? '',
      });
      m.ports.set(p.logical_port, {
        uuid: p.uuid,
        datapath: p.datapath,
        key: p.tunnel_key,
        digest,
      });
    }
    const mcs = await client.query<{
      uuid: string;
      datapath: string;
      name: string;
      tunnel_key: number;
      ports: string[];
    }>(
      `SELECT g.uuid, g.datapath, g.name, g.tunnel_key,
              coalesce(array_agg(pb.logical_port) FILTER (WHERE pb.logical_port IS NOT NULL), '{}') AS ports
         FROM sb.multicast_group g
         LEFT JOIN sb.multicast_group_port mp ON mp.multicast_group = g.uuid
         LEFT JOIN sb.port_binding pb ON pb.uuid = mp.port_binding
        GROUP BY g.uuid`,
    );
    for (const g of mcs.rows) {
      const nb = m.nbOfSb.get(g.datapath);
      if (nb)
        m.multicastGroups.set(`${nb}/${g.name}`, {
          uuid: g.uuid,
          digest: multicastDigest(g.tunnel_key, g.ports),
        });
    }
    const flows = await client.query<{
      uuid: string;
      logical_datapath: string | null;
      logical_dp_group: string | null;
      stage: string;
      priority: number;
      match: string;
      actions: string;
      builder: string;
      nb_uuid: string | null;
    }>(
      `SELECT uuid, logical_datapath, logical_dp_group, stage, priority, match, actions, builder, nb_uuid
         FROM sb.logical_flow`,
    );
    const groupFlows = new Map<string, Array<[number, string]>>();
    for (const f of flows.rows) {
      const k = flowHash(
        f.stage,
        f.priority,
        f.match,
        f.actions,
        f.builder,
        f.nb_uuid ?? undefined,
      );
      if (f.logical_dp_group) {
        const list = groupFlows.get(f.logical_dp_group);
        if (list) list.push([k, f.uuid]);
        else groupFlows.set(f.logical_dp_group, [[k, f.uuid]]);
        continue;
      }
      const nb = m.nbOfSb.get(f.logical_datapath!);
      if (nb) m.flows.get(nb)!.set(k, f.uuid);
    }
    const groups = await client.query<{ uuid: string; members: string[] }>(
      `SELECT g.uuid, coalesce(array_agg(m.datapath::text) FILTER (WHERE m.datapath IS NOT NULL), '{}') AS members
         FROM sb.logical_dp_group g LEFT JOIN sb.logical_dp_group_datapath m ON m.dp_group = g.uuid
        GROUP BY g.uuid`,
    );
    for (const g of groups.rows)
      m.addGroup(
        g.uuid,
        g.members.flatMap((sb) => m.nbOfSb.get(sb) ?? []),
        groupFlows.get(g.uuid) ?? [],
      );
    for (const [table, target] of [
      ['address_set', m.addressSets],
      ['port_group', m.portGroups],
    ] as const) {
      const col = table === 'address_set' ? 'addresses' : 'ports';
      const rows = await client.query<{ uuid: string; name: string; items: string[] }>(
        `SELECT uuid, name, ${col} AS items FROM sb.${table}`,
      );
      for (const r of rows.rows)
        target.set(r.name, { uuid: r.uuid, digest: JSON.stringify([...r.items].sort()) });
    }
    return m;
  }

  /** The tunnel keys SB holds, to seed the engine's allocators. */
  knownKeys(): KnownKeys {
    return {
      datapaths: [...this.datapaths].map(([nbUuid, d]) => ({ nbUuid, key: d.key })),
      ports: [...this.ports].flatMap(([logicalPort, p]) => {
        const nb = this.nbOfSb.get(p.datapath);
        return nb ? [{ datapathNbUuid: nb, logicalPort, key: p.key }] : [];
      }),
    };
  }
}

export interface DpGroupState {
  readonly members: Set<string>;
  readonly flows: FlowRows;
}

function addTo<K, V>(m: Map<K, Set<V>>, k: K, v: V): void {
  const s = m.get(k);
  if (s) s.add(v);
  else m.set(k, new Set([v]));
}

function removeFrom<K, V>(m: Map<K, Set<V>>, k: K, v: V): void {
  const s = m.get(k);
  s?.delete(v);
  if (s?.size === 0) m.delete(k);
}

export function datapathDigest(type: string, name: string, key: number): string {
  return `${type}\u0000${name}\u0000${key}`;
}

/** What identifies a port binding's content, computed the same way from SB rows and desired ports. */
export function portDigest(p: {
  type: string;
  mac: readonly string[];
  portSecurity: readonly string[];
  options: Readonly<Record<string, string>>;
  parentPort: string | null;
  tag: number | null;
  nbUuid: string;
}): string {
  const options = Object.keys(p.options)
    .sort()
    .map((k) => [k, p.options[k]]);
  return JSON.stringify([p.type, p.mac, p.portSecurity, options, p.parentPort, p.tag, p.nbUuid]);
}

export function multicastDigest(key: number, ports: readonly string[]): string {
  return JSON.stringify([key, [...ports].sort()]);
}
