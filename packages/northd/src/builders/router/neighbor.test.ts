import { describe, expect, test } from 'vitest';
import { lines, routerGolden, twoSubnets } from './test-util.js';

const STAGES = ['lr_in_lookup_neighbor', 'lr_in_learn_neighbor'] as const;

// ovn-northd(8) "Neighbor lookup" and "Neighbor learning". By default OVN always learns from ARP
// requests of senders on the port's subnet and from replies; with
// options:always_learn_from_arp_request=false only requests for our own address, or from
// senders already known by IP (lookup_arp_ip), set reg9[3] and may be learnt.
const cases = [
  {
    name: 'always learn (default)',
    setup: () => twoSubnets(),
    expected: lines(
      'lr_in_lookup_neighbor (priority=100), match=(arp.op == 2), action=(reg9[2] = lookup_arp(inport, arp.spa, arp.sha); next;)',
      'lr_in_lookup_neighbor (priority=100), match=(inport == "lrp0" && arp.spa == 10.0.0.0/24 && arp.op == 1), action=(reg9[2] = lookup_arp(inport, arp.spa, arp.sha); next;)',
      'lr_in_lookup_neighbor (priority=100), match=(inport == "lrp1" && arp.spa == 20.0.0.0/24 && arp.op == 1), action=(reg9[2] = lookup_arp(inport, arp.spa, arp.sha); next;)',
      'lr_in_lookup_neighbor (priority=100), match=(nd_na), action=(reg9[2] = lookup_nd(inport, nd.target, nd.tll); next;)',
      'lr_in_lookup_neighbor (priority=100), match=(nd_ns), action=(reg9[2] = lookup_nd(inport, ip6.src, nd.sll); next;)',
      'lr_in_lookup_neighbor (priority=0), match=(1), action=(reg9[2] = 1; next;)',
      'lr_in_learn_neighbor (priority=100), match=(reg9[2] == 1), action=(next;)',
      'lr_in_learn_neighbor (priority=95), match=(nd_ns && (ip6.src == 0 || nd.sll == 0)), action=(next;)',
      'lr_in_learn_neighbor (priority=90), match=(arp), action=(put_arp(inport, arp.spa, arp.sha); next;)',
      'lr_in_learn_neighbor (priority=90), match=(nd_na), action=(put_nd(inport, nd.target, nd.tll); next;)',
      'lr_in_learn_neighbor (priority=90), match=(nd_ns), action=(put_nd(inport, ip6.src, nd.sll); next;)',
      'lr_in_learn_neighbor (priority=0), match=(1), action=(drop;)',
    ),
  },
  {
    name: 'learn from requests only when allowed',
    setup: () => {
      const f = twoSubnets();
      f.update('logical_router', f.id('lr0'), {
        options: { always_learn_from_arp_request: 'false' },
      });
      f.update('logical_router_port', f.id('lrp1'), { enabled: false });
      return f;
    },
    expected: lines(
      'lr_in_lookup_neighbor (priority=110), match=(inport == "lrp0" && arp.spa == 10.0.0.0/24 && arp.tpa == 10.0.0.1 && arp.op == 1), action=(reg9[2] = lookup_arp(inport, arp.spa, arp.sha); reg9[3] = 1; next;)',
      'lr_in_lookup_neighbor (priority=100), match=(arp.op == 2), action=(reg9[2] = lookup_arp(inport, arp.spa, arp.sha); reg9[3] = 1; next;)',
      'lr_in_lookup_neighbor (priority=100), match=(inport == "lrp0" && arp.spa == 10.0.0.0/24 && arp.op == 1), action=(reg9[2] = lookup_arp(inport, arp.spa, arp.sha); reg9[3] = lookup_arp_ip(inport, arp.spa); next;)',
      'lr_in_lookup_neighbor (priority=100), match=(nd_na), action=(reg9[2] = lookup_nd(inport, nd.target, nd.tll); reg9[3] = 1; next;)',
      'lr_in_lookup_neighbor (priority=100), match=(nd_ns), action=(reg9[2] = lookup_nd(inport, ip6.src, nd.sll); reg9[3] = lookup_nd_ip(inport, ip6.src); next;)',
      'lr_in_lookup_neighbor (priority=0), match=(1), action=(reg9[2] = 1; next;)',
      'lr_in_learn_neighbor (priority=100), match=(reg9[2] == 1 || reg9[3] == 0), action=(next;)',
      'lr_in_learn_neighbor (priority=95), match=(nd_ns && (ip6.src == 0 || nd.sll == 0)), action=(next;)',
      'lr_in_learn_neighbor (priority=90), match=(arp), action=(put_arp(inport, arp.spa, arp.sha); next;)',
      'lr_in_learn_neighbor (priority=90), match=(nd_na), action=(put_nd(inport, nd.target, nd.tll); next;)',
      'lr_in_learn_neighbor (priority=90), match=(nd_ns), action=(put_nd(inport, ip6.src, nd.sll); next;)',
      'lr_in_learn_neighbor (priority=0), match=(1), action=(drop;)',
    ),
  },
];

describe('lr_in_lookup_neighbor / lr_in_learn_neighbor', () => {
  test.each(cases)('$name', ({ setup, expected }) => {
    expect(routerGolden(setup(), 'lr0', STAGES)).toBe(expected);
  });
});
