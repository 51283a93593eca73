import { buildPacket } from '@ovn-ts/datapath';
import { NbFixture } from '@ovn-ts/northd';
import { describe, expect, test } from 'vitest';
import { ChassisHarness } from '../testing/chassis-harness.js';
import { viewFromNorthd } from '../testing/northd-view.js';

const VM1 = { mac: '0a:00:00:00:00:01', ip: '10.0.0.1' };
const VM2 = { mac: '0a:00:00:00:00:02', ip: '10.0.0.2' };
const VM3 = { mac: '0a:00:00:00:01:03', ip: '10.1.0.3' };
const GW0 = { mac: '0a:00:00:00:ff:00', ip: '10.0.0.254' };
const GW1 = { mac: '0a:00:00:00:ff:01', ip: '10.1.0.254' };
type Host = { mac: string; ip: string };

const udp = (from: Host, to: Host, sport: number, dport: number) =>
  buildPacket({
    eth: { src: from.mac, dst: to.mac },
    ip4: { src: from.ip, dst: to.ip },
    udp: { sport, dport },
  });
const ping = (from: Host, to: Host, ttl = 64) =>
  buildPacket({
    eth: { src: from.mac, dst: to.mac },
    ip4: { src: from.ip, dst: to.ip, ttl },
    icmp: { type: 8, code: 0, id: 3, seq: 1 },
  });

function chassis(fx: NbFixture, vms: string[]) {
  const view = viewFromNorthd(fx, { bindings: Object.fromEntries(vms.map((v) => [v, 'hv1'])) });
  return new ChassisHarness(view, {
    chassis: 'hv1',
    localPorts: new Map(vms.map((v, i) => [v, i + 1])),
    tunnels: new Map(),
    zones: new Map(vms.map((v, i) => [v, i + 1])),
  });
}

describe('conntrack through the compiled pipeline', () => {
  test('stateful ACLs: vm2 takes only ICMP from vm1, yet replies to its own connections come back', () => {
    const fx = new NbFixture();
    fx.switch('sw0');
    fx.port('sw0', 'vm1', { addresses: [`${VM1.mac} ${VM1.ip}`] });
    fx.port('sw0', 'vm2', { addresses: [`${VM2.mac} ${VM2.ip}`] });
    fx.acl(
      { switch: 'sw0' },
      'to-lport',
      1000,
      'outport == "vm2" && ip4.src == 10.0.0.1 && icmp4',
      'allow-related',
    );
    fx.acl({ switch: 'sw0' }, 'to-lport', 900, 'outport == "vm2" && ip4', 'drop');
    const h = chassis(fx, ['vm1', 'vm2']);
    expect(h.result.problems).toEqual([]);

    h.send('vm1', [udp(VM1, VM2, 5000, 53)]);
    expect(h.take('vm2')).toEqual([]);
    h.send('vm1', [ping(VM1, VM2)]);
    expect(h.take('vm2')).toEqual([ping(VM1, VM2)]);

    // vm2 opens a UDP flow to vm1 (no ACL there); vm1's answer is a reply, allowed despite the drop.
    h.send('vm2', [udp(VM2, VM1, 6000, 7000)]);
    expect(h.take('vm1')).toEqual([udp(VM2, VM1, 6000, 7000)]);
    h.send('vm1', [udp(VM1, VM2, 7000, 6000)]);
    expect(h.take('vm2')).toEqual([udp(VM1, VM2, 7000, 6000)]);
    // A new flow from vm1 on other ports is still dropped.
    h.send('vm1', [udp(VM1, VM2, 7001, 6000)]);
    expect(h.take('vm2')).toEqual([]);
  });
});

describe('flooding on a stateful switch', () => {
  test('an unknown unicast reaches every member of _MC_unknown although each runs egress conntrack', () => {
    const fx = new NbFixture();
    fx.switch('sw0');
    for (const vm of ['vm1', 'vm2', 'vm3']) fx.port('sw0', vm, { addresses: ['unknown'] });
    fx.acl({ switch: 'sw0' }, 'to-lport', 1000, 'ip4', 'allow-related');
    const h = chassis(fx, ['vm1', 'vm2', 'vm3']);
    const p = udp(VM1, { mac: '0a:00:00:00:00:99', ip: '10.0.0.99' }, 1, 2);
    h.send('vm1', [p]);
    expect([h.take('vm2'), h.take('vm3')]).toEqual([[p], [p]]);
  });
});

