import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { DatapathResult, DesiredPort, SbDelta, StreamedDelta } from '../engine/desired.js';
import type { LFlow } from '../lflow.js';
import { stagePipeline, stageTable } from '../stages.js';
import { CopyRows, copyInto } from './copy-rows.js';
import { type FlowPlan, FlowPlanner } from './flow-plan.js';
import { FlowRows, flowRowUuid } from './flow-rows.js';
import { datapathDigest, multicastDigest, portDigest, type SbMirror } from './sb-mirror.js';

export interface WriteStats {
  flowsInserted: number;
  flowsDeleted: number;
  portsWritten: number;
  datapathsWritten: number;
}

const CHUNK = 20_000;

/**
 * Writes one engine delta to SB in one transaction, as the minimal set of row changes against
 * what the mirror says SB holds, together with the nb_cfg it reflects. The mirror is updated only
 * once the transaction has committed; if it fails, the caller reloads the mirror from SB.
 */
export async function writeSb(
  pool: pg.Pool,
  mirror: SbMirror,
  delta: SbDelta | StreamedDelta,
  nbCfg: number,
  nowMs: number,
  opts: WriteOptions = {},
): Promise<WriteStats> {
  return (await writeSbResults(pool, mirror, delta, nbCfg, nowMs, opts)).stats;
}

export interface WriteOptions {
  /**
   * Share flows that are identical on several datapaths through logical datapath groups
   * (NB_Global options:use_logical_dp_groups, on unless "false"; see flow-plan.ts). Off: one row
   * per datapath.
   */
  readonly dpGroups?: boolean;
}

/**
 * writeSb, also returning the datapath results it wrote without their flows (for the diagnostics
 * writer: the flows are dropped as soon as they are hashed or written, so that a full compile
 * never holds them all).
 */
export async function writeSbResults(
  pool: pg.Pool,
  mirror: SbMirror,
  delta: SbDelta | StreamedDelta,
  nbCfg: number,
  nowMs: number,
  opts: WriteOptions = {},
): Promise<{ stats: WriteStats; results: DatapathResult[] }> {
  const stats: WriteStats = {
    flowsInserted: 0,
    flowsDeleted: 0,
    portsWritten: 0,
    datapathsWritten: 0,
  };
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    // Into an SB without northd's datapaths (a first start), everything is an insert: rows go to
    // PostgreSQL in batches while later datapaths still compile.
    const results =
      mirror.datapaths.size === 0 && delta.removed.length === 0
        ? await streamInto(client, mirror, delta, stats, opts.dpGroups ?? false)
        : await diffInto(client, mirror, delta, stats, opts.dpGroups ?? false);
    await client.query(
      'UPDATE sb.sb_global SET nb_cfg = $1, nb_cfg_timestamp = $2 WHERE nb_cfg <> $1',
      [nbCfg, nowMs],
    );
    await client.query('COMMIT');
    for (const f of results.after) f();
    return { stats, results: results.results };
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}

interface Written {
  results: DatapathResult[];
  /** Mirror updates to make once the transaction has committed. */
  after: Array<() => void>;
}

/** A result without its flows (they are most of its memory). */
function flowless(r: DatapathResult): DatapathResult {
  return r.flows.length ? { ...r, flows: [] } : r;
}

/**
 * The general case: the minimal set of row changes against the mirror. Each datapath's flows are
 * diffed as its result arrives (and then let go); ports and groups wait for all results, since a
 * port may move between datapaths and deletions must come before inserts.
 */
