import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as A from './actions.js';
import { MemoryPort } from './memory-port.js';
import { buildPacket, TCP_SYN } from './packet/build.js';
import { testbed } from './testing/fixtures.js';

/** A pipeline that touches every rewrite, conntrack with NAT, VLAN push/pop and punts. */
function busyPipeline() {
  const tb = testbed(3);
  tb.dp.onPacketIn(() => {});
  tb.dp.addFlows([
    {
      table: 0,
      priority: 30,
      match: { eth_type: 0x800 },
      actions: [A.ct({ zone: 1, table: 1, nat: {} })],
    },
    {
      table: 0,
      priority: 30,
      match: { eth_type: 0x86dd },
      actions: [A.ct({ zone: 2, table: 1, nat: {} })],
    },
    {
      table: 0,
      priority: 20,
      match: { eth_type: 0x806 },
      actions: [A.move('arp_sha', 'arp_tha'), A.setField('arp_op', 2), A.output(0xfffffff8)],
    },
    {
      table: 0,
      priority: 1,
      actions: [
        A.pushVlan(),
        A.setField('vlan_vid', 0x1000 | 7),
        A.output(2),
        A.popVlan(),
        A.controller(),
        A.output(3),
      ],
    },
    {
      table: 1,
      priority: 10,
      match: { ct_state: '+new+trk', eth_type: 0x800 },
      actions: [
        A.ct({
          commit: true,
          zone: 1,
          table: 2,
          nat: { kind: 'src', ipMin: '192.0.2.1', portMin: 1000, portMax: 1010 },
        }),
      ],
    },
    {
      table: 1,
      priority: 10,
      match: { ct_state: '+new+trk', eth_type: 0x86dd },
      actions: [A.ct({ commit: true, zone: 2, table: 2 })],
    },
    { table: 1, priority: 5, actions: [A.resubmit(2)] },
    {
      table: 2,
      priority: 1,
      actions: [
        A.decTtl('controller'),
        A.setField('eth_src', '00:00:00:00:00:fe'),
        A.move('ip_proto', 'reg0[0..7]'),
        A.output(2),
        A.setField('nw_tos', 0x20),
        A.output(3),
      ],
    },
  ]);
  return tb;
}

const base = [
  buildPacket({
    eth: { src: '00:00:00:00:00:01', dst: '00:00:00:00:00:02' },
    ip4: { src: '10.0.0.1', dst: '10.0.0.2' },
    tcp: { sport: 1, dport: 2, flags: TCP_SYN },
  }),
  buildPacket({
    eth: { src: '00:00:00:00:00:01', dst: '00:00:00:00:00:02' },
    ip4: { src: '10.0.0.1', dst: '10.0.0.2' },
    icmp: { type: 3, code: 1 },
    payload: new Uint8Array(28),
  }),
  buildPacket({
    eth: { src: '00:00:00:00:00:01', dst: '00:00:00:00:00:02' },
    ip6: { src: 'fd00::1', dst: 'fd00::2' },
    nd: { type: 135, target: 'fd00::2', sll: '00:00:00:00:00:01' },
  }),
  buildPacket({
    eth: { src: '00:00:00:00:00:01', dst: 'ff:ff:ff:ff:ff:ff' },
    arp: {
      op: 1,
      sha: '00:00:00:00:00:01',
      spa: '10.0.0.1',
      tha: '00:00:00:00:00:00',
      tpa: '10.0.0.2',
    },
  }),
  buildPacket({
    eth: { src: '00:00:00:00:00:01', dst: '00:00:00:00:00:02' },
    vlan: { vid: 5 },
    ip4: { src: '10.0.0.1', dst: '10.0.0.2', options: new Uint8Array(8) },
    udp: { sport: 1, dport: 2 },
  }),
];

describe('robustness', () => {
  it('never throws on damaged or truncated frames, and grows no frame by more than a VLAN tag', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.uint8Array({ maxLength: 120 }),
            fc
              .tuple(
                fc.constantFrom(...base),
                fc.array(fc.tuple(fc.nat(200), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }),
                fc.nat(200),
              )
              .map(([b, flips, cut]) => {
                const c = Uint8Array.from(b);
                for (const [i, v] of flips) if (i < c.length) c[i] = v;
                return c.subarray(0, Math.max(0, c.length - (cut % 40)));
              }),
          ),
          { minLength: 1, maxLength: 20 },
        ),
        (frames) => {
          const tb = busyPipeline();
          tb.ports[0]!.inject(frames.map((f) => Uint8Array.from(f)));
          expect(tb.dp.stats().errors).toBe(0);
          const longest = Math.max(...frames.map((f) => f.length));
          for (const p of tb.ports)
            for (const s of p.take()) expect(s.frame.length).toBeLessThanOrEqual(longest + 4);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('keeps working when a tunnel port delivers without metadata', () => {
    const tb = testbed(1);
    const tun = new MemoryPort({ kind: 'geneve', tunnel: true });
    tb.dp.addPort('tun', tun, { port: 5 });
    tb.dp.addFlow({ match: { in_port: 5 }, actions: [A.output(1)] });
    tun.inject([base[0]!]);
    expect(tb.ports[0]!.take()).toHaveLength(1);
  });
});
