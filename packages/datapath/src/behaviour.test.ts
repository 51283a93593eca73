import { describe, expect, it } from 'vitest';
import * as A from './actions.js';
import * as K from './key-layout.js';
import { linkMemoryPorts, MemoryPort } from './memory-port.js';
import { formatIp4, formatMac } from './packet/addr.js';
import { buildPacket, TCP_ACK, TCP_SYN } from './packet/build.js';
import { OFFSETS_LEN, parseFrame } from './packet/parse.js';
import { verifyChecksums } from './packet/verify.js';
import type { PacketIn } from './packet-in.js';
import { MAC_A, MAC_B, MAC_R, tcp4, testbed, udp4 } from './testing/fixtures.js';

function keyOf(b: Uint8Array): Uint32Array {
  const key = new Uint32Array(K.KEY_WORDS);
  parseFrame(b, key, new Int32Array(OFFSETS_LEN));
  return key;
}
const macAt = (k: Uint32Array, w: number) => formatMac((BigInt(k[w]!) << 32n) | BigInt(k[w + 1]!));

describe('behaviour: packets through tables', () => {
  it('answers ARP for a router address with flows only (OVN-style ARP responder)', () => {
    const { dp, ports } = testbed(2);
    dp.addFlows([
      {
        table: 0,
        priority: 100,
        match: { eth_type: 0x806, arp_op: 1, arp_tpa: '10.0.0.254' },
        actions: [
          A.move('eth_src', 'eth_dst'),
          A.setField('eth_src', MAC_R),
          A.setField('arp_op', 2),
          A.move('arp_sha', 'arp_tha'),
          A.setField('arp_sha', MAC_R),
          A.move('arp_spa', 'arp_tpa'),
          A.setField('arp_spa', '10.0.0.254'),
          A.output(K.PORT_IN_PORT),
        ],
      },
    ]);
    const req = buildPacket({
      eth: { src: MAC_A, dst: 'ff:ff:ff:ff:ff:ff' },
      arp: { op: 1, sha: MAC_A, spa: '10.0.0.1', tha: '00:00:00:00:00:00', tpa: '10.0.0.254' },
    });
    ports[0]!.inject([req]);
    const [reply] = ports[0]!.take();
    const expected = buildPacket({
      eth: { src: MAC_R, dst: MAC_A },
      arp: { op: 2, sha: MAC_R, spa: '10.0.0.254', tha: MAC_A, tpa: '10.0.0.1' },
    });
    expect(reply!.frame).toEqual(expected);
    // Someone else's address is not answered.
    ports[0]!.inject([
      buildPacket({
        eth: { src: MAC_A, dst: 'ff:ff:ff:ff:ff:ff' },
        arp: { op: 1, sha: MAC_A, spa: '10.0.0.1', tha: '00:00:00:00:00:00', tpa: '10.0.0.9' },
      }),
    ]);
    expect(ports[0]!.take()).toHaveLength(0);
  });

  it('routes between subnets: MAC rewrite and TTL decrement, checksums right', () => {
    const { dp, ports } = testbed(2);
    dp.addFlows([
      { table: 0, priority: 10, match: { in_port: 1, eth_dst: MAC_R }, actions: [A.resubmit(10)] },
      {
        table: 10,
        priority: 24,
        match: { ip_dst: '10.0.2.0/24' },
        actions: [
          A.decTtl('controller'),
          A.setField('eth_src', MAC_R),
          A.setField('eth_dst', MAC_B),
          A.output(2),
        ],
      },
    ]);
    ports[0]!.inject([tcp4({ ethDst: MAC_R, dst: '10.0.2.7', ttl: 9 })]);
    const [out] = ports[1]!.take();
    const k = keyOf(out!.frame);
    expect(k[K.K_NW_TTL]).toBe(8);
    expect(macAt(k, K.K_ETH_SRC)).toBe(MAC_R);
    expect(macAt(k, K.K_ETH_DST)).toBe(MAC_B);
    expect(verifyChecksums(out!.frame)).toEqual({ ipHeader: true, l4: true });
  });

  it('a stateful firewall: clients out, only replies in', () => {
    // Port 1 = inside, port 2 = outside. Zone 5 in a register, as OVN does.
    const { dp, ports } = testbed(2);
    dp.addFlows([
      {
        table: 0,
        priority: 10,
        match: { eth_type: 0x800 },
        actions: [A.load('reg13[0..15]', 5), A.ct({ zone: A.ref('reg13[0..15]'), table: 1 })],
      },
      {
        table: 1,
        priority: 20,
        match: { ct_state: '+trk+est', in_port: 2 },
        actions: [A.output(1)],
      },
      {
        table: 1,
        priority: 20,
        match: { ct_state: '+trk+est', in_port: 1 },
        actions: [A.output(2)],
      },
      {
        table: 1,
        priority: 10,
        match: { ct_state: '+trk+new', in_port: 1 },
        actions: [A.ct({ commit: true, zone: 5, exec: [A.setField('ct_mark', 1)] }), A.output(2)],
      },
      { table: 1, priority: 5, match: { ct_state: '+trk+inv' }, actions: [A.drop('invalid')] },
    ]);
    // Unsolicited from outside: new, no flow lets it in.
    ports[1]!.inject([
      tcp4({ src: '8.8.8.8', dst: '10.0.0.1', sport: 80, dport: 1000, flags: TCP_SYN }),
    ]);
    expect(ports[0]!.take()).toHaveLength(0);
    // Client opens a connection; the reply comes in; further packets flow both ways.
    ports[0]!.inject([
      tcp4({ src: '10.0.0.1', dst: '8.8.8.8', sport: 1000, dport: 80, flags: TCP_SYN }),
    ]);
    expect(ports[1]!.take()).toHaveLength(1);
    ports[1]!.inject([
      tcp4({ src: '8.8.8.8', dst: '10.0.0.1', sport: 80, dport: 1000, flags: TCP_SYN | TCP_ACK }),
    ]);
    expect(ports[0]!.take()).toHaveLength(1);
    ports[0]!.inject([
      tcp4({ src: '10.0.0.1', dst: '8.8.8.8', sport: 1000, dport: 80, flags: TCP_ACK }),
    ]);
    expect(ports[1]!.take()).toHaveLength(1);
    expect(dp.dumpConntrack()).toMatchObject([{ zone: 5, mark: 1, state: 'established' }]);
    // The trace shows the ct step with state before and after, without changing conntrack.
    const tr = dp.trace(
      tcp4({ src: '8.8.8.8', dst: '10.0.0.1', sport: 80, dport: 1000, flags: TCP_ACK }),
      2,
    );
    expect(tr.outputs.map((o) => o.port)).toEqual([1]);
    expect(tr.text).toContain('ct(zone=5): ct_state 0 -> +est+rpl+trk');
    expect(tr.text).toContain('recirculate to table 1');
  });

  it('SNAT on the way out and un-SNAT on the way back through flows', () => {
    const { dp, ports } = testbed(2);
    dp.addFlows([
      {
        table: 0,
        priority: 10,
        match: { in_port: 1, eth_type: 0x800 },
        actions: [A.ct({ zone: 9, table: 1, nat: {} })],
      },
      {
        table: 0,
        priority: 10,
        match: { in_port: 2, eth_type: 0x800 },
        actions: [A.ct({ zone: 9, table: 2, nat: {} })],
      },
      {
        table: 1,
        priority: 10,
        match: { ct_state: '+new+trk' },
        actions: [
          A.ct({ commit: true, zone: 9, table: 3, nat: { kind: 'src', ipMin: '192.0.2.1' } }),
        ],
      },
      { table: 1, priority: 10, match: { ct_state: '+est+trk' }, actions: [A.output(2)] },
      { table: 3, priority: 1, actions: [A.output(2)] },
      { table: 2, priority: 10, match: { ct_state: '+est+trk' }, actions: [A.output(1)] },
    ]);
    // A trace shows the translation without creating the connection.
    const t = dp.trace(udp4({ src: '10.0.0.1', dst: '203.0.113.5', sport: 4000, dport: 53 }), 1);
    expect(t.text).toContain('ct(zone=9,commit): ct_state +new+trk -> +new+trk+snat');
    expect(formatIp4(keyOf(t.outputs[0]!.frame)[K.K_IP4_SRC]!)).toBe('192.0.2.1');
    expect(dp.dumpConntrack()).toEqual([]);
    ports[0]!.inject([udp4({ src: '10.0.0.1', dst: '203.0.113.5', sport: 4000, dport: 53 })]);
    const [out] = ports[1]!.take();
    expect(formatIp4(keyOf(out!.frame)[K.K_IP4_SRC]!)).toBe('192.0.2.1');
    expect(verifyChecksums(out!.frame)).toEqual({ ipHeader: true, l4: true });
    ports[1]!.inject([udp4({ src: '203.0.113.5', dst: '192.0.2.1', sport: 53, dport: 4000 })]);
    const [back] = ports[0]!.take();
    expect(formatIp4(keyOf(back!.frame)[K.K_IP4_DST]!)).toBe('10.0.0.1');
    expect(verifyChecksums(back!.frame)).toEqual({ ipHeader: true, l4: true });
  });

  it('a load balancer: select group of ct(commit, nat(dst)) buckets, replies un-DNATed', () => {
    const { dp, ports } = testbed(2);
    dp.bundle([
      {
        kind: 'add_group',
        group: {
          id: 1,
          type: 'select',
          buckets: [
            {
              actions: [
                A.ct({
                  commit: true,
                  zone: 1,
                  table: 2,
                  nat: { kind: 'dst', ipMin: '10.0.0.11', portMin: 8080 },
                }),
              ],
            },
            {
              actions: [
                A.ct({
                  commit: true,
                  zone: 1,
                  table: 2,
                  nat: { kind: 'dst', ipMin: '10.0.0.12', portMin: 8080 },
                }),
              ],
            },
          ],
        },
      },
      {
        kind: 'add',
        flow: {
          table: 0,
          priority: 1,
          match: { eth_type: 0x800 },
          actions: [A.ct({ zone: 1, table: 1, nat: {} })],
        },
      },
      {
        kind: 'add',
        flow: {
          table: 1,
          priority: 10,
          match: { ct_state: '+new+trk', ip_dst: '192.0.2.80', ip_proto: 6, tcp_dst: 80 },
          actions: [A.group(1)],
        },
      },
      {
        kind: 'add',
        flow: {
          table: 1,
          priority: 5,
          match: { ct_state: '+est+trk', in_port: 1 },
          actions: [A.output(2)],
        },
      },
      {
        kind: 'add',
        flow: {
          table: 1,
          priority: 5,
          match: { ct_state: '+est+trk', in_port: 2 },
          actions: [A.output(1)],
        },
      },
      // After DNAT the original destination is still visible (OVN's hairpin and LB checks use it).
      {
        kind: 'add',
        flow: {
          table: 2,
          priority: 1,
          match: { ct_nw_dst: '192.0.2.80', ct_tp_dst: 80, ct_nw_proto: 6 },
          actions: [A.output(2)],
        },
      },
    ]);
    const backends = new Set<string>();
    for (let sport = 2000; sport < 2020; sport++) {
      ports[0]!.inject([tcp4({ src: '198.51.100.1', dst: '192.0.2.80', sport, dport: 80 })]);
      const [f] = ports[1]!.take();
      const k = keyOf(f!.frame);
      expect(k[K.K_TP_DST]).toBe(8080);
      const be = formatIp4(k[K.K_IP4_DST]!);
      backends.add(be);
      ports[1]!.inject([
        tcp4({ src: be, dst: '198.51.100.1', sport: 8080, dport: sport, flags: TCP_SYN | TCP_ACK }),
      ]);
      const [r] = ports[0]!.take();
      const rk = keyOf(r!.frame);
      expect(formatIp4(rk[K.K_IP4_SRC]!)).toBe('192.0.2.80');
      expect(rk[K.K_TP_SRC]).toBe(80);
    }
    expect([...backends].sort()).toEqual(['10.0.0.11', '10.0.0.12']);
  });

  it('MAC learning through punts: the controller installs a flow, later packets are switched', () => {
    const { dp, ports } = testbed(3);
    dp.addFlows([
      { table: 0, priority: 0, actions: [A.controller({ reason: 'learn' }), A.resubmit(1)] },
      { table: 1, priority: 0, actions: [A.output(1), A.output(2), A.output(3)] }, // flood
    ]);
    dp.onPacketIn((p) => {
      const k = p.packet;
      const src = formatMac(
        BigInt(`0x${[...k.subarray(6, 12)].map((b) => b.toString(16).padStart(2, '0')).join('')}`),
      );
      dp.bundle([
        {
          kind: 'add',
          flow: { table: 1, priority: 10, match: { eth_dst: src }, actions: [A.output(p.inPort)] },
        },
        {
          kind: 'add',
          flow: {
            table: 0,
            priority: 10,
            match: { in_port: p.inPort, eth_src: src },
            actions: [A.resubmit(1)],
          },
        },
      ]);
    });
    ports[0]!.inject([udp4({ ethSrc: MAC_A, ethDst: MAC_B })]); // unknown dst: flooded, A learned on port 1
    expect(ports[1]!.take()).toHaveLength(1);
    expect(ports[2]!.take()).toHaveLength(1);
    ports[1]!.inject([udp4({ ethSrc: MAC_B, ethDst: MAC_A })]); // known dst: only port 1
    expect(ports[0]!.take()).toHaveLength(1);
    expect(ports[2]!.take()).toHaveLength(0);
    ports[0]!.inject([udp4({ ethSrc: MAC_A, ethDst: MAC_B })]); // both learned: no flood, no punt
    expect(ports[1]!.take()).toHaveLength(1);
    expect(ports[2]!.take()).toHaveLength(0);
    expect(dp.stats().packetIns).toBe(2);
  });

  it('pause and resume: the controller sets a register and the pipeline continues', () => {
    const { dp, ports } = testbed(2);
    const pins: PacketIn[] = [];
    dp.onPacketIn((p) => pins.push(p));
    dp.addFlows([
      { table: 0, priority: 1, actions: [A.resubmit(1)] },
      {
        table: 1,
        priority: 1,
        actions: [A.controller({ pause: true, userdata: Uint8Array.of(9) }), A.resubmit(2)],
      },
      { table: 2, priority: 10, match: { reg0: 1 }, actions: [A.output(2)] },
    ]);
    ports[0]!.inject([udp4()]);
    expect(pins).toHaveLength(1);
    expect(ports[1]!.take()).toHaveLength(0);
    const answer = udp4({ dst: '10.0.0.77' });
    dp.resume(pins[0]!, { packet: answer, fields: { reg0: 1 } });
    const [out] = ports[1]!.take();
    expect(out!.frame).toEqual(answer);
  });

  it('packet-out runs actions on a controller packet, including resubmit into the tables', () => {
    const { dp, ports } = testbed(2);
    dp.addFlow({ table: 3, priority: 1, match: { in_port: 1 }, actions: [A.output(2)] });
    dp.packetOut({ packet: udp4(), actions: [A.output(1)] });
    expect(ports[0]!.take()).toHaveLength(1);
    dp.packetOut({ packet: udp4(), inPort: 1, actions: [A.resubmit(3)] });
    expect(ports[1]!.take()).toHaveLength(1);
    expect(() => dp.packetOut({ packet: udp4(), actions: [A.resubmit(999)] })).toThrow(
      /packet-out: resubmit: bad table 999/,
    );
  });

  it('tunnel ports: tun_id and tun_metadata0 come in as match fields and go out as metadata', () => {
    const { dp, ports } = testbed(1);
    const tun = new MemoryPort({ kind: 'geneve', tunnel: true });
    dp.addPort('tun0', tun, { port: 10 });
    dp.addFlows([
      {
        table: 0,
        priority: 10,
        match: { in_port: 10, tun_id: 0x123n, tun_metadata0: 0x00050007 },
        actions: [A.output(1)],
      },
      {
        table: 0,
        priority: 10,
        match: { in_port: 1 },
        actions: [
          A.setField('tun_id', 0x456n),
          A.setField('tun_metadata0', 0x00020003),
          A.output(10),
        ],
      },
    ]);
    tun.inject([udp4()], [{ tunId: 0x123n, geneveOption: 0x00050007, remoteIp: '192.0.2.2' }]);
    expect(ports[0]!.take()).toHaveLength(1);
    tun.inject([udp4()], [{ tunId: 0x124n, geneveOption: 0x00050007 }]);
    expect(ports[0]!.take()).toHaveLength(0);
    ports[0]!.inject([udp4()]);
    const [sent] = tun.take();
    expect(sent!.meta).toEqual({ tunId: 0x456n, geneveOption: 0x00020003 });
  });

  it('two datapaths joined by linked memory ports', () => {
    const [x, y] = linkMemoryPorts();
    const a = testbed(1);
    const b = testbed(1);
    a.dp.addPort('link', x, { port: 9 });
    b.dp.addPort('link', y, { port: 9 });
    a.dp.addFlow({ match: { in_port: 1 }, actions: [A.output(9)] });
    b.dp.addFlow({ match: { in_port: 9 }, actions: [A.output(1)] });
    a.ports[0]!.inject([udp4()]);
    expect(b.ports[0]!.take()).toHaveLength(1);
  });
});

