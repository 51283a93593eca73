import { describe, expect, test } from 'vitest';
import { formatFlows } from './format-flow.js';
import { compileLflow, type LflowEnv } from './lflow.js';
import { decodePunt } from './punt.js';
import type { ViewDatapath, ViewFlow } from './sb-view.js';

const sw: ViewDatapath = { uuid: 'sw', key: 5, kind: 'switch', name: 'sw0' };
const lr: ViewDatapath = { uuid: 'lr', key: 6, kind: 'router', name: 'lr0' };
const env: LflowEnv = {
  ports: new Map([
    ['vm1', 1n],
    ['vm2', 2n],
    ['_MC_flood', 32768n],
  ]),
  isChassisResident: (p) => p === 'vm1',
  sets: {
    addressSets: new Map([
      ['as', ['10.0.0.1', '10.0.0.6', '10.0.0.12']],
      ['bs', ['10.1.0.1', '10.1.0.6', '10.1.0.12']],
    ]),
    portGroups: new Map([['pg', ['vm1', 'vm2']]]),
  },
};

const flow = (match: string, actions: string, extra: Partial<ViewFlow> = {}): ViewFlow => ({
  uuid: '00000001-0000-4000-8000-000000000000',
  datapaths: ['sw'],
  pipeline: 'ingress',
  tableId: 0,
  priority: 100,
  match,
  actions,
  stage: 'test',
  ...extra,
});

const compile = (f: ViewFlow, dp = sw) => {
  const r = compileLflow(f, dp, env);
  expect(r.problem).toBeUndefined();
  return formatFlows(r.flows);
};