async function diffInto(
  client: pg.PoolClient,
  mirror: SbMirror,
  delta: SbDelta | StreamedDelta,
  stats: WriteStats,
  dpGroups: boolean,
): Promise<Written> {
  const after: Array<() => void> = [];
  const changed: DatapathResult[] = [];
  const planner = new FlowPlanner(mirror, {
    groups: dpGroups,
    full: delta.full,
    removed: delta.removed,
  });
  for (const r of delta.changed) {
    planner.add(r);
    changed.push(flowless(r));
  }
  const plan = planner.finish();
  const changedDps = new Set(changed.map((r) => r.datapath.nbUuid));

  // 1. Datapaths that are gone (their ports, groups and flows go with them by cascade).
  const goneDps = delta.full
    ? [...mirror.datapaths.keys()].filter((k) => !changedDps.has(k))
    : delta.removed;
  const goneSb = goneDps.flatMap((k) => mirror.datapaths.get(k)?.uuid ?? []);
  if (goneSb.length) {
    await client.query('DELETE FROM sb.datapath_binding WHERE uuid = ANY($1::uuid[])', [goneSb]);
    after.push(() => forgetDatapaths(mirror, goneDps));
  }

  // 2. Deletions inside changed datapaths come first, so keys and names are free for inserts.
  const deletePorts: string[] = [];
  const deleteGroups: string[] = [];
  const desiredPorts = new Set(changed.flatMap((r) => r.ports.map((p) => p.logicalPort)));
  for (const r of changed) {
    const dpSb = mirror.datapaths.get(r.datapath.nbUuid)?.uuid;
    if (!dpSb) continue;
    for (const name of mirror.ports.keysIn(dpSb))
      if (!desiredPorts.has(name)) deletePorts.push(name);
    const groups = new Set(r.multicastGroups.map((g) => `${r.datapath.nbUuid}/${g.name}`));
    for (const k of mirror.multicastGroups.keysIn(r.datapath.nbUuid)) {
      if (!groups.has(k)) {
        deleteGroups.push(mirror.multicastGroups.get(k)!.uuid);
        after.push(() => mirror.multicastGroups.delete(k));
      }
    }
  }
  if (deletePorts.length) {
    const uuids = deletePorts.map((n) => mirror.ports.get(n)!.uuid);
    await client.query('DELETE FROM sb.port_binding WHERE uuid = ANY($1::uuid[])', [uuids]);
    after.push(() => {
      for (const n of deletePorts) mirror.ports.delete(n);
    });
  }
  if (deleteGroups.length)
    await client.query('DELETE FROM sb.multicast_group WHERE uuid = ANY($1::uuid[])', [
      deleteGroups,
    ]);
  await deleteGroupedFlows(client, mirror, plan, after);
  const deleteFlows = plan.delete.map(([dp, k]) => mirror.flows.get(dp)!.get(k)!);
  after.push(() => {
    for (const [dp, k] of plan.delete) mirror.flows.get(dp)?.delete(k);
  });
  for (let i = 0; i < deleteFlows.length; i += CHUNK) {
    await client.query('DELETE FROM sb.logical_flow WHERE uuid = ANY($1::uuid[])', [
      deleteFlows.slice(i, i + CHUNK),
    ]);
  }
  stats.flowsDeleted = deleteFlows.length;

  // 3. Datapaths, then ports, groups and flows.
  for (const r of changed) await writeDatapath(client, mirror, r, after, stats);
  await writePorts(client, mirror, changed, after, stats);
  await writeGroups(client, mirror, changed, after);
  stats.flowsInserted = await insertGroupedFlows(client, mirror, plan, after);
  stats.flowsInserted += await writeFlows(client, mirror, plan.insert, after);

  // 4. Address sets and port groups (by name).
  await writeSets(client, mirror, delta, after);
  return { results: changed, after };
}

/** Flow rows per batch of the streamed write: small enough to overlap compiling and writing. */
const STREAM_BATCH = 5000;
/** Batches sent and not yet answered, at most: bounds the memory of a fast compile. */
const STREAM_IN_FLIGHT = 2;

/**
 * Into an SB that holds none of northd's datapaths: every row is new. Each datapath's rows are
 * added to batches as its result arrives; a full batch is sent without waiting for the answer,
 * and the compile goes on (yielding to the event loop so the connection keeps working), so that
 * PostgreSQL inserts one batch while the next compiles. Statements go in order on one connection
 * in one transaction: datapaths before the ports, groups and flows that refer to them.
 */
