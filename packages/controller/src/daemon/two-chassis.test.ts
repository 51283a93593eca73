import { buildPacket, Datapath, MemoryPort, MemoryUnderlay } from '@ovn-ts/datapath';
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
  stack = await openStackDb('controller2');
  ({ db, nb, sb } = stack);
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

async function upPorts() {
  const r = await sb.query<{ logical_port: string; chassis: string }>(
    `SELECT pb.logical_port, c.name AS chassis FROM sb.port_binding pb JOIN sb.chassis c ON c.uuid = pb.chassis
      WHERE pb.up ORDER BY pb.logical_port`,
  );
  return r.rows;
}

function hypervisor(
  name: string,
  ip: string,
  vm: string,
  underlay: MemoryUnderlay,
  dp = new Datapath({ now: () => 0 }),
) {
  const port = new MemoryPort();
  if (dp.portNumber(`tap-${vm}`) === undefined) dp.addPort(`tap-${vm}`, port, { port: 1 });
  const ctl = runController({
    sbUrl: db.url,
    chassis: name,
    encapIp: ip,
    datapath: dp,
    ports: { [vm]: 1 },
    log: quiet,
    pollMs: 200,
    openTunnel: async (local) => underlay.socket(local),
  });
  return { dp, port, ctl };
}

describe('two controllers over a Geneve underlay', () => {
  test('VMs on two chassis reach each other through the tunnel; a restart keeps traffic flowing', async () => {
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
    const underlay = new MemoryUnderlay();
    const hv1 = hypervisor('hv1', '192.0.2.1', 'vm1', underlay);
    const hv2 = hypervisor('hv2', '192.0.2.2', 'vm2', underlay);
    await Promise.all([hv1.ctl.ready, hv2.ctl.ready]);
    await expect.poll(upPorts, { timeout: 15_000 }).toEqual([
      { logical_port: 'vm1', chassis: 'hv1' },
      { logical_port: 'vm2', chassis: 'hv2' },
    ]);
    // Both controllers have seen each other's binding once every chassis reported the last nb_cfg.
    const cfg = await nb.transaction((tx) => tx.bumpNbCfg(Date.now()));
    await expect
      .poll(async () => (await nb.global()).hv_cfg, { timeout: 15_000 })
      .toBeGreaterThanOrEqual(cfg);

    hv1.port.inject([ping(VM1, VM2)]);
    expect(hv2.port.take().map((c) => c.frame)).toEqual([ping(VM1, VM2)]);
    hv2.port.inject([ping(VM2, VM1)]);
    expect(hv1.port.take().map((c) => c.frame)).toEqual([ping(VM2, VM1)]);
    expect(underlay.sent).toBe(2);

    // Restart hv1's controller over the same datapath: its flows stay while it is away…
    const before = hv1.dp.flowStats().length;
    const zones = async () =>
      (
        await sb.query<{ ids: Record<string, string> }>(
          `SELECT external_ids AS ids FROM sb.chassis_private WHERE name = 'hv1'`,
        )
      ).rows[0]!.ids;
    // hv1 keeps its own VIF's zone; vm2 lives on hv2, so no packet here uses a zone of its.
    expect(Object.keys(await zones()).sort()).toEqual(['ct-zone-vm1']);
    await hv1.ctl.stop();
    // As if the previous run had given vm1 zone 77: the next run must keep it.
    await sb.query(
      `UPDATE sb.chassis_private SET external_ids = external_ids || '{"ct-zone-vm1": "77"}' WHERE name = 'hv1'`,
    );
    hv1.port.inject([ping(VM1, VM2)]);
    expect(hv2.port.take().map((c) => c.frame)).toEqual([ping(VM1, VM2)]);
    const again = runController({
      sbUrl: db.url,
      chassis: 'hv1',
      encapIp: '192.0.2.1',
      datapath: hv1.dp,
      ports: { vm1: 1 },
      log: quiet,
      pollMs: 200,
      openTunnel: async (local) => underlay.socket(local),
    });
    await again.ready;
    // …and the new generation replaces them without duplicates or leftovers.
    const gens = new Set(hv1.dp.flowStats().map((f) => (f.cookie >> 32n) & 0xffffn));
    expect([...gens]).toEqual([2n]);
    expect(hv1.dp.flowStats().length).toBe(before);
    expect(hv1.dp.dumpFlows({ table: 0, match: { in_port: 1 } })).toContain(
      'load:0x4d->reg13[0..15]',
    );
    expect((await zones())['ct-zone-vm1']).toBe('77');
    hv1.port.inject([ping(VM1, VM2)]);
    expect(hv2.port.take().map((c) => c.frame)).toEqual([ping(VM1, VM2)]);

    await Promise.all([again.stop({ removeTunnels: true }), hv2.ctl.stop({ removeTunnels: true })]);
    ac.abort();
    await northd;
  });

  test('the highest-priority gateway chassis binds a distributed gateway port (cr-) and gives it up', async () => {
    const ac = new AbortController();
    const northd = runNorthd({
      nbUrl: db.url,
      sbUrl: db.url,
      signal: ac.signal,
      log: quiet,
      lockPollMs: 50,
    });
    await nb.transaction(async (tx) => {
      const lr = await tx.routers.insert({ name: 'lr9' });
      const lrp = await tx.routerPorts.insert({
        name: 'lr9-ext',
        router_uuid: lr.uuid,
        mac: '0a:00:00:00:09:01',
        networks: ['172.16.0.1/24'],
      });
      await tx.gatewayChassis.insert({
        name: 'lr9-ext-hv1',
        router_port_uuid: lrp.uuid,
        chassis_name: 'gw1',
        priority: 20,
      });
    });
    const cr = async () =>
      (
        await sb.query<{ chassis: string | null }>(
          `SELECT c.name AS chassis FROM sb.port_binding pb LEFT JOIN sb.chassis c ON c.uuid = pb.chassis WHERE pb.logical_port = 'cr-lr9-ext'`,
        )
      ).rows[0];
    await expect.poll(cr, { timeout: 15_000 }).toEqual({ chassis: null });
    const underlay = new MemoryUnderlay();
    const gw1 = hypervisor('gw1', '192.0.2.11', 'none1', underlay);
    const gw2 = hypervisor('gw2', '192.0.2.12', 'none2', underlay);
    await Promise.all([gw1.ctl.ready, gw2.ctl.ready]);
    // What northd will write from NB Gateway_Chassis (SB Gateway_Chassis rows), written here by hand.
    const pb = (
      await sb.query<{ uuid: string }>(
        `SELECT uuid FROM sb.port_binding WHERE logical_port = 'cr-lr9-ext'`,
      )
    ).rows[0]!;
    const chassisUuid = async (n: string) =>
      (await sb.query<{ uuid: string }>('SELECT uuid FROM sb.chassis WHERE name = $1', [n]))
        .rows[0]!.uuid;
    await sb.query(
      'INSERT INTO sb.gateway_chassis (name, port_binding, chassis, priority) VALUES ($1, $2, $3, 20), ($4, $2, $5, 10)',
      [
        'cr-lr9-ext-gw1',
        pb.uuid,
        await chassisUuid('gw1'),
        'cr-lr9-ext-gw2',
        await chassisUuid('gw2'),
      ],
    );
    await expect.poll(cr, { timeout: 15_000 }).toEqual({ chassis: 'gw1' });
    // gw2 becomes preferred: gw1 lets go, gw2 takes it.
    await sb.query(`UPDATE sb.gateway_chassis SET priority = 30 WHERE name = 'cr-lr9-ext-gw2'`);
    await expect.poll(cr, { timeout: 15_000 }).toEqual({ chassis: 'gw2' });
    await Promise.all([
      gw1.ctl.stop({ removeTunnels: true }),
      gw2.ctl.stop({ removeTunnels: true }),
    ]);
    ac.abort();
    await northd;
  });
});
