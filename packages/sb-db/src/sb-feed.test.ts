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

  test('logical flows are recorded by reference; the reader gets them whole, or not at all once gone', async () => {
    const reader = sbFeedReader(t.pool);
    const dp = await t.sb.datapaths.insert({ tunnel_key: 2 });
    const start = await reader.head();
    const flow = (priority: number) =>
      t.pool.query<{ uuid: string }>(
        `INSERT INTO sb.logical_flow (logical_datapath, pipeline, table_id, stage, priority, match, actions)
         VALUES ($1, 'ingress', 0, 'ls_in_check_port_sec', $2, 'inport == "p1"', 'next;') RETURNING uuid`,
        [dp.uuid, priority],
      );
    const kept = (await flow(100)).rows[0]!.uuid;
    const gone = (await flow(50)).rows[0]!.uuid;
    await t.pool.query('DELETE FROM sb.logical_flow WHERE uuid = $1', [gone]);

    // change_log holds the flow's id and datapath columns only.
    const logged = await t.pool.query(
      `SELECT l.op, l.row FROM sb.change_log l JOIN sb.feed_commit c ON c.txid = l.txid
        WHERE c.seq > $1 AND l.tbl = 'logical_flow' ORDER BY c.seq, l.id`,
      [start],
    );
    const ref = (uuid: string) => ({ uuid, logical_datapath: dp.uuid, logical_dp_group: null });
    expect(logged.rows).toEqual([
      { op: 'insert', row: ref(kept) },
      { op: 'insert', row: ref(gone) },
      { op: 'delete', row: ref(gone) },
    ]);
    // The reader sees the kept flow whole; the insert of the one deleted since is skipped, and
    // its delete arrives with the reference.
    const r = await reader.read(start);
    if (r.kind !== 'commits') throw new Error('unexpected resync');
    expect(r.commits.map((c) => c.changes.map((ch) => [ch.op, ch.uuid]))).toEqual([
      [['insert', kept]],
      [],
      [['delete', gone]],
    ]);
    expect(r.commits[0]!.changes[0]!.row).toMatchObject({
      uuid: kept,
      priority: 100,
      match: 'inport == "p1"',
      actions: 'next;',
      stage: 'ls_in_check_port_sec',
    });
    expect(r.commits[2]!.changes[0]!.row).toEqual(ref(gone));
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
