import { buildPacket } from '@ovn-ts/datapath';
import { NbFixture } from '@ovn-ts/northd';
import { describe, expect, test } from 'vitest';
import { ChassisHarness } from '../testing/chassis-harness.js';
import { viewFromNorthd } from '../testing/northd-view.js';

const VM1 = { mac: '0a:00:00:00:00:01', ip: '10.0.0.1' };
const VM2 = { mac: '0a:00:00:00:01:01', ip: '10.1.0.1' };
const GW0 = { mac: '0a:00:00:00:ff:00', ip: '10.0.0.254' };
const GW1 = { mac: '0a:00:00:00:ff:01', ip: '10.1.0.254' };

function topology(vm2Addresses = [`${VM2.mac} ${VM2.ip}`]) {
  const fx = new NbFixture();
  fx.switch('sw0');
  fx.switch('sw1');
  fx.port('sw0', 'vm1', { addresses: [`${VM1.mac} ${VM1.ip}`] });
  fx.port('sw1', 'vm2', { addresses: vm2Addresses });
  fx.router('lr0');
  fx.routerPort('lr0', 'lr0-sw0', GW0.mac, [`${GW0.ip}/24`]);
  fx.routerPort('lr0', 'lr0-sw1', GW1.mac, [`${GW1.ip}/24`]);
  fx.connect('sw0', 'sw0-lr0', 'lr0-sw0');
  fx.connect('sw1', 'sw1-lr0', 'lr0-sw1');
  return fx;
}

function harness(fx = topology()) {
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

const ping = (src: { mac: string; ip: string }, dstMac: string, dstIp: string, ttl = 64) =>
  buildPacket({
    eth: { src: src.mac, dst: dstMac },
    ip4: { src: src.ip, dst: dstIp, ttl },
    icmp: { type: 8, code: 0, id: 7, seq: 1 },
  });

describe('two switches joined by a router, one chassis', () => {
  test('the router answers ARP for its address through the patch ports', () => {
    const h = harness();
    expect(h.result.datapaths.map((d) => d.name).sort()).toEqual(['lr0', 'sw0', 'sw1']);
    expect(h.result.problems).toEqual([]);
    h.send('vm1', [
      buildPacket({
        eth: { src: VM1.mac, dst: 'ff:ff:ff:ff:ff:ff' },
        arp: { op: 1, sha: VM1.mac, spa: VM1.ip, tha: '00:00:00:00:00:00', tpa: GW0.ip },
      }),
    ]);
    expect(h.take('vm1')).toEqual([
      buildPacket({
        eth: { src: GW0.mac, dst: VM1.mac },
        arp: { op: 2, sha: GW0.mac, spa: GW0.ip, tha: VM1.mac, tpa: VM1.ip },
      }),
    ]);
  });

  test('the router answers a ping to its address', () => {
    const h = harness();
    h.send('vm1', [ping(VM1, GW0.mac, GW0.ip)]);
    const [reply] = h.take('vm1');
    expect(reply).toBeDefined();
    expect(reply).toEqual(
      buildPacket({
        eth: { src: GW0.mac, dst: VM1.mac },
        ip4: { src: GW0.ip, dst: VM1.ip, ttl: 254 },
        icmp: { type: 0, code: 0, id: 7, seq: 1 },
      }),
    );
  });

  test("routing to a port with known addresses uses northd's static binding", () => {
    const h = harness();
    h.send('vm1', [ping(VM1, GW0.mac, VM2.ip)]);
    expect(h.take('vm2')).toEqual([ping({ mac: GW1.mac, ip: VM1.ip }, VM2.mac, VM2.ip, 63)]);
    h.send('vm2', [ping(VM2, GW1.mac, VM1.ip)]);
    expect(h.take('vm1')).toEqual([ping({ mac: GW0.mac, ip: VM2.ip }, VM1.mac, VM1.ip, 63)]);
  });

  test('routing: the router ARPs for an unknown next hop (controller), learns it (put_arp), then forwards', () => {
    const h = harness(topology(['unknown']));
    h.send('vm1', [ping(VM1, GW0.mac, VM2.ip)]);
    // The next hop is unknown: the router's arp { } asks for it on sw1, through the controller.
    expect(h.take('vm2')).toEqual([
      buildPacket({
        eth: { src: GW1.mac, dst: 'ff:ff:ff:ff:ff:ff' },
        arp: { op: 1, sha: GW1.mac, spa: GW1.ip, tha: '00:00:00:00:00:00', tpa: VM2.ip },
      }),
    ]);
    h.send('vm2', [
      buildPacket({
        eth: { src: VM2.mac, dst: GW1.mac },
        arp: { op: 2, sha: VM2.mac, spa: VM2.ip, tha: GW1.mac, tpa: GW1.ip },
      }),
    ]);
    expect([...h.view.macBindings.values()].map((b) => [b.logicalPort, b.ip, b.mac])).toEqual([
      ['lr0-sw1', VM2.ip, VM2.mac],
    ]);
    h.send('vm1', [ping(VM1, GW0.mac, VM2.ip)]);
    expect(h.take('vm2')).toEqual([ping({ mac: GW1.mac, ip: VM1.ip }, VM2.mac, VM2.ip, 63)]);
    expect(h.unhandled).toEqual([]);
  });
});