describe('behaviour: conjunctive ACL', () => {
  it('allows traffic from one address set to another without the cross product', () => {
    const { dp, ports } = testbed(2);
    const srcs = ['10.0.0.1', '10.0.0.2', '10.0.0.3'];
    const dsts = ['10.0.1.1', '10.0.1.2'];
    dp.bundle([
      ...srcs.map((s) => ({
        kind: 'add' as const,
        flow: { priority: 100, match: { ip_src: s }, actions: [A.conjunction(1, 1, 3)] },
      })),
      ...dsts.map((d) => ({
        kind: 'add' as const,
        flow: { priority: 100, match: { ip_dst: d }, actions: [A.conjunction(1, 2, 3)] },
      })),
      {
        kind: 'add',
        flow: {
          priority: 100,
          match: { eth_type: 0x800, ip_proto: 6, tcp_dst: 22 },
          actions: [A.conjunction(1, 3, 3)],
        },
      },
      { kind: 'add', flow: { priority: 100, match: { conj_id: 1 }, actions: [A.output(2)] } },
      { kind: 'add', flow: { priority: 1, actions: [A.drop('default deny')] } },
    ]);
    let passed = 0;
    for (const s of [...srcs, '10.0.0.9']) {
      for (const d of [...dsts, '10.0.1.9']) {
        for (const dport of [22, 80]) {
          ports[0]!.inject([tcp4({ src: s, dst: d, dport })]);
          const n = ports[1]!.take().length;
          const allowed = srcs.includes(s) && dsts.includes(d) && dport === 22;
          expect(n).toBe(allowed ? 1 : 0);
          passed += n;
        }
      }
    }
    expect(passed).toBe(srcs.length * dsts.length);
    expect(dp.trace(tcp4({ src: '10.0.0.9', dst: '10.0.1.1', dport: 22 }), 1).dropReason).toBe(
      'default deny',
    );
  });
});

