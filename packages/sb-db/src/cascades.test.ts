import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openSbTestDb, type SbTestDb } from './test-support.js';

let t: SbTestDb;
beforeAll(async () => {
  t = await openSbTestDb('sbcascade');
});
afterAll(() => t.close());

const count = async (table: string) =>
  (await t.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM sb.${table}`)).rows[0]!.n;

/** A switch datapath with two ports, a flow, a group flow, a multicast group, bindings and an LB. */
async function buildSwitch(key: number) {
  const dp = (await t.sb.datapaths.insert({ tunnel_key: key, type: 'logical-switch' })).uuid;
  const other = (await t.sb.datapaths.insert({ tunnel_key: key + 100, type: 'logical-switch' }))
    .uuid;
  const [p1, p2] = await t.sb.ports.insertMany([
    { logical_port: `s${key}p1`, datapath: dp, tunnel_key: 1 },
    { logical_port: `s${key}p2`, datapath: dp, tunnel_key: 2 },
  ]);
  const base = {
    pipeline: 'ingress' as const,
    table_id: 0,
    stage: 'ls_in_check_port_sec',
    priority: 1,
    match: '1',
    actions: 'next;',
  };
  await t.sb.flows.insert({ ...base, logical_datapath: dp });
  const group = await t.sb.dpGroups.create([dp, other]);
  await t.sb.flows.insert({ ...base, logical_dp_group: group });
  const mc = await t.sb.multicastGroups.create({
    datapath: dp,
    name: '_MC_flood',
    tunnelKey: 32768,
    ports: [p1!, p2!],
  });
  await t.sb.macBindings.put({
    logicalPort: `s${key}p1`,
    ip: '10.0.0.5',
    mac: '0a:00:00:00:00:05',
    datapath: dp,
    timestamp: 0,
  });
  await t.sb.fdb.put({ mac: '0a:00:00:00:00:06', dpKey: key, portKey: 2, timestamp: 0 });
  const lb = await t.sb.loadBalancers.create(
    { name: `lb${key}`, vips: { '10.0.0.100:80': '10.0.0.5:8080' }, protocol: 'tcp' },
    [dp, other],
  );
  return { dp, other, p1: p1!, p2: p2!, group, mc: mc.uuid, lb: lb.uuid };
}

describe('deletes cascade as OVN references imply', () => {
  test('deleting a datapath deletes its ports, flows, multicast groups and learned bindings, and leaves groups', async () => {
    const s = await buildSwitch(1);
    expect(await t.sb.datapaths.delete(s.dp)).toBe(true);
    expect(await t.sb.ports.listWhere({ datapathKeys: [1] })).toEqual([]);
    expect(await t.sb.flows.listWhere({ datapathKeys: [1] })).toEqual([]);
    expect(await t.sb.multicastGroups.listWithPorts()).toEqual([]);
    expect(await t.sb.macBindings.list()).toEqual([]);
    expect(await t.sb.fdb.list()).toEqual([]);
    // The group and its flow remain for the other datapath; the LB loses one datapath.
    expect(await t.sb.dpGroups.list()).toEqual([{ uuid: s.group, datapaths: [s.other] }]);
    expect(
      (await t.sb.flows.listWhere({ datapathKeys: [101] })).map((f) => f.logical_dp_group),
    ).toEqual([s.group]);
    expect((await t.sb.loadBalancers.listWithDatapaths()).map((l) => l.datapaths)).toEqual([
      [s.other],
    ]);
    // Deleting the group deletes the flows that used it.
    await t.sb.dpGroups.delete(s.group);
    expect(await count('logical_flow')).toBe(0);
    await t.sb.loadBalancers.delete(s.lb);
    await t.sb.datapaths.delete(s.other);
  });

  test('deleting a port removes it from multicast groups and drops its MAC bindings', async () => {
    const s = await buildSwitch(2);
    await t.sb.ports.delete(s.p1);
    expect((await t.sb.multicastGroups.listWithPorts([2]))[0]!.ports).toEqual([s.p2]);
    expect(await t.sb.macBindings.listWhere([2])).toEqual([]);
  });

  test('deleting a chassis unbinds its ports and clears gateway and HA references', async () => {
    const s = await buildSwitch(3);
    const { chassis } = await t.sb.chassis.register({
      name: 'gw1',
      encaps: [{ type: 'geneve', ip: '192.0.2.30' }],
    });
    await t.sb.ports.claim('s3p1', 'gw1');
    const gw = await t.sb.gatewayChassis.insert({
      name: 's3p2_gw1',
      port_binding: s.p2,
      chassis: chassis.uuid,
      priority: 10,
    });
    const group = await t.sb.haChassisGroups.insert({ name: 'ha1' });
    const ha = await t.sb.haChassis.insert({
      ha_chassis_group: group.uuid,
      chassis: chassis.uuid,
      priority: 5,
    });
    await t.sb.chassis.delete(chassis.uuid);
    expect(await t.sb.ports.byName('s3p1')).toMatchObject({ chassis: null, encap: null });
    expect(await t.sb.gatewayChassis.get(gw.uuid)).toMatchObject({ chassis: null });
    expect(await t.sb.haChassis.get(ha.uuid)).toMatchObject({ chassis: null });
    expect(await t.sb.chassis.encaps('gw1')).toEqual([]);
    // chassis_private outlives the chassis row (OVN's weak reference); unregister removes both.
    expect((await t.sb.chassisPrivate.list()).map((p) => [p.name, p.chassis])).toEqual([
      ['gw1', null],
    ]);
    // Deleting the port deletes its gateway_chassis rows (they are owned by it).
    await t.sb.ports.delete(s.p2);
    expect(await t.sb.gatewayChassis.get(gw.uuid)).toBeUndefined();
  });

  test('renumbering a datapath key carries its FDB entries along', async () => {
    const s = await buildSwitch(4);
    await t.sb.datapaths.update(s.dp, { tunnel_key: 40 });
    expect((await t.sb.fdb.listWhere([40])).map((f) => f.mac)).toEqual(['0a:00:00:00:00:06']);
  });

  test('deleting a meter deletes its bands', async () => {
    const m = await t.sb.meters.insert({ name: 'acl-log', unit: 'pktps' });
    await t.sb.meterBands.insertMany([
      { meter: m.uuid, rate: 100 },
      { meter: m.uuid, rate: 200, burst_size: 10 },
    ]);
    expect(await count('meter_band')).toBe(2);
    await t.sb.meters.delete(m.uuid);
    expect(await count('meter_band')).toBe(0);
  });
});
