import { describe, expect, test } from 'vitest';
import type { LFlow } from '../lflow.js';
import type { Stage } from '../stages.js';
import { Conntrack } from './conntrack.js';
import { formatTrace } from './format-trace.js';
import { arpRequest, describePacket, icmp4Packet, l4Packet, packet } from './packet.js';
import { simulate } from './simulate.js';
import type { Outcome, SimDatapath, SimWorld } from './types.js';

// The simulator on small hand-written datapaths, independent of the builders. A switch's
// ingress table 0 is ls_in_port_sec_l2, egress table 0 ls_out_pre_lb.
const flow = (stage: Stage, priority: number, match: string, actions: string): LFlow => ({
  stage,
  priority,
  match,
  actions,
  provenance: { builder: 'test' },
});

const IN0: Stage = 'ls_in_port_sec_l2';
const IN1: Stage = 'ls_in_port_sec_ip';
const IN2: Stage = 'ls_in_port_sec_nd';
const OUT0: Stage = 'ls_out_pre_lb';

function sw(
  name: string,
  flows: LFlow[],
  ports: SimDatapath['ports'],
  groups?: SimDatapath['multicastGroups'],
): SimDatapath {
  return { name, kind: 'switch', flows, ports, ...(groups && { multicastGroups: groups }) };
}

const delivered = (os: readonly Outcome[]) =>
  os.filter((o) => o.kind === 'delivered').map((o) => (o.kind === 'delivered' ? o.port : ''));
const H1 = '00:00:00:00:00:01';
const H2 = '00:00:00:00:00:02';

