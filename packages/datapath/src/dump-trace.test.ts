import { describe, expect, it } from 'vitest';
import * as A from './actions.js';
import { PORT_IN_PORT } from './key-layout.js';
import { tcp4, testbed, udp4 } from './testing/fixtures.js';

describe('dump-flows and trace text', () => {
  it('prints flows like ovs-ofctl dump-flows, ordered by table and priority', () => {
    const { dp, ports } = testbed(2);
    dp.addFlows([
      {
        table: 1,
        priority: 5,
        cookie: 0x2an,
        match: { eth_type: 0x800, ip_dst: '10.0.0.0/24' },
        actions: [A.decTtl(), A.output(2)],
      },
      {
        table: 0,
        priority: 100,
        match: { in_port: 1, reg0: { value: 1, mask: 1 } },
        actions: [A.load('reg1[0..7]', 3), A.resubmit(1)],
      },
      {
        table: 0,
        priority: 200,
        match: { in_port: 1 },
        actions: [
          A.ct({ commit: true, zone: A.ref('reg13[0..15]'), exec: [A.setField('ct_mark', 1)] }),
          A.output(PORT_IN_PORT),
        ],
      },
      { table: 0, priority: 1, actions: [] },
    ]);
    ports[1]!.inject([udp4()]);
    expect(dp.dumpFlows().split('\n')).toEqual([
      'cookie=0x0, table=0, n_packets=0, n_bytes=0, priority=200,in_port=1 actions=ct(commit,zone=reg13[0..15],exec(set_field:0x1->ct_mark)),in_port',
      'cookie=0x0, table=0, n_packets=0, n_bytes=0, priority=100,in_port=1,reg0=0x1/0x1 actions=load:0x3->reg1[0..7],resubmit(,1)',
      `cookie=0x0, table=0, n_packets=1, n_bytes=${udp4().length}, priority=1 actions=drop`,
      'cookie=0x2a, table=1, n_packets=0, n_bytes=0, priority=5,eth_type=0x800,ip_dst=10.0.0.0/24 actions=dec_ttl(drop),output:2',
    ]);
    expect(dp.tableStats()).toEqual([
      { table: 0, flows: 3, lookups: 1, matched: 1 },
      { table: 1, flows: 1, lookups: 0, matched: 0 },
    ]);
    expect(dp.portStats().map((p) => [p.name, p.rxPackets, p.txPackets])).toEqual([
      ['p1', 0, 0],
      ['p2', 1, 0],
    ]);
  });

  it('traces nested resubmits, actions, outputs and drop reasons without side effects', () => {
    const { dp } = testbed(3);
    dp.addFlows([
      {
        table: 0,
        priority: 10,
        cookie: 0x1n,
        match: { in_port: 1 },
        actions: [A.setField('reg0', 7), A.resubmit(1), A.output(3)],
      },
      { table: 1, priority: 20, cookie: 0x2n, match: { reg0: 7 }, actions: [A.output(2)] },
    ]);
    const t = dp.trace(tcp4(), 1);
    expect(t.text.split('\n')).toEqual([
      '0. in_port=1, priority 10, cookie 0x1',
      '    set_field:0x7->reg0',
      '    resubmit(,1)',
      '    1. reg0=0x7, priority 20, cookie 0x2',
      '        output:2',
      '        -> output to port 2',
      '    output:3',
      '    -> output to port 3',
      // The outcome depended on in_port (table 0's mask) and on reg0 (written, then matched).
      'Megaflow: in_port=1,reg0=0x0',
    ]);
    expect(t.outputs.map((o) => o.port)).toEqual([2, 3]);
    expect(t.dropReason).toBeUndefined();
    expect(dp.flowStats().every((f) => f.packets === 0)).toBe(true);
    const miss = dp.trace(tcp4(), 2);
    expect(miss.text).toBe(
      '0. No match.\n    -> drop: no flow matched in table 0\nMegaflow: in_port=2',
    );
    expect(miss.dropReason).toBe('no flow matched in table 0');
  });

  it('delivers packet-ins through the async iterator too', async () => {
    const { dp, ports } = testbed(1);
    dp.addFlow({ actions: [A.controller({ reason: 'arp' })] });
    const it = dp.packetIns();
    ports[0]!.inject([udp4()]);
    const first = await it.next();
    expect(first.done).toBe(false);
    expect(first.value!.reason).toBe('arp');
    const pending = it.next();
    await dp.close();
    expect(await pending).toEqual({ done: true, value: undefined });
    await it.return!();
    expect(() => dp.addFlow({ actions: [] })).toThrow(/closed/);
  });
});
