// Conditional following with northd and PostgreSQL: a controller holds only its local datapaths'
// rows, loads a datapath's flows when it becomes local (a port attached there, a patch port to
// it), forgets them when it stops being local, and applies datapath-group flows to the local
// members of the group as membership changes.

import { Datapath, MemoryPort } from '@ovn-ts/datapath';
import type { NbStore } from '@ovn-ts/nb-db';
import { runNorthd } from '@ovn-ts/northd';
import { openStackDb, type StackDb } from '@ovn-ts/northd/testing';
import type pg from 'pg';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { SbView } from '../compile/sb-view.js';
import { type ControllerHandle, runController } from './controller.js';
import { SharedSbFeed } from './shared-sb-feed.js';

let stack: StackDb;
let nb: NbStore;
let sb: pg.Pool;
const quiet = pino({ level: process.env.CTL_LOG ?? 'silent' });

beforeAll(async () => {
  stack = await openStackDb('ctlcond');
  ({ nb, sb } = stack);
  // One flow row per datapath: the first tests tell which datapaths' rows a controller holds
  // (flows shared through datapath groups have a test of their own below).
  const r = await sb.query(
    `UPDATE nb.nb_global SET options = options || '{"use_logical_dp_groups": "false"}'::jsonb`,
  );
  expect(r.rowCount).toBe(1);
});

afterAll(() => stack.close());

async function dpUuid(name: string): Promise<string> {
  const r = await sb.query<{ uuid: string }>(
    `SELECT uuid FROM sb.datapath_binding WHERE external_ids->>'name' = $1`,
    [name],
  );
  return r.rows[0]!.uuid;
}

async function dpKey(name: string): Promise<number> {
  const r = await sb.query<{ tunnel_key: number }>(
    `SELECT tunnel_key FROM sb.datapath_binding WHERE external_ids->>'name' = $1`,
    [name],
  );
  return r.rows[0]!.tunnel_key;
}

/** SB's logical flows on a datapath (not grouped). */
async function sbFlowsOn(name: string): Promise<Set<string>> {
  const r = await sb.query<{ uuid: string }>(
    `SELECT f.uuid FROM sb.logical_flow f WHERE f.logical_datapath = $1`,
    [await dpUuid(name)],
  );
  return new Set(r.rows.map((x) => x.uuid));
}

/** The held flows by datapath name. */
function heldFlowsOn(view: SbView, name: string): Set<string> {
  const dp = [...view.datapaths.values()].find((d) => d.name === name)!;
  return new Set(
    [...view.flows.values()].filter((f) => f.datapaths.includes(dp.uuid)).map((f) => f.uuid),
  );
}

async function northdCaughtUp(): Promise<void> {
  const cfg = await nb.transaction((tx) => tx.bumpNbCfg(Date.now()));
  await expect
    .poll(async () => (await nb.global()).sb_cfg, { timeout: 10_000 })
    .toBeGreaterThanOrEqual(cfg);
}

async function controllerCaughtUp(ctl: ControllerHandle): Promise<void> {
  const r = await sb.query<{ nb_cfg: string }>('SELECT nb_cfg FROM sb.sb_global');
  const want = Number(r.rows[0]!.nb_cfg);
  await expect
    .poll(() => ctl.stats().last?.nbCfg ?? -1, { timeout: 10_000 })
    .toBeGreaterThanOrEqual(want);
}

/** Datapath keys (metadata) of the installed flows of logical flows with this priority. */
function metadataOfPriority(ctl: ControllerHandle, priority: number): Set<number> {
  const out = new Set<number>();
  for (const f of ctl.current()?.flows.values() ?? [])
    if (f.priority === priority && f.match.metadata) out.add(Number(f.match.metadata.value));
  return out;
}