describe('logical flow → datapath flows', () => {
  test.each([
    [
      'ports resolve to keys; next goes to the next logical table',
      flow('inport == "vm1" && eth.src == 0a:00:00:00:00:01', 'next;'),
      [
        'table=8, priority=100, metadata=0x5,reg14=0x1,eth_src=0a:00:00:00:00:01 actions=resubmit(,9)',
      ],
    ],
    [
      'a port group expands; output from egress goes to delivery',
      flow('outport == @pg', 'output;', { pipeline: 'egress', tableId: 9 }),
      [
        'table=71, priority=100, metadata=0x5,reg15=0x1 actions=resubmit(,88)',
        'table=71, priority=100, metadata=0x5,reg15=0x2 actions=resubmit(,88)',
      ],
    ],
    ['an unknown port matches nothing', flow('inport == "nope"', 'next;'), []],
    [
      'is_chassis_resident holds for ports here only',
      flow('is_chassis_resident("vm1") && !is_chassis_resident("vm2")', 'outport = "vm2"; output;'),
      ['table=8, priority=100, metadata=0x5 actions=load:0x2->reg15[0..31],resubmit(,54)'],
    ],
    [
      'actions add their prerequisites to the match',
      flow('1', 'ip.ttl--; next;', { tableId: 3 }),
      [
        'table=11, priority=100, metadata=0x5,eth_type=0x800 actions=dec_ttl(drop),resubmit(,12)',
        'table=11, priority=100, metadata=0x5,eth_type=0x86dd actions=dec_ttl(drop),resubmit(,12)',
      ],
    ],
    [
      'two address sets make a conjunctive match',
      flow('ip4.src == $as && ip4.dst == $bs', 'drop;'),
      [
        'table=8, priority=100, metadata=0x5,conj_id=2036230464 actions=drop',
        'table=8, priority=100, metadata=0x5,eth_type=0x800,ip_dst=10.1.0.1 actions=conjunction(2036230464,2/2)',
        'table=8, priority=100, metadata=0x5,eth_type=0x800,ip_dst=10.1.0.12 actions=conjunction(2036230464,2/2)',
        'table=8, priority=100, metadata=0x5,eth_type=0x800,ip_dst=10.1.0.6 actions=conjunction(2036230464,2/2)',
        'table=8, priority=100, metadata=0x5,eth_type=0x800,ip_src=10.0.0.1 actions=conjunction(2036230464,1/2)',
        'table=8, priority=100, metadata=0x5,eth_type=0x800,ip_src=10.0.0.12 actions=conjunction(2036230464,1/2)',
        'table=8, priority=100, metadata=0x5,eth_type=0x800,ip_src=10.0.0.6 actions=conjunction(2036230464,1/2)',
      ],
    ],
    [
      'wide registers move in 32-bit pieces',
      flow('ip6', 'xxreg0 = ip6.dst; next;'),
      [
        'table=8, priority=100, metadata=0x5,eth_type=0x86dd actions=move:ipv6_dst[0..31]->reg3[0..31],move:ipv6_dst[32..63]->reg2[0..31],move:ipv6_dst[64..95]->reg1[0..31],move:ipv6_dst[96..127]->reg0[0..31],resubmit(,9)',
      ],
    ],
    [
      "ct_next on a switch uses the port's zone (reg13) and continues in the next table",
      flow('ip', 'ct_next;', { tableId: 5 }),
      [
        'table=13, priority=100, metadata=0x5,eth_type=0x800 actions=ct(zone=reg13[0..15],table=14)',
        'table=13, priority=100, metadata=0x5,eth_type=0x86dd actions=ct(zone=reg13[0..15],table=14)',
      ],
    ],
  ])('%s', (_t, f, expected) => {
    expect(compile(f)).toEqual(expected);
  });

  test.each([
    [
      'ct_commit on a router commits in the SNAT zone, setting ct_mark bits',
      flow('ip4', 'ct_commit { ct_mark.blocked = 1; }; next;', { datapaths: ['lr'] }),
      [
        'table=8, priority=100, metadata=0x6,eth_type=0x800 actions=ct(commit,zone=reg12[0..15],exec(set_field:0x1/0x1->ct_mark)),resubmit(,9)',
      ],
    ],
    [
      'ct_dnat(IP) commits with NAT in the DNAT zone',
      flow('ip4', 'ct_dnat(10.0.0.9);', { datapaths: ['lr'], tableId: 6 }),
      [
        'table=14, priority=100, metadata=0x6,eth_type=0x800 actions=ct(commit,zone=reg11[0..15],table=15,nat(dst=10.0.0.9))',
      ],
    ],
    [
      'get_arp loads the arguments, looks the MAC up and restores them',
      flow('ip4', 'get_arp(outport, ip4.dst); next;', { datapaths: ['lr'] }),
      [
        'table=8, priority=100, metadata=0x6,eth_type=0x800 actions=push:reg0[0..31],move:ip_dst[0..31]->reg0[0..31],set_field:00:00:00:00:00:00->eth_dst,resubmit(,90),pop:reg0[0..31],resubmit(,9)',
      ],
    ],
  ])('%s', (_t, f, expected) => {
    expect(compile(f, lr)).toEqual(expected);
  });

  test('arp { } punts to the controller with its nested actions compiled', () => {
    const r = compileLflow(
      flow('ip4', 'arp { eth.dst = ff:ff:ff:ff:ff:ff; arp.op = 1; output; };'),
      sw,
      env,
    );
    const [f] = r.flows;
    expect(f?.actions).toHaveLength(1);
    const a = f!.actions[0]!;
    expect(a.kind).toBe('controller');
    const punt = decodePunt(a.kind === 'controller' ? a.userdata : undefined);
    expect(punt?.op).toBe('arp');
    expect(formatFlows([{ ...f!, actions: punt!.actions! }])).toEqual([
      'table=8, priority=100, metadata=0x5,eth_type=0x800 actions=load:0xffffffffffff->eth_dst[0..47],load:0x1->arp_op[0..15],resubmit(,54)',
    ]);
  });

  test('put_arp names the bits of its arguments', () => {
    const r = compileLflow(flow('arp', 'put_arp(inport, arp.spa, arp.sha); next;'), lr, env);
    const a = r.flows[0]!.actions[0]!;
    const punt = decodePunt(a.kind === 'controller' ? a.userdata : undefined);
    expect(punt).toEqual({
      op: 'put_arp',
      fields: {
        port: [{ field: 'reg14', ofs: 0, nBits: 32 }],
        ip: [{ field: 'arp_spa', ofs: 0, nBits: 32 }],
        mac: [{ field: 'arp_sha', ofs: 0, nBits: 48 }],
      },
    });
  });

  test('a flow that cannot be compiled is reported, not installed', () => {
    const r = compileLflow(flow('1', 'next; bogus;'), sw, env);
    expect(r.flows).toEqual([]);
    expect(r.problem).toMatch(/^test 00000001-0000-4000-8000-000000000000: actions: /);
  });
});
