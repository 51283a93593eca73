import { describe, expect, test } from 'vitest';
import {
  interestOf,
  noInterest,
  rowRelevant,
  type SbInterest,
  selectChanges,
} from './sb-interest.js';
import { type RowChange, SbViewModel } from './sb-view-model.js';

const D1 = '00000000-0000-4000-8000-0000000000d1';
const D2 = '00000000-0000-4000-8000-0000000000d2';
const D3 = '00000000-0000-4000-8000-0000000000d3';
const G1 = '00000000-0000-4000-8000-0000000000a1';
const M1 = '00000000-0000-4000-8000-0000000000c1';
const CH = '00000000-0000-4000-8000-0000000000e1';

const interest: SbInterest = {
  chassisUuid: CH,
  names: new Set(['vm9']),
  datapaths: new Set([D1]),
  datapathKeys: new Set([1]),
  dpGroups: new Set([G1]),
  multicastGroups: new Set([M1]),
};

describe('rowRelevant', () => {
  // Each row: table, row, whether the chassis follows it, and why.
  const cases: Array<[string, Record<string, unknown>, boolean, string]> = [
    ['chassis', { name: 'hv7' }, true, 'whole table'],
    ['datapath_binding', { uuid: D2 }, true, 'whole table'],
    ['port_binding', { datapath: D1, type: '' }, true, 'local datapath'],
    ['port_binding', { datapath: D2, type: '' }, false, 'other datapath'],
    ['port_binding', { datapath: D2, type: 'patch' }, true, 'skeleton: links datapaths'],
    ['port_binding', { datapath: D2, type: 'chassisredirect' }, true, 'skeleton: may bind here'],
    [
      'port_binding',
      { datapath: D2, type: '', logical_port: 'vm9' },
      true,
      'attached here by name',
    ],
    ['port_binding', { datapath: D2, type: '', chassis: CH }, true, 'bound here'],
    ['logical_flow', { logical_datapath: D1 }, true, 'local datapath'],
    ['logical_flow', { logical_datapath: D2 }, false, 'other datapath'],
    [
      'logical_flow',
      { logical_datapath: null, logical_dp_group: G1 },
      true,
      'group with a local member',
    ],
    ['logical_flow', { logical_datapath: null, logical_dp_group: D3 }, false, 'other group'],
    [
      'logical_dp_group_datapath',
      { dp_group: D3, datapath: D1 },
      true,
      'membership of a local datapath',
    ],
    ['logical_dp_group_datapath', { dp_group: G1, datapath: D2 }, false, 'a non-local member'],
    ['multicast_group', { datapath: D1 }, true, 'local datapath'],
    ['multicast_group_port', { multicast_group: M1 }, true, 'followed group'],
    ['multicast_group_port', { multicast_group: D3 }, false, 'other group'],
    ['mac_binding', { datapath: D2 }, false, 'other datapath'],
    ['fdb', { dp_key: 1 }, true, 'local key'],
    ['fdb', { dp_key: 2 }, false, 'other key'],
    ['chassis_private', { name: 'hv1' }, false, 'not followed'],
  ];
  test.each(cases)('%s %j → %s (%s)', (table, row, want) => {
    expect(rowRelevant(interest, table, row)).toBe(want);
  });
});

describe('selectChanges', () => {
  test('an update that takes a held row out of scope becomes a delete; unheld irrelevant rows drop', () => {
    const held = new Set(['f1']);
    const changes: RowChange[] = [
      { table: 'logical_flow', op: 'update', row: { uuid: 'f1', logical_datapath: D2 } },
      { table: 'logical_flow', op: 'update', row: { uuid: 'f2', logical_datapath: D2 } },
      { table: 'logical_flow', op: 'insert', row: { uuid: 'f3', logical_datapath: D2 } },
      { table: 'logical_flow', op: 'insert', row: { uuid: 'f4', logical_datapath: D1 } },
    ];
    const out = selectChanges(interest, changes, (_t, u) => held.has(u));
    expect(out.map((c) => [c.row.uuid, c.op])).toEqual([
      ['f1', 'delete'],
      ['f4', 'insert'],
    ]);
  });
});

