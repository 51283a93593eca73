import { describe, expect, test } from 'vitest';
import { twoSubnets } from '../builders/router/test-util.js';
import { icmp4Packet } from './packet.js';
import { simulate } from './simulate.js';
import { worldFromNb } from './world.js';

describe('worldFromNb', () => {
  test('datapaths, patch peers, chassisredirect twins, multicast groups, sets', () => {
    const f = twoSubnets();
    f.insert('gateway_chassis', {
      name: 'gw',
      router_port_uuid: f.id('lrp1'),
      chassis_name: 'hv1',
      priority: 1,
    });
    f.portGroup('pg', ['vm1']);
    f.addressSet('as', ['20.0.0.2', '20.0.0.3']);
    const w = worldFromNb(f.model);
    expect(w.datapaths.map((d) => [d.name, d.kind])).toEqual([
      ['sw0', 'switch'],
      ['sw1', 'switch'],
      ['lr0', 'router'],
    ]);
    const lr0 = w.datapaths.find((d) => d.name === 'lr0')!;
    expect(lr0.ports).toEqual([
      { name: 'lrp0', peer: { datapath: 'sw0', port: 'sw0-lr0' } },
      { name: 'lrp1', peer: { datapath: 'sw1', port: 'sw1-lr0' } },
      { name: 'cr-lrp1', redirect: 'lrp1' },
    ]);
    expect(w.datapaths.find((d) => d.name === 'sw0')!.ports).toEqual([
      { name: 'sw0-lr0', peer: { datapath: 'lr0', port: 'lrp0' } },
      { name: 'vm1' },
    ]);
    expect(w.datapaths.find((d) => d.name === 'sw0')!.multicastGroups).toEqual({
      _MC_flood: ['sw0-lr0', 'vm1'],
    });
    expect(w.addressSets).toEqual({ as: ['20.0.0.2', '20.0.0.3'] });
    expect(w.portGroups).toEqual({ pg: ['vm1'] });
  });

  test('ACL matches naming port groups and address sets are resolved in simulation', () => {
    const f = twoSubnets();
    f.portGroup('pg', ['vm1']);
    f.addressSet('as', ['20.0.0.2']);
    f.acl({ portGroup: 'pg' }, 'from-lport', 1000, 'inport == @pg && ip4.dst == $as', 'drop');
    const w = worldFromNb(f.model);
    const ping = (dst: string) =>
      icmp4Packet({
        ethSrc: '00:00:00:00:00:01',
        ethDst: '00:00:00:00:ff:01',
        src: '10.0.0.2',
        dst,
      });
    const blocked = simulate(w, { datapath: 'sw0', inport: 'vm1', packet: ping('20.0.0.2') });
    expect(blocked.outcomes).toEqual([
      expect.objectContaining({ kind: 'dropped', datapath: 'sw0' }),
    ]);
    const allowed = simulate(w, { datapath: 'sw0', inport: 'vm1', packet: ping('20.0.0.1') });
    expect(allowed.outcomes).toEqual([expect.objectContaining({ kind: 'delivered', port: 'vm1' })]);
  });
});
