import type { TestDatabase } from '@ovn-ts/db/testing';
import type { NbStore } from '@ovn-ts/nb-db';
import type pg from 'pg';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openStackDb, type StackDb } from '../testing/stack-db.js';
import { runNorthd } from './northd.js';

let stack: StackDb;
let db: TestDatabase;
let nb: NbStore;
let sb: pg.Pool;
const quiet = pino({ level: 'silent' });

beforeAll(async () => {
  stack = await openStackDb('northd');
  ({ db, nb, sb: sb } = stack);
});

afterAll(() => stack.close());

/** Bumps nb_cfg in its own transaction and waits until northd reports it processed (sb_cfg). */
async function sync(timeoutMs = 10_000): Promise<number> {
  const cfg = await nb.transaction((tx) => tx.bumpNbCfg(Date.now()));
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if ((await nb.global()).sb_cfg >= cfg) return cfg;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`northd did not reach nb_cfg ${cfg}`);
}

async function sbRows<T extends pg.QueryResultRow>(
  sqlText: string,
  params: unknown[] = [],
): Promise<T[]> {
  return (await sb.query<T>(sqlText, params)).rows;
}

function startNorthd(name: string, writes: string[]) {
  const ac = new AbortController();
  const done = runNorthd({
    nbUrl: db.url,
    sbUrl: db.url,
    signal: ac.signal,
    log: quiet,
    lockPollMs: 50,
    onWrite: (w) => writes.push(`${name}:${w.nbCfg}`),
  });
  return { stop: () => ac.abort(), done };
}

