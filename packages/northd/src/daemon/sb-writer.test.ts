import { createPool } from '@ovn-ts/db';
import { createTestDatabase, type TestDatabase } from '@ovn-ts/db/testing';
import { initSb } from '@ovn-ts/sb-db';
import fc from 'fast-check';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { NorthdEngine } from '../engine/engine.js';
import type { NbChange } from '../model/nb-model.js';
import { NbFixture } from '../testing/nb-fixture.js';
import { nbOp, playOp } from '../testing/random-ops.js';
import { generateTopology, INSERT_ORDER, SCALES } from '../testing/topology.js';
import { SbMirror } from './sb-mirror.js';
import { writeSb } from './sb-writer.js';

let db: TestDatabase;
let pool: pg.Pool;

beforeAll(async () => {
  db = await createTestDatabase('sbwriter');
  pool = createPool(db.url, { max: 2 });
});

afterAll(async () => {
  await pool.end();
  await db.drop();
});

/** SB as rows northd owns, in a comparable form (uuids left out). */
async function sbState() {
  const q = async (sqlText: string) =>
    (await pool.query(sqlText)).rows.map((r) => JSON.stringify(r)).sort();
  return {
    datapaths: await q(
      `SELECT nb_uuid, tunnel_key, type, external_ids->>'name' AS name FROM sb.datapath_binding`,
    ),
    ports: await q(
      `SELECT pb.logical_port, d.nb_uuid, pb.tunnel_key, pb.type, pb.mac, pb.port_security, pb.options
         FROM sb.port_binding pb JOIN sb.datapath_binding d ON d.uuid = pb.datapath`,
    ),
    groups: await q(
      `SELECT d.nb_uuid, g.name, g.tunnel_key,
              (SELECT coalesce(array_agg(pb.logical_port ORDER BY pb.logical_port), '{}') FROM sb.multicast_group_port m
                 JOIN sb.port_binding pb ON pb.uuid = m.port_binding WHERE m.multicast_group = g.uuid) AS ports
         FROM sb.multicast_group g JOIN sb.datapath_binding d ON d.uuid = g.datapath`,
    ),
    sets: await q(
      `SELECT 'address_set' AS t, name, (SELECT coalesce(array_agg(a ORDER BY a), '{}') FROM unnest(addresses) a) AS items FROM sb.address_set
       UNION ALL
       SELECT 'port_group', name, (SELECT coalesce(array_agg(p ORDER BY p), '{}') FROM unnest(ports) p) FROM sb.port_group`,
    ),
    // A datapath's flows: its own and those of its datapath groups.
    flows: await q(
      `SELECT d.nb_uuid, f.stage, f.priority, f.match, f.actions, f.builder, f.nb_uuid AS src
         FROM sb.logical_flow f JOIN sb.datapath_binding d ON d.uuid = f.logical_datapath
       UNION ALL
       SELECT d.nb_uuid, f.stage, f.priority, f.match, f.actions, f.builder, f.nb_uuid AS src
         FROM sb.logical_flow f JOIN sb.logical_dp_group_datapath m ON m.dp_group = f.logical_dp_group
         JOIN sb.datapath_binding d ON d.uuid = m.datapath`,
    ),
  };
}

/** What the engine says SB should hold, in the same form. */
function desired(engine: NorthdEngine) {
  const s = (xs: unknown[]) => xs.map((x) => JSON.stringify(x)).sort();
  const rs = [...engine.state().values()];
  return {
    datapaths: s(
      rs.map((r) => ({
        nb_uuid: r.datapath.nbUuid,
        tunnel_key: r.datapath.key,
        type: r.datapath.kind === 'switch' ? 'logical-switch' : 'logical-router',
        name: r.datapath.name,
      })),
    ),
    ports: s(
      rs.flatMap((r) =>
        r.ports.map((p) => ({
          logical_port: p.logicalPort,
          nb_uuid: p.datapath,
          tunnel_key: p.key,
          type: p.type,
          mac: p.mac,
          port_security: p.portSecurity,
          options: p.options,
        })),
      ),
    ),
    sets: s(
      Object.entries(engine.desiredSets()).flatMap(([kind, sets]) =>
        [...sets].map(([name, items]) => ({
          t: kind === 'addressSets' ? 'address_set' : 'port_group',
          name,
          items: [...items].sort(),
        })),
      ),
    ),
    groups: s(
      rs.flatMap((r) =>
        r.multicastGroups.map((g) => ({
          nb_uuid: g.datapath,
          name: g.name,
          tunnel_key: g.key,
          ports: [...g.ports].sort(),
        })),
      ),
    ),
    flows: [
      ...new Set(
        rs.flatMap((r) =>
          r.flows.map((f) =>
            JSON.stringify({
              nb_uuid: r.datapath.nbUuid,
              stage: f.stage,
              priority: f.priority,
              match: f.match,
              actions: f.actions,
              builder: f.provenance.builder,
              src: f.provenance.nbUuid ?? null,
            }),
          ),
        ),
      ),
    ].sort(),
  };
}

