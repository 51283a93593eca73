import { describe, expect, test } from 'vitest';
import { type RowChange, SbViewModel } from './sb-view-model.js';

const ins = (table: string, row: Record<string, unknown>): RowChange => ({
  table,
  op: 'insert',
  row,
});
const upd = (table: string, row: Record<string, unknown>): RowChange => ({
  table,
  op: 'update',
  row,
});
const del = (table: string, row: Record<string, unknown>): RowChange => ({
  table,
  op: 'delete',
  row,
});

const flow = {
  uuid: 'f1',
  logical_datapath: null,
  logical_dp_group: 'g1',
  pipeline: 'egress',
  table_id: 2,
  priority: 10,
  match: '1',
  actions: 'next;',
  stage: 'ls_out_acl',
};

describe('SbViewModel', () => {
  test('datapath groups, multicast members and chassis names follow their rows', () => {
    const m = new SbViewModel();
    m.apply([
      ins('port_binding', {
        uuid: 'p1',
        logical_port: 'vm1',
        datapath: 'd1',
        tunnel_key: 1,
        type: '',
        options: {},
        chassis: 'c1',
      }),
      ins('chassis', { uuid: 'c1', name: 'hv1' }),
      ins('encap', { uuid: 'e1', chassis_name: 'hv1', type: 'geneve', ip: '192.0.2.1/32' }),
      ins('datapath_binding', {
        uuid: 'd1',
        tunnel_key: 5,
        type: 'logical-switch',
        external_ids: { name: 'sw0' },
      }),
      ins('datapath_binding', {
        uuid: 'd2',
        tunnel_key: 6,
        type: 'logical-switch',
        external_ids: { name: 'sw1' },
      }),
      ins('logical_dp_group', { uuid: 'g1' }),
      ins('logical_dp_group_datapath', { dp_group: 'g1', datapath: 'd1' }),
      ins('logical_flow', flow),
      ins('multicast_group', { uuid: 'm1', datapath: 'd1', name: '_MC_flood', tunnel_key: 32768 }),
      ins('multicast_group_port', { multicast_group: 'm1', port_binding: 'p1' }),
      ins('address_set', { uuid: 'a1', name: 'as1', addresses: ['10.0.0.1'] }),
      ins('sb_global', { uuid: 's', nb_cfg: 7 }),
    ]);
    let v = m.view();
    expect(v.ports.get('p1')?.chassis).toBe('hv1');
    expect(v.chassis.get('hv1')?.encaps).toEqual([{ type: 'geneve', ip: '192.0.2.1' }]);
    expect(v.flows.get('f1')).toMatchObject({ datapaths: ['d1'], pipeline: 'egress', tableId: 2 });
    expect(v.multicastGroups.get('m1')?.ports).toEqual(['vm1']);
    expect(m.nbCfg).toBe(7);

    m.apply([
      ins('logical_dp_group_datapath', { dp_group: 'g1', datapath: 'd2' }),
      upd('chassis', { uuid: 'c1', name: 'hv1-renamed' }),
      upd('port_binding', {
        uuid: 'p1',
        logical_port: 'vm1b',
        datapath: 'd1',
        tunnel_key: 1,
        type: '',
        options: {},
        chassis: 'c1',
      }),
      upd('address_set', { uuid: 'a1', name: 'as2', addresses: ['10.0.0.2'] }),
    ]);
    v = m.view();
    expect(v.flows.get('f1')?.datapaths).toEqual(['d1', 'd2']);
    expect(v.ports.get('p1')?.chassis).toBe('hv1-renamed');
    expect(v.multicastGroups.get('m1')?.ports).toEqual(['vm1b']);
    expect([...v.addressSets]).toEqual([['as2', ['10.0.0.2']]]);

    m.apply([
      del('logical_dp_group_datapath', { dp_group: 'g1', datapath: 'd1' }),
      del('multicast_group_port', { multicast_group: 'm1', port_binding: 'p1' }),
      del('chassis', { uuid: 'c1', name: 'hv1-renamed' }),
    ]);
    v = m.view();
    expect(v.flows.get('f1')?.datapaths).toEqual(['d2']);
    expect(v.multicastGroups.get('m1')?.ports).toEqual([]);
    expect(v.ports.get('p1')?.chassis).toBeNull();

    m.apply([del('logical_flow', flow), del('multicast_group', { uuid: 'm1' })]);
    v = m.view();
    expect(v.flows.size).toBe(0);
    expect(v.multicastGroups.size).toBe(0);
  });

  test('gateway chassis of a port come from Gateway_Chassis rows and from its HA chassis group', () => {
    const m = new SbViewModel();
    m.apply([
      ins('chassis', { uuid: 'c1', name: 'gw1' }),
      ins('chassis', { uuid: 'c2', name: 'gw2' }),
      ins('port_binding', {
        uuid: 'p1',
        logical_port: 'cr-a',
        datapath: 'd',
        tunnel_key: 2,
        type: 'chassisredirect',
        options: {},
        chassis: null,
      }),
      ins('port_binding', {
        uuid: 'p2',
        logical_port: 'cr-b',
        datapath: 'd',
        tunnel_key: 3,
        type: 'chassisredirect',
        options: {},
        chassis: null,
        ha_chassis_group: 'h',
      }),
      ins('gateway_chassis', {
        uuid: 'g1',
        name: 'cr-a-gw1',
        port_binding: 'p1',
        chassis: 'c1',
        priority: 5,
      }),
      ins('ha_chassis', { uuid: 'h1', ha_chassis_group: 'h', chassis: 'c1', priority: 10 }),
      ins('ha_chassis', { uuid: 'h2', ha_chassis_group: 'h', chassis: 'c2', priority: 20 }),
    ]);
    expect([...(m.view().gatewayChassis ?? [])]).toEqual([
      ['cr-a', [{ chassis: 'gw1', priority: 5 }]],
      [
        'cr-b',
        [
          { chassis: 'gw2', priority: 20 },
          { chassis: 'gw1', priority: 10 },
        ],
      ],
    ]);
    m.apply([del('ha_chassis', { uuid: 'h2' })]);
    expect(m.view().gatewayChassis?.get('cr-b')).toEqual([{ chassis: 'gw1', priority: 10 }]);
  });
});
