import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openSbTestDb, type SbTestDb } from '../test-support.js';

let t: SbTestDb;
let sw1: string;
let sw2: string;

beforeAll(async () => {
  t = await openSbTestDb('sbports');
  sw1 = (
    await t.sb.datapaths.insert({
      tunnel_key: 1,
      type: 'logical-switch',
      external_ids: { name: 'sw1' },
    })
  ).uuid;
  sw2 = (
    await t.sb.datapaths.insert({
      tunnel_key: 2,
      type: 'logical-switch',
      external_ids: { name: 'sw2' },
    })
  ).uuid;
  await t.sb.ports.insertMany([
    { logical_port: 'sw1p1', datapath: sw1, tunnel_key: 1, mac: ['00:00:00:00:01:01 10.0.1.1'] },
    { logical_port: 'sw1p2', datapath: sw1, tunnel_key: 2, mac: ['00:00:00:00:01:02 10.0.1.2'] },
    {
      logical_port: 'sw2p1',
      datapath: sw2,
      tunnel_key: 1,
      type: 'localnet',
      options: { network_name: 'phys' },
      tag: 100,
    },
  ]);
  for (const hv of ['hv1', 'hv2'])
    await t.sb.chassis.register({
      name: hv,
      encaps: [{ type: 'geneve', ip: hv === 'hv1' ? '192.0.2.1' : '192.0.2.2' }],
    });
});
afterAll(() => t.close());

describe('port bindings', () => {
  test('round-trip with PostgreSQL types coming back as written', async () => {
    const p = await t.sb.ports.byName('sw2p1');
    expect(p).toMatchObject({
      logical_port: 'sw2p1',
      datapath: sw2,
      tunnel_key: 1,
      type: 'localnet',
      options: { network_name: 'phys' },
      tag: 100,
      mac: [],
      chassis: null,
      up: false,
    });
  });

  test('a controller claims a port: chassis set, port up; releasing needs the owner', async () => {
    const hv1 = (await t.sb.chassis.byName('hv1'))!.uuid;
    const claimed = await t.sb.ports.claim('sw1p1', 'hv1');
    expect(claimed).toMatchObject({ chassis: hv1, up: true });
    expect((await t.sb.ports.listWhere({ chassis: 'hv1' })).map((p) => p.logical_port)).toEqual([
      'sw1p1',
    ]);
    // hv2 did not hold it: nothing changes.
    expect(await t.sb.ports.release('sw1p1', 'hv2')).toBe(false);
    expect((await t.sb.ports.byName('sw1p1'))!.chassis).toBe(hv1);
    expect(await t.sb.ports.release('sw1p1', 'hv1')).toBe(true);
    expect(await t.sb.ports.byName('sw1p1')).toMatchObject({ chassis: null, up: false });
  });

  test('claims of missing ports or chassis are not-found errors naming them', async () => {
    await expect(t.sb.ports.claim('nope', 'hv1')).rejects.toMatchObject({
      code: 'not-found',
      message: 'sb: port_binding nope: no such port',
    });
    await expect(t.sb.ports.claim('sw1p1', 'hv9')).rejects.toMatchObject({
      code: 'not-found',
      message: 'sb: port_binding sw1p1: chassis hv9 does not exist',
    });
  });

  test('controllers list only the ports of their datapaths', async () => {
    expect((await t.sb.ports.listWhere({ datapathKeys: [1] })).map((p) => p.logical_port)).toEqual([
      'sw1p1',
      'sw1p2',
    ]);
    expect((await t.sb.ports.listWhere({ datapathKeys: [2] })).map((p) => p.logical_port)).toEqual([
      'sw2p1',
    ]);
    expect(await t.sb.ports.listWhere({ datapathKeys: [] })).toEqual([]);
    expect(
      (await t.sb.ports.listWhere({ types: ['localnet'] })).map((p) => p.logical_port),
    ).toEqual(['sw2p1']);
  });

  test('a duplicate logical port is a constraint error naming the port', async () => {
    await expect(
      t.sb.ports.insert({ logical_port: 'sw1p2', datapath: sw2, tunnel_key: 9 }),
    ).rejects.toMatchObject({
      code: 'constraint',
      message:
        'sb: port_binding sw1p2: logical_port sw1p2 already exists (constraint port_binding_logical_port_unique)',
    });
  });

  test('additional chassis are kept as a set', async () => {
    const p = (await t.sb.ports.byName('sw1p2'))!;
    const hv = await t.sb.chassis.list();
    await t.sb.ports.setAdditionalChassis(
      p.uuid,
      hv.map((c) => c.uuid),
    );
    expect(await t.sb.ports.additionalChassis(p.uuid)).toEqual(hv.map((c) => c.uuid).sort());
    await t.sb.ports.setAdditionalChassis(p.uuid, []);
    expect(await t.sb.ports.additionalChassis(p.uuid)).toEqual([]);
  });
});