describe('simulate', () => {
  test('multicast output fans out to every member but the inport', () => {
    const world: SimWorld = {
      datapaths: [
        sw(
          's',
          [flow(IN0, 0, '1', 'outport = "_MC_flood"; output;'), flow(OUT0, 0, '1', 'output;')],
          [{ name: 'p1' }, { name: 'p2' }, { name: 'p3' }],
          {
            _MC_flood: ['p1', 'p2', 'p3'],
          },
        ),
      ],
    };
    const r = simulate(world, {
      datapath: 's',
      inport: 'p2',
      packet: arpRequest({ sha: H1, spa: '10.0.0.1', tpa: '10.0.0.2' }),
    });
    expect(r.outcomes.map((o) => o.kind)).toEqual(['delivered', 'delivered']);
    expect(delivered(r.outcomes)).toEqual(['p1', 'p3']);
    expect(r.steps).toContainEqual({
      kind: 'note',
      text: 'multicast "_MC_flood": omitting output to "p2" because inport == outport',
    });
  });

  test('a patch port continues in the peer datapath, with a fresh logical context', () => {
    const world: SimWorld = {
      datapaths: [
        sw(
          'a',
          [flow(IN0, 0, '1', 'reg0 = 7; outport = "a-b"; output;'), flow(OUT0, 0, '1', 'output;')],
          [{ name: 'a1' }, { name: 'a-b', peer: { datapath: 'b', port: 'b-a' } }],
        ),
        sw(
          'b',
          [
            flow(IN0, 10, 'inport == "b-a" && reg0 == 0', 'outport = "b1"; output;'),
            flow(IN0, 0, '1', 'drop;'),
            flow(OUT0, 0, '1', 'output;'),
          ],
          [{ name: 'b-a', peer: { datapath: 'a', port: 'a-b' } }, { name: 'b1' }],
        ),
      ],
    };
    const r = simulate(world, {
      datapath: 'a',
      inport: 'a1',
      packet: packet({ 'eth.src': H1, 'eth.dst': H2 }),
    });
    expect(r.outcomes).toEqual([
      expect.objectContaining({ kind: 'delivered', datapath: 'b', port: 'b1' }),
    ]);
    expect(
      r.steps
        .filter((s) => s.kind === 'pipeline')
        .map((s) => (s.kind === 'pipeline' ? `${s.datapath}/${s.pipeline}/${s.inport}` : '')),
    ).toEqual(['a/ingress/a1', 'a/egress/a1', 'b/ingress/b-a', 'b/egress/b-a']);
  });

  test('no matching flow is an implicit drop, reported where it happened', () => {
    const world: SimWorld = {
      datapaths: [
        sw('s', [flow(IN0, 0, '1', 'next;'), flow(IN1, 10, 'ip4', 'next;')], [{ name: 'p1' }]),
      ],
    };
    const r = simulate(world, {
      datapath: 's',
      inport: 'p1',
      packet: arpRequest({ sha: H1, spa: '10.0.0.1', tpa: '10.0.0.2' }),
    });
    expect(r.outcomes).toEqual([
      {
        kind: 'dropped',
        datapath: 's',
        reason: 'no flow matched in ls_in_port_sec_ip',
        at: { datapath: 's', pipeline: 'ingress', stage: IN1, table: 1 },
      },
    ]);
    expect(r.steps).toContainEqual({
      kind: 'no-match',
      at: { datapath: 's', pipeline: 'ingress', stage: IN1, table: 1 },
    });
  });

  test("arp { … } starts a new packet from OVN's defaults; the original ends", () => {
    const world: SimWorld = {
      datapaths: [
        sw(
          's',
          [
            flow(IN0, 0, '1', 'arp { eth.dst = ff:ff:ff:ff:ff:ff; outport = "p2"; output; };'),
            flow(OUT0, 0, '1', 'output;'),
          ],
          [{ name: 'p1' }, { name: 'p2' }],
        ),
      ],
    };
    const r = simulate(world, {
      datapath: 's',
      inport: 'p1',
      packet: icmp4Packet({ ethSrc: H1, ethDst: H2, src: '10.0.0.1', dst: '10.0.0.9' }),
    });
    expect(r.outcomes).toHaveLength(1);
    const out = r.outcomes[0]!;
    expect(out.kind === 'delivered' && describePacket(out.packet)).toMatchObject({
      'eth.type': '0x806',
      'eth.src': H1,
      'eth.dst': 'ff:ff:ff:ff:ff:ff',
      'arp.op': '1',
      'arp.sha': H1,
      'arp.spa': '10.0.0.1',
      'arp.tpa': '10.0.0.9',
      'arp.tha': '00:00:00:00:00:00',
    });
  });

  test('conntrack: new, then established, then a reply; ct_commit keeps the mark', () => {
    const world: SimWorld = {
      datapaths: [
        sw(
          's',
          [
            flow(IN0, 10, 'ip', 'ct_next;'),
            flow(IN1, 20, 'ct.new', 'ct_commit { ct_mark = 5; }; outport = "p2"; output;'),
            flow(IN1, 10, 'ct.est && !ct.rpl && ct_mark == 5', 'outport = "p2"; output;'),
            flow(IN1, 10, 'ct.est && ct.rpl', 'outport = "p1"; output;'),
            flow(OUT0, 0, '1', 'output;'),
          ],
          [{ name: 'p1' }, { name: 'p2' }],
        ),
      ],
    };
    const ct = new Conntrack();
    const fwd = l4Packet({
      proto: 'tcp',
      ethSrc: H1,
      ethDst: H2,
      src: '10.0.0.1',
      dst: '10.0.0.2',
      sport: 4000,
      dport: 80,
    });
    const back = l4Packet({
      proto: 'tcp',
      ethSrc: H2,
      ethDst: H1,
      src: '10.0.0.2',
      dst: '10.0.0.1',
      sport: 80,
      dport: 4000,
    });
    const first = simulate(world, { datapath: 's', inport: 'p1', packet: fwd }, { conntrack: ct });
    expect(formatTrace(first.steps)).toContain('ct: new connection');
    expect(delivered(first.outcomes)).toEqual(['p2']);
    const second = simulate(world, { datapath: 's', inport: 'p1', packet: fwd }, { conntrack: ct });
    expect(formatTrace(second.steps)).toContain('ct: established');
    expect(delivered(second.outcomes)).toEqual(['p2']);
    const reply = simulate(world, { datapath: 's', inport: 'p2', packet: back }, { conntrack: ct });
    expect(formatTrace(reply.steps)).toContain('ct: established, reply');
    expect(delivered(reply.outcomes)).toEqual(['p1']);
  });

  test('ct_lb_mark: the VIP is rewritten to a backend, and replies back to the VIP', () => {
    const world: SimWorld = {
      datapaths: [
        sw(
          's',
          [
            flow(
              IN0,
              10,
              'ip4.dst == 10.0.0.100 && tcp.dst == 80',
              'ct_lb_mark(backends=10.0.0.2:8080);',
            ),
            // As OVN's pre-stateful stage: established traffic takes its NAT with a bare ct_lb_mark.
            flow(IN0, 5, 'ip', 'ct_lb_mark;'),
            flow(IN1, 10, 'ct.rpl', 'outport = "p1"; output;'),
            flow(IN1, 5, '1', 'outport = "p2"; output;'),
            flow(OUT0, 0, '1', 'output;'),
          ],
          [{ name: 'p1' }, { name: 'p2' }],
        ),
      ],
    };
    const ct = new Conntrack();
    const req = l4Packet({
      proto: 'tcp',
      ethSrc: H1,
      ethDst: H2,
      src: '10.0.0.1',
      dst: '10.0.0.100',
      sport: 4000,
      dport: 80,
    });
    const r1 = simulate(world, { datapath: 's', inport: 'p1', packet: req }, { conntrack: ct });
    expect(
      r1.outcomes[0]!.kind === 'delivered' && describePacket(r1.outcomes[0]!.packet),
    ).toMatchObject({ 'ip4.dst': '10.0.0.2', 'tcp.dst': '8080' });
    const rep = l4Packet({
      proto: 'tcp',
      ethSrc: H2,
      ethDst: H1,
      src: '10.0.0.2',
      dst: '10.0.0.1',
      sport: 8080,
      dport: 4000,
    });
    const r2 = simulate(world, { datapath: 's', inport: 'p2', packet: rep }, { conntrack: ct });
    expect(
      r2.outcomes[0]!.kind === 'delivered' && describePacket(r2.outcomes[0]!.packet),
    ).toMatchObject({
      'ip4.src': '10.0.0.100',
      'tcp.src': '80',
    });
    expect(delivered(r2.outcomes)).toEqual(['p1']);
  });

  test('a forwarding loop is cut short', () => {
    const loop = (name: string, peer: string): SimDatapath =>
      sw(
        name,
        [flow(IN0, 0, '1', 'outport = "up"; output;'), flow(OUT0, 0, '1', 'output;')],
        [{ name: 'in' }, { name: 'up', peer: { datapath: peer, port: 'in' } }],
      );
    const r = simulate(
      { datapaths: [loop('a', 'b'), loop('b', 'a')] },
      { datapath: 'a', inport: 'in', packet: packet({ 'eth.src': H1 }) },
      { maxFlows: 50 },
    );
    expect(r.outcomes).toEqual([
      expect.objectContaining({ kind: 'dropped', reason: 'too many flows: the packet loops' }),
    ]);
  });

  test('get_arp/put_arp use and fill the MAC binding table', () => {
    const world: SimWorld = {
      datapaths: [
        {
          name: 'r',
          kind: 'router',
          flows: [
            flow('lr_in_admission', 0, 'arp', 'put_arp(inport, arp.spa, arp.sha); next;'),
            flow(
              'lr_in_admission',
              0,
              'ip4',
              'outport = "r1"; reg0 = ip4.dst; get_arp(outport, reg0); next;',
            ),
            flow('lr_in_lookup_neighbor', 0, '1', 'outport = "r1"; output;'),
            flow('lr_out_undnat', 0, '1', 'output;'),
          ],
          ports: [{ name: 'r1' }],
        },
      ],
      macBindings: [{ datapath: 'r', port: 'r1', ip: '10.0.0.9', mac: '00:00:00:00:00:09' }],
    };
    const r = simulate(world, {
      datapath: 'r',
      inport: 'r1',
      packet: arpRequest({ sha: H2, spa: '10.0.0.2', tpa: '10.0.0.1' }),
    });
    expect(r.macBindings).toContainEqual({ datapath: 'r', port: 'r1', ip: '10.0.0.2', mac: H2 });
    const r2 = simulate(
      world,
      {
        datapath: 'r',
        inport: 'r1',
        packet: icmp4Packet({ ethSrc: H1, ethDst: H2, src: '10.0.0.1', dst: '10.0.0.9' }),
      },
      {},
    );
    // Delivered back out of r1 would need flags.loopback: it is dropped, after get_arp found the MAC.
    expect(formatTrace(r2.steps)).toContain('get_arp: 10.0.0.9 on "r1" is 00:00:00:00:00:09');
  });

  test('formatter: detailed, summary and minimal forms', () => {
    const world: SimWorld = {
      datapaths: [
        sw(
          's',
          [
            flow(IN0, 0, '1', 'next;'),
            flow(IN1, 0, '1', 'ip.ttl--; next;'),
            flow(IN2, 0, '1', 'outport = "p2"; output;'),
            flow(OUT0, 0, '1', 'output;'),
          ],
          [{ name: 'p1' }, { name: 'p2' }],
        ),
      ],
    };
    const pkt = icmp4Packet({ ethSrc: H1, ethDst: H2, src: '10.0.0.1', dst: '10.0.0.2', ttl: 9 });
    const r = simulate(world, { datapath: 's', inport: 'p1', packet: pkt });
    // The match-all `next;` flow of table 0 is left out, as ovn-trace does.
    expect(formatTrace(r.steps, 'detailed')).toBe(
      [
        '',
        'ingress(dp="s", inport="p1")',
        '----------------------------',
        ' 1. ls_in_port_sec_ip (test): 1, priority 0',
        '    ip.ttl--;',
        '    next;',
        ' 2. ls_in_port_sec_nd (test): 1, priority 0',
        '    outport = "p2";',
        '    output;',
        '',
        'egress(dp="s", inport="p1", outport="p2")',
        '-----------------------------------------',
        ' 0. ls_out_pre_lb (test): 1, priority 0',
        '    output;',
        '    /* output to "p2" (s) */',
      ].join('\n'),
    );
    expect(formatTrace(r.steps, 'summary')).toBe(
      [
        'ingress(dp="s", inport="p1") {',
        '    ip.ttl--;',
        '    outport = "p2";',
        '    output;',
        '    egress(dp="s", inport="p1", outport="p2") {',
        '        output;',
        '        /* output to "p2" (s) */',
        '    };',
        '};',
      ].join('\n'),
    );
    expect(formatTrace(r.steps, 'minimal', pkt)).toBe(['ip.ttl = 8;', 'output("p2");'].join('\n'));
  });
});
