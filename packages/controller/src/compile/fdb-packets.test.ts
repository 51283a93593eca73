import { buildPacket } from '@ovn-ts/datapath';
import { NbFixture } from '@ovn-ts/northd';
import { describe, expect, test } from 'vitest';
import { ChassisHarness } from '../testing/chassis-harness.js';
import { viewFromNorthd } from '../testing/northd-view.js';

const A = { mac: '0a:00:00:00:aa:01', ip: '192.168.0.1' };
const B = { mac: '0a:00:00:00:bb:02', ip: '192.168.0.2' };
type Host = { mac: string; ip: string };
const udp = (from: Host, to: Host) =>
  buildPacket({
    eth: { src: from.mac, dst: to.mac },
    ip4: { src: from.ip, dst: to.ip },
    udp: { sport: 1000, dport: 2000 },
  });

describe('MAC learning on ports with unknown addresses (put_fdb, get_fdb, lookup_fdb)', () => {
  test('unknown destinations flood; once both MACs are learnt traffic goes to one port only', () => {
    const fx = new NbFixture();
    fx.switch('sw0');
    for (const vm of ['vm1', 'vm2', 'vm3']) fx.port('sw0', vm, { addresses: ['unknown'] });
    const view = viewFromNorthd(fx, { bindings: { vm1: 'hv1', vm2: 'hv1', vm3: 'hv1' } });
    const h = new ChassisHarness(view, {
      chassis: 'hv1',
      localPorts: new Map([
        ['vm1', 1],
        ['vm2', 2],
        ['vm3', 3],
      ]),
      tunnels: new Map(),
      zones: new Map(),
    });
    expect(h.result.problems).toEqual([]);

    h.send('vm1', [udp(A, B)]);
    expect([h.take('vm2').length, h.take('vm3').length]).toEqual([1, 1]);
    expect([...(h.view.fdb?.values() ?? [])].map((e) => [e.mac, e.portKey])).toEqual([[A.mac, 1]]);

    h.send('vm2', [udp(B, A)]);
    expect(h.take('vm1')).toEqual([udp(B, A)]);
    expect(h.take('vm3')).toEqual([]);

    h.send('vm1', [udp(A, B)]);
    expect(h.take('vm2')).toEqual([udp(A, B)]);
    expect(h.take('vm3')).toEqual([]);
    expect(h.view.fdb?.size).toBe(2);
  });
});
