import { buildPacket, Datapath, MemoryPort } from '@ovn-ts/datapath';
import { NbFixture } from '@ovn-ts/northd';
import { describe, expect, test } from 'vitest';
import { viewFromNorthd } from '../testing/northd-view.js';
import { compileView } from './compiler.js';
import { nothingInstalled, planInstall } from './install-plan.js';
import type { LocalContext } from './sb-view.js';

const VM1 = { mac: '0a:00:00:00:00:01', ip: '10.0.0.1' };
const VM2 = { mac: '0a:00:00:00:00:02', ip: '10.0.0.2' };

function twoVms() {
  const fx = new NbFixture();
  fx.switch('sw0');
  fx.port('sw0', 'vm1', { addresses: [`${VM1.mac} ${VM1.ip}`] });
  fx.port('sw0', 'vm2', { addresses: [`${VM2.mac} ${VM2.ip}`] });
  return fx;
}

function install(cx: LocalContext, fx: NbFixture) {
  const result = compileView(viewFromNorthd(fx, { bindings: { vm1: 'hv1', vm2: 'hv1' } }), cx);
  const dp = new Datapath({ now: () => 0 });
  const ports = { vm1: new MemoryPort(), vm2: new MemoryPort() };
  dp.addPort('vm1', ports.vm1, { port: 1 });
  dp.addPort('vm2', ports.vm2, { port: 2 });
  dp.bundle(planInstall(nothingInstalled, result, 1).mods);
  return { dp, ports, result };
}

const cx: LocalContext = {
  chassis: 'hv1',
  localPorts: new Map([
    ['vm1', 1],
    ['vm2', 2],
  ]),
  tunnels: new Map(),
  zones: new Map([
    ['vm1', 1],
    ['vm2', 2],
  ]),
};

const arpRequest = (from: typeof VM1, to: typeof VM1) =>
  buildPacket({
    eth: { src: from.mac, dst: 'ff:ff:ff:ff:ff:ff' },
    arp: { op: 1, sha: from.mac, spa: from.ip, tha: '00:00:00:00:00:00', tpa: to.ip },
  });

const ping = (from: typeof VM1, to: typeof VM1) =>
  buildPacket({
    eth: { src: from.mac, dst: to.mac },
    ip4: { src: from.ip, dst: to.ip },
    icmp: { type: 8, code: 0 },
  });

describe('two VMs on one logical switch, one chassis', () => {
  test('every logical flow of the switch compiles', () => {
    const { result } = install(cx, twoVms());
    expect(result.problems).toEqual([]);
    expect(result.conflicts).toEqual([]);
    expect(result.datapaths.map((d) => d.name)).toEqual(['sw0']);
  });

  test("the switch answers ARP for vm2's address itself; an unknown address is flooded to vm2", () => {
    const { ports } = install(cx, twoVms());
    ports.vm1.inject([arpRequest(VM1, VM2)]);
    expect(ports.vm2.take()).toEqual([]);
    const reply = buildPacket({
      eth: { src: VM2.mac, dst: VM1.mac },
      arp: { op: 2, sha: VM2.mac, spa: VM2.ip, tha: VM1.mac, tpa: VM1.ip },
    });
    expect(ports.vm1.take().map((c) => c.frame)).toEqual([reply]);

    const unknown = arpRequest(VM1, { mac: '', ip: '10.0.0.99' });
    ports.vm1.inject([unknown]);
    expect(ports.vm2.take().map((c) => c.frame)).toEqual([unknown]);
    expect(ports.vm1.take()).toEqual([]);
  });

  test('a ping passes both ways', () => {
    const { dp, ports } = install(cx, twoVms());
    ports.vm1.inject([ping(VM1, VM2)]);
    expect(ports.vm2.take().map((c) => c.frame)).toEqual([ping(VM1, VM2)]);
    ports.vm2.inject([ping(VM2, VM1)]);
    expect(ports.vm1.take().map((c) => c.frame)).toEqual([ping(VM2, VM1)]);
    expect(dp.trace(ping(VM1, VM2), 1).outputs.length).toBe(1);
  });

  test('port security: vm1 cannot send with vm2 source MAC', () => {
    const { ports } = install(cx, twoVms());
    ports.vm1.inject([ping(VM2, VM1)]);
    expect(ports.vm1.take()).toEqual([]);
    expect(ports.vm2.take()).toEqual([]);
  });
});
