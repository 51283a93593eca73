import { describe, expect, test } from 'vitest';
import { twoSubnets } from '../builders/router/test-util.js';
import type { NbFixture } from '../testing/nb-fixture.js';
import { formatTrace } from './format-trace.js';
import { arpRequest, describePacket, icmp4Packet, l4Packet, packet } from './packet.js';
import { type SimOptions, simulate } from './simulate.js';
import type { MacBinding, Outcome, SimPacket, TraceStep } from './types.js';
import { worldFromNb } from './world.js';

// Behaviour of the router pipeline with the switch pipelines around it (twoSubnets: vm1
// 10.0.0.2 on sw0, vm2 20.0.0.2 on sw1, lr0 with lrp0 10.0.0.1 / …:ff:01 and lrp1 20.0.0.1 /
// …:ff:02), packets entering from a VM port unless said otherwise.
const VM1 = '00:00:00:00:00:01';
const VM2 = '00:00:00:00:00:02';
const LRP0 = '00:00:00:00:ff:01';
const LRP1 = '00:00:00:00:ff:02';

function run(
  f: NbFixture,
  from: { datapath: string; inport: string },
  pkt: SimPacket,
  opts: SimOptions = {},
  macBindings: MacBinding[] = [],
) {
  const r = simulate(worldFromNb(f.model, macBindings), { ...from, packet: pkt }, opts);
  const delivered = r.outcomes.filter(
    (o): o is Extract<Outcome, { kind: 'delivered' }> => o.kind === 'delivered',
  );
  const fields: Record<string, string>[] = delivered.map((o) => ({
    port: o.port,
    ...describePacket(o.packet),
  }));
  return { ...r, delivered, fields, text: formatTrace(r.steps) };
}

/** Flows matched in `stage` along the trace (all branches). */
function matched(steps: readonly TraceStep[], stage: string): string[] {
  const out: string[] = [];
  for (const s of steps) {
    if (s.kind === 'flow' && s.at.stage === stage) out.push(s.flow.match);
    if (s.kind === 'branch') out.push(...matched(s.steps, stage));
  }
  return out;
}

const fromVm1 = { datapath: 'sw0', inport: 'vm1' };
const ping = (dst: string, ttl = 64) =>
  icmp4Packet({ ethSrc: VM1, ethDst: LRP0, src: '10.0.0.2', dst, ttl });

