import type { TestDatabase } from '@ovn-ts/db/testing';
import type { NbStore } from '@ovn-ts/nb-db';
import { runNorthd } from '@ovn-ts/northd';
import { openStackDb, type StackDb } from '@ovn-ts/northd/testing';
import { SbStore, sbFeedReader } from '@ovn-ts/sb-db';
import type pg from 'pg';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { compileView } from '../compile/compiler.js';
import type { SbView } from '../compile/sb-view.js';
import { loadView } from '../daemon/load-view.js';
import { loadSbRows } from '../daemon/sb-rows.js';
import { SbViewModel } from './sb-view-model.js';

let stack: StackDb;
let db: TestDatabase;
let nb: NbStore;
let pool: pg.Pool;
const quiet = pino({ level: 'silent' });

beforeAll(async () => {
  stack = await openStackDb('ctlview');
  ({ db, nb, sb: pool } = stack);
});

afterAll(() => stack.close());

/** A view as sorted plain data, to compare two views row by row. */
function plain(v: SbView) {
  const rows = <T>(m: ReadonlyMap<string, T>) =>
    [...m.entries()].sort(([a], [b]) => (a < b ? -1 : 1));
  return {
    datapaths: rows(v.datapaths),
    ports: rows(v.ports),
    groups: rows(v.multicastGroups),
    flows: rows(v.flows),
    macBindings: rows(v.macBindings),
    chassis: rows(v.chassis),
    addressSets: rows(v.addressSets),
    portGroups: rows(v.portGroups),
    fdb: rows(v.fdb ?? new Map()),
  };
}

describe('SB view kept from the change feed', () => {
  test('after a series of changes it equals a fresh snapshot, and compiles as the per-datapath loader does', async () => {
    const ac = new AbortController();
    const northd = runNorthd({
      nbUrl: db.url,
      sbUrl: db.url,
      signal: ac.signal,
      log: quiet,
      lockPollMs: 50,
    });
    const sb = SbStore.open(pool);
    const start = await loadSbRows(pool);
    const model = new SbViewModel();
    model.apply(start.rows);
    let cursor = start.seq;
    const reader = sbFeedReader(pool);
    const follow = async () => {
      for (;;) {
        const r = await reader.read(cursor);
        if (r.kind !== 'commits') throw new Error('unexpected resync');
        if (r.commits.length === 0) return;
        model.apply(r.commits.flatMap((c) => c.changes));
        cursor = r.cursor;
      }
    };
    const sync = async () => {
      const cfg = await nb.transaction((tx) => tx.bumpNbCfg(Date.now()));
      await expect
        .poll(async () => (await nb.global()).sb_cfg, { timeout: 10_000 })
        .toBeGreaterThanOrEqual(cfg);
      await follow();
    };

    await sb.chassis.register({ name: 'hv1', encaps: [{ type: 'geneve', ip: '192.0.2.1' }] });
    await sb.chassis.register({ name: 'hv2', encaps: [{ type: 'geneve', ip: '192.0.2.2' }] });
    await nb.transaction(async (tx) => {
      const sw0 = await tx.switches.insert({ name: 'sw0' });
      const sw1 = await tx.switches.insert({ name: 'sw1' });
      await tx.switchPorts.insert({
        name: 'vm1',
        switch_uuid: sw0.uuid,
        addresses: ['0a:00:00:00:00:01 10.0.0.1'],
      });
      await tx.switchPorts.insert({
        name: 'vm2',
        switch_uuid: sw0.uuid,
        addresses: ['0a:00:00:00:00:02 10.0.0.2'],
      });
      await tx.switchPorts.insert({
        name: 'vm3',
        switch_uuid: sw1.uuid,
        addresses: ['0a:00:00:00:01:03 10.1.0.3'],
      });
      const lr = await tx.routers.insert({ name: 'lr0' });
      await tx.routerPorts.insert({
        name: 'lr0-sw0',
        router_uuid: lr.uuid,
        mac: '0a:00:00:00:ff:00',
        networks: ['10.0.0.254/24'],
      });
      await tx.routerPorts.insert({
        name: 'lr0-sw1',
        router_uuid: lr.uuid,
        mac: '0a:00:00:00:ff:01',
        networks: ['10.1.0.254/24'],
      });
      await tx.switchPorts.insert({
        name: 'sw0-lr0',
        switch_uuid: sw0.uuid,
        type: 'router',
        addresses: ['router'],
        options: { 'router-port': 'lr0-sw0' },
      });
      await tx.switchPorts.insert({
        name: 'sw1-lr0',
        switch_uuid: sw1.uuid,
        type: 'router',
        addresses: ['router'],
        options: { 'router-port': 'lr0-sw1' },
      });
    });
    await sync();
    await sb.ports.claim('vm1', 'hv1');
    await sb.ports.claim('vm3', 'hv2');
    const lr0 = (
      await pool.query<{ uuid: string }>(
        `SELECT uuid FROM sb.datapath_binding WHERE external_ids->>'name' = 'lr0'`,
      )
    ).rows[0]!;
    await sb.macBindings.put({
      logicalPort: 'lr0-sw1',
      ip: '10.1.0.9',
      mac: '0a:00:00:00:01:09',
      datapath: lr0.uuid,
      timestamp: 1,
    });
    await sb.fdb.put({ mac: '0a:00:00:00:00:77', dpKey: 1, portKey: 1, timestamp: 1 });
    const sw0 = (await nb.switches.where('name', 'sw0'))[0]!;
    await nb.transaction(async (tx) => {
      await tx.switchPorts.delete((await tx.switchPorts.where('name', 'vm2'))[0]!.uuid);
      await tx.acls.insert({
        switch_uuid: sw0.uuid,
        direction: 'to-lport',
        priority: 1000,
        match: 'ip4 && tcp.dst == 22',
        action: 'allow-related',
      });
    });
    await sync();
    await sb.ports.release('vm3', 'hv2');
    await sb.chassis.unregister('hv2');
    await follow();

    const fresh = new SbViewModel();
    fresh.apply((await loadSbRows(pool)).rows);
    expect(plain(model.view())).toEqual(plain(fresh.view()));
    expect(model.nbCfg).toBe(fresh.nbCfg);
    expect(model.view().fdb?.size).toBe(1);
    expect(model.view().flows.size).toBeGreaterThan(100);

    const cx = {
      chassis: 'hv1',
      localPorts: new Map([['vm1', 1]]),
      tunnels: new Map(),
      zones: new Map(),
    };
    const filtered = await loadView(sb, 'hv1', cx.localPorts);
    const a = compileView(model.view(), cx);
    const b = compileView(filtered.view, cx);
    expect([...a.flows.keys()].sort()).toEqual([...b.flows.keys()].sort());
    expect(a.problems).toEqual([]);

    ac.abort();
    await northd;
  });
});