async function streamInto(
  client: pg.PoolClient,
  mirror: SbMirror,
  delta: SbDelta | StreamedDelta,
  stats: WriteStats,
  dpGroups: boolean,
): Promise<Written> {
  const after: Array<() => void> = [];
  const results: DatapathResult[] = [];
  // Flows that may be shared wait for the end, when it is known which datapaths share them.
  const planner = new FlowPlanner(mirror, { groups: dpGroups, full: true, removed: [] });
  let failure: unknown;
  // Statements go one after the other (a connection runs one at a time); each is sent as soon as
  // the previous one is answered, without waiting for the compile.
  let tail: Promise<unknown> = Promise.resolve();
  const inFlight: Array<Promise<unknown>> = [];
  let b = newBatch();
  const send = (sqlText: string, cols: unknown[][]) => {
    if (cols[0]!.length === 0) return;
    tail = tail
      .then(() => (failure ? undefined : client.query(sqlText, cols)))
      .catch((err: unknown) => {
        failure ??= err;
      });
    inFlight.push(tail);
  };
  const sendCopy = (sqlText: string, rows: CopyRows) => {
    if (rows.count === 0) return;
    tail = tail
      .then(() => (failure ? undefined : copyInto(client, sqlText, rows)))
      .catch((err: unknown) => {
        failure ??= err;
      });
    inFlight.push(tail);
  };
  const flush = () => {
    // One statement for the batch's datapaths, ports and multicast groups: each statement costs
    // PostgreSQL a wait for this thread (busy compiling) to hear the previous one is done.
    send(INSERT_SKELETON, [...b.dps, ...b.ports, ...b.groups, ...b.members]);
    sendCopy(COPY_FLOWS, b.flows);
    b = newBatch();
  };
  for (const r of delta.changed) {
    const d = r.datapath;
    const type = d.kind === 'switch' ? 'logical-switch' : 'logical-router';
    const dpSb = randomUUID();
    push(b.dps, [dpSb, d.key, type, d.nbUuid, datapathExternalIds(d)]);
    mirror.datapaths.set(d.nbUuid, {
      uuid: dpSb,
      key: d.key,
      digest: datapathDigest(type, d.name, d.key),
    });
    mirror.nbOfSb.set(dpSb, d.nbUuid);
    stats.datapathsWritten++;
    for (const p of r.ports) {
      const uuid = randomUUID();
      push(b.ports, portInsertRow(uuid, dpSb, p));
      mirror.ports.set(p.logicalPort, { uuid, datapath: dpSb, key: p.key, digest: portDigest(p) });
      stats.portsWritten++;
    }
    for (const g of r.multicastGroups) {
      const uuid = randomUUID();
      push(b.groups, [uuid, dpSb, g.name, g.key]);
      for (const name of g.ports) {
        const member = mirror.ports.get(name)?.uuid;
        if (member) push(b.members, [uuid, member]);
      }
      mirror.multicastGroups.set(`${d.nbUuid}/${g.name}`, {
        uuid,
        digest: multicastDigest(g.key, g.ports),
      });
    }
    const have = new FlowRows(dpSb);
    for (const [k, f] of planner.add(r, true)) {
      have.set(k);
      copyFlowRow(b.flows, flowRowUuid(dpSb, k), dpSb, f);
    }
    mirror.flows.set(d.nbUuid, have);
    stats.flowsInserted += have.size;
    results.push(flowless(r));
    if (b.flows.count >= STREAM_BATCH) {
      flush();
      while (inFlight.length > STREAM_IN_FLIGHT * 5) await inFlight.shift();
    }
    if (failure) break;
    // Let the connection send the next statement and read answers while this thread compiles.
    if (inFlight.length) await new Promise((r) => setImmediate(r));
  }
  flush();
  await Promise.all(inFlight);
  if (failure) throw failure;
  const plan = planner.finish();
  await deleteGroupedFlows(client, mirror, plan, after);
  stats.flowsInserted += await insertGroupedFlows(client, mirror, plan, after);
  stats.flowsInserted += await writeFlows(client, mirror, plan.insert, after);
  await writeSets(client, mirror, delta, after);
  return { results, after };
}

function newBatch() {
  const cols = (n: number) => Array.from({ length: n }, (): unknown[] => []);
  return {
    dps: cols(5),
    ports: cols(11),
    groups: cols(4),
    members: cols(2),
    flows: new CopyRows(),
  };
}

function push(cols: unknown[][], row: readonly unknown[]): void {
  for (let i = 0; i < row.length; i++) cols[i]!.push(row[i]);
}

const INSERT_DATAPATHS = `INSERT INTO sb.datapath_binding (uuid, tunnel_key, type, nb_uuid, external_ids)
  SELECT u, k, t, n, e::jsonb FROM unnest($1::uuid[], $2::int[], $3::text[], $4::uuid[], $5::text[]) AS x(u, k, t, n, e)`;