/** The small benchmark topology as NB inserts, with the database's defaults that builders read. */
function smallTopology(extraSwitches = 0): NbChange[] {
  const small = SCALES.find((s) => s.name === 'small')!;
  const rows = generateTopology({ ...small, switches: small.switches + extraSwitches });
  return INSERT_ORDER.flatMap((table) =>
    ((rows[table] ?? []) as Array<Record<string, unknown>>).map((r) => ({
      table,
      op: 'insert' as const,
      row: { addresses: [], port_security: [], options: {}, external_ids: {}, type: '', ...r },
    })),
  );
}

async function expectSbEqualsEngine(engine: NorthdEngine) {
  const got = await sbState();
  const want = desired(engine);
  for (const k of ['datapaths', 'ports', 'groups', 'sets', 'flows'] as const) {
    expect(
      got[k].map((r) => JSON.stringify(Object.fromEntries(Object.entries(JSON.parse(r)).sort()))),
    ).toEqual(
      want[k].map((r) => JSON.stringify(Object.fromEntries(Object.entries(JSON.parse(r)).sort()))),
    );
  }
}

describe('SB writer', () => {
  test('a full compile streamed into an empty SB writes what the engine computed, in one transaction', async () => {
    await pool.query('DROP SCHEMA IF EXISTS sb CASCADE');
    await initSb(pool);
    const engine = new NorthdEngine();
    engine.load(smallTopology());
    const mirror = await SbMirror.load(pool);
    const before = (await pool.query<{ n: string }>('SELECT last_seq AS n FROM sb.feed_state'))
      .rows[0]!.n;
    const stats = await writeSb(pool, mirror, engine.recomputeAllStreaming(), 7, 0);
    const flows = new Set(
      [...engine.state().values()].flatMap((r) =>
        r.flows.map((f) => `${r.datapath.nbUuid}|${f.stage}|${f.priority}|${f.match}|${f.actions}`),
      ),
    );
    expect(stats.flowsInserted).toBe(flows.size);
    expect(stats.datapathsWritten).toBe(engine.state().size);
    await expectSbEqualsEngine(engine);
    // The topology's address sets and port groups, all written in one statement each.
    expect((await sbState()).sets.length).toBeGreaterThan(0);
    // One commit in the SB feed: readers never see a half-written compile.
    const after = (await pool.query<{ n: string }>('SELECT last_seq AS n FROM sb.feed_state'))
      .rows[0]!.n;
    expect(Number(after) - Number(before)).toBe(1);
    // The mirror it left matches SB: a reloaded one and the kept one both find nothing to do.
    expect(await writeSb(pool, mirror, engine.recomputeAll(), 7, 0)).toEqual({
      flowsInserted: 0,
      flowsDeleted: 0,
      portsWritten: 0,
      datapathsWritten: 0,
    });
    const reloaded = await SbMirror.load(pool);
    expect(await writeSb(pool, reloaded, engine.recomputeAllStreaming(), 7, 0)).toEqual({
      flowsInserted: 0,
      flowsDeleted: 0,
      portsWritten: 0,
      datapathsWritten: 0,
    });
  });

  test('a failed streamed write leaves SB as it was', async () => {
    await pool.query('DROP SCHEMA IF EXISTS sb CASCADE');
    await initSb(pool);
    const engine = new NorthdEngine();
    engine.load(smallTopology());
    // A port name SB refuses (port_binding.logical_port must not be empty), in the last datapath.
    const delta = engine.recomputeAllStreaming();
    const results = [...delta.changed];
    const last = results[results.length - 1]!;
    const bad = {
      ...last,
      ports: [...last.ports, { ...last.ports[0]!, logicalPort: '', key: 4000 }],
    };
    const mirror = await SbMirror.load(pool);
    await expect(
      writeSb(pool, mirror, { ...delta, changed: [...results.slice(0, -1), bad] }, 1, 0),
    ).rejects.toThrow();
    for (const t of ['datapath_binding', 'port_binding', 'logical_flow'])
      expect((await pool.query(`SELECT 1 FROM sb.${t}`)).rowCount).toBe(0);
  });

  for (const dpGroups of [false, true])
    test(`random NB edits written incrementally leave SB equal to the engine state; a reloaded mirror finds nothing to do (datapath groups ${dpGroups ? 'on' : 'off'})`, async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(nbOp, { minLength: 1, maxLength: 25 }),
          fc.nat(3),
          async (ops, firstFull) => {
            await pool.query('DROP SCHEMA IF EXISTS sb CASCADE');
            await initSb(pool);
            const fx = new NbFixture();
            const engine = new NorthdEngine();
            const opts = { dpGroups };
            let mirror = await SbMirror.load(pool);
            await writeSb(pool, mirror, engine.recomputeAll(), 0, 0, opts);
            for (let i = 0; i < ops.length; i += 3) {
              const changes: NbChange[] = ops
                .slice(i, i + 3)
                .flatMap((o, k) => playOp(fx, o, i + k));
              const delta = engine.apply(changes);
              await writeSb(pool, mirror, delta, i, 0, opts);
              // Now and then a full recompute in between (it may regroup flows).
              if (i / 3 === firstFull)
                await writeSb(pool, mirror, engine.recomputeAllStreaming(), i, 0, opts);
            }
            await expectSbEqualsEngine(engine);
            if (!dpGroups)
              expect((await pool.query('SELECT 1 FROM sb.logical_dp_group')).rowCount).toBe(0);
            else {
              // Incremental runs keep groups while they hold; a full recompute regroups (e.g. a
              // datapath that left a group and now shares flows with it again), and is a fixpoint.
              await writeSb(pool, mirror, engine.recomputeAllStreaming(), ops.length, 0, opts);
              await expectSbEqualsEngine(engine);
            }
            mirror = await SbMirror.load(pool);
            const again = await writeSb(pool, mirror, engine.recomputeAll(), ops.length, 0, opts);
            expect(again).toEqual({
              flowsInserted: 0,
              flowsDeleted: 0,
              portsWritten: 0,
              datapathsWritten: 0,
            });
          },
        ),
        { numRuns: 8 },
      );
    }, 180_000);

  test('datapath groups: a flow shared by many datapaths is one row; turning groups off and on again rewrites SB to the same flows per datapath', async () => {
    await pool.query('DROP SCHEMA IF EXISTS sb CASCADE');
    await initSb(pool);
    const engine = new NorthdEngine();
    engine.load(smallTopology());
    const mirror = await SbMirror.load(pool);
    await writeSb(pool, mirror, engine.recomputeAllStreaming(), 1, 0, { dpGroups: true });
    await expectSbEqualsEngine(engine);
    const rows = async () =>
      (await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM sb.logical_flow')).rows[0]!
        .n;
    const perDatapath = (await sbState()).flows.length;
    const grouped = await rows();
    // The pipelines' fixed flows (no NB row) are the same on every switch and on every router.
    const fixed = [...engine.state().values()].reduce(
      (n, r) => n + r.flows.filter((f) => f.provenance.nbUuid === undefined).length,
      0,
    );
    const distinctFixed = new Set(
      [...engine.state().values()].flatMap((r) =>
        r.flows
          .filter((f) => f.provenance.nbUuid === undefined)
          .map((f) => `${f.stage}|${f.priority}|${f.match}|${f.actions}|${f.provenance.builder}`),
      ),
    ).size;
    expect(fixed).toBeGreaterThan(distinctFixed);
    expect(grouped).toBe(perDatapath - fixed + distinctFixed);
    const groups = await pool.query<{ members: number }>(
      `SELECT count(*)::int AS members FROM sb.logical_dp_group_datapath GROUP BY dp_group ORDER BY 1`,
    );
    // Small topology: 10 switches and 2 routers; one group each.
    expect(groups.rows.map((r) => r.members)).toEqual([2, 10]);
    // Every flow still carries its provenance.
    expect(
      (await pool.query(`SELECT 1 FROM sb.logical_flow WHERE builder = '' OR stage = ''`)).rowCount,
    ).toBe(0);

    const off = await writeSb(pool, mirror, engine.recomputeAllStreaming(), 2, 0, {
      dpGroups: false,
    });
    // Each datapath gets its own copy of every fixed flow; the grouped rows went with their groups.
    expect(off.flowsInserted).toBe(fixed);
    expect(await rows()).toBe(perDatapath);
    expect((await pool.query('SELECT 1 FROM sb.logical_dp_group')).rowCount).toBe(0);
    await expectSbEqualsEngine(engine);

    await writeSb(pool, mirror, engine.recomputeAllStreaming(), 3, 0, { dpGroups: true });
    expect(await rows()).toBe(grouped);
    await expectSbEqualsEngine(engine);
    const reloaded = await SbMirror.load(pool);
    expect(
      await writeSb(pool, reloaded, engine.recomputeAllStreaming(), 3, 0, { dpGroups: true }),
    ).toEqual({ flowsInserted: 0, flowsDeleted: 0, portsWritten: 0, datapathsWritten: 0 });

    // A new switch like the others (ports, port group, ACLs), incrementally: it joins the
    // switches' group instead of copying its flows.
    const have = new Set(smallTopology().map((c) => JSON.stringify(c)));
    const more = smallTopology(1).filter((c) => !have.has(JSON.stringify(c)));
    const added = await writeSb(pool, reloaded, engine.apply(more), 4, 0, { dpGroups: true });
    const newSwitch = engine
      .state()
      .get(more.find((c) => c.table === 'logical_switch')!.row.uuid as string)!;
    expect(added.flowsInserted).toBe(
      newSwitch.flows.filter((f) => f.provenance.nbUuid !== undefined).length,
    );
    const after = await pool.query<{ members: number }>(
      `SELECT count(*)::int AS members FROM sb.logical_dp_group_datapath GROUP BY dp_group ORDER BY 1`,
    );
    expect(after.rows.map((r) => r.members)).toEqual([2, 11]);
    await expectSbEqualsEngine(engine);
  });
});
