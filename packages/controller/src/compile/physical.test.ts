import { describe, expect, test } from 'vitest';
import { formatFlows } from './format-flow.js';
import {
  fixedFlows,
  groupFlows,
  macBindingFlows,
  portFlows,
  tunnelIngressFlows,
} from './physical.js';
import type { LocalContext, SbView, ViewDatapath, ViewPort } from './sb-view.js';
import { emptyView } from './sb-view.js';
import { indexView } from './view-index.js';

const sw: ViewDatapath = { uuid: 'sw', key: 5, kind: 'switch', name: 'sw0' };
const lr: ViewDatapath = { uuid: 'lr', key: 6, kind: 'router', name: 'lr0' };
let seq = 0;
const port = (name: string, dp: string, key: number, extra: Partial<ViewPort> = {}): ViewPort => ({
  uuid: `0000000${++seq}-0000-4000-8000-000000000000`,
  name,
  datapath: dp,
  key,
  type: '',
  options: {},
  chassis: null,
  ...extra,
});
const ports = [
  port('vm1', 'sw', 1, { chassis: 'hv1' }),
  port('vm2', 'sw', 2, { chassis: 'hv2' }),
  port('sw0-lr0', 'sw', 3, { type: 'patch', options: { peer: 'lr0-sw0' } }),
  port('lr0-sw0', 'lr', 1, { type: 'patch', options: { peer: 'sw0-lr0' } }),
];
const view: SbView = {
  ...emptyView(),
  datapaths: new Map([
    ['sw', sw],
    ['lr', lr],
  ]),
  ports: new Map(ports.map((p) => [p.uuid, p])),
};
const cx: LocalContext = {
  chassis: 'hv1',
  localPorts: new Map([['vm1', 7]]),
  tunnels: new Map([['hv2', 20]]),
  zones: new Map([
    ['vm1', 11],
    ['sw0-lr0', 12],
    ['lr0-sw0', 13],
    ['lr_dnat', 14],
    ['lr_snat', 15],
  ]),
};
const ix = indexView(view);
const byName = (n: string) => ports.find((p) => p.name === n)!;

describe('physical flows', () => {
  test.each([
    [
      'a local VIF: in from its port, local output, loopback check, delivery',
      'vm1',
      [
        'table=0, priority=100, in_port=7 actions=load:0xb->reg13[0..15],set_field:0x5->metadata,load:0x1->reg14[0..31],resubmit(,8)',
        'table=56, priority=100, metadata=0x5,reg15=0x1 actions=load:0xb->reg13[0..15],resubmit(,57)',
        'table=57, priority=100, metadata=0x5,reg10=0x0/0x1,reg14=0x1,reg15=0x1 actions=drop',
        'table=89, priority=100, metadata=0x5,reg15=0x1 actions=output:7',
      ],
    ],
    [
      'a VIF on another chassis: out through the tunnel to it',
      'vm2',
      [
        'table=54, priority=100, metadata=0x5,reg15=0x2 actions=set_field:0x5->tun_id,move:reg14[0..14]->tun_metadata0[16..30],load:0x2->tun_metadata0[0..15],output:20',
      ],
    ],
    [
      'a patch port into a router: the router ingress with fresh registers and its zones',
      'sw0-lr0',
      [
        'table=56, priority=100, metadata=0x5,reg15=0x3 actions=load:0xc->reg13[0..15],resubmit(,57)',
        'table=57, priority=100, metadata=0x5,reg10=0x0/0x1,reg14=0x3,reg15=0x3 actions=drop',
        'table=89, priority=100, metadata=0x5,reg15=0x3 actions=clone(ct_clear,load:0x0->reg0[0..31],load:0x0->reg1[0..31],load:0x0->reg2[0..31],load:0x0->reg3[0..31],load:0x0->reg4[0..31],load:0x0->reg5[0..31],load:0x0->reg6[0..31],load:0x0->reg7[0..31],load:0x0->reg8[0..31],load:0x0->reg9[0..31],load:0x0->reg10[0..31],load:0x0->reg15[0..31],load:0x0->reg11[0..31],load:0x0->reg12[0..31],load:0xd->reg13[0..15],load:0xe->reg11[0..15],load:0xf->reg12[0..15],set_field:0x6->metadata,load:0x1->reg14[0..31],resubmit(,8))',
      ],
    ],
  ])('%s', (_title, name, expected) => {
    const p = byName(name);
    expect(formatFlows(portFlows(ix, cx, ix.datapath(p.datapath)!, p))).toEqual(expected);
  });

  test('a multicast group: local members, one copy per remote chassis, patch members last', () => {
    const flows = groupFlows(ix, cx, sw, {
      uuid: '00008000-0000-4000-8000-000000000000',
      key: 32768,
      ports: ['vm1', 'vm2', 'sw0-lr0'],
    });
    expect(formatFlows(flows)).toEqual([
      'table=54, priority=100, metadata=0x5,reg15=0x8000 actions=set_field:0x5->tun_id,move:reg14[0..14]->tun_metadata0[16..30],load:0x8000->tun_metadata0[0..15],output:20,resubmit(,56),load:0x3->reg15[0..31],load:0xc->reg13[0..15],resubmit(,57)',
      'table=56, priority=100, metadata=0x5,reg15=0x8000 actions=load:0x1->reg15[0..31],load:0xb->reg13[0..15],resubmit(,57),load:0x8000->reg15[0..31]',
    ]);
  });

  test('tunnels in, fixed flows, MAC bindings', () => {
    expect(formatFlows([...tunnelIngressFlows(cx), ...fixedFlows()])).toEqual([
      'table=0, priority=100, in_port=20 actions=move:tun_id[0..23]->metadata[0..23],move:tun_metadata0[16..30]->reg14[0..14],move:tun_metadata0[0..15]->reg15[0..15],resubmit(,56)',
      'table=54, priority=0 actions=resubmit(,56)',
      'table=57, priority=0 actions=resubmit(,62)',
      'table=88, priority=100, reg10=0x1/0x1 actions=load:0x0->in_port[0..31],resubmit(,89)',
      'table=88, priority=0 actions=resubmit(,89)',
    ]);
    const b = { uuid: 'b', logicalPort: 'lr0-sw0', ip: '10.0.0.9', mac: '0a:00:00:00:00:09' };
    expect(formatFlows(macBindingFlows(lr, b, 1))).toEqual([
      'table=90, priority=100, metadata=0x6,reg0=0xa000009,reg15=0x1 actions=set_field:0a:00:00:00:00:09->eth_dst',
      'table=91, priority=100, metadata=0x6,reg0=0xa000009,reg14=0x1,eth_src=0a:00:00:00:00:09 actions=load:0x1->reg10[6]',
      'table=114, priority=100, metadata=0x6,reg0=0xa000009,reg14=0x1 actions=load:0x1->reg10[6]',
    ]);
  });
});
