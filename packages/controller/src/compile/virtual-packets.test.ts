import { buildPacket } from '@ovn-ts/datapath';
import { NbFixture } from '@ovn-ts/northd';
import { describe, expect, test } from 'vitest';
import { ChassisHarness } from '../testing/chassis-harness.js';
import { viewFromNorthd } from '../testing/northd-view.js';

const VM1 = { mac: '0a:00:00:00:00:01', ip: '10.0.0.1' };
const VM2 = { mac: '0a:00:00:00:00:02', ip: '10.0.0.2' };
const VIP = { mac: '0a:00:00:00:00:64', ip: '10.0.0.100' };

describe('virtual ports (bind_vport)', () => {
  test("a parent's gratuitous ARP binds the virtual port here; then traffic to it reaches the parent", () => {
    const fx = new NbFixture();
    fx.switch('sw0');
    fx.port('sw0', 'vm1', { addresses: [`${VM1.mac} ${VM1.ip}`] });
    fx.port('sw0', 'vm2', { addresses: [`${VM2.mac} ${VM2.ip}`] });
    fx.port('sw0', 'vip', {
      type: 'virtual',
      addresses: [`${VIP.mac} ${VIP.ip}`],
      options: { 'virtual-ip': VIP.ip, 'virtual-parents': 'vm1' },
    });
    const view = viewFromNorthd(fx, { bindings: { vm1: 'hv1', vm2: 'hv1' } });
    const h = new ChassisHarness(view, {
      chassis: 'hv1',
      localPorts: new Map([
        ['vm1', 1],
        ['vm2', 2],
      ]),
      tunnels: new Map(),
      zones: new Map(),
    });
    expect(h.result.problems).toEqual([]);
    const toVip = buildPacket({
      eth: { src: VM2.mac, dst: VIP.mac },
      ip4: { src: VM2.ip, dst: VIP.ip },
      udp: { sport: 1, dport: 2 },
    });
    h.send('vm2', [toVip]);
    expect(h.take('vm1')).toEqual([]);

    h.send('vm1', [
      buildPacket({
        eth: { src: VM1.mac, dst: 'ff:ff:ff:ff:ff:ff' },
        arp: { op: 1, sha: VM1.mac, spa: VIP.ip, tha: '00:00:00:00:00:00', tpa: VIP.ip },
      }),
    ]);
    const vip = [...h.view.ports.values()].find((p) => p.name === 'vip');
    expect([vip?.chassis, vip?.virtualParent]).toEqual(['hv1', 'vm1']);
    h.take('vm2');
    h.send('vm2', [toVip]);
    expect(h.take('vm1')).toEqual([toVip]);
  });
});