const INSERT_PORTS = `INSERT INTO sb.port_binding (uuid, logical_port, datapath, tunnel_key, type, mac, port_security, options, parent_port, tag, external_ids)
  SELECT u, lp, dp, k, t, m::text[], ps::text[], o::jsonb, pp, tg, e::jsonb
    FROM unnest($1::uuid[], $2::text[], $3::uuid[], $4::int[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::int[], $11::text[])
      AS x(u, lp, dp, k, t, m, ps, o, pp, tg, e)`;
const INSERT_MC_GROUPS = `INSERT INTO sb.multicast_group (uuid, datapath, name, tunnel_key)
  SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::int[])`;
const INSERT_DP_GROUP_MEMBERS = `INSERT INTO sb.logical_dp_group_datapath (dp_group, datapath)
  SELECT * FROM unnest($1::uuid[], $2::uuid[])`;
const INSERT_MC_MEMBERS = `INSERT INTO sb.multicast_group_port (multicast_group, port_binding)
  SELECT * FROM unnest($1::uuid[], $2::uuid[])`;
/**
 * INSERT_DATAPATHS, INSERT_PORTS, INSERT_MC_GROUPS and INSERT_MC_MEMBERS as one statement, their
 * parameters one after the other (foreign keys are checked at its end, so the order is free).
 */
const INSERT_SKELETON = `WITH dps AS (${INSERT_DATAPATHS}),
  ports AS (${shiftParams(INSERT_PORTS, 5)}),
  groups AS (${shiftParams(INSERT_MC_GROUPS, 16)})
${shiftParams(INSERT_MC_MEMBERS, 20)}`;

/** The statement with its parameters $1, $2, … renumbered from $(1 + by). */
function shiftParams(sqlText: string, by: number): string {
  return sqlText.replace(/\$(\d+)/g, (_, n: string) => `$${Number(n) + by}`);
}

const COPY_FLOWS = `COPY sb.logical_flow (uuid, logical_datapath, logical_dp_group, pipeline, table_id, stage, priority, match, actions, nb_uuid, nb_table, builder) FROM STDIN`;
const INSERT_FLOWS = `INSERT INTO sb.logical_flow (uuid, logical_datapath, logical_dp_group, pipeline, table_id, stage, priority, match, actions, nb_uuid, nb_table, builder)
  SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::smallint[], $6::text[], $7::int[], $8::text[], $9::text[], $10::uuid[], $11::text[], $12::text[])`;

function datapathExternalIds(d: DatapathResult['datapath']): string {
  return JSON.stringify({
    name: d.name,
    [d.kind === 'switch' ? 'logical-switch' : 'logical-router']: d.nbUuid,
  });
}

function portInsertRow(uuid: string, dpSb: string, p: DesiredPort): unknown[] {
  return [
    uuid,
    p.logicalPort,
    dpSb,
    p.key,
    p.type,
    pgArray(p.mac),
    pgArray(p.portSecurity),
    JSON.stringify(p.options),
    p.parentPort,
    p.tag,
    JSON.stringify({ 'nb-uuid': p.nbUuid }),
  ];
}

/** A datapath's own flow row, in COPY_FLOWS's columns (flowInsertRow without the array). */
function copyFlowRow(rows: CopyRows, uuid: string, dpSb: string, f: LFlow): void {
  rows
    .field(uuid)
    .field(dpSb)
    .field(null)
    .field(stagePipeline(f.stage))
    .field(stageTable(f.stage))
    .field(f.stage)
    .field(f.priority)
    .field(f.match)
    .field(f.actions)
    .field(f.provenance.nbUuid)
    .field(f.provenance.nbTable)
    .field(f.provenance.builder)
    .end();
}

function flowInsertRow(
  uuid: string,
  dpSb: string | null,
  group: string | null,
  f: LFlow,
): unknown[] {
  return [
    uuid,
    dpSb,
    group,
    stagePipeline(f.stage),
    stageTable(f.stage),
    f.stage,
    f.priority,
    f.match,
    f.actions,
    f.provenance.nbUuid ?? null,
    f.provenance.nbTable ?? null,
    f.provenance.builder,
  ];
}