describe('behaviour: OVN router tricks built from actions', () => {
  it('answers a ping to the router address (ICMP echo responder, as lr_in_ip_input does)', () => {
    const { dp, ports } = testbed(1);
    dp.addFlow({
      priority: 90,
      match: { eth_type: 0x800, ip_dst: '10.0.0.254', icmp_type: 8, icmp_code: 0 },
      actions: [
        A.swap('eth_src', 'eth_dst'),
        A.swap('ip_src', 'ip_dst'),
        A.setField('nw_ttl', 255),
        A.setField('icmp_type', 0),
        // flags.loopback: clear in_port so the reply may leave by the port it came in on.
        A.setField('in_port', 0),
        A.output(1),
      ],
    });
    const ping = buildPacket({
      eth: { src: MAC_A, dst: MAC_R },
      ip4: { src: '10.0.0.1', dst: '10.0.0.254', ttl: 64 },
      icmp: { type: 8, id: 0x1234, seq: 7 },
      payload: Uint8Array.of(1, 2, 3, 4),
    });
    ports[0]!.inject([ping]);
    const [reply] = ports[0]!.take();
    const expected = buildPacket({
      eth: { src: MAC_R, dst: MAC_A },
      ip4: { src: '10.0.0.254', dst: '10.0.0.1', ttl: 255 },
      icmp: { type: 0, id: 0x1234, seq: 7 },
      payload: Uint8Array.of(1, 2, 3, 4),
    });
    expect(reply!.frame).toEqual(expected);
  });
});

