import { buildPacket, linkMemoryPorts } from '@ovn-ts/datapath';
import { NbFixture } from '@ovn-ts/northd';
import { describe, expect, test } from 'vitest';
import { ChassisHarness } from '../testing/chassis-harness.js';
import { viewFromNorthd } from '../testing/northd-view.js';
import type { SbView } from './sb-view.js';

const VM1 = { mac: '0a:00:00:00:00:01', ip: '10.0.0.1' };
const GW0 = { mac: '0a:00:00:00:ff:00', ip: '10.0.0.254' };

/**
 * A gateway router: its ports are of type l3gateway and bound to hv2 (what northd will write for
 * a router with options:chassis=hv2; set by hand here). vm1 lives on hv1.
 */
function gatewayRouter(): SbView {
  const fx = new NbFixture();
  fx.switch('sw0');
  fx.port('sw0', 'vm1', { addresses: [`${VM1.mac} ${VM1.ip}`] });
  fx.router('lr0');
  fx.routerPort('lr0', 'lr0-sw0', GW0.mac, [`${GW0.ip}/24`]);
  fx.connect('sw0', 'sw0-lr0', 'lr0-sw0');
  const chassis = [
    { name: 'hv1', encaps: [{ type: 'geneve' as const, ip: '192.0.2.1' }] },
    { name: 'hv2', encaps: [{ type: 'geneve' as const, ip: '192.0.2.2' }] },
  ];
  const view = viewFromNorthd(fx, { bindings: { vm1: 'hv1' }, chassis });
  const ports = new Map(view.ports);
  for (const [k, p] of ports) {
    if (p.name === 'sw0-lr0' || p.name === 'lr0-sw0')
      ports.set(k, { ...p, type: 'l3gateway', chassis: 'hv2' });
  }
  return { ...view, ports };
}

describe('a gateway router bound to another chassis', () => {
  test('vm1 reaches the router through the tunnel; the router runs only on its chassis', () => {
    const view = gatewayRouter();
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
      { chassis: 'hv2', localPorts: new Map(), tunnels: new Map([['hv1', 10]]), zones: new Map() },
      new Map([['hv1', b]]),
    );
    expect(hv1.result.datapaths.map((d) => d.name)).toEqual(['sw0']);
    expect(hv2.result.datapaths.map((d) => d.name).sort()).toEqual(['lr0', 'sw0']);

    // ARP for the router: broadcast on hv1, one copy through the tunnel, answered on hv2.
    hv1.send('vm1', [
      buildPacket({
        eth: { src: VM1.mac, dst: 'ff:ff:ff:ff:ff:ff' },
        arp: { op: 1, sha: VM1.mac, spa: VM1.ip, tha: '00:00:00:00:00:00', tpa: GW0.ip },
      }),
    ]);
    expect(hv1.take('vm1')).toEqual([
      buildPacket({
        eth: { src: GW0.mac, dst: VM1.mac },
        arp: { op: 2, sha: GW0.mac, spa: GW0.ip, tha: VM1.mac, tpa: VM1.ip },
      }),
    ]);
    // A ping to the router is answered there, and comes back through the tunnel.
    const ping = buildPacket({
      eth: { src: VM1.mac, dst: GW0.mac },
      ip4: { src: VM1.ip, dst: GW0.ip },
      icmp: { type: 8, code: 0, id: 4, seq: 1 },
    });
    hv1.send('vm1', [ping]);
    expect(hv1.take('vm1')).toEqual([
      buildPacket({
        eth: { src: GW0.mac, dst: VM1.mac },
        ip4: { src: GW0.ip, dst: VM1.ip, ttl: 254 },
        icmp: { type: 0, code: 0, id: 4, seq: 1 },
      }),
    ]);
  });
});