describe('conditional following', () => {
  test('flows of unrelated datapaths are not held; they load when a port there is attached or a router links it, and go when it is no longer local', async () => {
    const ac = new AbortController();
    const northd = runNorthd({
      nbUrl: stack.db.url,
      sbUrl: stack.db.url,
      signal: ac.signal,
      log: quiet,
      lockPollMs: 50,
    });
    await nb.transaction(async (tx) => {
      for (const [sw, vm, n] of [
        ['sw0', 'vm1', 1],
        ['sw1', 'vm3', 3],
        ['sw2', 'vm5', 5],
      ] as const) {
        const ls = await tx.switches.insert({ name: sw });
        await tx.switchPorts.insert({
          name: vm,
          switch_uuid: ls.uuid,
          addresses: [`0a:00:00:00:00:0${n} 10.0.${n}.1`],
        });
      }
    });
    await northdCaughtUp();

    const dp = new Datapath({ now: () => 0 });
    for (const n of [1, 3, 5]) dp.addPort(`tap-vm${n}`, new MemoryPort(), { port: n });
    const ctl = runController({
      sbUrl: stack.db.url,
      chassis: 'hv1',
      encapIp: '127.0.0.1',
      datapath: dp,
      ports: { vm1: 1 },
      log: quiet,
      pollMs: 200,
      openTunnel: async () => new MemoryPort(),
    });
    await ctl.ready;
    await controllerCaughtUp(ctl);

    // Only sw0 is local: its flows are all held, none of sw1's or sw2's.
    let view = ctl.followedView();
    expect(heldFlowsOn(view, 'sw0')).toEqual(await sbFlowsOn('sw0'));
    expect((await sbFlowsOn('sw1')).size).toBeGreaterThan(0);
    expect(heldFlowsOn(view, 'sw1').size).toBe(0);
    expect(heldFlowsOn(view, 'sw2').size).toBe(0);
    expect([...view.ports.values()].map((p) => p.name).sort()).toEqual(['vm1']);
    expect(ctl.stats().followed.datapaths).toBe(1);

    // A change on sw1 (not local) reaches the controller as nothing held.
    const sw1 = (await nb.switches.where('name', 'sw1'))[0]!;
    await nb.transaction((tx) =>
      tx.switchPorts.insert({
        name: 'vm4',
        switch_uuid: sw1.uuid,
        addresses: ['0a:00:00:00:00:04 10.0.3.2'],
      }),
    );
    await northdCaughtUp();
    await controllerCaughtUp(ctl);
    view = ctl.followedView();
    expect(heldFlowsOn(view, 'sw1').size).toBe(0);
    expect([...view.ports.values()].some((p) => p.name === 'vm4')).toBe(false);

    // vm5 is attached here: sw2 becomes local, its flows and ports are loaded and compiled.
    ctl.attach('vm5', 5);
    await expect
      .poll(
        async () =>
          (await sb.query(`SELECT 1 FROM sb.port_binding WHERE logical_port = 'vm5' AND up`))
            .rowCount,
      )
      .toBe(1);
    view = ctl.followedView();
    expect(heldFlowsOn(view, 'sw2')).toEqual(await sbFlowsOn('sw2'));
    expect(
      ctl
        .current()!
        .datapaths.map((d) => d.name)
        .sort(),
    ).toEqual(['sw0', 'sw2']);

    // A router between sw0 and sw1: the patch ports make lr0 and sw1 local.
    await nb.transaction(async (tx) => {
      const lr = await tx.routers.insert({ name: 'lr0' });
      const sw0 = (await tx.switches.where('name', 'sw0'))[0]!;
      for (const [sw, n] of [
        [sw0, 1],
        [sw1, 3],
      ] as const) {
        await tx.routerPorts.insert({
          name: `lr0-${sw.name}`,
          router_uuid: lr.uuid,
          mac: `0a:00:00:00:ff:0${n}`,
          networks: [`10.0.${n}.254/24`],
        });
        await tx.switchPorts.insert({
          name: `${sw.name}-lr0`,
          switch_uuid: sw.uuid,
          type: 'router',
          addresses: ['router'],
          options: { 'router-port': `lr0-${sw.name}` },
        });
      }
    });
    await northdCaughtUp();
    await controllerCaughtUp(ctl);
    await expect
      .poll(() =>
        ctl
          .current()!
          .datapaths.map((d) => d.name)
          .sort(),
      )
      .toEqual(['lr0', 'sw0', 'sw1', 'sw2']);
    view = ctl.followedView();
    for (const name of ['sw0', 'sw1', 'sw2', 'lr0'])
      expect(heldFlowsOn(view, name)).toEqual(await sbFlowsOn(name));
    expect([...view.ports.values()].some((p) => p.name === 'vm4')).toBe(true);

    // vm5 leaves: sw2 is no longer local, its rows are forgotten.
    ctl.detach('vm5');
    await expect.poll(() => ctl.stats().followed.datapaths).toBe(3);
    view = ctl.followedView();
    expect(heldFlowsOn(view, 'sw2').size).toBe(0);
    expect([...view.ports.values()].some((p) => p.name === 'vm5')).toBe(false);
    await expect
      .poll(() =>
        ctl
          .current()!
          .datapaths.map((d) => d.name)
          .sort(),
      )
      .toEqual(['lr0', 'sw0', 'sw1']);

    await ctl.stop();
    ac.abort();
    await northd;
  });

  test('controllers sharing one feed reader each keep only their own part', async () => {
    const ac = new AbortController();
    const northd = runNorthd({
      nbUrl: stack.db.url,
      sbUrl: stack.db.url,
      signal: ac.signal,
      log: quiet,
      lockPollMs: 50,
    });
    await nb.transaction(async (tx) => {
      for (const n of [0, 1]) {
        const ls = await tx.switches.insert({ name: `sh${n}` });
        await tx.switchPorts.insert({
          name: `shvm${n}`,
          switch_uuid: ls.uuid,
          addresses: [`0a:00:00:00:02:0${n} 10.2.${n}.1`],
        });
      }
    });
    await northdCaughtUp();
    const shared = SharedSbFeed.open(stack.db.url);
    const ctls = [0, 1].map((n) => {
      const dp = new Datapath({ now: () => 0 });
      dp.addPort(`tap-shvm${n}`, new MemoryPort(), { port: 1 });
      return runController({
        sbUrl: stack.db.url,
        chassis: `hs${n}`,
        encapIp: `127.0.1.${n + 1}`,
        datapath: dp,
        ports: { [`shvm${n}`]: 1 },
        log: quiet,
        pollMs: 200,
        openTunnel: async () => new MemoryPort(),
        sharedFeed: shared,
      });
    });
    await Promise.all(ctls.map((c) => c.ready));
    // A change on both switches reaches both controllers through the one reader.
    await nb.transaction(async (tx) => {
      for (const n of [0, 1]) {
        const ls = (await tx.switches.where('name', `sh${n}`))[0]!;
        await tx.switchPorts.insert({
          name: `shvm${n}b`,
          switch_uuid: ls.uuid,
          addresses: [`0a:00:00:00:02:1${n} 10.2.${n}.2`],
        });
      }
    });
    await northdCaughtUp();
    for (const [n, ctl] of ctls.entries()) {
      await controllerCaughtUp(ctl);
      const view = ctl.followedView();
      expect(heldFlowsOn(view, `sh${n}`)).toEqual(await sbFlowsOn(`sh${n}`));
      expect(heldFlowsOn(view, `sh${1 - n}`).size).toBe(0);
      expect([...view.ports.values()].some((p) => p.name === `shvm${n}b`)).toBe(true);
      expect([...view.ports.values()].some((p) => p.name === `shvm${1 - n}b`)).toBe(false);
    }
    await Promise.all(ctls.map((c) => c.stop()));
    await shared.close();
    ac.abort();
    await northd;
  });

  test('a datapath-group flow applies to the local members of its group, following membership changes', async () => {
    // Three more switches; tb0 and tb2 local (tc ports attached), tb1 not.
    const ac = new AbortController();
    const northd = runNorthd({
      nbUrl: stack.db.url,
      sbUrl: stack.db.url,
      signal: ac.signal,
      log: quiet,
      lockPollMs: 50,
    });
    await nb.transaction(async (tx) => {
      for (const n of [0, 1, 2]) {
        const ls = await tx.switches.insert({ name: `tb${n}` });
        await tx.switchPorts.insert({
          name: `tc${n}`,
          switch_uuid: ls.uuid,
          addresses: [`0a:00:00:00:01:0${n} 10.1.${n}.1`],
        });
      }
    });
    await northdCaughtUp();
    const [d0, d1, d2] = await Promise.all(['tb0', 'tb1', 'tb2'].map(dpUuid));
    const [k0, k1, k2] = await Promise.all(['tb0', 'tb1', 'tb2'].map(dpKey));

    // Group g1 = {tb0, tb1} with a flow at priority 7771; group g2 = {tb1} with one at 7772.
    const group = async (members: string[]) => {
      const g = (
        await sb.query<{ uuid: string }>(
          'INSERT INTO sb.logical_dp_group DEFAULT VALUES RETURNING uuid',
        )
      ).rows[0]!.uuid;
      for (const m of members)
        await sb.query(
          'INSERT INTO sb.logical_dp_group_datapath (dp_group, datapath) VALUES ($1, $2)',
          [g, m],
        );
      return g;
    };
    const groupFlow = (g: string, priority: number) =>
      sb.query(
        `INSERT INTO sb.logical_flow (logical_dp_group, pipeline, table_id, stage, priority, match, actions)
         VALUES ($1, 'ingress', 9, 'ls_in_acl', $2, 'ip4.dst == 10.99.0.1', 'drop;')`,
        [g, priority],
      );
    const g1 = await group([d0!, d1!]);
    await groupFlow(g1, 7771);
    const g2 = await group([d1!]);
    await groupFlow(g2, 7772);

    const dp = new Datapath({ now: () => 0 });
    for (const n of [0, 1, 2]) dp.addPort(`tap-tc${n}`, new MemoryPort(), { port: 10 + n });
    const ctl = runController({
      sbUrl: stack.db.url,
      chassis: 'hv2',
      encapIp: '127.0.0.2',
      datapath: dp,
      ports: { tc0: 10, tc2: 12 },
      log: quiet,
      pollMs: 200,
      openTunnel: async () => new MemoryPort(),
    });
    await ctl.ready;
    await controllerCaughtUp(ctl);

    // g1's flow on tb0 only (tb1 is not local); g2 has no local member: its flow is not held.
    expect(metadataOfPriority(ctl, 7771)).toEqual(new Set([k0]));
    expect(metadataOfPriority(ctl, 7772)).toEqual(new Set());
    const held = () =>
      [...ctl.followedView().flows.values()].filter(
        (f) => f.priority === 7771 || f.priority === 7772,
      );
    expect(held().map((f) => [f.priority, f.datapaths])).toEqual([[7771, [d0]]]);

    // tb2 joins g1: the flow now applies there too.
    await sb.query(
      'INSERT INTO sb.logical_dp_group_datapath (dp_group, datapath) VALUES ($1, $2)',
      [g1, d2],
    );
    await expect.poll(() => metadataOfPriority(ctl, 7771)).toEqual(new Set([k0, k2]));
    // tb0 leaves g1.
    await sb.query(
      'DELETE FROM sb.logical_dp_group_datapath WHERE dp_group = $1 AND datapath = $2',
      [g1, d0],
    );
    await expect.poll(() => metadataOfPriority(ctl, 7771)).toEqual(new Set([k2]));
    // tb0 joins g2: g2 gains a local member, and its flow (written before) is loaded.
    await sb.query(
      'INSERT INTO sb.logical_dp_group_datapath (dp_group, datapath) VALUES ($1, $2)',
      [g2, d0],
    );
    await expect.poll(() => metadataOfPriority(ctl, 7772)).toEqual(new Set([k0]));
    // A new flow on g2 arrives through the feed.
    await groupFlow(g2, 7773);
    await expect.poll(() => metadataOfPriority(ctl, 7773)).toEqual(new Set([k0]));
    // tc1 attached: tb1 becomes local, and both groups' flows apply to it.
    ctl.attach('tc1', 11);
    await expect.poll(() => metadataOfPriority(ctl, 7771)).toEqual(new Set([k1, k2]));
    expect(metadataOfPriority(ctl, 7772)).toEqual(new Set([k0, k1]));
    // The group is deleted: its flows go with it (cascade).
    await sb.query('DELETE FROM sb.logical_dp_group WHERE uuid = $1', [g2]);
    await expect.poll(() => metadataOfPriority(ctl, 7772)).toEqual(new Set());
    expect(metadataOfPriority(ctl, 7773)).toEqual(new Set());

    await ctl.stop();
    ac.abort();
    await northd;
  });
});
