import { buildPacket, linkMemoryPorts, MemoryPort } from '@ovn-ts/datapath';
import { NbFixture } from '@ovn-ts/northd';
import { describe, expect, test } from 'vitest';
import { ChassisHarness } from '../testing/chassis-harness.js';
import { viewFromNorthd } from '../testing/northd-view.js';

type Host = { mac: string; ip: string };
const VM1 = { mac: '0a:00:00:00:00:01', ip: '10.0.0.1' };
const VM2 = { mac: '0a:00:00:00:00:02', ip: '10.0.0.2' };
const VM3 = { mac: '0a:00:00:00:01:03', ip: '10.1.0.3' };
const VM4 = { mac: '0a:00:00:00:01:04', ip: '10.1.0.4' };
const NIC = 20;
const udp = (from: Host, to: Host) =>
  buildPacket({
    eth: { src: from.mac, dst: to.mac },
    ip4: { src: from.ip, dst: to.ip },
    udp: { sport: 1, dport: 2 },
  });

/**
 * Two provider switches on one physical network ("physnet1"): sw0 untagged, sw1 on VLAN 100.
 * vm1 and vm3 on hv1, vm2 and vm4 on hv2; the chassis share a cable on port 20, and no tunnel.
 */
function providerNetworks(cable: [MemoryPort, MemoryPort]) {
  const fx = new NbFixture();
  fx.switch('sw0');
  fx.switch('sw1');
  fx.port('sw0', 'ln0', {
    type: 'localnet',
    addresses: ['unknown'],
    options: { network_name: 'physnet1' },
  });
  fx.port('sw1', 'ln1', {
    type: 'localnet',
    addresses: ['unknown'],
    options: { network_name: 'physnet1' },
    tag_request: 100,
  });
  fx.port('sw0', 'vm1', { addresses: [`${VM1.mac} ${VM1.ip}`] });
  fx.port('sw0', 'vm2', { addresses: [`${VM2.mac} ${VM2.ip}`] });
  fx.port('sw1', 'vm3', { addresses: [`${VM3.mac} ${VM3.ip}`] });
  fx.port('sw1', 'vm4', { addresses: [`${VM4.mac} ${VM4.ip}`] });
  const view = viewFromNorthd(fx, { bindings: { vm1: 'hv1', vm3: 'hv1', vm2: 'hv2', vm4: 'hv2' } });
  const chassis = (name: string, vms: string[], nic: MemoryPort) => {
    const h = new ChassisHarness(
      view,
      {
        chassis: name,
        localPorts: new Map(vms.map((v, i) => [v, i + 1])),
        tunnels: new Map(),
        zones: new Map(),
        bridgeMappings: new Map([['physnet1', NIC]]),
      },
      new Map(),
    );
    h.dp.addPort('nic', nic, { port: NIC });
    return h;
  };
  return {
    hv1: chassis('hv1', ['vm1', 'vm3'], cable[0]),
    hv2: chassis('hv2', ['vm2', 'vm4'], cable[1]),
  };
}

describe('localnet ports (provider networks)', () => {
  test('VMs on two chassis meet through the physical network, untagged and on VLAN 100', () => {
    const { hv1, hv2 } = providerNetworks(linkMemoryPorts());
    expect(hv1.result.problems).toEqual([]);
    hv1.send('vm1', [udp(VM1, VM2)]);
    expect(hv2.take('vm2')).toEqual([udp(VM1, VM2)]);
    hv2.send('vm2', [udp(VM2, VM1)]);
    expect(hv1.take('vm1')).toEqual([udp(VM2, VM1)]);
    hv1.send('vm3', [udp(VM3, VM4)]);
    expect(hv2.take('vm4')).toEqual([udp(VM3, VM4)]);
    expect(hv2.take('vm2')).toEqual([]);
  });

  test('on the wire the VLAN switch is tagged; a broadcast stays in its network and is not reflected', () => {
    const [nic1, wire] = [new MemoryPort(), new MemoryPort()];
    const { hv1 } = providerNetworks([nic1, wire]);
    hv1.send('vm3', [udp(VM3, VM4)]);
    expect(nic1.take().map((c) => c.frame)).toEqual([
      buildPacket({
        eth: { src: VM3.mac, dst: VM4.mac },
        vlan: { vid: 100 },
        ip4: { src: VM3.ip, dst: VM4.ip },
        udp: { sport: 1, dport: 2 },
      }),
    ]);
    const bcast = buildPacket({
      eth: { src: VM2.mac, dst: 'ff:ff:ff:ff:ff:ff' },
      arp: { op: 1, sha: VM2.mac, spa: VM2.ip, tha: '00:00:00:00:00:00', tpa: '10.0.0.77' },
    });
    nic1.inject([bcast]);
    expect(hv1.take('vm1')).toEqual([bcast]);
    expect(hv1.take('vm3')).toEqual([]);
    expect(nic1.take()).toEqual([]);
  });
});
