import { describe, expect, it } from 'vitest';
import { output, resubmit, setField } from './actions.js';
import { DatapathError } from './errors.js';
import { K_IP4_DST, KEY_WORDS } from './key-layout.js';
import { formatIp4 } from './packet/addr.js';
import { OFFSETS_LEN, parseFrame } from './packet/parse.js';
import { MAC_B, tcp4, testbed } from './testing/fixtures.js';

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
    expect(MAC_B).toBeTruthy();
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
    try {
      dp.bundle([{ kind: 'add', flow: { match: { nope: 1 }, actions: [] } }]);
    } catch (e) {
      expect(e).toBeInstanceOf(DatapathError);
      expect((e as DatapathError).code).toBe('bad_flow');
    }
  });
});
