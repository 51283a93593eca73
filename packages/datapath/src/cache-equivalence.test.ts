import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as A from './actions.js';
import { Datapath } from './datapath.js';
import type { FlowSpec } from './flow-mod.js';
import { MemoryPort } from './memory-port.js';
import { buildPacket, TCP_ACK, TCP_SYN } from './packet/build.js';
import { verifyChecksums } from './packet/verify.js';

/**
 * The cache must be invisible: a datapath with the exact-match cache and one without it give the
 * same outputs for random pipelines and packets (each packet sent twice, so the second is a hit), and
 * trace predicts the same outputs. Every output frame has valid checksums.
 */

const macs = ['00:00:00:00:00:01', '00:00:00:00:00:02', '00:00:00:00:00:03'];
const ips = ['10.0.0.1', '10.0.0.2', '192.168.7.9'];

const packetArb = fc
  .record({
    src: fc.constantFrom(...ips),
    dst: fc.constantFrom(...ips),
    ethDst: fc.constantFrom(...macs),
    l4: fc.constantFrom('tcp', 'udp', 'icmp', 'arp', 'ip6'),
    port: fc.constantFrom(22, 80, 5353),
    ttl: fc.constantFrom(1, 2, 64),
    vlan: fc.boolean(),
    inPort: fc.constantFrom(1, 2),
  })
  .map((r) => {
    const eth = { src: macs[0]!, dst: r.ethDst };
    const vlan = r.vlan ? { vlan: { vid: 10 } } : {};
    let frame: Uint8Array;
    if (r.l4 === 'arp')
      frame = buildPacket({
        eth,
        ...vlan,
        arp: { op: 1, sha: macs[0]!, spa: r.src, tha: '00:00:00:00:00:00', tpa: r.dst },
      });
    else if (r.l4 === 'ip6')
      frame = buildPacket({
        eth,
        ...vlan,
        ip6: { src: 'fd00::1', dst: 'fd00::2', hopLimit: r.ttl },
        udp: { sport: 1000, dport: r.port },
      });
    else {
      const l4 =
        r.l4 === 'tcp'
          ? { tcp: { sport: 1000, dport: r.port, flags: r.port === 22 ? TCP_SYN : TCP_ACK } }
          : r.l4 === 'udp'
            ? { udp: { sport: 1000, dport: r.port } }
            : { icmp: { type: 8, id: 7 } };
      frame = buildPacket({
        eth,
        ...vlan,
        ip4: { src: r.src, dst: r.dst, ttl: r.ttl },
        ...l4,
        payload: Uint8Array.of(1, 2, 3),
      });
    }
    return { frame, inPort: r.inPort };
  });

const actionArb: fc.Arbitrary<A.Action> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(1, 2, 3).map(A.output) },
  { weight: 2, arbitrary: fc.constantFrom(1, 2, 3, 4).map((t) => A.resubmit(t)) },
  fc.constantFrom(...ips).map((a) => A.setField('ip_dst', a)),
  fc.constantFrom(...macs).map((m) => A.setField('eth_src', m)),
  fc.constant(A.setField('tcp_dst', 8080)),
  fc.constant(A.setField('udp_src', 53)),
  fc.constant(A.setField('nw_tos', 0x10)),
  fc.constant(A.setField('ipv6_dst', 'fd00::99')),
  fc.constant(A.setField('arp_op', 2)),
  fc.constant(A.move('eth_src', 'eth_dst')),
  fc.constant(A.outputField('reg0[0..3]')),
  fc.constant(A.swap('ip_src', 'ip_dst')),
  fc.constant(A.load('reg0[0..3]', 5)),
  fc.constant(A.move('ip_proto', 'reg1[0..7]')),
  fc.constantFrom(A.decTtl('drop'), A.decTtl('controller')),
  fc.constantFrom(A.pushVlan(), A.popVlan(), A.setField('vlan_vid', 0x1000 | 33)),
  fc.constant(A.group(1)),
  fc.constant(A.group(2)),
  fc.constant(A.clone([A.setField('eth_dst', macs[2]!), A.output(3)])),
  fc.constant(A.controller({ reason: 'x' })),
  fc.constant(A.ct({ zone: 1, table: 4 })),
  fc.constant(A.ct({ commit: true, zone: 1 })),
);

