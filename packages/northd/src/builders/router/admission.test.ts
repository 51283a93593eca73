import { describe, expect, test } from 'vitest';
import { gatewayChassis, lines, routerGolden, twoSubnets } from './test-util.js';

// ovn-northd(8) "L2 Admission Control": drop VLAN and multicast sources (100); per enabled port
// accept multicast and its own MAC, storing the MAC in xreg0[0..47] (50); drop the rest (0).
const cases = [
  {
    name: 'two enabled ports',
    setup: () => twoSubnets(),
    expected: lines(
      'lr_in_admission (priority=100), match=(vlan.present || eth.src[40]), action=(drop;)',
      'lr_in_admission (priority=50), match=(eth.dst == 00:00:00:00:ff:01 && inport == "lrp0"), action=(xreg0[0..47] = 00:00:00:00:ff:01; next;)',
      'lr_in_admission (priority=50), match=(eth.dst == 00:00:00:00:ff:02 && inport == "lrp1"), action=(xreg0[0..47] = 00:00:00:00:ff:02; next;)',
      'lr_in_admission (priority=50), match=(eth.mcast && inport == "lrp0"), action=(xreg0[0..47] = 00:00:00:00:ff:01; next;)',
      'lr_in_admission (priority=50), match=(eth.mcast && inport == "lrp1"), action=(xreg0[0..47] = 00:00:00:00:ff:02; next;)',
      'lr_in_admission (priority=0), match=(1), action=(drop;)',
    ),
  },
  {
    name: 'a disabled port admits nothing',
    setup: () => {
      const f = twoSubnets();
      f.update('logical_router_port', f.id('lrp1'), { enabled: false });
      return f;
    },
    expected: lines(
      'lr_in_admission (priority=100), match=(vlan.present || eth.src[40]), action=(drop;)',
      'lr_in_admission (priority=50), match=(eth.dst == 00:00:00:00:ff:01 && inport == "lrp0"), action=(xreg0[0..47] = 00:00:00:00:ff:01; next;)',
      'lr_in_admission (priority=50), match=(eth.mcast && inport == "lrp0"), action=(xreg0[0..47] = 00:00:00:00:ff:01; next;)',
      'lr_in_admission (priority=0), match=(1), action=(drop;)',
    ),
  },
  {
    name: "a distributed gateway port's MAC is taken on the gateway chassis only",
    setup: () => {
      const f = twoSubnets();
      gatewayChassis(f, 'lrp1', 'hv1');
      return f;
    },
    expected: lines(
      'lr_in_admission (priority=100), match=(vlan.present || eth.src[40]), action=(drop;)',
      'lr_in_admission (priority=50), match=(eth.dst == 00:00:00:00:ff:01 && inport == "lrp0"), action=(xreg0[0..47] = 00:00:00:00:ff:01; next;)',
      'lr_in_admission (priority=50), match=(eth.dst == 00:00:00:00:ff:02 && inport == "lrp1" && is_chassis_resident("cr-lrp1")), action=(xreg0[0..47] = 00:00:00:00:ff:02; next;)',
      'lr_in_admission (priority=50), match=(eth.mcast && inport == "lrp0"), action=(xreg0[0..47] = 00:00:00:00:ff:01; next;)',
      'lr_in_admission (priority=50), match=(eth.mcast && inport == "lrp1"), action=(xreg0[0..47] = 00:00:00:00:ff:02; next;)',
      'lr_in_admission (priority=0), match=(1), action=(drop;)',
    ),
  },
];

describe('lr_in_admission', () => {
  test.each(cases)('$name', ({ setup, expected }) => {
    expect(routerGolden(setup(), 'lr0', ['lr_in_admission'])).toBe(expected);
  });
});
