import { buildPacket, linkMemoryPorts } from '@ovn-ts/datapath';
import { NbFixture } from '@ovn-ts/northd';
import { describe, expect, test } from 'vitest';
import { ChassisHarness } from '../testing/chassis-harness.js';
import { viewFromNorthd } from '../testing/northd-view.js';

const VM1 = { mac: '0a:00:00:00:00:01', ip: '10.0.0.1' };
const VM2 = { mac: '0a:00:00:00:00:02', ip: '10.0.0.2' };
const VM3 = { mac: '0a:00:00:00:01:03', ip: '10.1.0.3' };
const GW0 = { mac: '0a:00:00:00:ff:00', ip: '10.0.0.254' };
const GW1 = { mac: '0a:00:00:00:ff:01', ip: '10.1.0.254' };

/** vm1 on hv1; vm2 (same switch) and vm3 (behind the router) on hv2; a Geneve link between them. */
function twoChassis() {
  const fx = new NbFixture();
  fx.switch('sw0');
  fx.switch('sw1');
  fx.port('sw0', 'vm1', { addresses: [`${VM1.mac} ${VM1.ip}`] });
  fx.port('sw0', 'vm2', { addresses: [`${VM2.mac} ${VM2.ip}`] });
  fx.port('sw1', 'vm3', { addresses: [`${VM3.mac} ${VM3.ip}`] });
  fx.router('lr0');
  fx.routerPort('lr0', 'lr0-sw0', GW0.mac, [`${GW0.ip}/24`]);
  fx.routerPort('lr0', 'lr0-sw1', GW1.mac, [`${GW1.ip}/24`]);
  fx.connect('sw0', 'sw0-lr0', 'lr0-sw0');
  fx.connect('sw1', 'sw1-lr0', 'lr0-sw1');
  const chassis = [
    { name: 'hv1', encaps: [{ type: 'geneve' as const, ip: '192.0.2.1' }] },
    { name: 'hv2', encaps: [{ type: 'geneve' as const, ip: '192.0.2.2' }] },
  ];
  const view = viewFromNorthd(fx, { bindings: { vm1: 'hv1', vm2: 'hv2', vm3: 'hv2' }, chassis });
  const [a, b] = linkMemoryPorts({ kind: 'geneve', tunnel: true });
  const hv1 = new ChassisHarness(
    view,
    {
      chassis: 'hv1',
      localPorts: new Map([['vm1', 1]]),
      tunnels: new Map([['hv2', 10]]),
      zones: new Map(),
    },
    new Map([['hv2', a]]),
  );
  const hv2 = new ChassisHarness(
    view,
    {
      chassis: 'hv2',
      localPorts: new Map([
        ['vm2', 1],
        ['vm3', 2],
      ]),
      tunnels: new Map([['hv1', 10]]),
      zones: new Map(),
    },
    new Map([['hv1', b]]),
  );
  return { hv1, hv2 };
}

const ping = (src: { mac: string; ip: string }, dstMac: string, dstIp: string, ttl = 64) =>
  buildPacket({
    eth: { src: src.mac, dst: dstMac },
    ip4: { src: src.ip, dst: dstIp, ttl },
    icmp: { type: 8, code: 0, id: 1, seq: 1 },
  });

describe('two chassis joined by a Geneve tunnel', () => {
  test('a ping crosses the tunnel both ways on one switch', () => {
    const { hv1, hv2 } = twoChassis();
    hv1.send('vm1', [ping(VM1, VM2.mac, VM2.ip)]);
    expect(hv2.take('vm2')).toEqual([ping(VM1, VM2.mac, VM2.ip)]);
    hv2.send('vm2', [ping(VM2, VM1.mac, VM1.ip)]);
    expect(hv1.take('vm1')).toEqual([ping(VM2, VM1.mac, VM1.ip)]);
  });

  test('a broadcast reaches the remote chassis once, and only its local members there', () => {
    const { hv1, hv2 } = twoChassis();
    const arp = buildPacket({
      eth: { src: VM1.mac, dst: 'ff:ff:ff:ff:ff:ff' },
      arp: { op: 1, sha: VM1.mac, spa: VM1.ip, tha: '00:00:00:00:00:00', tpa: '10.0.0.77' },
    });
    hv1.send('vm1', [arp]);
    expect(hv2.take('vm2')).toEqual([arp]);
    expect(hv2.take('vm3')).toEqual([]);
    expect(hv1.take('vm1')).toEqual([]);
  });

  test('routed traffic runs the router on the sending chassis and crosses the tunnel on the last switch', () => {
    const { hv1, hv2 } = twoChassis();
    hv1.send('vm1', [ping(VM1, GW0.mac, VM3.ip)]);
    expect(hv2.take('vm3')).toEqual([ping({ mac: GW1.mac, ip: VM1.ip }, VM3.mac, VM3.ip, 63)]);
    hv2.send('vm3', [ping(VM3, GW1.mac, VM1.ip)]);
    expect(hv1.take('vm1')).toEqual([ping({ mac: GW0.mac, ip: VM3.ip }, VM1.mac, VM1.ip, 63)]);
  });
});