describe('behaviour: fragments', () => {
  it('matches ip_frag and does not track fragments in conntrack', () => {
    const { dp, ports } = testbed(3);
    dp.addFlows([
      {
        table: 0,
        priority: 20,
        match: { eth_type: 0x800, ip_frag: 'later' },
        actions: [A.output(3)],
      },
      {
        table: 0,
        priority: 10,
        match: { eth_type: 0x800 },
        actions: [A.ct({ zone: 1, table: 1 })],
      },
      { table: 1, priority: 10, match: { ct_state: '+inv+trk' }, actions: [A.output(3)] },
      { table: 1, priority: 5, match: { ct_state: '+new+trk' }, actions: [A.output(2)] },
    ]);
    const eth = { src: MAC_A, dst: MAC_B };
    const first = buildPacket({
      eth,
      ip4: { src: '10.0.0.1', dst: '10.0.0.2', frag: { offset: 0, more: true } },
      udp: { sport: 1, dport: 2 },
      payload: new Uint8Array(16),
    });
    const later = buildPacket({
      eth,
      ip4: { src: '10.0.0.1', dst: '10.0.0.2', proto: 17, frag: { offset: 3, more: false } },
      payload: new Uint8Array(16),
    });
    const whole = udp4();
    ports[0]!.inject([first, later, whole]);
    // The first fragment goes through ct and is invalid (no reassembly); the later one matched ip_frag.
    expect(ports[2]!.take().map((c) => c.frame)).toEqual([first, later]);
    expect(ports[1]!.take().map((c) => c.frame)).toEqual([whole]);
  });
});