const matchArb = fc.oneof(
  fc.constant({}),
  fc.constantFrom(1, 2).map((p) => ({ in_port: p })),
  fc.constantFrom(...ips).map((ip) => ({ ip_dst: ip })),
  fc.constantFrom(...macs).map((m) => ({ eth_dst: m })),
  fc.constant({ eth_type: 0x800, ip_proto: 6, tcp_dst: 22 }),
  fc.constant({ reg0: 5 }),
  fc.constant({ ct_state: '+trk+new' }),
  fc.constant({ ct_state: '+trk+est' }),
  fc.constant({ vlan_tci: { value: 0x1000, mask: 0x1000 } }),
);

const flowArb = fc.record({
  table: fc.constantFrom(0, 1, 2, 3, 4),
  priority: fc.integer({ min: 0, max: 20 }),
  match: matchArb,
  actions: fc.array(actionArb, { maxLength: 4 }),
});

function build(flows: FlowSpec[], cacheSize: number, megaflowSize: number) {
  const dp = new Datapath({ now: () => 0, cacheSize, megaflowSize });
  const ports = [1, 2, 3].map((no) => {
    const p = new MemoryPort();
    dp.addPort(`p${no}`, p, { port: no });
    return p;
  });
  const punts: number[] = [];
  dp.onPacketIn((p) => punts.push(p.table));
  dp.bundle([
    {
      kind: 'add_group',
      group: {
        id: 1,
        type: 'select',
        buckets: [{ actions: [A.output(1)] }, { weight: 2, actions: [A.output(2)] }],
      },
    },
    {
      kind: 'add_group',
      group: {
        id: 2,
        type: 'all',
        buckets: [
          { actions: [A.setField('eth_dst', macs[1]!), A.output(3)] },
          { actions: [A.output(2)] },
        ],
      },
    },
    ...flows.map((flow) => ({ kind: 'add' as const, flow })),
  ]);
  return { dp, ports, punts };
}

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('the caches are invisible', () => {
  it('exact-match + megaflow, exact-match only, uncached and traced runs agree; outputs carry valid checksums', () => {
    fc.assert(
      fc.property(
        fc.array(flowArb, { maxLength: 14 }),
        fc.array(packetArb, { minLength: 1, maxLength: 12 }),
        (flows, packets) => {
          // A tiny exact-match cache sends most repeats to the megaflow cache.
          const mega = build(flows, 2, 1024);
          const emcOnly = build(flows, 64, 0);
          const plain = build(flows, 0, 0);
          const traced = build(flows, 0, 0);
          const runs = [mega, emcOnly, plain];
          for (let round = 0; round < 2; round++) {
            for (const { frame, inPort } of packets) {
              const t = traced.dp.trace(frame, inPort, { peek: false });
              for (const r of runs) r.ports[inPort - 1]!.inject([Uint8Array.from(frame)]);
              const [a, e, b] = runs.map((r) =>
                r.ports.map((p) => p.take().map((c) => hex(c.frame))),
              );
              expect(a).toEqual(b);
              expect(e).toEqual(b);
              const fromTrace = [1, 2, 3].map((no) =>
                t.outputs.filter((o) => o.port === no).map((o) => hex(o.frame)),
              );
              expect(fromTrace).toEqual(b);
              for (const list of b!) {
                for (const h of list) {
                  const v = verifyChecksums(Uint8Array.from(Buffer.from(h, 'hex')));
                  expect(v).toEqual({ ipHeader: true, l4: true });
                }
              }
            }
          }
          for (const r of [mega, emcOnly]) {
            expect(r.punts).toEqual(plain.punts);
            expect(r.dp.stats().errors).toBe(0);
            expect(r.dp.flowStats().map((f) => f.packets)).toEqual(
              plain.dp.flowStats().map((f) => f.packets),
            );
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('serves new connections of a known kind from the megaflow cache', () => {
    const { dp, ports } = build(
      [
        {
          table: 0,
          priority: 10,
          match: { in_port: 1, eth_type: 0x800, ip_dst: '10.0.0.2' },
          actions: [A.setField('eth_dst', macs[1]!), A.output(2)],
        },
        { table: 0, priority: 1, actions: [] },
      ],
      8192,
      1024,
    );
    for (let sport = 1000; sport < 1100; sport++) {
      ports[0]!.inject([
        buildPacket({
          eth: { src: macs[0]!, dst: macs[2]! },
          ip4: { src: '10.0.0.1', dst: '10.0.0.2' },
          udp: { sport, dport: 53 },
        }),
      ]);
    }
    expect(ports[1]!.take()).toHaveLength(100);
    const s = dp.stats();
    // The first packet is translated; the source port is not part of the decision, so the other 99 hit.
    expect(s.cacheMisses).toBe(1);
    expect(s.megaflowHits).toBe(99);
    expect(s.megaflows).toBe(1);
  });
});