describe('interestOf and retain', () => {
  const row = (table: string, r: Record<string, unknown>): RowChange => ({
    table,
    op: 'insert',
    row: r,
  });
  const model = () => {
    const m = new SbViewModel();
    m.apply([
      row('chassis', { uuid: CH, name: 'hv1' }),
      row('datapath_binding', { uuid: D1, tunnel_key: 1, type: 'logical-switch' }),
      row('datapath_binding', { uuid: D2, tunnel_key: 2, type: 'logical-router' }),
      row('datapath_binding', { uuid: D3, tunnel_key: 3, type: 'logical-switch' }),
      row('port_binding', {
        uuid: 'p1',
        logical_port: 'vm1',
        datapath: D1,
        tunnel_key: 1,
        type: '',
      }),
      row('port_binding', {
        uuid: 'p2',
        logical_port: 'd1-r',
        datapath: D1,
        tunnel_key: 2,
        type: 'patch',
        options: { peer: 'r-d1' },
      }),
      row('port_binding', {
        uuid: 'p3',
        logical_port: 'r-d1',
        datapath: D2,
        tunnel_key: 1,
        type: 'patch',
        options: { peer: 'd1-r' },
      }),
      row('port_binding', {
        uuid: 'p4',
        logical_port: 'vm3',
        datapath: D3,
        tunnel_key: 1,
        type: '',
      }),
      row('logical_dp_group_datapath', { dp_group: G1, datapath: D2 }),
      row('logical_flow', {
        uuid: 'f1',
        logical_datapath: D1,
        pipeline: 'ingress',
        stage: 'ls_in_acl',
      }),
      row('logical_flow', {
        uuid: 'f3',
        logical_datapath: D3,
        pipeline: 'ingress',
        stage: 'ls_in_acl',
      }),
      row('logical_flow', {
        uuid: 'fg',
        logical_dp_group: G1,
        pipeline: 'ingress',
        stage: 'lr_in_admission',
      }),
      row('multicast_group', { uuid: M1, datapath: D1, name: '_MC_flood', tunnel_key: 32768 }),
      row('multicast_group_port', { multicast_group: M1, port_binding: 'p1' }),
    ]);
    return m;
  };

  test('local datapaths reach through patch ports; groups and multicast groups of them follow', () => {
    const i = interestOf(model(), 'hv1', new Map([['vm1', 1]]));
    expect([...i.datapaths].sort()).toEqual([D1, D2]);
    expect([...i.datapathKeys].sort()).toEqual([1, 2]);
    expect([...i.dpGroups]).toEqual([G1]);
    expect([...i.multicastGroups]).toEqual([M1]);
    expect(i.chassisUuid).toBe(CH);
    expect(interestOf(model(), 'hv1', new Map()).datapaths.size).toBe(0);
  });

  test('retain forgets the rows of datapaths no longer local, keeping the skeleton', () => {
    const m = model();
    const i = { ...interestOf(m, 'hv1', new Map([['vm1', 1]])), chassisUuid: undefined };
    m.retain((t, r) => rowRelevant(i, t, r));
    const v = m.view();
    expect([...v.flows.keys()].sort()).toEqual(['f1', 'fg']);
    expect([...v.ports.values()].map((p) => p.name).sort()).toEqual(['d1-r', 'r-d1', 'vm1']);
    m.retain((t, r) => rowRelevant(noInterest, t, r));
    expect(m.view().flows.size).toBe(0);
    expect(m.view().multicastGroups.size).toBe(0);
    expect([...m.view().ports.values()].map((p) => p.name).sort()).toEqual(['d1-r', 'r-d1']);
    expect(m.dpGroupsWith(new Set([D2])).size).toBe(0);
  });
});
