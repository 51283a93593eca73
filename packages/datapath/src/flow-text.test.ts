import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as A from './actions.js';
import { Datapath } from './datapath.js';
import type { FlowSpec } from './flow-mod.js';
import { parseActionsText, parseFlowText } from './flow-text.js';
import { formatIp4 } from './packet/addr.js';

const ip4 = fc.integer({ min: 0, max: 0xffffffff }).map(formatIp4);
const matchArb = fc
  .record(
    {
      in_port: fc.integer({ min: 1, max: 100 }),
      metadata: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
      reg3: fc.oneof(
        fc.integer({ min: 0, max: 0xffffffff }),
        fc.record({ value: fc.constant(0x10), mask: fc.constant(0xf0) }),
      ),
      eth_dst: fc.constantFrom(
        '00:00:00:00:00:01',
        'ff:ff:ff:ff:ff:ff',
        '01:00:00:00:00:00/01:00:00:00:00:00',
      ),
      ip: fc.record(
        {
          ip_src: fc.tuple(ip4, fc.integer({ min: 0, max: 32 })).map(([a, l]) => `${a}/${l}`),
          ip_dst: ip4,
        },
        { requiredKeys: [] },
      ),
      ct_state: fc.constantFrom('+trk', '+trk+est-rel', '-trk', '+new+trk'),
      tcp: fc.record(
        {
          tcp_dst: fc.integer({ min: 0, max: 65535 }),
          tcp_flags: fc.constantFrom('+syn-ack', '+rst'),
        },
        { requiredKeys: [] },
      ),
    },
    { requiredKeys: [] },
  )
  .map(({ ip, tcp, ...rest }) => {
    const m: Record<string, unknown> = { ...rest };
    if (ip || tcp) m.eth_type = 0x800;
    if (ip) {
      // A /0 prefix is no match at all and prints as nothing; leave it out.
      for (const [k, v] of Object.entries(ip)) if (!String(v).endsWith('/0')) m[k] = v;
    }
    if (tcp) Object.assign(m, { ip_proto: 6 }, tcp);
    return m as FlowSpec['match'];
  });

const actionArb: fc.Arbitrary<A.Action> = fc.oneof(
  fc.integer({ min: 1, max: 1000 }).map(A.output),
  fc.constant(A.output(0xfffffff8)),
  fc.integer({ min: 0, max: 254 }).map((t) => A.resubmit(t)),
  fc
    .tuple(fc.integer({ min: 1, max: 9 }), fc.integer({ min: 0, max: 254 }))
    .map(([p, t]) => A.resubmit(t, p)),
  ip4.map((a) => A.setField('ip_dst', a)),
  fc.constant(A.setField('reg0', 0x1200, 0xff00)),
  fc.integer({ min: 0, max: 255 }).map((v) => A.load('reg1[8..15]', v)),
  fc.constant(A.move('reg0[0..15]', 'reg2[16..31]')),
  fc.constant(A.move('eth_src', 'eth_dst')),
  fc.constant(A.outputField('reg15[0..15]')),
  fc.constant(A.swap('ip_src', 'ip_dst')),
  fc.constant(A.push('reg5')),
  fc.constant(A.pop('reg6')),
  fc.constantFrom(
    A.decTtl('drop'),
    A.decTtl('controller'),
    A.pushVlan(0x8100),
    A.popVlan(),
    A.ctClear(),
    A.exit(),
  ),
  fc.integer({ min: 0, max: 50 }).map(A.group),
  fc.constant(A.controller({ reason: 'arp', userdata: Uint8Array.of(0, 0, 0, 0xa), pause: true })),
  fc.constant(
    A.ct({
      commit: true,
      zone: A.ref('reg13[0..15]'),
      table: 9,
      nat: { kind: 'src', ipMin: '192.0.2.1', ipMax: '192.0.2.9', portMin: 1024, portMax: 2048 },
      exec: [
        A.setField('ct_mark', 1),
        A.load('ct_label[0..3]', 5),
        A.move('reg3', 'ct_label[64..95]'),
      ],
    }),
  ),
  fc.constant(A.ct({ zone: 7, table: 3, nat: {} })),
  fc.constant(A.ct({ commit: true, nat: { kind: 'dst', ipMin: 'fd00::5', portMin: 80 } })),
  fc.constant(A.clone([A.setField('eth_dst', '00:00:00:00:00:99'), A.output(3)])),
  fc.constant(A.note('hello, world')),
);

const flowArb = fc.record({
  table: fc.integer({ min: 0, max: 254 }),
  priority: fc.integer({ min: 0, max: 65535 }),
  cookie: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
  match: matchArb,
  actions: fc.array(actionArb, { maxLength: 5 }),
});

describe('flow text', () => {
  it('parses what dumpFlows prints back into the same flows (round trip)', () => {
    fc.assert(
      fc.property(fc.array(flowArb, { minLength: 1, maxLength: 8 }), (flows) => {
        const a = new Datapath({ now: () => 0 });
        a.addFlows(flows);
        const text = a.dumpFlows();
        const b = new Datapath({ now: () => 0 });
        b.addFlows(text.split('\n').map(parseFlowText));
        expect(b.dumpFlows()).toBe(text);
      }),
      { numRuns: 200 },
    );
  });

  it('takes ovs-ofctl shorthands', () => {
    const f = parseFlowText('table=3,priority=10,tcp,nw_dst=10.0.0.0/8,tp_dst=80 actions=output:2');
    expect(f.match).toEqual({ eth_type: 0x800, ip_proto: 6, nw_dst: '10.0.0.0/8', tp_dst: 80 });
    expect(f.table).toBe(3);
    expect(f.actions).toEqual([A.output(2)]);
    expect(() => parseActionsText('mod_ignored_later')).toThrow(
      /unknown action "mod_ignored_later"/,
    );
    expect(parseActionsText('1,2,output:IN_PORT')).toEqual([
      A.output(1),
      A.output(2),
      A.output(0xfffffff8),
    ]);
    expect(parseActionsText('drop')).toEqual([]);
  });
});