describe('reject ACLs (reject {} built by the controller)', () => {
  test('TCP is answered with a reset, UDP with ICMP port unreachable, from the rejecting side', () => {
    const fx = new NbFixture();
    fx.switch('sw0');
    fx.port('sw0', 'vm1', { addresses: [`${VM1.mac} ${VM1.ip}`] });
    fx.port('sw0', 'vm2', { addresses: [`${VM2.mac} ${VM2.ip}`] });
    fx.acl({ switch: 'sw0' }, 'to-lport', 1000, 'outport == "vm2" && ip4', 'reject');
    const h = chassis(fx, ['vm1', 'vm2']);
    expect(h.result.problems).toEqual([]);
    const syn = buildPacket({
      eth: { src: VM1.mac, dst: VM2.mac },
      ip4: { src: VM1.ip, dst: VM2.ip },
      tcp: { sport: 33000, dport: 22, flags: 0x02, seq: 100 },
    });
    h.send('vm1', [syn]);
    expect(h.take('vm2')).toEqual([]);
    expect(h.take('vm1')).toEqual([
      buildPacket({
        eth: { src: VM2.mac, dst: VM1.mac },
        ip4: { src: VM2.ip, dst: VM1.ip, ttl: 255 },
        tcp: { sport: 22, dport: 33000, flags: 0x14, seq: 0, ack: 101 },
      }),
    ]);
    const datagram = udp(VM1, VM2, 5000, 53);
    h.send('vm1', [datagram]);
    expect(h.take('vm2')).toEqual([]);
    expect(h.take('vm1')).toEqual([
      buildPacket({
        eth: { src: VM2.mac, dst: VM1.mac },
        ip4: { src: VM2.ip, dst: VM1.ip, ttl: 255 },
        icmp: { type: 3, code: 3 },
        payload: datagram.slice(14, 14 + 28),
      }),
    ]);
    expect(h.unhandled).toEqual([]);
  });
});

describe('load balancing (ct_lb_mark through a select group)', () => {
  const tcp = (from: Host, to: Host, sport: number, dport: number, flags = 0x02) =>
    buildPacket({
      eth: { src: from.mac, dst: to.mac },
      ip4: { src: from.ip, dst: to.ip },
      tcp: { sport, dport, flags },
    });

  test('a switch load balancer DNATs the VIP to the backend, and the reply comes back from the VIP', () => {
    const fx = new NbFixture();
    fx.switch('sw0');
    fx.port('sw0', 'vm1', { addresses: [`${VM1.mac} ${VM1.ip}`] });
    fx.port('sw0', 'vm2', { addresses: [`${VM2.mac} ${VM2.ip}`] });
    const lb = fx.insert('load_balancer', {
      name: 'web',
      vips: { '10.0.0.10:80': '10.0.0.2:8080' },
      protocol: 'tcp',
    });
    fx.insert('logical_switch_load_balancer', {
      switch_uuid: fx.id('sw0'),
      load_balancer_uuid: lb.uuid,
    });
    const h = chassis(fx, ['vm1', 'vm2']);
    expect(h.result.problems).toEqual([]);
    expect(h.result.groups.size).toBe(1);

    const VIP = { mac: VM2.mac, ip: '10.0.0.10' };
    h.send('vm1', [tcp(VM1, VIP, 40000, 80)]);
    expect(h.take('vm2')).toEqual([tcp(VM1, VM2, 40000, 8080)]);
    h.send('vm2', [tcp(VM2, VM1, 8080, 40000, 0x12)]);
    expect(h.take('vm1')).toEqual([tcp(VIP, VM1, 80, 40000, 0x12)]);
  });
});

describe('ICMP errors built by the controller', () => {
  test('a packet whose TTL runs out in the router gets time exceeded from the router port', () => {
    const fx = new NbFixture();
    fx.switch('sw0');
    fx.switch('sw1');
    fx.port('sw0', 'vm1', { addresses: [`${VM1.mac} ${VM1.ip}`] });
    fx.port('sw1', 'vm3', { addresses: [`${VM3.mac} ${VM3.ip}`] });
    fx.router('lr0');
    fx.routerPort('lr0', 'lr0-sw0', GW0.mac, [`${GW0.ip}/24`]);
    fx.routerPort('lr0', 'lr0-sw1', GW1.mac, [`${GW1.ip}/24`]);
    fx.connect('sw0', 'sw0-lr0', 'lr0-sw0');
    fx.connect('sw1', 'sw1-lr0', 'lr0-sw1');
    const h = chassis(fx, ['vm1', 'vm3']);
    const expired = ping(VM1, { mac: GW0.mac, ip: VM3.ip }, 1);
    h.send('vm1', [expired]);
    expect(h.take('vm3')).toEqual([]);
    const quoted = expired.slice(14, 14 + 20 + 8);
    expect(h.take('vm1')).toEqual([
      buildPacket({
        eth: { src: GW0.mac, dst: VM1.mac },
        ip4: { src: GW0.ip, dst: VM1.ip, ttl: 254 },
        icmp: { type: 11, code: 0 },
        payload: quoted,
      }),
    ]);
    expect(h.unhandled).toEqual([]);
  });
});
