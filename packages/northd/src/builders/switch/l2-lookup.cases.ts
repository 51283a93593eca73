// Golden cases for destination lookup and MAC learning (ovn-northd(8): "Destination Lookup",
// "Destination unknown", "Lookup MAC address learning table", "Learn MAC of 'unknown' ports").
import type { GoldenCase } from './golden-case.js';

const L2_STAGES = ['ls_in_l2_lkup', 'ls_in_l2_unknown'] as const;
const FLOOD =
  'ls_in_l2_lkup (priority=70), match=(eth.mcast), action=(outport = "_MC_flood"; output;)';
const FDB_LOOKUP =
  'ls_in_l2_lkup (priority=0), match=(1), action=(outport = get_fdb(eth.dst); next;)';
const UNKNOWN_OUT = 'ls_in_l2_unknown (priority=0), match=(1), action=(output;)';

export const L2_LOOKUP_CASES: readonly GoldenCase[] = [
  {
    name: 'known MACs go to their port, broadcast floods, the rest is looked up in the FDB, then _MC_unknown',
    setup: (fx) => {
      fx.switch('sw0');
      fx.port('sw0', 'p1', { addresses: ['00:00:00:00:00:01 10.0.0.1'] });
      fx.port('sw0', 'p2', { addresses: ['unknown'] });
      // Disabled ports keep their lookup flow; egress port security drops what reaches them.
      fx.port('sw0', 'p3', { addresses: ['00:00:00:00:00:03'], enabled: false });
      // A dynamically assigned address counts once assigned.
      fx.port('sw0', 'p4', {
        addresses: ['dynamic'],
        dynamic_addresses: '00:00:00:00:00:04 10.0.0.4',
      });
      fx.router('lr0');
      fx.routerPort('lr0', 'lrp0', '00:00:00:00:ff:01', ['10.0.0.254/24']);
      fx.connect('sw0', 'sw0-lr0', 'lrp0');
    },
    stages: L2_STAGES,
    expected: [
      FLOOD,
      'ls_in_l2_lkup (priority=50), match=(eth.dst == 00:00:00:00:00:01), action=(outport = "p1"; output;)',
      'ls_in_l2_lkup (priority=50), match=(eth.dst == 00:00:00:00:00:03), action=(outport = "p3"; output;)',
      'ls_in_l2_lkup (priority=50), match=(eth.dst == 00:00:00:00:00:04), action=(outport = "p4"; output;)',
      'ls_in_l2_lkup (priority=50), match=(eth.dst == 00:00:00:00:ff:01), action=(outport = "sw0-lr0"; output;)',
      FDB_LOOKUP,
      'ls_in_l2_unknown (priority=50), match=(outport == "none"), action=(outport = "_MC_unknown"; output;)',
      UNKNOWN_OUT,
    ],
  },
  {
    name: 'without a port taking unknown MACs, an unknown destination is dropped',
    setup: (fx) => {
      fx.switch('sw0');
      fx.port('sw0', 'p1', { addresses: ['00:00:00:00:00:01'] });
      // A disabled port does not count.
      fx.port('sw0', 'p2', { addresses: ['unknown'], enabled: false });
    },
    stages: L2_STAGES,
    expected: [
      FLOOD,
      'ls_in_l2_lkup (priority=50), match=(eth.dst == 00:00:00:00:00:01), action=(outport = "p1"; output;)',
      FDB_LOOKUP,
      'ls_in_l2_unknown (priority=50), match=(outport == "none"), action=(drop;)',
      UNKNOWN_OUT,
    ],
  },
  {
    name: 'a localnet port takes unknown destinations even without "unknown" in its addresses',
    setup: (fx) => {
      fx.switch('sw0');
      fx.port('sw0', 'ln', { type: 'localnet' });
    },
    stages: ['ls_in_l2_unknown'],
    expected: [
      'ls_in_l2_unknown (priority=50), match=(outport == "none"), action=(outport = "_MC_unknown"; output;)',
      UNKNOWN_OUT,
    ],
  },
  {
    name: 'MAC learning only on VM ports that take unknown MACs without port security',
    setup: (fx) => {
      fx.switch('sw0');
      fx.port('sw0', 'learn', { addresses: ['unknown'] });
      fx.port('sw0', 'secured', { addresses: ['unknown'], port_security: ['00:00:00:00:00:05'] });
      fx.port('sw0', 'ln', { type: 'localnet', addresses: ['unknown'] });
      fx.port('sw0', 'static', { addresses: ['00:00:00:00:00:06'] });
    },
    stages: ['ls_in_lookup_fdb', 'ls_in_put_fdb'],
    expected: [
      'ls_in_lookup_fdb (priority=100), match=(inport == "learn"), action=(reg0[11] = lookup_fdb(inport, eth.src); next;)',
      'ls_in_lookup_fdb (priority=0), match=(1), action=(next;)',
      'ls_in_put_fdb (priority=100), match=(inport == "learn" && reg0[11] == 0), action=(put_fdb(inport, eth.src); next;)',
      'ls_in_put_fdb (priority=0), match=(1), action=(next;)',
    ],
  },
  {
    name: "with a localnet port, a distributed gateway port's MAC is looked up only where its cr- port resides",
    setup: (fx) => {
      fx.switch('sw0');
      fx.port('sw0', 'ln', { type: 'localnet', addresses: ['unknown'] });
      fx.router('lr0');
      fx.routerPort('lr0', 'lrp-ext', '00:00:00:00:ff:0e', ['172.16.0.1/24']);
      fx.insert('gateway_chassis', {
        name: 'lrp-ext-gw1',
        router_port_uuid: fx.id('lrp-ext'),
        chassis_name: 'gw1',
        priority: 10,
      });
      fx.connect('sw0', 'sw0-lr0', 'lrp-ext');
    },
    stages: ['ls_in_l2_lkup'],
    expected: [
      FLOOD,
      'ls_in_l2_lkup (priority=50), match=(eth.dst == 00:00:00:00:ff:0e && is_chassis_resident("cr-lrp-ext")), action=(outport = "sw0-lr0"; output;)',
      FDB_LOOKUP,
    ],
  },
];