function forgetDatapaths(mirror: SbMirror, nbUuids: readonly string[]): void {
  for (const nb of nbUuids) {
    const dp = mirror.datapaths.get(nb);
    if (!dp) continue;
    mirror.datapaths.delete(nb);
    mirror.nbOfSb.delete(dp.uuid);
    mirror.flows.delete(nb);
    // Its memberships went by cascade; groups left without members were removed by the plan.
    for (const g of [...(mirror.groupsOfDp.get(nb) ?? [])]) mirror.leaveGroup(g, nb);
    for (const name of mirror.ports.keysIn(dp.uuid)) mirror.ports.delete(name);
    for (const k of mirror.multicastGroups.keysIn(nb)) mirror.multicastGroups.delete(k);
  }
}

async function writeDatapath(
  client: pg.PoolClient,
  mirror: SbMirror,
  r: DatapathResult,
  after: Array<() => void>,
  stats: WriteStats,
) {
  const d = r.datapath;
  const type = d.kind === 'switch' ? 'logical-switch' : 'logical-router';
  const digest = datapathDigest(type, d.name, d.key);
  const have = mirror.datapaths.get(d.nbUuid);
  if (have?.digest === digest) return;
  const ext = datapathExternalIds(d);
  stats.datapathsWritten++;
  if (have) {
    await client.query(
      'UPDATE sb.datapath_binding SET tunnel_key = $2, type = $3, external_ids = $4 WHERE uuid = $1',
      [have.uuid, d.key, type, ext],
    );
    after.push(() => mirror.datapaths.set(d.nbUuid, { ...have, key: d.key, digest }));
  } else {
    const uuid = randomUUID();
    await client.query(
      'INSERT INTO sb.datapath_binding (uuid, tunnel_key, type, nb_uuid, external_ids) VALUES ($1, $2, $3, $4, $5)',
      [uuid, d.key, type, d.nbUuid, ext],
    );
    // Later steps of this same transaction need the uuid now; a failed transaction reloads the mirror.
    mirror.datapaths.set(d.nbUuid, { uuid, key: d.key, digest });
    mirror.nbOfSb.set(uuid, d.nbUuid);
    mirror.flows.set(d.nbUuid, new FlowRows(uuid));
  }
}

async function writePorts(
  client: pg.PoolClient,
  mirror: SbMirror,
  changed: readonly DatapathResult[],
  after: Array<() => void>,
  stats: WriteStats,
) {
  const ins: unknown[][] = Array.from({ length: 11 }, () => []);
  for (const r of changed) {
    const dpSb = mirror.datapaths.get(r.datapath.nbUuid)!.uuid;
    for (const p of r.ports) {
      const digest = portDigest({ ...p, nbUuid: p.nbUuid });
      const have = mirror.ports.get(p.logicalPort);
      if (have && have.digest === digest && have.datapath === dpSb && have.key === p.key) continue;
      stats.portsWritten++;
      const ext = JSON.stringify({ 'nb-uuid': p.nbUuid });
      if (have) {
        await client.query(
          `UPDATE sb.port_binding SET datapath = $2, tunnel_key = $3, type = $4, mac = $5, port_security = $6,
                  options = $7, parent_port = $8, tag = $9, external_ids = external_ids || $10::jsonb WHERE uuid = $1`,
          [
            have.uuid,
            dpSb,
            p.key,
            p.type,
            p.mac,
            p.portSecurity,
            JSON.stringify(p.options),
            p.parentPort,
            p.tag,
            ext,
          ],
        );
        after.push(() =>
          mirror.ports.set(p.logicalPort, { uuid: have.uuid, datapath: dpSb, key: p.key, digest }),
        );
      } else {
        const uuid = randomUUID();
        push(ins, portInsertRow(uuid, dpSb, p));
        mirror.ports.set(p.logicalPort, { uuid, datapath: dpSb, key: p.key, digest });
      }
    }
  }
  if (ins[0]!.length) {
    await client.query(INSERT_PORTS, ins);
  }
}

/**
 * Multicast groups: new ones inserted, changed ones updated by their membership difference (a
 * port added to a switch adds one member row to its groups, instead of rewriting them), each
 * kind of change in one statement for all groups.
 */
