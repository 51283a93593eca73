import { buildPacket, UdpTunnelPort } from '@ovn-ts/datapath';
import { NbFixture } from '@ovn-ts/northd';
import { afterEach, describe, expect, test } from 'vitest';
import { ChassisHarness } from '../testing/chassis-harness.js';
import { viewFromNorthd } from '../testing/northd-view.js';
import { TunnelMux } from './tunnel-mux.js';

const VM1 = { mac: '0a:00:00:00:00:01', ip: '10.0.0.1' };
const VM2 = { mac: '0a:00:00:00:00:02', ip: '10.0.0.2' };
const ping = (from: typeof VM1, to: typeof VM1) =>
  buildPacket({
    eth: { src: from.mac, dst: to.mac },
    ip4: { src: from.ip, dst: to.ip },
    icmp: { type: 8, code: 0 },
  });

const muxes: TunnelMux[] = [];
afterEach(async () => {
  await Promise.all(muxes.splice(0).map((m) => m.close()));
});

describe('Geneve over real UDP sockets', () => {
  test('two chassis on 127.0.0.1 and 127.0.0.2 exchange logical traffic through one socket each', async () => {
    const fx = new NbFixture();
    fx.switch('sw0');
    fx.port('sw0', 'vm1', { addresses: [`${VM1.mac} ${VM1.ip}`] });
    fx.port('sw0', 'vm2', { addresses: [`${VM2.mac} ${VM2.ip}`] });
    const view = viewFromNorthd(fx, { bindings: { vm1: 'hv1', vm2: 'hv2' } });
    // Each side's socket sends to the other's port (the standard port is not free on a shared machine).
    const port2 = 40_000 + Math.floor(Math.random() * 20_000);
    const s1 = await UdpTunnelPort.open({
      encapsulation: 'geneve',
      localIp: '127.0.0.1',
      localPort: 0,
      remotePort: port2,
    });
    const s2 = await UdpTunnelPort.open({
      encapsulation: 'geneve',
      localIp: '127.0.0.2',
      localPort: port2,
      remotePort: s1.localPort,
    });
    const m1 = new TunnelMux(s1);
    const m2 = new TunnelMux(s2);
    muxes.push(m1, m2);
    const hv1 = new ChassisHarness(
      view,
      {
        chassis: 'hv1',
        localPorts: new Map([['vm1', 1]]),
        tunnels: new Map([['hv2', 10]]),
        zones: new Map(),
      },
      new Map([['hv2', m1.port('127.0.0.2')]]),
    );
    const hv2 = new ChassisHarness(
      view,
      {
        chassis: 'hv2',
        localPorts: new Map([['vm2', 1]]),
        tunnels: new Map([['hv1', 10]]),
        zones: new Map(),
      },
      new Map([['hv1', m2.port('127.0.0.1')]]),
    );
    hv1.send('vm1', [ping(VM1, VM2)]);
    await expect.poll(() => hv2.vifs.get('vm2')!.sent.length, { timeout: 5000 }).toBe(1);
    expect(hv2.take('vm2')).toEqual([ping(VM1, VM2)]);
    hv2.send('vm2', [ping(VM2, VM1)]);
    await expect.poll(() => hv1.vifs.get('vm1')!.sent.length, { timeout: 5000 }).toBe(1);
    expect(hv1.take('vm1')).toEqual([ping(VM2, VM1)]);
  });
});
