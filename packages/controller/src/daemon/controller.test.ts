import { buildPacket, Datapath, MemoryPort } from '@ovn-ts/datapath';
import type { TestDatabase } from '@ovn-ts/db/testing';
import type { NbStore } from '@ovn-ts/nb-db';
import { runNorthd } from '@ovn-ts/northd';
import { openStackDb, type StackDb } from '@ovn-ts/northd/testing';
import type pg from 'pg';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { runController } from './controller.js';

let stack: StackDb;
let db: TestDatabase;
let nb: NbStore;
let sb: pg.Pool;
const quiet = pino({ level: 'silent' });

beforeAll(async () => {
  stack = await openStackDb('controller');
  ({ db, nb, sb: sb } = stack);
});

afterAll(() => stack.close());

const VM1 = { mac: '0a:00:00:00:00:01', ip: '10.0.0.1' };
const VM2 = { mac: '0a:00:00:00:00:02', ip: '10.0.0.2' };
const ping = (from: typeof VM1, to: typeof VM1) =>
  buildPacket({
    eth: { src: from.mac, dst: to.mac },
    ip4: { src: from.ip, dst: to.ip },
    icmp: { type: 8, code: 0 },
  });

async function portRows() {
  const r = await sb.query<{ logical_port: string; up: boolean; chassis: string | null }>(
    `SELECT pb.logical_port, pb.up, c.name AS chassis FROM sb.port_binding pb LEFT JOIN sb.chassis c ON c.uuid = pb.chassis
      WHERE pb.type = '' ORDER BY pb.logical_port`,
  );
  return r.rows;
}

