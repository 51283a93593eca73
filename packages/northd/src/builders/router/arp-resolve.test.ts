import { describe, expect, test } from 'vitest';
import { NbFixture } from '../../testing/nb-fixture.js';
import { lines, routerGolden, twoSubnets } from './test-util.js';

const DEFAULTS = {
  mcast: 'lr_in_arp_resolve (priority=500), match=(ip4.mcast || ip6.mcast), action=(next;)',
  arp: 'lr_in_arp_resolve (priority=0), match=(ip4), action=(get_arp(outport, reg0); next;)',
  nd: 'lr_in_arp_resolve (priority=0), match=(ip6), action=(get_nd(outport, xxreg0); next;)',
};

/** lr0 and lr1 on a join switch (100.64.0.0/24), or joined directly by peer (172.16.0.0/30). */
function twoRouters(how: 'switch' | 'peer'): NbFixture {
  const f = new NbFixture();
  f.router('lr0');
  f.router('lr1');
  if (how === 'switch') {
    f.switch('join');
    f.routerPort('lr0', 'lr0-join', '00:00:00:00:aa:01', ['100.64.0.1/24']);
    f.routerPort('lr1', 'lr1-join', '00:00:00:00:aa:02', ['100.64.0.2/24', 'fd64::2/64']);
    f.connect('join', 'join-lr0', 'lr0-join');
    f.connect('join', 'join-lr1', 'lr1-join');
    // A port without addresses is no neighbour; a virtual port is left to dynamic bindings.
    f.port('join', 'nameless');
    f.port('join', 'vip', { type: 'virtual', addresses: ['00:00:00:00:aa:09 100.64.0.9'] });
  } else {
    f.routerPort('lr0', 'lr0-lr1', '00:00:00:00:bb:01', ['172.16.0.1/30'], { peer: 'lr1-lr0' });
    f.routerPort('lr1', 'lr1-lr0', '00:00:00:00:bb:02', ['172.16.0.2/30'], { peer: 'lr0-lr1' });
  }
  return f;
}

// ovn-northd(8) "ARP/ND Resolution": static bindings (100) for addresses known from NB on the
// switch behind each port, or of a directly peered router port; otherwise the MAC bindings.
// Router ports carry their EUI-64 link-local address too (fe80::200:ff:fe00:aa02 for …:aa:02).
const cases = [
  {
    name: 'VMs on the attached switches',
    setup: () => twoSubnets(),
    router: 'lr0',
    expected: lines(
      DEFAULTS.mcast,
      'lr_in_arp_resolve (priority=100), match=(outport == "lrp0" && reg0 == 10.0.0.2), action=(eth.dst = 00:00:00:00:00:01; next;)',
      'lr_in_arp_resolve (priority=100), match=(outport == "lrp1" && reg0 == 20.0.0.2), action=(eth.dst = 00:00:00:00:00:02; next;)',
      DEFAULTS.arp,
      DEFAULTS.nd,
    ),
  },
  {
    name: 'another router on a join switch',
    setup: () => twoRouters('switch'),
    router: 'lr0',
    expected: lines(
      DEFAULTS.mcast,
      'lr_in_arp_resolve (priority=100), match=(outport == "lr0-join" && reg0 == 100.64.0.2), action=(eth.dst = 00:00:00:00:aa:02; next;)',
      'lr_in_arp_resolve (priority=100), match=(outport == "lr0-join" && xxreg0 == fd64::2), action=(eth.dst = 00:00:00:00:aa:02; next;)',
      'lr_in_arp_resolve (priority=100), match=(outport == "lr0-join" && xxreg0 == fe80::200:ff:fe00:aa02), action=(eth.dst = 00:00:00:00:aa:02; next;)',
      DEFAULTS.arp,
      DEFAULTS.nd,
    ),
  },
  {
    name: 'a directly peered router port',
    setup: () => twoRouters('peer'),
    router: 'lr1',
    expected: lines(
      DEFAULTS.mcast,
      'lr_in_arp_resolve (priority=100), match=(outport == "lr1-lr0" && reg0 == 172.16.0.1), action=(eth.dst = 00:00:00:00:bb:01; next;)',
      'lr_in_arp_resolve (priority=100), match=(outport == "lr1-lr0" && xxreg0 == fe80::200:ff:fe00:bb01), action=(eth.dst = 00:00:00:00:bb:01; next;)',
      DEFAULTS.arp,
      DEFAULTS.nd,
    ),
  },
];

describe('lr_in_arp_resolve', () => {
  test.each(cases)('$name', ({ setup, router, expected }) => {
    expect(routerGolden(setup(), router, ['lr_in_arp_resolve'])).toBe(expected);
  });

  test('options:dynamic_neigh_routers: other routers are learnt, VMs still configured', () => {
    for (const how of ['switch', 'peer'] as const) {
      const f = twoRouters(how);
      f.update('logical_router', f.id('lr0'), { options: { dynamic_neigh_routers: 'true' } });
      expect(routerGolden(f, 'lr0', ['lr_in_arp_resolve'])).toBe(
        lines(DEFAULTS.mcast, DEFAULTS.arp, DEFAULTS.nd),
      );
    }
    const f = twoSubnets();
    f.update('logical_router', f.id('lr0'), { options: { dynamic_neigh_routers: 'true' } });
    expect(routerGolden(f, 'lr0', ['lr_in_arp_resolve'])).toBe(cases[0]!.expected);
  });
});
