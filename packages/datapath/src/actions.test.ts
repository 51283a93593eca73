import { describe, expect, it } from 'vitest';
import * as A from './actions.js';
import * as K from './key-layout.js';
import { formatIp4, formatMac } from './packet/addr.js';
import { buildPacket } from './packet/build.js';
import { OFFSETS_LEN, parseFrame } from './packet/parse.js';
import { verifyChecksums } from './packet/verify.js';
import type { PacketIn } from './packet-in.js';
import { readPacketInField } from './packet-in-field.js';
import { MAC_A, MAC_B, tcp4, testbed, udp4 } from './testing/fixtures.js';

function keyOf(b: Uint8Array): Uint32Array {
  const key = new Uint32Array(K.KEY_WORDS);
  parseFrame(b, key, new Int32Array(OFFSETS_LEN));
  return key;
}
const macAt = (k: Uint32Array, w: number) => formatMac((BigInt(k[w]!) << 32n) | BigInt(k[w + 1]!));

/** Installs table 0 = `actions` for everything from port 1, sends `pkt`, returns what left each port. */
function runActions(actions: A.Action[], pkt: Uint8Array = tcp4(), nPorts = 3) {
  const tb = testbed(nPorts);
  const pins: PacketIn[] = [];
  tb.dp.onPacketIn((p) => pins.push(p));
  tb.dp.addFlow({ priority: 1, match: { in_port: 1 }, actions });
  tb.ports[0]!.inject([pkt]);
  return { ...tb, out: tb.ports.map((p) => p.take().map((c) => c.frame)), pins };
}

