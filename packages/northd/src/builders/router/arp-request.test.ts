import { describe, expect, test } from 'vitest';
import { lines, routerGolden, twoSubnets } from './test-util.js';

const V4 =
  'lr_in_arp_request (priority=100), match=(eth.dst == 00:00:00:00:00:00 && ip4), action=(arp { eth.dst = ff:ff:ff:ff:ff:ff; arp.spa = reg1; arp.tpa = reg0; arp.op = 1; output; };)';
const V6 =
  'lr_in_arp_request (priority=100), match=(eth.dst == 00:00:00:00:00:00 && ip6), action=(nd_ns { nd.target = xxreg0; output; };)';
const OUT = 'lr_in_arp_request (priority=0), match=(1), action=(output;)';

// ovn-northd(8) "ARP Request": unresolved next hops (eth.dst still zero) are asked for with an
// ARP request from reg1 for reg0, or an NS for xxreg0; static IPv6 next hops (200) at their
// solicited-node group: fd00::fe → ff02::1:ff00:fe, MAC 33:33:ff:00:00:fe.
const cases = [
  { name: 'defaults', setup: () => twoSubnets(), expected: lines(V4, V6, OUT) },
  {
    name: 'a static IPv6 next hop',
    setup: () => {
      const f = twoSubnets();
      f.update('logical_router_port', f.id('lrp1'), { networks: ['20.0.0.1/24', 'fd00::1/64'] });
      f.route('lr0', 'fd01::/48', 'fd00::fe');
      f.route('lr0', 'fd02::/48', 'fd00::fe');
      return f;
    },
    expected: lines(
      'lr_in_arp_request (priority=200), match=(eth.dst == 00:00:00:00:00:00 && ip6 && xxreg0 == fd00::fe), action=(nd_ns { eth.dst = 33:33:ff:00:00:fe; ip6.dst = ff02::1:ff00:fe; nd.target = fd00::fe; output; };)',
      V4,
      V6,
      OUT,
    ),
  },
];

describe('lr_in_arp_request', () => {
  test.each(cases)('$name', ({ setup, expected }) => {
    expect(routerGolden(setup(), 'lr0', ['lr_in_arp_request'])).toBe(expected);
  });
});
