import { describe, expect, it } from 'vitest';
import * as A from './actions.js';
import { MemoryPort } from './memory-port.js';
import { tcp4, testbed, udp4 } from './testing/fixtures.js';

/** Sends the same packet twice (the second is a cache hit) and returns where the last copy went. */
function sendTwice(tb: ReturnType<typeof testbed>, pkt = udp4()): number[] {
  tb.ports[0]!.inject([pkt]);
  for (const p of tb.ports) p.take();
  tb.ports[0]!.inject([pkt]);
  return tb.ports.flatMap((p, i) => p.take().map(() => i + 1));
}

describe('flow cache invalidation', () => {
  it('serves repeats from the cache', () => {
    const tb = testbed(3);
    tb.dp.addFlow({ match: { in_port: 1 }, actions: [A.output(2)] });
    expect(sendTwice(tb)).toEqual([2]);
    const s = tb.dp.stats();
    expect(s.cacheHits).toBe(1);
    expect(s.cacheMisses).toBe(1);
    expect(tb.dp.flowStats()[0]!.packets).toBe(2); // hits count against the flow too
  });

  it('sees an added higher-priority flow, a modified flow and a deleted flow after traffic was cached', () => {
    const tb = testbed(3);
    tb.dp.addFlow({ priority: 1, match: { in_port: 1 }, actions: [A.output(2)] });
    expect(sendTwice(tb)).toEqual([2]);
    tb.dp.addFlow({ priority: 5, match: { in_port: 1, eth_type: 0x800 }, actions: [A.output(3)] });
    expect(sendTwice(tb)).toEqual([3]);
    tb.dp.bundle([
      { kind: 'modify', filter: { priority: 5 }, actions: [A.output(2), A.output(3)] },
    ]);
    expect(sendTwice(tb)).toEqual([2, 3]);
    tb.dp.deleteFlows({ match: { in_port: 1, eth_type: 0x800 } });
    expect(sendTwice(tb)).toEqual([2]);
    tb.dp.deleteFlows();
    expect(sendTwice(tb)).toEqual([]);
  });

  it('sees group changes', () => {
    const tb = testbed(3);
    tb.dp.bundle([
      { kind: 'add_group', group: { id: 1, type: 'all', buckets: [{ actions: [A.output(2)] }] } },
      { kind: 'add', flow: { actions: [A.group(1)] } },
    ]);
    expect(sendTwice(tb)).toEqual([2]);
    tb.dp.bundle([
      {
        kind: 'modify_group',
        group: { id: 1, type: 'all', buckets: [{ actions: [A.output(3)] }] },
      },
    ]);
    expect(sendTwice(tb)).toEqual([3]);
  });

  it('sees port removal and addition', async () => {
    const tb = testbed(2);
    tb.dp.addFlow({ match: { in_port: 1 }, actions: [A.output(2), A.output(3)] });
    expect(sendTwice(tb)).toEqual([2]);
    const p3 = new MemoryPort();
    tb.dp.addPort('p3', p3, { port: 3 });
    tb.ports[0]!.inject([udp4()]);
    expect(p3.take()).toHaveLength(1);
    expect(tb.ports[1]!.take()).toHaveLength(1);
    await tb.dp.removePort(2);
    tb.ports[0]!.inject([udp4()]);
    expect(tb.ports[1]!.take()).toHaveLength(0);
    expect(p3.take()).toHaveLength(1);
  });

  it('keeps per-connection conntrack decisions right although the pass before ct is cached', () => {
    const tb = testbed(2);
    tb.dp.addFlows([
      { table: 0, priority: 1, match: { eth_type: 0x800 }, actions: [A.ct({ zone: 1, table: 1 })] },
      {
        table: 1,
        priority: 10,
        match: { ct_state: '+new+trk', in_port: 1 },
        actions: [A.ct({ commit: true, zone: 1 }), A.output(2)],
      },
      { table: 1, priority: 10, match: { ct_state: '+est+trk' }, actions: [A.output(1)] },
    ]);
    // The reply from port 2 before any connection: new, not allowed from port 2.
    tb.ports[1]!.inject([
      tcp4({ src: '10.0.0.2', dst: '10.0.0.1', sport: 80, dport: 1000, flags: 0x12 }),
    ]);
    expect(tb.ports[0]!.take()).toHaveLength(0);
    tb.ports[0]!.inject([tcp4({ flags: 0x02 })]);
    expect(tb.ports[1]!.take()).toHaveLength(1);
    // Same bytes as the first reply (so the pre-ct pass is a cache hit), but now established.
    tb.ports[1]!.inject([
      tcp4({ src: '10.0.0.2', dst: '10.0.0.1', sport: 80, dport: 1000, flags: 0x12 }),
    ]);
    expect(tb.ports[0]!.take()).toHaveLength(1);
  });

  it('replaces flows by generation without a flush: add new generation, delete the stale cookie', () => {
    const tb = testbed(3);
    const OWNER = 0x7n << 32n;
    const gen1 = OWNER | 1n;
    const gen2 = OWNER | 2n;
    tb.dp.addFlows([
      { cookie: gen1, priority: 10, match: { in_port: 1 }, actions: [A.output(2)] },
      { cookie: gen1, priority: 10, match: { in_port: 2 }, actions: [A.output(1)] },
      { cookie: 0x99n, priority: 1, actions: [] }, // another owner's flow
    ]);
    expect(sendTwice(tb)).toEqual([2]);
    // After a restart the client re-adds what it wants with generation 2 ...
    const r = tb.dp.addFlows([
      { cookie: gen2, priority: 10, match: { in_port: 1 }, actions: [A.output(3)] },
    ]);
    expect(r.replaced).toBe(1);
    expect(sendTwice(tb)).toEqual([3]); // traffic never stopped
    // ... then sweeps its own flows of older generations.
    const deleted = tb.dp.deleteFlows({ cookie: gen1, cookieMask: 0xffffffffffffffffn });
    expect(deleted).toBe(1);
    expect(
      tb.dp
        .flowStats()
        .map((f) => f.cookie)
        .sort(),
    ).toEqual([0x99n, gen2].sort());
  });

  it("resync: one call makes a set of flows an owner's complete set", () => {
    const tb = testbed(3);
    tb.dp.addFlows([{ cookie: 0x99n, priority: 1, actions: [] }]); // another owner
    tb.dp.resync(7, 1, [
      { priority: 10, match: { in_port: 1 }, actions: [A.output(2)] },
      { priority: 10, match: { in_port: 2 }, actions: [A.output(1)] },
    ]);
    expect(sendTwice(tb)).toEqual([2]);
    // Generation 2 keeps the in_port=1 flow (re-pointed to port 3) and drops the in_port=2 one.
    const r = tb.dp.resync(7, 2, [{ priority: 10, match: { in_port: 1 }, actions: [A.output(3)] }]);
    expect(r).toMatchObject({ replaced: 1, deleted: 1 });
    expect(sendTwice(tb)).toEqual([3]);
    expect(tb.dp.flowStats().map((f) => f.cookie)).toEqual([(7n << 32n) | 2n, 0x99n]);
    expect(() => tb.dp.resync(7, 3, [{ match: { tcp_dst: 1 }, actions: [] }])).toThrow(/tcp_dst/);
    expect(tb.dp.flowStats()).toHaveLength(2);
  });
});