describe('learned bindings', () => {
  test('mac_binding put inserts, then refreshes the same (port, ip)', async () => {
    const first = await t.sb.macBindings.put({
      logicalPort: 'sw1p1',
      ip: '10.0.1.9',
      mac: '0A:00:00:00:00:09',
      datapath: sw1,
      timestamp: 1000,
    });
    expect(first).toMatchObject({ ip: '10.0.1.9', mac: '0a:00:00:00:00:09', timestamp: 1000 });
    const again = await t.sb.macBindings.put({
      logicalPort: 'sw1p1',
      ip: '10.0.1.9',
      mac: '0a:00:00:00:00:10',
      datapath: sw1,
      timestamp: 2000,
    });
    expect(again.uuid).toBe(first.uuid);
    expect(again).toMatchObject({ mac: '0a:00:00:00:00:10', timestamp: 2000 });
    await t.sb.macBindings.put({
      logicalPort: 'sw1p1',
      ip: 'fd00::9',
      mac: '0a:00:00:00:00:11',
      datapath: sw1,
      timestamp: 3000,
    });
    expect((await t.sb.macBindings.listWhere([1])).map((m) => m.ip)).toEqual([
      '10.0.1.9',
      'fd00::9',
    ]);
    expect(await t.sb.macBindings.listWhere([2])).toEqual([]);
    expect(await t.sb.macBindings.find('sw1p1', 'fd00::9')).toMatchObject({
      mac: '0a:00:00:00:00:11',
    });
  });

  test('fdb put inserts, then moves the MAC to the new port', async () => {
    const a = await t.sb.fdb.put({ mac: '0a:00:00:00:00:01', dpKey: 1, portKey: 1, timestamp: 10 });
    const b = await t.sb.fdb.put({ mac: '0a:00:00:00:00:01', dpKey: 1, portKey: 2, timestamp: 20 });
    expect(b).toMatchObject({ uuid: a.uuid, port_key: 2, timestamp: 20 });
    expect((await t.sb.fdb.listWhere([1])).map((f) => [f.mac, f.port_key])).toEqual([
      ['0a:00:00:00:00:01', 2],
    ]);
    expect(await t.sb.fdb.listWhere([2])).toEqual([]);
  });
});

describe('named sets', () => {
  test('address sets and port groups are put by name and replaced', async () => {
    await t.sb.addressSets.put('as1', ['10.0.0.1', '10.0.0.2']);
    const again = await t.sb.addressSets.put('as1', ['10.0.0.3']);
    expect(again.addresses).toEqual(['10.0.0.3']);
    expect((await t.sb.addressSets.list()).map((a) => a.name)).toEqual(['as1']);
    await t.sb.portGroups.put('pg1', ['sw1p1', 'sw1p2']);
    expect((await t.sb.portGroups.byName('pg1'))?.ports).toEqual(['sw1p1', 'sw1p2']);
    expect(await t.sb.portGroups.deleteByName('pg1')).toBe(true);
    expect(await t.sb.portGroups.byName('pg1')).toBeUndefined();
  });
});
