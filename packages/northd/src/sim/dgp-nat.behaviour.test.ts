import { describe, expect, test } from 'vitest';
import { gatewayChassis, nat, twoSubnets } from '../builders/router/test-util.js';
import { Conntrack } from './conntrack.js';
import { formatTrace } from './format-trace.js';
import { describePacket, l4Packet } from './packet.js';
import { type SimOptions, simulate } from './simulate.js';
import type { SimPacket } from './types.js';
import { worldFromNb } from './world.js';

// twoSubnets with lrp1 as a distributed gateway port (gateway chassis hv1): sw1 plays the
// outside. SNAT 10.0.0.0/24 → 20.0.0.100 and vm1 10.0.0.2 ↔ 20.0.0.110.
const VM1 = '00:00:00:00:00:01';
const VM2 = '00:00:00:00:00:02';
const LRP0 = '00:00:00:00:ff:01';
const LRP1 = '00:00:00:00:ff:02';
const onGateway: SimOptions = { isChassisResident: (p) => p === 'cr-lrp1' };

function setup() {
  const f = twoSubnets();
  gatewayChassis(f, 'lrp1', 'hv1');
  nat(f, 'lr0', 'snat', '20.0.0.100', '10.0.0.0/24');
  nat(f, 'lr0', 'dnat_and_snat', '20.0.0.110', '10.0.0.2');
  const world = worldFromNb(f.model);
  const ct = new Conntrack();
  return (datapath: string, inport: string, pkt: SimPacket, opts: SimOptions = {}) => {
    const r = simulate(world, { datapath, inport, packet: pkt }, { ...opts, conntrack: ct });
    return {
      text: formatTrace(r.steps),
      outcomes: r.outcomes,
      out: r.outcomes.flatMap((o): Record<string, string>[] =>
        o.kind === 'delivered' ? [{ port: o.port, ...describePacket(o.packet) }] : [],
      ),
    };
  };
}

const udp = (o: {
  ethSrc: string;
  ethDst: string;
  src: string;
  dst: string;
  sport: number;
  dport: number;
}) => l4Packet({ proto: 'udp', ...o });

describe('NAT on a distributed gateway port, simulated', () => {
  test('vm1 leaves through the gateway chassis as 20.0.0.110; the reply returns to vm1', () => {
    const send = setup();
    const go = send(
      'sw0',
      'vm1',
      udp({ ethSrc: VM1, ethDst: LRP0, src: '10.0.0.2', dst: '20.0.0.2', sport: 5000, dport: 53 }),
    );
    expect(go.text).toContain(
      'chassisredirect "cr-lrp1": on to the chassis where it resides, outport = "lrp1"',
    );
    expect(go.out).toEqual([
      expect.objectContaining({ port: 'vm2', 'ip4.src': '20.0.0.110', 'eth.src': LRP1 }),
    ]);
    const back = send(
      'sw1',
      'vm2',
      udp({
        ethSrc: VM2,
        ethDst: LRP1,
        src: '20.0.0.2',
        dst: '20.0.0.110',
        sport: 53,
        dport: 5000,
      }),
      onGateway,
    );
    expect(back.out).toEqual([
      expect.objectContaining({
        port: 'vm1',
        'ip4.dst': '10.0.0.2',
        'ip4.src': '20.0.0.2',
        'eth.dst': VM1,
      }),
    ]);
  });

  test('DNAT to vm1 at 20.0.0.110, answered from 20.0.0.110', () => {
    const send = setup();
    const go = send(
      'sw1',
      'vm2',
      udp({
        ethSrc: VM2,
        ethDst: LRP1,
        src: '20.0.0.2',
        dst: '20.0.0.110',
        sport: 7000,
        dport: 69,
      }),
      onGateway,
    );
    expect(go.out).toEqual([expect.objectContaining({ port: 'vm1', 'ip4.dst': '10.0.0.2' })]);
    const back = send(
      'sw0',
      'vm1',
      udp({ ethSrc: VM1, ethDst: LRP0, src: '10.0.0.2', dst: '20.0.0.2', sport: 69, dport: 7000 }),
    );
    expect(back.out).toEqual([
      expect.objectContaining({ port: 'vm2', 'ip4.src': '20.0.0.110', 'ip4.dst': '20.0.0.2' }),
    ]);
  });

  test("frames to the gateway port's MAC are taken only where cr-lrp1 resides", () => {
    const send = setup();
    const r = send(
      'sw1',
      'vm2',
      udp({
        ethSrc: VM2,
        ethDst: LRP1,
        src: '20.0.0.2',
        dst: '20.0.0.110',
        sport: 7000,
        dport: 69,
      }),
    );
    expect(r.out).toEqual([]);
    expect(r.outcomes).toEqual([
      expect.objectContaining({
        kind: 'dropped',
        at: expect.objectContaining({ datapath: 'lr0', stage: 'lr_in_admission' }),
      }),
    ]);
  });
});