describe('behaviour: ct(table) in the middle of a pass forks, as in OVS', () => {
  it('floods to ports that each run a stateful ACL: every port gets its copy', () => {
    // OVN's multicast delivery: set the outport, run its egress pipeline, next member, ... Each
    // egress pipeline goes through conntrack in the member's zone before output.
    const { dp, ports } = testbed(4);
    dp.addFlows([
      {
        table: 0,
        priority: 10,
        match: { in_port: 1 },
        actions: [
          A.load('reg15[0..15]', 2),
          A.resubmit(40),
          A.load('reg15[0..15]', 3),
          A.resubmit(40),
          A.load('reg15[0..15]', 4),
          A.resubmit(40),
        ],
      },
      {
        table: 40,
        priority: 10,
        match: { eth_type: 0x800 },
        actions: [
          A.move('reg15[0..15]', 'reg13[0..15]'),
          A.ct({ zone: A.ref('reg13[0..15]'), table: 41 }),
        ],
      },
      {
        table: 41,
        priority: 10,
        match: { ct_state: '+new+trk' },
        actions: [
          A.ct({ commit: true, zone: A.ref('reg13[0..15]') }),
          A.outputField('reg15[0..15]'),
        ],
      },
    ]);
    ports[0]!.inject([udp4({ ethDst: 'ff:ff:ff:ff:ff:ff' })]);
    expect(ports.map((p) => p.take().length)).toEqual([0, 1, 1, 1]);
    // One connection per member's zone.
    expect(
      dp
        .dumpConntrack()
        .map((c) => c.zone)
        .sort(),
    ).toEqual([2, 3, 4]);
    // The trace follows each copy.
    const t = dp.trace(udp4({ ethDst: 'ff:ff:ff:ff:ff:ff', sport: 7 }), 1);
    expect(t.outputs.map((o) => o.port).sort()).toEqual([2, 3, 4]);
    expect(t.text.split('recirculate to table 41').length - 1).toBe(3);
  });

  it('clone(ct(table)) recirculates the copy while the packet goes on', () => {
    const { dp, ports } = testbed(3);
    dp.addFlows([
      {
        table: 0,
        priority: 10,
        match: { in_port: 1 },
        actions: [A.clone([A.ct({ zone: 1, table: 5 })]), A.output(2)],
      },
      { table: 5, priority: 10, match: { ct_state: '+trk' }, actions: [A.output(3)] },
    ]);
    ports[0]!.inject([udp4()]);
    expect(ports[1]!.take()).toHaveLength(1);
    expect(ports[2]!.take()).toHaveLength(1);
  });
});
