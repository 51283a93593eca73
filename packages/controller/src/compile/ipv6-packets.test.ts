import { buildPacket } from '@ovn-ts/datapath';
import { NbFixture } from '@ovn-ts/northd';
import { describe, expect, test } from 'vitest';
import { ChassisHarness } from '../testing/chassis-harness.js';
import { viewFromNorthd } from '../testing/northd-view.js';

const VM1 = { mac: '0a:00:00:00:00:01', ip: 'fd00::5' };
const VM2 = { mac: '0a:00:00:00:01:01', ip: 'fd01::5' };
const GW0 = { mac: '0a:00:00:00:ff:00', ip: 'fd00::1' };
const GW1 = { mac: '0a:00:00:00:ff:01', ip: 'fd01::1' };
type Host = { mac: string; ip: string };

function harness() {
  const fx = new NbFixture();
  fx.switch('sw0');
  fx.switch('sw1');
  fx.port('sw0', 'vm1', { addresses: [`${VM1.mac} ${VM1.ip}`] });
  fx.port('sw1', 'vm2', { addresses: ['unknown'] });
  fx.router('lr0');
  fx.routerPort('lr0', 'lr0-sw0', GW0.mac, [`${GW0.ip}/64`]);
  fx.routerPort('lr0', 'lr0-sw1', GW1.mac, [`${GW1.ip}/64`]);
  fx.connect('sw0', 'sw0-lr0', 'lr0-sw0');
  fx.connect('sw1', 'sw1-lr0', 'lr0-sw1');
  const view = viewFromNorthd(fx, { bindings: { vm1: 'hv1', vm2: 'hv1' } });
  return new ChassisHarness(view, {
    chassis: 'hv1',
    localPorts: new Map([
      ['vm1', 1],
      ['vm2', 2],
    ]),
    tunnels: new Map(),
    zones: new Map(),
  });
}

const ping6 = (from: Host, dstMac: string, dstIp: string, hopLimit = 64) =>
  buildPacket({
    eth: { src: from.mac, dst: dstMac },
    ip6: { src: from.ip, dst: dstIp, hopLimit },
    icmp: { type: 128, code: 0, id: 9, seq: 1 },
  });

describe('IPv6 through a router (ND by the controller)', () => {
  test('the router answers neighbour solicitation for its address (nd_na_router)', () => {
    const h = harness();
    expect(h.result.problems).toEqual([]);
    h.send('vm1', [
      buildPacket({
        eth: { src: VM1.mac, dst: '33:33:ff:00:00:01' },
        ip6: { src: VM1.ip, dst: 'ff02::1:ff00:1', hopLimit: 255 },
        nd: { type: 135, target: GW0.ip, sll: VM1.mac },
      }),
    ]);
    expect(h.take('vm1')).toEqual([
      buildPacket({
        eth: { src: GW0.mac, dst: VM1.mac },
        ip6: { src: GW0.ip, dst: VM1.ip, hopLimit: 255 },
        nd: { type: 136, target: GW0.ip, tll: GW0.mac, flags: 0xe0000000 },
      }),
    ]);
  });

  test('routing: nd_ns for an unknown next hop, put_nd learns the answer, then forwarding', () => {
    const h = harness();
    h.send('vm1', [ping6(VM1, GW0.mac, VM2.ip)]);
    expect(h.take('vm2')).toEqual([
      buildPacket({
        eth: { src: GW1.mac, dst: '33:33:ff:00:00:05' },
        ip6: { src: 'fe80::800:ff:fe00:ff01', dst: 'ff02::1:ff00:5', hopLimit: 255 },
        nd: { type: 135, target: VM2.ip, sll: GW1.mac },
      }),
    ]);
    h.send('vm2', [
      buildPacket({
        eth: { src: VM2.mac, dst: GW1.mac },
        ip6: { src: VM2.ip, dst: 'fe80::800:ff:fe00:ff01', hopLimit: 255 },
        nd: { type: 136, target: VM2.ip, tll: VM2.mac, flags: 0x60000000 },
      }),
    ]);
    expect([...h.view.macBindings.values()].map((b) => [b.logicalPort, b.ip, b.mac])).toEqual([
      ['lr0-sw1', VM2.ip, VM2.mac],
    ]);
    h.send('vm1', [ping6(VM1, GW0.mac, VM2.ip)]);
    expect(h.take('vm2')).toEqual([ping6({ mac: GW1.mac, ip: VM1.ip }, VM2.mac, VM2.ip, 63)]);
    expect(h.unhandled).toEqual([]);
  });

  test('hop limit 1: ICMPv6 time exceeded from the router (icmp6 {})', () => {
    const h = harness();
    const expired = ping6(VM1, GW0.mac, VM2.ip, 1);
    h.send('vm1', [expired]);
    expect(h.take('vm1')).toEqual([
      buildPacket({
        eth: { src: GW0.mac, dst: VM1.mac },
        ip6: { src: GW0.ip, dst: VM1.ip, hopLimit: 254 },
        icmp: { type: 3, code: 0 },
        payload: expired.slice(14),
      }),
    ]);
  });
});
