import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { sbFeedReader } from './sb-feed.js';
import { openSbTestDb, type SbTestDb } from './test-support.js';

let t: SbTestDb;
beforeAll(async () => {
  t = await openSbTestDb('sbfeed');
});
afterAll(() => t.close());

describe('the SB change feed', () => {
  test('a chassis registration is one commit holding the chassis, its private row and encaps', async () => {
    const reader = sbFeedReader(t.pool);
    const start = await reader.head();
    await t.sb.chassis.register({
      name: 'hv1',
      encaps: [
        { type: 'geneve', ip: '192.0.2.1' },
        { type: 'vxlan', ip: '192.0.2.1' },
      ],
    });
    const r = await reader.read(start);
    expect(
      r.kind === 'commits' && r.commits.map((c) => c.changes.map((ch) => `${ch.op} ${ch.table}`)),
    ).toEqual([['insert chassis', 'insert chassis_private', 'insert encap', 'insert encap']]);
  });

  test('claiming a port records an update with the new chassis and up', async () => {
    const reader = sbFeedReader(t.pool);
    const dp = await t.sb.datapaths.insert({ tunnel_key: 1 });
    await t.sb.ports.insert({ logical_port: 'p1', datapath: dp.uuid, tunnel_key: 1 });
    const start = await reader.head();
    const claimed = await t.sb.ports.claim('p1', 'hv1');
    const r = await reader.read(start);
    expect(r.kind === 'commits' && r.commits.flatMap((c) => c.changes)).toEqual([
      {
        table: 'port_binding',
        op: 'update',
        uuid: claimed.uuid,
        row: expect.objectContaining({ chassis: claimed.chassis, up: true }),
      },
    ]);
  });

  test('a snapshot returns the commit number it includes; following from it misses nothing', async () => {
    const reader = sbFeedReader(t.pool);
    const snap = await t.sb.snapshot(async (view) =>
      (await view.ports.listWhere({ datapathKeys: [1] })).map((p) => p.logical_port),
    );
    expect(snap.value).toEqual(['p1']);
    expect(snap.seq).toBe(await reader.head());
    await t.sb.macBindings.put({
      logicalPort: 'p1',
      ip: '10.0.0.1',
      mac: '0a:00:00:00:00:01',
      datapath: (await t.sb.datapaths.byKey(1))!.uuid,
      timestamp: 5,
    });
    const r = await reader.read(snap.seq);
    expect(r.kind === 'commits' && r.commits.map((c) => c.changes.map((ch) => ch.table))).toEqual([
      ['mac_binding'],
    ]);
  });

  test('a snapshot is read-only', async () => {
    await expect(t.sb.snapshot((view) => view.addressSets.put('x', []))).rejects.toMatchObject({
      message: expect.stringMatching(/read-only/),
    });
  });
});
