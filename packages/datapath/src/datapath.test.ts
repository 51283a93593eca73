import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { output, resubmit, setField } from './actions.js';
import { DatapathError } from './errors.js';
import type { FlowMod } from './flow-mod.js';
import { K_IP4_DST, KEY_WORDS } from './key-layout.js';
import { formatIp4 } from './packet/addr.js';
import { OFFSETS_LEN, parseFrame } from './packet/parse.js';
import { tcp4, testbed } from './testing/fixtures.js';

describe('Datapath forwarding', () => {
  it('forwards by in_port through a static table and counts the flow', () => {
    const { dp, ports } = testbed(2);
    dp.addFlows([
      { priority: 10, match: { in_port: 1 }, actions: [output(2)] },
      { priority: 10, match: { in_port: 2 }, actions: [output(1)] },
    ]);
    const pkt = tcp4();
    ports[0]!.inject([pkt]);
    const got = ports[1]!.take();
    expect(got).toHaveLength(1);
    expect(got[0]!.frame).toEqual(pkt);
    expect(ports[0]!.take()).toHaveLength(0);
    const stats = dp.flowStats({ match: { in_port: 1 } });
    expect(stats[0]!.packets).toBe(1);
    expect(stats[0]!.bytes).toBe(pkt.length);
  });

  it('flowCookies lists the cookies flowStats would select, without formatting flows', () => {
    const { dp } = testbed(2);
    dp.addFlows([
      { cookie: 0x1_0000_0001n, priority: 10, match: { in_port: 1 }, actions: [output(2)] },
      { cookie: 0x1_0000_0002n, priority: 10, match: { in_port: 2 }, actions: [output(1)] },
      { cookie: 0x2_0000_0001n, table: 3, priority: 5, actions: [] },
    ]);
    const owner1 = { cookie: 0x1_0000_0000n, cookieMask: 0xffff_ffff_0000_0000n };
    expect(dp.flowCookies(owner1).sort()).toEqual([0x1_0000_0001n, 0x1_0000_0002n]);
    expect(dp.flowCookies(owner1).sort()).toEqual(
      dp
        .flowStats(owner1)
        .map((f) => f.cookie)
        .sort(),
    );
    expect(dp.flowCookies({ table: 3 })).toEqual([0x2_0000_0001n]);
    expect(dp.flowCookies()).toHaveLength(3);
  });

  it('drops on table miss', () => {
    const { dp, ports } = testbed(2);
    ports[0]!.inject([tcp4()]);
    expect(ports[1]!.take()).toHaveLength(0);
    expect(dp.stats().drops).toBe(1);
  });

  it('rewrites the destination IP through resubmit and keeps checksums', () => {
    const { dp, ports } = testbed(2);
    dp.addFlows([
      { table: 0, priority: 1, match: { in_port: 1 }, actions: [resubmit(5)] },
      {
        table: 5,
        priority: 1,
        match: { eth_type: 0x800 },
        actions: [setField('ip_dst', '192.168.1.9'), output(2)],
      },
    ]);
    ports[0]!.inject([tcp4()]);
    const [out] = ports[1]!.take();
    const key = new Uint32Array(KEY_WORDS);
    parseFrame(out!.frame, key, new Int32Array(OFFSETS_LEN));
    expect(formatIp4(key[K_IP4_DST]!)).toBe('192.168.1.9');
  });

  it('refuses a whole bundle when one flow is bad, naming it', () => {
    const { dp } = testbed(1);
    expect(() =>
      dp.bundle([
        { kind: 'add', flow: { priority: 5, match: { in_port: 1 }, actions: [output(2)] } },
        { kind: 'add', flow: { priority: 7, match: { tcp_dst: 80 }, actions: [output(2)] } },
      ]),
    ).toThrow(/mod 1 .*priority=7.*tcp_dst: requires eth_type/);
    expect(dp.flowStats()).toHaveLength(0);
    let caught: unknown;
    try {
      dp.bundle([{ kind: 'add', flow: { match: { nope: 1 }, actions: [] } }]);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(DatapathError);
    expect((caught as DatapathError).code).toBe('bad_flow');
  });
});

describe('bundles', () => {
  it('are all-or-nothing: one bad mod anywhere leaves flows and groups exactly as they were', () => {
    const good = fc.oneof(
      fc
        .record({
          t: fc.integer({ min: 0, max: 3 }),
          p: fc.integer({ min: 0, max: 9 }),
          port: fc.integer({ min: 1, max: 4 }),
        })
        .map(({ t, p, port }) => ({
          kind: 'add' as const,
          flow: { table: t, priority: p, match: { in_port: port }, actions: [output(port)] },
        })),
      fc
        .integer({ min: 1, max: 4 })
        .map((port) => ({ kind: 'delete' as const, filter: { match: { in_port: port } } })),
      fc.integer({ min: 1, max: 4 }).map((port) => ({
        kind: 'modify' as const,
        filter: { match: { in_port: port } },
        actions: [output(9)],
      })),
    );
    const bad = fc.constantFrom(
      { kind: 'add' as const, flow: { match: { tcp_dst: 80 }, actions: [] } },
      { kind: 'add' as const, flow: { table: 300, actions: [] } },
      { kind: 'add' as const, flow: { actions: [resubmit(999)] } },
      { kind: 'modify_group' as const, group: { id: 77, type: 'all' as const, buckets: [] } },
    );
    fc.assert(
      fc.property(
        fc.array(good, { maxLength: 10 }),
        fc.array(good, { maxLength: 10 }),
        bad,
        fc.nat(),
        (setup, mods, oops, at) => {
          const { dp } = testbed(1);
          dp.bundle(setup);
          const before = dp.dumpFlows();
          const gen = dp.stats().generation;
          const all: FlowMod[] = [...mods];
          all.splice(at % (all.length + 1), 0, oops);
          expect(() => dp.bundle(all)).toThrow(DatapathError);
          expect(dp.dumpFlows()).toBe(before);
          expect(dp.stats().generation).toBe(gen);
        },
      ),
      { numRuns: 200 },
    );
  });
});
