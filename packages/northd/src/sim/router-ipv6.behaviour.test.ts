import { describe, expect, test } from 'vitest';
import { twoSubnets } from '../builders/router/test-util.js';
import { describePacket, packet } from './packet.js';
import { simulate } from './simulate.js';
import type { SimPacket } from './types.js';
import { worldFromNb } from './world.js';

// twoSubnets with IPv6 added: lrp0 fd00::1/64, lrp1 fd01::1/64; vm1 fd00::2, vm2 fd01::2.
const VM1 = '00:00:00:00:00:01';
const VM2 = '00:00:00:00:00:02';
const LRP0 = '00:00:00:00:ff:01';
const LRP1 = '00:00:00:00:ff:02';

function dualStack() {
  const f = twoSubnets();
  f.update('logical_router_port', f.id('lrp0'), { networks: ['10.0.0.1/24', 'fd00::1/64'] });
  f.update('logical_router_port', f.id('lrp1'), { networks: ['20.0.0.1/24', 'fd01::1/64'] });
  f.update('logical_switch_port', f.id('vm1'), { addresses: [`${VM1} 10.0.0.2 fd00::2`] });
  f.update('logical_switch_port', f.id('vm2'), { addresses: [`${VM2} 20.0.0.2 fd01::2`] });
  return f;
}

function send(f: ReturnType<typeof twoSubnets>, datapath: string, inport: string, pkt: SimPacket) {
  const r = simulate(worldFromNb(f.model), { datapath, inport, packet: pkt });
  return {
    ...r,
    out: r.outcomes.flatMap((o) =>
      o.kind === 'delivered' ? [{ port: o.port, ...describePacket(o.packet) }] : [],
    ),
  };
}

const ping6 = (dst: string, hopLimit = 64) =>
  packet({
    'eth.src': VM1,
    'eth.dst': LRP0,
    'eth.type': 0x86dd,
    'ip6.src': 'fd00::2',
    'ip6.dst': dst,
    'ip.proto': 58,
    'ip.ttl': hopLimit,
    'icmp6.type': 128,
    'icmp6.code': 0,
  });

describe('router pipeline, IPv6, simulated', () => {
  test('vm1 → vm2: hop limit decremented, MACs from the router port and the static binding', () => {
    const r = send(dualStack(), 'sw0', 'vm1', ping6('fd01::2'));
    expect(r.out).toEqual([
      expect.objectContaining({
        port: 'vm2',
        'eth.src': LRP1,
        'eth.dst': VM2,
        'ip6.dst': 'fd01::2',
        'ip.ttl': '63',
      }),
    ]);
  });

  test('a neighbour solicitation for the router address gets an advertisement, and teaches the router', () => {
    const ns = packet({
      'eth.src': VM1,
      'eth.dst': '33:33:ff:00:00:01',
      'eth.type': 0x86dd,
      'ip6.src': 'fd00::2',
      'ip6.dst': 'ff02::1:ff00:1',
      'ip.proto': 58,
      'ip.ttl': 255,
      'icmp6.type': 135,
      'icmp6.code': 0,
      'nd.target': 'fd00::1',
      'nd.sll': VM1,
    });
    const r = send(dualStack(), 'lr0', 'lrp0', ns);
    expect(r.out).toEqual([
      expect.objectContaining({
        port: 'vm1',
        'eth.src': LRP0,
        'eth.dst': VM1,
        'ip6.src': 'fd00::1',
        'ip6.dst': 'fd00::2',
        'icmp6.type': '136',
        'nd.target': 'fd00::1',
        'nd.tll': LRP0,
      }),
    ]);
    expect(r.macBindings).toEqual([{ datapath: 'lr0', port: 'lrp0', ip: 'fd00::2', mac: VM1 }]);
  });

  test('ping to a router address gets an echo reply', () => {
    const r = send(dualStack(), 'sw0', 'vm1', ping6('fd01::1'));
    expect(r.out).toEqual([
      expect.objectContaining({
        port: 'vm1',
        'ip6.src': 'fd01::1',
        'ip6.dst': 'fd00::2',
        'icmp6.type': '129',
        'eth.dst': VM1,
      }),
    ]);
  });

  test('an unknown static next hop is solicited at its solicited-node address', () => {
    const f = dualStack();
    f.route('lr0', 'fd02::/64', 'fd01::fe');
    const r = send(f, 'sw0', 'vm1', ping6('fd02::5'));
    expect(r.out).toEqual([
      expect.objectContaining({
        port: 'vm2',
        'eth.src': LRP1,
        'eth.dst': '33:33:ff:00:00:fe',
        'ip6.dst': 'ff02::1:ff00:fe',
        'icmp6.type': '135',
        'nd.target': 'fd01::fe',
        'nd.sll': LRP1,
      }),
    ]);
  });

  test("hop limit 1 is answered with ICMPv6 time exceeded from the inport address on the sender's network", () => {
    const r = send(dualStack(), 'sw0', 'vm1', ping6('fd01::2', 1));
    expect(r.out).toEqual([
      expect.objectContaining({
        port: 'vm1',
        'ip6.src': 'fd00::1',
        'ip6.dst': 'fd00::2',
        'icmp6.type': '3',
        'icmp6.code': '0',
        'eth.src': LRP0,
      }),
    ]);
  });
});