describe('northd daemon', () => {
  test('compiles NB into SB, follows changes, reports sb_cfg, and a standby takes over', async () => {
    const writesA: string[] = [];
    const a = startNorthd('a', writesA);
    await nb.transaction(async (tx) => {
      const ls = await tx.switches.insert({ name: 'sw0' });
      await tx.switchPorts.insert({
        name: 'vm1',
        switch_uuid: ls.uuid,
        addresses: ['0a:00:00:00:00:01 10.0.0.1'],
      });
      await tx.switchPorts.insert({
        name: 'vm2',
        switch_uuid: ls.uuid,
        addresses: ['0a:00:00:00:00:02 10.0.0.2', 'unknown'],
      });
      const lr = await tx.routers.insert({ name: 'lr0' });
      await tx.routerPorts.insert({
        name: 'lr0-sw0',
        router_uuid: lr.uuid,
        mac: '0a:00:00:00:01:00',
        networks: ['10.0.0.254/24'],
      });
      await tx.switchPorts.insert({
        name: 'sw0-lr0',
        switch_uuid: ls.uuid,
        type: 'router',
        addresses: ['router'],
        options: { 'router-port': 'lr0-sw0' },
      });
    });
    const cfg = await sync();

    const dps = await sbRows<{ type: string; name: string; tunnel_key: number }>(
      `SELECT type, external_ids->>'name' AS name, tunnel_key FROM sb.datapath_binding ORDER BY type`,
    );
    expect(dps.map((d) => [d.type, d.name])).toEqual([
      ['logical-router', 'lr0'],
      ['logical-switch', 'sw0'],
    ]);
    const ports = await sbRows<{ logical_port: string; type: string; peer: string | null }>(
      `SELECT logical_port, type, options->>'peer' AS peer FROM sb.port_binding ORDER BY logical_port`,
    );
    expect(ports).toEqual([
      { logical_port: 'lr0-sw0', type: 'patch', peer: 'sw0-lr0' },
      { logical_port: 'sw0-lr0', type: 'patch', peer: 'lr0-sw0' },
      { logical_port: 'vm1', type: '', peer: null },
      { logical_port: 'vm2', type: '', peer: null },
    ]);
    const groups = await sbRows<{ name: string; ports: string[] }>(
      `SELECT g.name, array_agg(pb.logical_port ORDER BY pb.logical_port) AS ports
         FROM sb.multicast_group g JOIN sb.multicast_group_port m ON m.multicast_group = g.uuid
         JOIN sb.port_binding pb ON pb.uuid = m.port_binding GROUP BY g.name ORDER BY g.name`,
    );
    expect(groups).toEqual([
      { name: '_MC_flood', ports: ['sw0-lr0', 'vm1', 'vm2'] },
      { name: '_MC_unknown', ports: ['vm2'] },
    ]);
    expect((await sbRows<{ nb_cfg: number }>('SELECT nb_cfg FROM sb.sb_global'))[0]!.nb_cfg).toBe(
      cfg,
    );
    // No chassis: hv_cfg follows what northd processed.
    await expect.poll(async () => (await nb.global()).hv_cfg, { timeout: 5000 }).toBe(cfg);

    // An incremental change: delete a port, rename the switch.
    const sw0 = (await nb.switches.where('name', 'sw0'))[0]!;
    await nb.transaction(async (tx) => {
      await tx.switchPorts.delete((await tx.switchPorts.where('name', 'vm1'))[0]!.uuid);
      await tx.switches.update(sw0.uuid, { name: 'sw0-renamed' });
    });
    await sync();
    expect((await sbRows(`SELECT 1 FROM sb.port_binding WHERE logical_port = 'vm1'`)).length).toBe(
      0,
    );
    expect(
      (
        await sbRows<{ name: string }>(
          `SELECT external_ids->>'name' AS name FROM sb.datapath_binding WHERE type = 'logical-switch'`,
        )
      )[0]!.name,
    ).toBe('sw0-renamed');
    // A user ACL whose match does not parse is reported in NB; the rest still compiles.
    const bad = await nb.acls.insert({
      switch_uuid: sw0.uuid,
      direction: 'to-lport',
      priority: 1001,
      match: 'ip4.src == ',
      action: 'drop',
    });
    await sync();
    const diags = await nb.pool.query<{ nb_table: string; problem: string }>(
      'SELECT nb_table, problem FROM nb.northd_diagnostic WHERE nb_uuid = $1',
      [bad.uuid],
    );
    expect(diags.rows).toHaveLength(1);
    expect(diags.rows[0]!.nb_table).toBe('acl');
    expect(diags.rows[0]!.problem).toMatch(/match/i);
    expect((await sbRows(`SELECT 1 FROM sb.port_binding WHERE logical_port = 'vm2'`)).length).toBe(
      1,
    );
    await nb.acls.delete(bad.uuid);
    await sync();
    expect(
      (await nb.pool.query('SELECT nb_table, problem FROM nb.northd_diagnostic')).rows,
    ).toEqual([]);

    const keysBefore = await sbRows(
      `SELECT logical_port, tunnel_key FROM sb.port_binding ORDER BY logical_port`,
    );

    // A standby waits; when the active stops, it takes over, keeps the keys, and carries on.
    const writesB: string[] = [];
    const b = startNorthd('b', writesB);
    await new Promise((r) => setTimeout(r, 200));
    expect(writesB).toEqual([]);
    a.stop();
    await a.done;
    await nb.transaction(async (tx) => {
      await tx.switchPorts.insert({
        name: 'vm3',
        switch_uuid: sw0.uuid,
        addresses: ['0a:00:00:00:00:03 10.0.0.3'],
      });
    });
    await sync();
    expect(writesB.length).toBeGreaterThan(0);
    const keysAfter = await sbRows<{ logical_port: string; tunnel_key: number }>(
      `SELECT logical_port, tunnel_key FROM sb.port_binding WHERE logical_port <> 'vm3' ORDER BY logical_port`,
    );
    expect(keysAfter).toEqual(keysBefore);
    expect((await sbRows(`SELECT 1 FROM sb.port_binding WHERE logical_port = 'vm3'`)).length).toBe(
      1,
    );
    b.stop();
    await b.done;
  });
});