describe('load balancing on a distributed gateway port, simulated', () => {
  test('outside → VIP reaches the backend; the backend answers as the VIP through the gateway chassis', () => {
    const f = twoSubnets();
    gatewayChassis(f, 'lrp1', 'hv1');
    const row = f.insert('load_balancer', {
      name: 'web',
      vips: { '20.0.0.200:80': '10.0.0.2:8080' },
      protocol: 'tcp',
    });
    f.insert('logical_router_load_balancer', {
      router_uuid: f.id('lr0'),
      load_balancer_uuid: row.uuid,
    });
    const world = worldFromNb(f.model);
    const ct = new Conntrack();
    const send = (datapath: string, inport: string, pkt: SimPacket, opts: SimOptions = {}) =>
      simulate(
        world,
        { datapath, inport, packet: pkt },
        { ...opts, conntrack: ct },
      ).outcomes.flatMap((o): Record<string, string>[] =>
        o.kind === 'delivered' ? [{ port: o.port, ...describePacket(o.packet) }] : [],
      );
    const tcp = (o: {
      ethSrc: string;
      ethDst: string;
      src: string;
      dst: string;
      sport: number;
      dport: number;
    }) => l4Packet({ proto: 'tcp', ...o });
    const go = send(
      'sw1',
      'vm2',
      tcp({
        ethSrc: VM2,
        ethDst: LRP1,
        src: '20.0.0.2',
        dst: '20.0.0.200',
        sport: 4444,
        dport: 80,
      }),
      onGateway,
    );
    expect(go).toEqual([
      expect.objectContaining({ port: 'vm1', 'ip4.dst': '10.0.0.2', 'tcp.dst': '8080' }),
    ]);
    // vm1's answer leaves from its own chassis: gw_redirect takes it to cr-lrp1's.
    const back = send(
      'sw0',
      'vm1',
      tcp({
        ethSrc: VM1,
        ethDst: LRP0,
        src: '10.0.0.2',
        dst: '20.0.0.2',
        sport: 8080,
        dport: 4444,
      }),
    );
    expect(back).toEqual([
      expect.objectContaining({ port: 'vm2', 'ip4.src': '20.0.0.200', 'tcp.src': '80' }),
    ]);
  });
});

describe('gateway MTU, simulated', () => {
  test('a frame too large for the gateway port gets ICMP fragmentation needed; a small one passes', () => {
    const f = twoSubnets();
    gatewayChassis(f, 'lrp1', 'hv1');
    f.update('logical_router_port', f.id('lrp1'), { options: { gateway_mtu: '1400' } });
    const world = worldFromNb(f.model);
    const pkt = udp({
      ethSrc: VM1,
      ethDst: LRP0,
      src: '10.0.0.2',
      dst: '20.0.0.2',
      sport: 1,
      dport: 2,
    });
    const out = (packetLength: number) =>
      simulate(
        world,
        { datapath: 'sw0', inport: 'vm1', packet: pkt },
        { packetLength },
      ).outcomes.flatMap((o): Record<string, string>[] =>
        o.kind === 'delivered' ? [{ port: o.port, ...describePacket(o.packet) }] : [],
      );
    expect(out(1500)).toEqual([
      expect.objectContaining({
        port: 'vm1',
        'ip4.src': '10.0.0.1',
        'ip4.dst': '10.0.0.2',
        'icmp4.type': '3',
        'icmp4.code': '4',
        'icmp4.frag_mtu': '1400',
        'eth.src': LRP0,
        'eth.dst': VM1,
      }),
    ]);
    expect(out(1000)).toEqual([expect.objectContaining({ port: 'vm2', 'ip4.dst': '20.0.0.2' })]);
  });
});