describe('actions', () => {
  it('output to several ports, and output to in_port only through IN_PORT', () => {
    const r = runActions([A.output(2), A.output(3), A.output(1)]);
    expect(r.out[1]).toHaveLength(1);
    expect(r.out[2]).toHaveLength(1);
    expect(r.out[0]).toHaveLength(0); // output:1 equals in_port: skipped (OpenFlow rule)
    const s = runActions([A.output(K.PORT_IN_PORT)]);
    expect(s.out[0]).toHaveLength(1);
  });

  it('set_field with a mask touches only masked bits; rewrites before an output do not leak into an earlier one', () => {
    const r = runActions([
      A.output(2),
      A.setField('eth_dst', '00:00:00:00:00:99'),
      A.setField('ip_src', '10.9.9.9'),
      A.output(3),
    ]);
    const before = keyOf(r.out[1]![0]!);
    const after = keyOf(r.out[2]![0]!);
    expect(macAt(before, K.K_ETH_DST)).toBe(MAC_B);
    expect(macAt(after, K.K_ETH_DST)).toBe('00:00:00:00:00:99');
    expect(formatIp4(after[K.K_IP4_SRC]!)).toBe('10.9.9.9');
    expect(verifyChecksums(r.out[2]![0]!)).toEqual({ ipHeader: true, l4: true });
    const m = runActions([
      A.setField('reg0', 0xabcd),
      A.setField('reg0', 0x1200, 0xff00),
      A.move('reg0[0..15]', 'tcp_dst'),
      A.output(2),
    ]);
    expect(keyOf(m.out[1]![0]!)[K.K_TP_DST]).toBe(0x12cd);
  });

  it('load, move between widths and offsets, swap, push/pop', () => {
    const r = runActions([
      A.load('reg1[4..7]', 0xa), // reg1 = 0xa0
      A.move('reg1[4..7]', 'reg2[0..3]'), // reg2 = 0xa
      A.push('ip_src'),
      A.push('ip_dst'),
      A.pop('ip_src'),
      A.pop('ip_dst'), // swapped via the stack
      A.swap('eth_src', 'eth_dst'),
      A.move('reg2[0..3]', 'ip_dscp[0..3]'), // dscp 0xa -> tos 0x28
      A.output(2),
    ]);
    const k = keyOf(r.out[1]![0]!);
    expect(formatIp4(k[K.K_IP4_SRC]!)).toBe('10.0.0.2');
    expect(formatIp4(k[K.K_IP4_DST]!)).toBe('10.0.0.1');
    expect(macAt(k, K.K_ETH_SRC)).toBe(MAC_B);
    expect(macAt(k, K.K_ETH_DST)).toBe(MAC_A);
    expect(k[K.K_NW_TOS]).toBe(0x28);
    expect(verifyChecksums(r.out[1]![0]!)).toEqual({ ipHeader: true, l4: true });
  });

  it('dec_ttl decrements, drops at 1, or punts when the client asks', () => {
    expect(
      keyOf(runActions([A.decTtl(), A.output(2)], tcp4({ ttl: 5 })).out[1]![0]!)[K.K_NW_TTL],
    ).toBe(4);
    const d = runActions([A.decTtl('drop'), A.output(2)], tcp4({ ttl: 1 }));
    expect(d.out[1]).toHaveLength(0);
    expect(d.pins).toHaveLength(0);
    const c = runActions([A.decTtl('controller'), A.output(2)], tcp4({ ttl: 1 }));
    expect(c.out[1]).toHaveLength(0);
    expect(c.pins.map((p) => p.reason)).toEqual(['invalid_ttl']);
  });

  it('push_vlan with a vid, then pop_vlan', () => {
    const r = runActions([
      A.pushVlan(),
      A.setField('vlan_vid', 0x1000 | 42),
      A.output(2),
      A.popVlan(),
      A.output(3),
    ]);
    const tagged = r.out[1]![0]!;
    expect(tagged.length).toBe(tcp4().length + 4);
    expect(keyOf(tagged)[K.K_VLAN_TCI]).toBe(K.VLAN_PRESENT | 42);
    expect(keyOf(tagged)[K.K_TP_DST]).toBe(80);
    expect(r.out[2]![0]).toEqual(tcp4());
  });

  it('drop and exit stop the pipeline; clone runs on a copy', () => {
    expect(runActions([A.drop(), A.output(2)]).out[1]).toHaveLength(0);
    expect(runActions([A.exit(), A.output(2)]).out[1]).toHaveLength(0);
    const r = runActions([
      A.clone([A.setField('eth_dst', '00:00:00:00:00:77'), A.output(2)]),
      A.output(3),
      A.note('done'),
    ]);
    expect(macAt(keyOf(r.out[1]![0]!), K.K_ETH_DST)).toBe('00:00:00:00:00:77');
    expect(macAt(keyOf(r.out[2]![0]!), K.K_ETH_DST)).toBe(MAC_B);
  });

  it('resubmit with a port changes in_port for the lookup only, and depth is limited', () => {
    const tb = testbed(3);
    tb.dp.addFlows([
      { table: 0, priority: 1, match: { in_port: 1 }, actions: [A.resubmit(1, 3), A.output(2)] },
      { table: 1, priority: 1, match: { in_port: 3 }, actions: [A.setField('reg0', 1)] },
      { table: 2, priority: 1, actions: [A.resubmit(2)] },
    ]);
    tb.ports[0]!.inject([tcp4()]);
    expect(tb.ports[1]!.take()).toHaveLength(1); // in_port was restored to 1, so output:2 is allowed
    const tr = tb.dp.trace(tcp4(), 2);
    expect(tr.dropReason).toMatch(/no flow matched in table 0/);
    tb.dp.addFlow({ table: 0, priority: 1, match: { in_port: 2 }, actions: [A.resubmit(2)] });
    const loop = tb.dp.trace(tcp4(), 2);
    expect(loop.dropReason).toMatch(/resubmit depth exceeded/);
  });

  it('controller punt carries table, cookie, registers and userdata', () => {
    const tb = testbed(2);
    const pins: PacketIn[] = [];
    tb.dp.onPacketIn((p) => pins.push(p));
    tb.dp.addFlows([
      {
        table: 0,
        priority: 1,
        actions: [A.setField('reg3', 0x33), A.setField('metadata', 0x5n), A.resubmit(7)],
      },
      {
        table: 7,
        priority: 9,
        cookie: 0xc0ffeen,
        actions: [A.controller({ userdata: Uint8Array.of(1, 2) })],
      },
    ]);
    tb.ports[0]!.inject([udp4()]);
    expect(pins).toHaveLength(1);
    const p = pins[0]!;
    expect(p.table).toBe(7);
    expect(p.cookie).toBe(0xc0ffeen);
    expect(p.regs[3]).toBe(0x33);
    expect(p.metadata).toBe(5n);
    expect(p.inPort).toBe(1);
    expect([...p.userdata!]).toEqual([1, 2]);
    expect(p.packet).toEqual(udp4());
    expect(readPacketInField(p, 'reg3')).toBe(0x33n);
    expect(readPacketInField(p, 'xreg1')).toBe(0x33n); // reg2:reg3, reg3 is the low half
    expect(readPacketInField(p, 'udp_dst')).toBe(53n);
  });

  it('groups: all outputs every bucket; select is stable per 5-tuple and honours weights', () => {
    const tb = testbed(4);
    tb.dp.bundle([
      {
        kind: 'add_group',
        group: {
          id: 1,
          type: 'all',
          buckets: [
            { actions: [A.output(2)] },
            { actions: [A.setField('eth_dst', '00:00:00:00:00:33'), A.output(3)] },
          ],
        },
      },
      {
        kind: 'add_group',
        group: {
          id: 2,
          type: 'select',
          buckets: [
            { weight: 1, actions: [A.output(2)] },
            { weight: 3, actions: [A.output(3)] },
            { weight: 0, actions: [A.output(4)] },
          ],
        },
      },
      {
        kind: 'add',
        flow: {
          priority: 1,
          match: { in_port: 1, eth_type: 0x800, ip_proto: 17 },
          actions: [A.group(1)],
        },
      },
      {
        kind: 'add',
        flow: {
          priority: 1,
          match: { in_port: 1, eth_type: 0x800, ip_proto: 6 },
          actions: [A.group(2)],
        },
      },
    ]);
    tb.ports[0]!.inject([udp4()]);
    expect(tb.ports[1]!.take()).toHaveLength(1);
    expect(macAt(keyOf(tb.ports[2]!.take()[0]!.frame), K.K_ETH_DST)).toBe('00:00:00:00:00:33');
    const counts = [0, 0, 0];
    const firstChoice = new Map<number, number>();
    for (let round = 0; round < 2; round++) {
      for (let sport = 1; sport <= 400; sport++) {
        tb.ports[0]!.inject([tcp4({ sport })]);
        for (let i = 1; i <= 3; i++) {
          const n = tb.ports[i]!.take().length;
          if (n === 0) continue;
          if (round === 0) {
            counts[i - 1]! += n;
            firstChoice.set(sport, i);
          } else {
            expect(firstChoice.get(sport)).toBe(i);
          }
        }
      }
    }
    expect(counts[2]).toBe(0); // weight 0 never chosen
    expect(counts[0]! + counts[1]!).toBe(400);
    expect(counts[1]!).toBeGreaterThan(counts[0]! * 2); // about 3:1
    expect(tb.dp.dumpGroups()).toContain('group_id=2,type=select');
  });

  it('validates actions when the flow is added', () => {
    const tb = testbed(1);
    expect(() => tb.dp.addFlow({ actions: [A.setField('ct_state', 1)] })).toThrow(
      /ct_state is read-only/,
    );
    expect(() => tb.dp.addFlow({ actions: [A.move('reg0[0..7]', 'reg1[0..3]')] })).toThrow(
      /has 8 bits but reg1 has 4/,
    );
    expect(() => tb.dp.addFlow({ actions: [A.resubmit(255)] })).toThrow(/bad table 255/);
    expect(() => tb.dp.addFlow({ actions: [A.conjunction(1, 3, 2)] })).toThrow(
      /clause must be 1..2/,
    );
    expect(() => tb.dp.addFlow({ actions: [A.ct({ zone: 70000 })] })).toThrow(/bad zone 70000/);
  });

  it('keeps checksums valid for IPv6 rewrites done by actions', () => {
    const pkt = buildPacket({
      eth: { src: MAC_A, dst: MAC_B },
      ip6: { src: 'fd00::1', dst: 'fd00::2' },
      udp: { sport: 1, dport: 2 },
      payload: Uint8Array.of(7),
    });
    const r = runActions(
      [A.setField('ipv6_dst', 'fd00::99'), A.decTtl(), A.setField('udp_dst', 99), A.output(2)],
      pkt,
    );
    const out = r.out[1]![0]!;
    expect(verifyChecksums(out).l4).toBe(true);
    expect(keyOf(out)[K.K_TP_DST]).toBe(99);
    expect(keyOf(out)[K.K_NW_TTL]).toBe(63);
  });

  it('ct_clear forgets the ct fields; indirect groups; output to CONTROLLER punts; pkt_mark is a plain field', () => {
    const tb = testbed(3);
    const pins: PacketIn[] = [];
    tb.dp.onPacketIn((p) => pins.push(p));
    tb.dp.bundle([
      {
        kind: 'add_group',
        group: { id: 9, type: 'indirect', buckets: [{ actions: [A.output(3)] }] },
      },
      {
        kind: 'add',
        flow: {
          table: 0,
          priority: 1,
          match: { eth_type: 0x800 },
          actions: [A.ct({ zone: 3, table: 1 })],
        },
      },
      {
        kind: 'add',
        flow: {
          table: 1,
          priority: 5,
          match: { ct_state: '+trk' },
          actions: [A.ctClear(), A.setField('pkt_mark', 0x42), A.resubmit(2)],
        },
      },
      {
        kind: 'add',
        flow: {
          table: 2,
          priority: 5,
          match: { ct_state: 0, ct_zone: 0, pkt_mark: 0x42 },
          actions: [A.output(2), A.group(9), A.output(K.PORT_CONTROLLER)],
        },
      },
    ]);
    tb.ports[0]!.inject([udp4()]);
    expect(tb.ports[1]!.take()).toHaveLength(1);
    expect(tb.ports[2]!.take()).toHaveLength(1);
    expect(pins).toHaveLength(1);
    expect(pins[0]!.reason).toBe('action');
    expect(pins[0]!.pktMark).toBe(0x42);
    expect(pins[0]!.ctState).toBe(0);
  });

  it('output to the port held in a register', () => {
    const r = runActions([
      A.load('reg15[0..15]', 3),
      A.outputField('reg15[0..15]'),
      A.load('reg15[0..15]', 1),
      A.outputField('reg15'),
    ]);
    expect(r.out[2]).toHaveLength(1);
    expect(r.out[0]).toHaveLength(0); // reg15 = 1 = in_port: skipped, as output:1 would be
  });

  it('ct exec can move register bits into ct_label and ct_mark (OVN: ct_commit { ct_label.label = reg3; })', () => {
    const tb = testbed(3);
    tb.dp.addFlows([
      {
        table: 0,
        priority: 10,
        match: { in_port: 1 },
        actions: [
          A.setField('reg3', 0xabcd),
          A.ct({
            commit: true,
            zone: 4,
            exec: [A.move('reg3', 'ct_label[32..63]'), A.move('reg3[0..7]', 'ct_mark[8..15]')],
          }),
          A.output(2),
        ],
      },
      { table: 0, priority: 10, match: { in_port: 2 }, actions: [A.ct({ zone: 4, table: 1 })] },
      {
        table: 1,
        priority: 10,
        match: { ct_label: { value: 0xabcdn << 32n, mask: 0xffffffffn << 32n }, ct_mark: 0xcd00 },
        actions: [A.output(3)],
      },
    ]);
    tb.ports[0]!.inject([udp4()]);
    expect(tb.ports[1]!.take()).toHaveLength(1);
    tb.ports[1]!.inject([udp4({ src: '10.0.0.2', dst: '10.0.0.1', sport: 53, dport: 5000 })]);
    expect(tb.ports[2]!.take()).toHaveLength(1);
    expect(tb.dp.dumpConntrack()[0]).toMatchObject({ mark: 0xcd00, label: 0xabcdn << 32n });
  });
});
