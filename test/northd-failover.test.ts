/**
 * Kill -9 of the active northd in the middle of a large SB write: SB stays consistent (the write
 * is one transaction), and the standby takes over and finishes the job.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { createPool } from '@ovn-ts/db';
import { createTestDatabase, type TestDatabase } from '@ovn-ts/db/testing';
import { initNb } from '@ovn-ts/nb-db';
import {
  generateTopology,
  INSERT_ORDER,
  loadTopology,
  type NbChange,
  NorthdEngine,
} from '@ovn-ts/northd';
import { initSb } from '@ovn-ts/sb-db';
import type pg from 'pg';
import { afterAll, beforeAll, expect, test } from 'vitest';

const OVN_TS = resolve(import.meta.dirname, '../packages/cli/bin/ovn-ts.js');
const SCALE = {
  name: 'failover',
  switches: 120,
  portsPerSwitch: 20,
  routers: 24,
  switchesPerRouter: 5,
  aclsPerSwitch: 5,
};

let db: TestDatabase;
let pool: pg.Pool;
const children: ChildProcess[] = [];

beforeAll(async () => {
  if (!existsSync(resolve(import.meta.dirname, '../packages/cli/dist/ovn-ts/main.js'))) {
    throw new Error('build first (pnpm test builds): this test runs northd as a compiled process');
  }
  db = await createTestDatabase('failover');
  pool = createPool(db.url, { max: 4 });
  await initNb(pool);
  await initSb(pool);
});

afterAll(async () => {
  for (const c of children) c.kill('SIGKILL');
  await pool.end();
  await db.drop();
});

function northd(name: string): {
  child: ChildProcess;
  log: () => string;
  until: (re: RegExp) => Promise<void>;
} {
  const child = spawn(
    process.execPath,
    [OVN_TS, 'northd', '--nb', db.url, '--sb', db.url, '--lock-poll-ms', '50'],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  children.push(child);
  let out = '';
  child.stderr!.on('data', (d) => (out += d));
  return {
    child,
    log: () => out,
    until: async (re) => {
      const deadline = Date.now() + 20_000;
      while (!re.test(out)) {
        if (Date.now() > deadline) throw new Error(`${name}: no ${re} in log: ${out}`);
        if (child.exitCode !== null) throw new Error(`${name} exited: ${out}`);
        await new Promise((r) => setTimeout(r, 10));
      }
    },
  };
}

/** What a correct SB holds for the NB: flows per datapath, from a full compile in memory. */
function expected(): { datapaths: number; ports: number; flows: number } {
  const rows = generateTopology(SCALE);
  const engine = new NorthdEngine();
  const changes: NbChange[] = INSERT_ORDER.flatMap((t) =>
    (rows[t] ?? []).map((r) => ({
      table: t,
      op: 'insert' as const,
      row: withDefaults(t, r as Record<string, unknown>),
    })),
  );
  engine.load(changes);
  engine.recomputeAll();
  let ports = 0;
  let flows = 0;
  for (const r of engine.state().values()) {
    ports += r.ports.length;
    flows += new Set(
      r.flows.map(
        (f) =>
          `${f.stage}|${f.priority}|${f.match}|${f.actions}|${f.provenance.builder}|${f.provenance.nbUuid ?? ''}`,
      ),
    ).size;
  }
  return { datapaths: engine.state().size, ports, flows };
}

function withDefaults(table: string, r: Record<string, unknown>): Record<string, unknown> {
  const base: Record<string, unknown> = { external_ids: {}, options: {}, revision: 0 };
  if (table === 'logical_switch_port')
    Object.assign(base, {
      type: '',
      addresses: [],
      port_security: [],
      enabled: null,
      tag: null,
      tag_request: null,
      parent_name: null,
      dhcpv4_options: null,
      dhcpv6_options: null,
    });
  if (table === 'logical_switch') Object.assign(base, { other_config: {} });
  if (table === 'logical_router_port') Object.assign(base, { peer: null, enabled: null });
  if (table === 'logical_router') Object.assign(base, { enabled: null });
  if (table === 'logical_router_static_route')
    Object.assign(base, { route_table: '', output_port: null, policy: null });
  if (table === 'acl')
    Object.assign(base, {
      switch_uuid: null,
      name: null,
      log: false,
      severity: null,
      meter: null,
      label: 0,
      tier: 0,
    });
  return { ...base, ...r };
}

/** SB's flows counted once per datapath they apply to (a datapath group's row once per member). */
const FLOWS_PER_DATAPATH = `SELECT ((SELECT count(*) FROM sb.logical_flow WHERE logical_datapath IS NOT NULL)
  + (SELECT count(*) FROM sb.logical_flow f
       JOIN sb.logical_dp_group_datapath m ON m.dp_group = f.logical_dp_group))::int AS n`;

async function count(sqlText: string): Promise<number> {
  return (await pool.query<{ n: number }>(sqlText)).rows[0]!.n;
}

test('kill -9 of the active northd during a large write leaves SB consistent, and the standby finishes', async () => {
  const a = northd('a');
  await a.until(/"msg":"active"/);
  const b = northd('b');
  await b.until(/"msg":"standby/);

  await loadTopology(pool, SCALE);
  const cfg = (
    await pool.query<{ nb_cfg: number }>(
      'UPDATE nb.nb_global SET nb_cfg = nb_cfg + 1 RETURNING nb_cfg',
    )
  ).rows[0]!.nb_cfg;

  // Catch the active northd inside its SB transaction, writing flows, and kill it there.
  const deadline = Date.now() + 20_000;
  let caught = false;
  while (Date.now() < deadline) {
    const r = await pool.query(
      `SELECT 1 FROM pg_stat_activity WHERE application_name = 'ovn-ts northd' AND state = 'active'
          AND (query LIKE 'COPY sb.logical_flow%' OR query LIKE 'INSERT INTO sb.logical_flow%')`,
    );
    if (r.rowCount) {
      a.child.kill('SIGKILL');
      caught = true;
      break;
    }
    await new Promise((r) => setTimeout(r, 1));
  }
  expect(caught).toBe(true);
  await new Promise((r) => a.child.once('exit', r));

  // Right after the kill, SB holds all of a write or none of it: never ports without their flows.
  const want = expected();
  const mid = {
    ports: await count('SELECT count(*)::int AS n FROM sb.port_binding'),
    flows: await count(FLOWS_PER_DATAPATH),
  };
  expect([
    { ports: 0, flows: 0 },
    { ports: want.ports, flows: want.flows },
  ]).toContainEqual(mid);

  // The standby takes over and brings SB to the full compile of NB.
  await b.until(/"msg":"active"/);
  const until = Date.now() + 30_000;
  while ((await count('SELECT sb_cfg::int AS n FROM nb.nb_global')) < cfg) {
    if (Date.now() > until) throw new Error(`standby did not finish: ${b.log()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  expect(await count('SELECT count(*)::int AS n FROM sb.datapath_binding')).toBe(want.datapaths);
  expect(await count('SELECT count(*)::int AS n FROM sb.port_binding')).toBe(want.ports);
  expect(await count(FLOWS_PER_DATAPATH)).toBe(want.flows);
  // Datapath groups are on by default (as in OVN): shared flows are one row.
  expect(await count('SELECT count(*)::int AS n FROM sb.logical_dp_group')).toBeGreaterThan(0);
  expect(await count('SELECT count(*)::int AS n FROM sb.logical_flow')).toBeLessThan(want.flows);
  expect(await count('SELECT nb_cfg::int AS n FROM sb.sb_global')).toBe(cfg);
  b.child.kill('SIGTERM');
});