async function writeGroups(
  client: pg.PoolClient,
  mirror: SbMirror,
  changed: readonly DatapathResult[],
  after: Array<() => void>,
) {
  const inserts: unknown[][] = [[], [], [], []];
  const keys: unknown[][] = [[], []];
  const joins: unknown[][] = [[], []];
  const leaves: unknown[][] = [[], []];
  for (const r of changed) {
    const dpSb = mirror.datapaths.get(r.datapath.nbUuid)!.uuid;
    for (const g of r.multicastGroups) {
      const k = `${r.datapath.nbUuid}/${g.name}`;
      const digest = multicastDigest(g.key, g.ports);
      const have = mirror.multicastGroups.get(k);
      if (have?.digest === digest) continue;
      let old: readonly string[] = [];
      let uuid = have?.uuid;
      if (uuid && have) {
        const [oldKey, oldPorts] = JSON.parse(have.digest) as [number, string[]];
        if (oldKey !== g.key) push(keys, [uuid, g.key]);
        old = oldPorts;
      } else {
        uuid = randomUUID();
        push(inserts, [uuid, dpSb, g.name, g.key]);
      }
      const before = new Set(old);
      const now = new Set(g.ports);
      for (const p of now) {
        const pb = mirror.ports.get(p)?.uuid;
        if (!before.has(p) && pb) push(joins, [uuid, pb]);
      }
      for (const p of before) {
        const pb = mirror.ports.get(p)?.uuid;
        if (!now.has(p) && pb) push(leaves, [uuid, pb]);
      }
      const u = uuid;
      after.push(() => mirror.multicastGroups.set(k, { uuid: u, digest }));
    }
  }
  if (inserts[0]!.length) await client.query(INSERT_MC_GROUPS, inserts);
  if (keys[0]!.length)
    await client.query(
      `UPDATE sb.multicast_group g SET tunnel_key = x.k FROM unnest($1::uuid[], $2::int[]) AS x(u, k)
        WHERE g.uuid = x.u`,
      keys,
    );
  if (leaves[0]!.length)
    await client.query(
      `DELETE FROM sb.multicast_group_port m USING unnest($1::uuid[], $2::uuid[]) AS x(g, p)
        WHERE m.multicast_group = x.g AND m.port_binding = x.p`,
      leaves,
    );
  if (joins[0]!.length) await client.query(`${INSERT_MC_MEMBERS} ON CONFLICT DO NOTHING`, joins);
}

/** Inserts datapaths' own flow rows. */
async function writeFlows(
  client: pg.PoolClient,
  mirror: SbMirror,
  rows: ReadonlyArray<readonly [string, number, LFlow]>,
  after: Array<() => void>,
): Promise<number> {
  const cols: unknown[][] = Array.from({ length: 12 }, () => []);
  const added: Array<[string, number]> = [];
  for (const [nb, k, f] of rows) {
    const dpSb = mirror.datapaths.get(nb)!.uuid;
    push(cols, flowInsertRow(flowRowUuid(dpSb, k), dpSb, null, f));
    added.push([nb, k]);
  }
  for (let i = 0; i < added.length; i += CHUNK)
    await client.query(
      INSERT_FLOWS,
      cols.map((c) => c.slice(i, i + CHUNK)),
    );
  after.push(() => {
    for (const [dp, k] of added) mirror.flows.get(dp)?.set(k);
  });
  return added.length;
}

/** Removes groups (their flows and memberships go by cascade) and ends memberships. */
async function deleteGroupedFlows(
  client: pg.PoolClient,
  mirror: SbMirror,
  plan: FlowPlan,
  after: Array<() => void>,
): Promise<void> {
  if (plan.deleteGroups.length) {
    await client.query('DELETE FROM sb.logical_dp_group WHERE uuid = ANY($1::uuid[])', [
      plan.deleteGroups,
    ]);
    after.push(() => {
      for (const g of plan.deleteGroups) mirror.deleteGroup(g);
    });
  }
  const leave = plan.leave.flatMap(([g, dp]) => {
    const sb = mirror.datapaths.get(dp)?.uuid;
    return sb ? [[g, sb] as const] : [];
  });
  if (leave.length) {
    await client.query(
      `DELETE FROM sb.logical_dp_group_datapath m USING unnest($1::uuid[], $2::uuid[]) AS x(g, d)
        WHERE m.dp_group = x.g AND m.datapath = x.d`,
      [leave.map((x) => x[0]), leave.map((x) => x[1])],
    );
  }
  if (plan.leave.length)
    after.push(() => {
      for (const [g, dp] of plan.leave) mirror.leaveGroup(g, dp);
    });
}