describe('controller daemon with northd and a real database', () => {
  test('claims attached ports, reports them up and nb_cfg, and a ping passes; detach releases', async () => {
    const ac = new AbortController();
    const northd = runNorthd({
      nbUrl: db.url,
      sbUrl: db.url,
      signal: ac.signal,
      log: quiet,
      lockPollMs: 50,
    });
    await nb.transaction(async (tx) => {
      const ls = await tx.switches.insert({ name: 'sw0' });
      await tx.switchPorts.insert({
        name: 'vm1',
        switch_uuid: ls.uuid,
        addresses: [`${VM1.mac} ${VM1.ip}`],
      });
      await tx.switchPorts.insert({
        name: 'vm2',
        switch_uuid: ls.uuid,
        addresses: [`${VM2.mac} ${VM2.ip}`],
      });
    });

    const dp = new Datapath({ now: () => 0 });
    const vm1 = new MemoryPort();
    const vm2 = new MemoryPort();
    dp.addPort('tap-vm1', vm1, { port: 1 });
    dp.addPort('tap-vm2', vm2, { port: 2 });
    const ctl = runController({
      sbUrl: db.url,
      chassis: 'hv1',
      encapIp: '127.0.0.1',
      datapath: dp,
      ports: { vm1: 1 },
      log: quiet,
      pollMs: 200,
    });
    await ctl.ready;
    ctl.attach('vm2', 2);

    await expect.poll(portRows, { timeout: 15_000 }).toEqual([
      { logical_port: 'vm1', up: true, chassis: 'hv1' },
      { logical_port: 'vm2', up: true, chassis: 'hv1' },
    ]);
    // NB's Logical_Switch_Port.up follows (northd copies it), and --wait=hv completes.
    const cfg = await nb.transaction((tx) => tx.bumpNbCfg(Date.now()));
    await expect
      .poll(async () => (await nb.global()).hv_cfg, { timeout: 15_000 })
      .toBeGreaterThanOrEqual(cfg);
    const priv = await sb.query<{ nb_cfg: number }>(
      `SELECT nb_cfg FROM sb.chassis_private WHERE name = 'hv1'`,
    );
    expect(priv.rows[0]!.nb_cfg).toBeGreaterThanOrEqual(cfg);

    vm1.inject([ping(VM1, VM2)]);
    expect(vm2.take().map((c) => c.frame)).toEqual([ping(VM1, VM2)]);
    vm2.inject([ping(VM2, VM1)]);
    expect(vm1.take().map((c) => c.frame)).toEqual([ping(VM2, VM1)]);
    expect(ctl.current()?.problems).toEqual([]);
    expect(ctl.stats().syncs).toBeGreaterThan(1);
    expect(ctl.trace(ping(VM1, VM2), 1)).toMatch(
      /ls_in_l2_lkup \(priority 50\) match=\(eth.dst == 0a:00:00:00:00:02\)/,
    );

    // The chassis is deleted behind the controller's back (sbctl chassis-del): it comes back.
    await sb.query(`DELETE FROM sb.chassis WHERE name = 'hv1'`);
    await expect.poll(portRows, { timeout: 15_000 }).toEqual([
      { logical_port: 'vm1', up: true, chassis: 'hv1' },
      { logical_port: 'vm2', up: true, chassis: 'hv1' },
    ]);

    ctl.detach('vm2');
    await expect.poll(portRows, { timeout: 15_000 }).toEqual([
      { logical_port: 'vm1', up: true, chassis: 'hv1' },
      { logical_port: 'vm2', up: false, chassis: null },
    ]);
    vm1.inject([ping(VM1, VM2)]);
    expect(vm2.take()).toEqual([]);
    // Detaching vm2 recompiled the flows that name it; the others were kept from before.
    expect(ctl.stats().compiler.lflowsReused).toBeGreaterThan(0);

    await ctl.stop({ removeTunnels: true });
    ac.abort();
    await northd;
  });

  test('a failed sync is retried without waiting for another SB change', async () => {
    const ac = new AbortController();
    const northd = runNorthd({
      nbUrl: db.url,
      sbUrl: db.url,
      signal: ac.signal,
      log: quiet,
      lockPollMs: 50,
    });
    await nb.transaction(async (tx) => {
      const ls = await tx.switches.insert({ name: 'sw9' });
      await tx.switchPorts.insert({
        name: 'vm9',
        switch_uuid: ls.uuid,
        addresses: ['0a:00:00:00:09:09 10.9.0.9'],
      });
    });
    const dp = new Datapath({ now: () => 0 });
    dp.addPort('tap-vm9', new MemoryPort(), { port: 1 });
    // The first install after start-up is refused once, as a datapath that is briefly unavailable.
    let refused = 0;
    const flaky = new Proxy(dp, {
      get(target, prop, receiver) {
        if (prop === 'bundle') {
          return (mods: Parameters<Datapath['bundle']>[0]) => {
            if (ready && refused === 0) {
              refused++;
              throw new Error('datapath busy');
            }
            return target.bundle(mods);
          };
        }
        const v = Reflect.get(target, prop, receiver);
        return typeof v === 'function' ? v.bind(target) : v;
      },
    });
    let ready = false;
    const ctl = runController({
      sbUrl: db.url,
      chassis: 'hv9',
      encapIp: '127.0.0.9',
      datapath: flaky,
      log: quiet,
      pollMs: 200,
      retryMs: 20,
    });
    await ctl.ready;
    ready = true;
    ctl.attach('vm9', 1);
    await expect
      .poll(async () => (await portRows()).find((p) => p.logical_port === 'vm9'), {
        timeout: 15_000,
      })
      .toEqual({ logical_port: 'vm9', up: true, chassis: 'hv9' });
    expect(refused).toBe(1);
    await ctl.stop({ removeTunnels: true });
    ac.abort();
    await northd;
  });

  test('routing through the daemon: the router ARPs for an unknown next hop, the answer lands in SB MAC_Binding, then pings pass', async () => {
    const ac = new AbortController();
    const northd = runNorthd({
      nbUrl: db.url,
      sbUrl: db.url,
      signal: ac.signal,
      log: quiet,
      lockPollMs: 50,
    });
    const A = { mac: '0a:00:00:00:0a:01', ip: '10.10.0.1' };
    const B = { mac: '0a:00:00:00:0b:01', ip: '10.11.0.1' };
    const GA = { mac: '0a:00:00:00:0a:fe', ip: '10.10.0.254' };
    const GB = { mac: '0a:00:00:00:0b:fe', ip: '10.11.0.254' };
    await nb.transaction(async (tx) => {
      const swa = await tx.switches.insert({ name: 'swa' });
      const swb = await tx.switches.insert({ name: 'swb' });
      await tx.switchPorts.insert({
        name: 'va',
        switch_uuid: swa.uuid,
        addresses: [`${A.mac} ${A.ip}`],
      });
      await tx.switchPorts.insert({ name: 'vb', switch_uuid: swb.uuid, addresses: ['unknown'] });
      const lr = await tx.routers.insert({ name: 'lrab' });
      await tx.routerPorts.insert({
        name: 'lrab-a',
        router_uuid: lr.uuid,
        mac: GA.mac,
        networks: [`${GA.ip}/24`],
      });
      await tx.routerPorts.insert({
        name: 'lrab-b',
        router_uuid: lr.uuid,
        mac: GB.mac,
        networks: [`${GB.ip}/24`],
      });
      await tx.switchPorts.insert({
        name: 'swa-lr',
        switch_uuid: swa.uuid,
        type: 'router',
        addresses: ['router'],
        options: { 'router-port': 'lrab-a' },
      });
      await tx.switchPorts.insert({
        name: 'swb-lr',
        switch_uuid: swb.uuid,
        type: 'router',
        addresses: ['router'],
        options: { 'router-port': 'lrab-b' },
      });
    });
    const dp = new Datapath({ now: () => 0 });
    const va = new MemoryPort();
    const vb = new MemoryPort();
    dp.addPort('tap-va', va, { port: 1 });
    dp.addPort('tap-vb', vb, { port: 2 });
    const ctl = runController({
      sbUrl: db.url,
      chassis: 'hvr',
      encapIp: '127.0.0.10',
      datapath: dp,
      ports: { va: 1, vb: 2 },
      log: quiet,
      pollMs: 200,
    });
    await ctl.ready;
    await expect
      .poll(
        async () =>
          (await portRows()).filter((p) => p.chassis === 'hvr' && p.up).map((p) => p.logical_port),
        { timeout: 15_000 },
      )
      .toEqual(['va', 'vb']);
    const ping = (src: { mac: string; ip: string }, dstMac: string, dstIp: string, ttl = 64) =>
      buildPacket({
        eth: { src: src.mac, dst: dstMac },
        ip4: { src: src.ip, dst: dstIp, ttl },
        icmp: { type: 8, code: 0, id: 1, seq: 1 },
      });

    va.inject([ping(A, GA.mac, B.ip)]);
    // The controller answers the punt with an ARP request out of lrab-b, flooded on swb.
    expect(vb.take().map((c) => c.frame)).toEqual([
      buildPacket({
        eth: { src: GB.mac, dst: 'ff:ff:ff:ff:ff:ff' },
        arp: { op: 1, sha: GB.mac, spa: GB.ip, tha: '00:00:00:00:00:00', tpa: B.ip },
      }),
    ]);
    vb.inject([
      buildPacket({
        eth: { src: B.mac, dst: GB.mac },
        arp: { op: 2, sha: B.mac, spa: B.ip, tha: GB.mac, tpa: GB.ip },
      }),
    ]);
    await expect
      .poll(
        async () =>
          (await sb.query(`SELECT logical_port, ip, mac FROM sb.mac_binding WHERE ip = '${B.ip}'`))
            .rows,
        { timeout: 15_000 },
      )
      .toEqual([{ logical_port: 'lrab-b', ip: B.ip, mac: B.mac }]);
    // Once the binding is back as flows, the ping is routed.
    await expect
      .poll(
        () => {
          va.inject([ping(A, GA.mac, B.ip)]);
          return vb
            .take()
            .map((c) => c.frame)
            .filter((f) => f[12] === 0x08 && f[13] === 0x00);
        },
        { timeout: 15_000 },
      )
      .toEqual([ping({ mac: GB.mac, ip: A.ip }, B.mac, B.ip, 63)]);
    await ctl.stop({ removeTunnels: true });
    ac.abort();
    await northd;
  });
});