describe('router pipeline, simulated', () => {
  test('vm1 → vm2 across lr0: delivered to vm2 only, TTL decremented, MACs rewritten', () => {
    const r = run(twoSubnets(), fromVm1, ping('20.0.0.2'));
    expect(r.outcomes.map((o) => o.kind)).toEqual(['delivered']);
    expect(r.fields).toEqual([
      expect.objectContaining({
        port: 'vm2',
        'eth.src': LRP1,
        'eth.dst': VM2,
        'ip4.src': '10.0.0.2',
        'ip4.dst': '20.0.0.2',
        'ip.ttl': '63',
      }),
    ]);
    expect(r.delivered[0]!.datapath).toBe('sw1');
    expect(matched(r.steps, 'lr_in_ip_routing')).toEqual(['ip4.dst == 20.0.0.0/24']);
    // What an observer sees, in ovn-trace's minimal form.
    expect(formatTrace(r.steps, 'minimal', ping('20.0.0.2'))).toBe(
      [
        'eth.src = 00:00:00:00:ff:02;',
        'eth.dst = 00:00:00:00:00:02;',
        'ip.ttl = 63;',
        'output("vm2");',
      ].join('\n'),
    );
  });

  test('ARP for the router address is answered (and the asker learnt); entering at the router port', () => {
    const f = twoSubnets();
    const req = arpRequest({ sha: VM1, spa: '10.0.0.2', tpa: '10.0.0.1' });
    const r = run(f, { datapath: 'lr0', inport: 'lrp0' }, req);
    expect(r.fields).toEqual([
      expect.objectContaining({
        port: 'vm1',
        'eth.src': LRP0,
        'eth.dst': VM1,
        'arp.op': '2',
        'arp.sha': LRP0,
        'arp.spa': '10.0.0.1',
        'arp.tha': VM1,
        'arp.tpa': '10.0.0.2',
      }),
    ]);
    expect(matched(r.steps, 'lr_in_ip_input')).toEqual([
      'inport == "lrp0" && arp.op == 1 && arp.tpa == 10.0.0.1 && arp.spa == 10.0.0.0/24',
    ]);
    expect(r.macBindings).toEqual([{ datapath: 'lr0', port: 'lrp0', ip: '10.0.0.2', mac: VM1 }]);
  });

  test("ARP for another subnet's router address from this subnet gets no answer from the router", () => {
    const r = run(
      twoSubnets(),
      { datapath: 'lr0', inport: 'lrp0' },
      arpRequest({ sha: VM1, spa: '10.0.0.2', tpa: '20.0.0.1' }),
    );
    expect(r.delivered).toEqual([]);
    expect(r.outcomes).toEqual([
      expect.objectContaining({
        kind: 'dropped',
        at: expect.objectContaining({ stage: 'lr_in_ip_input' }),
      }),
    ]);
  });

  test('ping to a router address gets an echo reply, routed back to the sender', () => {
    const r = run(twoSubnets(), fromVm1, ping('20.0.0.1'));
    expect(r.fields).toEqual([
      expect.objectContaining({
        port: 'vm1',
        'eth.src': LRP0,
        'eth.dst': VM1,
        'ip4.src': '20.0.0.1',
        'ip4.dst': '10.0.0.2',
        'icmp4.type': '0',
        // 255 set by the reply flow, then one hop of routing.
        'ip.ttl': '254',
      }),
    ]);
  });

  test('UDP to a router address is answered with port unreachable', () => {
    const pkt = l4Packet({
      proto: 'udp',
      ethSrc: VM1,
      ethDst: LRP0,
      src: '10.0.0.2',
      dst: '10.0.0.1',
      sport: 5000,
      dport: 53,
    });
    const r = run(twoSubnets(), fromVm1, pkt);
    expect(r.fields).toEqual([
      expect.objectContaining({
        port: 'vm1',
        'ip4.src': '10.0.0.1',
        'ip4.dst': '10.0.0.2',
        'ip.proto': '1',
        'icmp4.type': '3',
        'icmp4.code': '3',
      }),
    ]);
  });

  test('an unknown next hop is resolved with an ARP request from the outgoing port', () => {
    const f = twoSubnets();
    f.route('lr0', '30.0.0.0/24', '20.0.0.3');
    const r = run(f, fromVm1, ping('30.0.0.5'));
    // The request floods sw1 (not back to the router port it came from): vm2 gets it.
    expect(r.fields).toEqual([
      expect.objectContaining({
        port: 'vm2',
        'eth.type': '0x806',
        'eth.src': LRP1,
        'eth.dst': 'ff:ff:ff:ff:ff:ff',
        'arp.op': '1',
        'arp.sha': LRP1,
        'arp.spa': '20.0.0.1',
        'arp.tpa': '20.0.0.3',
      }),
    ]);
    expect(r.text).toContain('get_arp: 20.0.0.3 on "lrp1" is unknown');
    // The original packet is replaced: only the ARP request, in its generator's braces, is seen.
    expect(formatTrace(r.steps, 'minimal', ping('30.0.0.5')).split('\n')).toEqual([
      'arp {',
      '    eth.src = 00:00:00:00:ff:02;',
      '    eth.dst = ff:ff:ff:ff:ff:ff;',
      '    eth.type = 0x806;',
      '    arp.op = 1;',
      '    arp.spa = 20.0.0.1;',
      '    arp.sha = 00:00:00:00:ff:02;',
      '    arp.tpa = 20.0.0.3;',
      '    arp.tha = 00:00:00:00:00:00;',
      '    output("vm2");',
      '};',
    ]);
  });

  test('the ARP reply for the next hop is learnt (put_arp), and then used', () => {
    const f = twoSubnets();
    f.route('lr0', '30.0.0.0/24', '20.0.0.3');
    f.port('sw1', 'upstream', { addresses: ['unknown'] });
    const UP = '00:00:00:00:00:33';
    const reply = packet({
      'eth.src': UP,
      'eth.dst': LRP1,
      'eth.type': 0x806,
      'arp.op': 2,
      'arp.sha': UP,
      'arp.spa': '20.0.0.3',
      'arp.tha': LRP1,
      'arp.tpa': '20.0.0.1',
    });
    const learnt = run(f, { datapath: 'sw1', inport: 'upstream' }, reply);
    expect(learnt.macBindings).toEqual([
      { datapath: 'lr0', port: 'lrp1', ip: '20.0.0.3', mac: UP },
    ]);
    // Having taught the router, the reply ends there (ip_input drops ARP it does not answer).
    expect(learnt.outcomes).toEqual([
      expect.objectContaining({
        kind: 'dropped',
        at: expect.objectContaining({ datapath: 'lr0', stage: 'lr_in_ip_input' }),
      }),
    ]);
    const r = run(f, fromVm1, ping('30.0.0.5'), {}, [...learnt.macBindings]);
    expect(r.fields).toEqual([expect.objectContaining({ port: 'upstream', 'eth.dst': UP })]);
  });

  test('a learnt next hop is used: the packet goes out with its MAC', () => {
    const f = twoSubnets();
    f.route('lr0', '30.0.0.0/24', '20.0.0.3');
    f.port('sw1', 'upstream', { addresses: ['unknown'] });
    const r = run(f, fromVm1, ping('30.0.0.5'), {}, [
      { datapath: 'lr0', port: 'lrp1', ip: '20.0.0.3', mac: '00:00:00:00:00:33' },
    ]);
    expect(r.fields).toEqual([
      expect.objectContaining({
        port: 'upstream',
        'eth.dst': '00:00:00:00:00:33',
        'eth.src': LRP1,
        'ip.ttl': '63',
      }),
    ]);
  });

  test('the longest prefix wins', () => {
    const f = twoSubnets();
    f.route('lr0', '30.0.0.0/8', '20.0.0.3');
    f.route('lr0', '30.1.0.0/16', '10.0.0.3');
    const viaLong = run(f, fromVm1, ping('30.1.2.3'));
    expect(matched(viaLong.steps, 'lr_in_ip_routing')).toEqual([
      'reg7 == 0 && ip4.dst == 30.1.0.0/16',
    ]);
    expect(viaLong.fields).toEqual([
      expect.objectContaining({ port: 'vm1', 'arp.tpa': '10.0.0.3' }),
    ]);
    const viaShort = run(f, fromVm1, ping('30.2.0.1'));
    expect(matched(viaShort.steps, 'lr_in_ip_routing')).toEqual([
      'reg7 == 0 && ip4.dst == 30.0.0.0/8',
    ]);
    expect(viaShort.fields).toEqual([
      expect.objectContaining({ port: 'vm2', 'arp.tpa': '20.0.0.3' }),
    ]);
  });

  test('route tables: traffic from a port with options:route_table follows that table', () => {
    const f = twoSubnets();
    f.update('logical_router_port', f.id('lrp0'), { options: { route_table: 'blue' } });
    f.route('lr0', '0.0.0.0/0', '20.0.0.254');
    f.route('lr0', '0.0.0.0/0', '20.0.0.253', { route_table: 'blue' });
    const fromBlue = run(f, fromVm1, ping('99.0.0.1'));
    expect(fromBlue.fields).toEqual([
      expect.objectContaining({ port: 'vm2', 'arp.tpa': '20.0.0.253' }),
    ]);
    // Connected routes still apply in the blue table.
    expect(run(f, fromVm1, ping('20.0.0.2')).fields).toEqual([
      expect.objectContaining({ port: 'vm2', 'ip4.dst': '20.0.0.2' }),
    ]);
    const fromMain = run(
      f,
      { datapath: 'sw1', inport: 'vm2' },
      icmp4Packet({ ethSrc: VM2, ethDst: LRP1, src: '20.0.0.2', dst: '99.0.0.1' }),
    );
    // The default route sends it back out of lrp1, where vm2 sees the ARP for the main next hop.
    expect(fromMain.fields).toEqual([expect.objectContaining({ 'arp.tpa': '20.0.0.254' })]);
  });

  test('ECMP: select() picks one of the routes, the same one for the same flow', () => {
    const f = twoSubnets();
    f.route('lr0', '30.0.0.0/24', '20.0.0.3');
    f.route('lr0', '30.0.0.0/24', '20.0.0.4');
    f.port('sw1', 'upstream', { addresses: ['unknown'] });
    const bindings = [
      { datapath: 'lr0', port: 'lrp1', ip: '20.0.0.3', mac: '00:00:00:00:00:33' },
      { datapath: 'lr0', port: 'lrp1', ip: '20.0.0.4', mac: '00:00:00:00:00:44' },
    ];
    const udp = (sport: number) =>
      l4Packet({
        proto: 'udp',
        ethSrc: VM1,
        ethDst: LRP0,
        src: '10.0.0.2',
        dst: '30.0.0.9',
        sport,
        dport: 7,
      });
    const hop = (sport: number, opts: SimOptions = {}) => {
      const r = run(f, fromVm1, udp(sport), opts, bindings);
      expect(r.fields).toHaveLength(1);
      return r.fields[0]!['eth.dst'];
    };
    const seen = new Set<string | undefined>();
    for (let sport = 1000; sport < 1032; sport++) seen.add(hop(sport));
    expect([...seen].sort()).toEqual(['00:00:00:00:00:33', '00:00:00:00:00:44']);
    expect(hop(1234)).toBe(hop(1234));
    // Members are numbered in next-hop order: member 2 is 20.0.0.4.
    expect(hop(1234, { select: () => 2 })).toBe('00:00:00:00:00:44');
    expect(hop(1234, { select: () => 1 })).toBe('00:00:00:00:00:33');
  });

  test('TTL 1 is answered with ICMP time exceeded from the inport address; nothing reaches vm2', () => {
    const r = run(twoSubnets(), fromVm1, ping('20.0.0.2', 1));
    expect(r.fields).toEqual([
      expect.objectContaining({
        port: 'vm1',
        'eth.src': LRP0,
        'eth.dst': VM1,
        'ip4.src': '10.0.0.1',
        'ip4.dst': '10.0.0.2',
        'icmp4.type': '11',
        'icmp4.code': '0',
        'ip.ttl': '254',
      }),
    ]);
  });

  test('IP multicast is not routed (no relay), and gets no time-exceeded error for TTL 1', () => {
    const pkt = packet({
      'eth.src': VM1,
      'eth.dst': '01:00:5e:00:00:05',
      'eth.type': 0x800,
      'ip4.src': '10.0.0.2',
      'ip4.dst': '224.0.0.5',
      'ip.proto': 17,
      'ip.ttl': 1,
    });
    const r = run(twoSubnets(), { datapath: 'lr0', inport: 'lrp0' }, pkt);
    expect(r.delivered).toEqual([]);
    expect(r.outcomes).toEqual([
      expect.objectContaining({
        kind: 'dropped',
        reason: 'drop',
        at: expect.objectContaining({ stage: 'lr_in_ip_input' }),
      }),
    ]);
    // Priority 82 (multicast without relay) comes before any TTL handling (32 and below).
    expect(matched(r.steps, 'lr_in_ip_input')).toEqual(['ip4.mcast || ip6.mcast']);
  });

  test('martian sources and a disabled port are dropped where OVN drops them', () => {
    const martian = run(
      twoSubnets(),
      fromVm1,
      icmp4Packet({ ethSrc: VM1, ethDst: LRP0, src: '127.0.0.1', dst: '20.0.0.2' }),
    );
    expect(martian.outcomes).toEqual([
      expect.objectContaining({
        kind: 'dropped',
        at: expect.objectContaining({ datapath: 'lr0', stage: 'lr_in_ip_input' }),
      }),
    ]);
    const f = twoSubnets();
    f.update('logical_router_port', f.id('lrp0'), { enabled: false });
    const disabled = run(f, fromVm1, ping('20.0.0.2'));
    expect(disabled.outcomes).toEqual([
      expect.objectContaining({
        kind: 'dropped',
        at: expect.objectContaining({ datapath: 'lr0', stage: 'lr_in_admission' }),
      }),
    ]);
  });
});