/** Creates groups with their members and flows, and adds memberships. Returns flows written. */
async function insertGroupedFlows(
  client: pg.PoolClient,
  mirror: SbMirror,
  plan: FlowPlan,
  after: Array<() => void>,
): Promise<number> {
  const groups: string[] = [];
  const members: unknown[][] = [[], []];
  const flows: unknown[][] = Array.from({ length: 12 }, () => []);
  const made: Array<{ uuid: string; members: string[]; flows: Array<[number, undefined]> }> = [];
  for (const g of plan.newGroups) {
    const uuid = randomUUID();
    groups.push(uuid);
    for (const dp of g.members) push(members, [uuid, mirror.datapaths.get(dp)!.uuid]);
    const rows: Array<[number, undefined]> = [];
    for (const [k, f] of g.flows) {
      push(flows, flowInsertRow(flowRowUuid(uuid, k), null, uuid, f));
      rows.push([k, undefined]);
    }
    made.push({ uuid, members: g.members, flows: rows });
  }
  for (const [g, dp] of plan.join) push(members, [g, mirror.datapaths.get(dp)!.uuid]);
  if (groups.length)
    await client.query('INSERT INTO sb.logical_dp_group (uuid) SELECT * FROM unnest($1::uuid[])', [
      groups,
    ]);
  if (members[0]!.length) await client.query(INSERT_DP_GROUP_MEMBERS, members);
  if (flows[0]!.length) await client.query(INSERT_FLOWS, flows);
  after.push(() => {
    for (const g of made) mirror.addGroup(g.uuid, g.members, g.flows);
    for (const [g, dp] of plan.join) mirror.joinGroup(g, dp);
  });
  return flows[0]!.length;
}

/** Address sets and port groups, which SB names as NB does. */
async function writeSets(
  client: pg.PoolClient,
  mirror: SbMirror,
  delta: SbDelta | StreamedDelta,
  after: Array<() => void>,
) {
  const { addressSets, portGroups, full } = delta;
  await writeNamedSets(client, mirror, 'address_set', 'addresses', addressSets, full, after);
  await writeNamedSets(client, mirror, 'port_group', 'ports', portGroups, full, after);
}

async function writeNamedSets(
  client: pg.PoolClient,
  mirror: SbMirror,
  table: 'address_set' | 'port_group',
  column: 'addresses' | 'ports',
  d: SbDelta['addressSets'],
  full: boolean,
  after: Array<() => void>,
) {
  const target = table === 'address_set' ? mirror.addressSets : mirror.portGroups;
  const remove = full ? [...target.keys()].filter((n) => !d.upsert.has(n)) : d.remove;
  const gone = remove.flatMap((n) => target.get(n)?.uuid ?? []);
  if (gone.length)
    await client.query(`DELETE FROM sb.${table} WHERE uuid = ANY($1::uuid[])`, [gone]);
  after.push(() => {
    for (const n of remove) target.delete(n);
  });
  // The changed sets in one statement (a full compile writes thousands of them).
  const names: string[] = [];
  const lists: string[] = [];
  const digests = new Map<string, string>();
  for (const [name, items] of d.upsert) {
    const digest = JSON.stringify([...items].sort());
    if (target.get(name)?.digest === digest) continue;
    names.push(name);
    lists.push(pgArray(items));
    digests.set(name, digest);
  }
  if (!names.length) return;
  const r = await client.query<{ name: string; uuid: string }>(
    `INSERT INTO sb.${table} (name, ${column})
       SELECT n, l::text[] FROM unnest($1::text[], $2::text[]) AS x(n, l)
     ON CONFLICT (name) DO UPDATE SET ${column} = excluded.${column} RETURNING name, uuid`,
    [names, lists],
  );
  after.push(() => {
    for (const { name, uuid } of r.rows) target.set(name, { uuid, digest: digests.get(name)! });
  });
}

/** A text[] literal for unnest over an array of arrays (pg flattens nested JS arrays otherwise). */
function pgArray(xs: readonly string[]): string {
  return `{${xs.map((x) => `"${x.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`).join(',')}}`;
}
