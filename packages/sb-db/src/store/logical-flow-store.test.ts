import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { NewLogicalFlow } from '../sb-database.js';
import { sbFeedReader } from '../sb-feed.js';
import { openSbTestDb, type SbTestDb } from '../test-support.js';

let t: SbTestDb;
const dp: Record<number, string> = {};

beforeAll(async () => {
  t = await openSbTestDb('sbflows');
  for (const key of [1, 2, 3])
    dp[key] = (await t.sb.datapaths.insert({ tunnel_key: key, type: 'logical-switch' })).uuid;
});
afterAll(() => t.close());

const flow = (
  datapath: string,
  i: number,
  extra: Partial<NewLogicalFlow> = {},
): NewLogicalFlow => ({
  logical_datapath: datapath,
  pipeline: 'ingress',
  table_id: 0,
  stage: 'ls_in_check_port_sec',
  priority: 100 + (i % 50),
  match: `inport == "p${i}"`,
  actions: 'next;',
  builder: 'port-security',
  nb_uuid: '00000000-0000-0000-0000-00000000000a',
  nb_table: 'logical_switch_port',
  ...extra,
});

describe('logical flows', () => {
  test('bulk insert and delete by uuid, each in one transaction and one feed commit', async () => {
    const reader = sbFeedReader(t.pool);
    const start = await reader.head();
    const uuids = await t.sb.flows.insertMany(
      Array.from({ length: 2500 }, (_, i) => flow(dp[1]!, i)),
    );
    expect(uuids).toHaveLength(2500);
    expect(new Set(uuids).size).toBe(2500);
    const afterInsert = await reader.read(start, 10);
    expect(afterInsert.kind).toBe('commits');
    if (afterInsert.kind !== 'commits') return;
    // 2500 rows went in two statements (the chunk size is 2000) but one transaction: one commit.
    expect(afterInsert.commits).toHaveLength(1);
    const changes = afterInsert.commits[0]!.changes;
    expect(changes).toHaveLength(2500);
    expect(changes.every((c) => c.table === 'logical_flow' && c.op === 'insert')).toBe(true);
    expect(changes.map((c) => c.uuid)).toEqual(uuids);
    expect(changes[0]!.row).toMatchObject({
      stage: 'ls_in_check_port_sec',
      builder: 'port-security',
      nb_table: 'logical_switch_port',
    });

    expect(await t.sb.flows.deleteMany(uuids.slice(0, 2400))).toBe(2400);
    const afterDelete = await reader.read(afterInsert.cursor, 10);
    expect(
      afterDelete.kind === 'commits' && afterDelete.commits.map((c) => c.changes.length),
    ).toEqual([2400]);
    expect(await t.sb.flows.deleteMany(uuids)).toBe(100);
  });

  test('a bad flow in a bulk insert rolls back the whole batch', async () => {
    const before = (await t.sb.flows.list()).length;
    const batch = [flow(dp[1]!, 1), flow(dp[1]!, 2, { table_id: 300 }), flow(dp[1]!, 3)];
    await expect(t.sb.flows.insertMany(batch)).rejects.toMatchObject({
      code: 'constraint',
      message: expect.stringContaining('table_id must be between 0 and 254'),
    });
    expect(await t.sb.flows.list()).toHaveLength(before);
  });

  test('apply deletes and inserts in one transaction', async () => {
    const [a, b] = await t.sb.flows.insertMany([flow(dp[2]!, 1), flow(dp[2]!, 2)]);
    const added = await t.sb.flows.apply({ delete: [a!], insert: [flow(dp[2]!, 3)] });
    const now = (await t.sb.flows.listWhere({ datapathKeys: [2] })).map((f) => f.uuid).sort();
    expect(now).toEqual([b!, added[0]!].sort());
    // A failing insert undoes the delete too.
    await expect(
      t.sb.flows.apply({ delete: [b!], insert: [flow(dp[2]!, 4, { pipeline: 'egress' })] }),
    ).rejects.toMatchObject({
      code: 'constraint',
    });
    expect(await t.sb.flows.get(b!)).toBeDefined();
    await t.sb.flows.deleteMany(now);
  });

  test('a controller reads the flows of its datapaths, including those shared through a group', async () => {
    const group = await t.sb.dpGroups.create([dp[2]!, dp[3]!]);
    await t.sb.flows.insertMany([
      flow(dp[1]!, 1, { match: 'only-1' }),
      flow(dp[3]!, 2, { match: 'only-3' }),
      {
        ...flow(dp[1]!, 3, { match: 'shared-2-3' }),
        logical_datapath: null,
        logical_dp_group: group,
      },
      flow(dp[2]!, 4, {
        match: 'egress-2',
        pipeline: 'egress',
        stage: 'ls_out_apply_port_sec',
        table_id: 9,
      }),
    ]);
    const matches = async (keys: number[]) =>
      (await t.sb.flows.listWhere({ datapathKeys: keys })).map((f) => f.match);
    expect(await matches([1])).toEqual(['only-1']);
    expect(await matches([2])).toEqual(['shared-2-3', 'egress-2']);
    expect((await matches([3])).sort()).toEqual(['only-3', 'shared-2-3']);
    expect(await matches([])).toEqual([]);
    expect((await t.sb.flows.listWhere({ pipeline: 'egress' })).map((f) => f.match)).toEqual([
      'egress-2',
    ]);
    expect(await t.sb.dpGroups.list([1])).toEqual([]);
    expect(await t.sb.dpGroups.list([3])).toEqual([
      { uuid: group, datapaths: [dp[2]!, dp[3]!].sort() },
    ]);
    expect((await t.sb.flows.byNbUuid('00000000-0000-0000-0000-00000000000a')).length).toBe(4);
  });

  test('a transaction spans several stores and rolls back as a whole', async () => {
    class Abandon extends Error {}
    await expect(
      t.sb.transaction(async (tx) => {
        await tx.flows.insertMany([flow(dp[1]!, 1, { match: 'in-tx' })]);
        await tx.global.setNbCfg(9);
        throw new Abandon('northd changed its mind');
      }),
    ).rejects.toBeInstanceOf(Abandon);
    expect((await t.sb.flows.listWhere({ datapathKeys: [1] })).map((f) => f.match)).not.toContain(
      'in-tx',
    );
    expect(await t.sb.global.getNbCfg()).toBe(0);

    await t.sb.transaction(async (tx) => {
      await tx.flows.insertMany([flow(dp[1]!, 1, { match: 'in-tx' })]);
      await tx.global.setNbCfg(9);
      // Nested transactions join the enclosing one.
      await tx.transaction((inner) => inner.addressSets.put('as_in_tx', ['10.0.0.1']));
    });
    expect((await t.sb.flows.listWhere({ datapathKeys: [1] })).map((f) => f.match)).toContain(
      'in-tx',
    );
    expect(await t.sb.global.getNbCfg()).toBe(9);
    expect(await t.sb.addressSets.byName('as_in_tx')).toBeDefined();
  });
});
