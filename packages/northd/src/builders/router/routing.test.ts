import { describe, expect, test } from 'vitest';
import type { NbFixture } from '../../testing/nb-fixture.js';
import { lines, routerFlows, routerGolden, twoSubnets } from './test-util.js';

const STAGES = ['lr_in_ip_routing', 'lr_in_ip_routing_ecmp'] as const;

// Priorities (OVN's ROUTE_PRIO_OFFSET_*): 3 × prefix length, +2 for connected routes, +1 for
// static destination routes, +0 for source-IP routes. So /24 connected = 74, /24 static = 73,
// /24 src-ip = 72, /0 static = 1, link-local /64 = 194. Static routes check the route table
// (reg7, 0 = main); connected ones apply in every table.
const CONNECTED = lines(
  'lr_in_ip_routing (priority=194), match=(inport == "lrp0" && ip6.dst == fe80::/64), action=(ip.ttl--; reg8[0..15] = 0; xxreg0 = ip6.dst; xxreg1 = fe80::200:ff:fe00:ff01; eth.src = 00:00:00:00:ff:01; outport = "lrp0"; flags.loopback = 1; next;)',
  'lr_in_ip_routing (priority=194), match=(inport == "lrp1" && ip6.dst == fe80::/64), action=(ip.ttl--; reg8[0..15] = 0; xxreg0 = ip6.dst; xxreg1 = fe80::200:ff:fe00:ff02; eth.src = 00:00:00:00:ff:02; outport = "lrp1"; flags.loopback = 1; next;)',
  'lr_in_ip_routing (priority=74), match=(ip4.dst == 10.0.0.0/24), action=(ip.ttl--; reg8[0..15] = 0; reg0 = ip4.dst; reg1 = 10.0.0.1; eth.src = 00:00:00:00:ff:01; outport = "lrp0"; flags.loopback = 1; next;)',
  'lr_in_ip_routing (priority=74), match=(ip4.dst == 20.0.0.0/24), action=(ip.ttl--; reg8[0..15] = 0; reg0 = ip4.dst; reg1 = 20.0.0.1; eth.src = 00:00:00:00:ff:02; outport = "lrp1"; flags.loopback = 1; next;)',
);
const DEFAULTS = {
  drop: 'lr_in_ip_routing (priority=0), match=(1), action=(drop;)',
  ecmpBypass: 'lr_in_ip_routing_ecmp (priority=150), match=(reg8[0..15] == 0), action=(next;)',
  ecmpDrop: 'lr_in_ip_routing_ecmp (priority=0), match=(1), action=(drop;)',
};

/** Without the connected routes of twoSubnets (checked once, in the first case). */
const staticOnly = (f: NbFixture) =>
  routerGolden(f, 'lr0', STAGES)
    .split('\n')
    .filter((l) => !CONNECTED.split('\n').includes(l))
    .join('\n');

const cases = [
  {
    name: 'connected networks, with the link-local one scoped to its port',
    golden: () => routerGolden(twoSubnets(), 'lr0', STAGES),
    expected: lines(CONNECTED, DEFAULTS.drop, DEFAULTS.ecmpBypass, DEFAULTS.ecmpDrop),
  },
  {
    name: 'static routes: default, host route by output_port, source routing, discard',
    golden: () => {
      const f = twoSubnets();
      f.route('lr0', '0.0.0.0/0', '20.0.0.254');
      f.route('lr0', '50.0.0.1/32', '10.0.0.9', { output_port: 'lrp0' });
      f.route('lr0', '10.0.0.0/24', '20.0.0.5', { policy: 'src-ip' });
      f.route('lr0', '40.0.0.0/8', 'discard');
      return staticOnly(f);
    },
    expected: lines(
      'lr_in_ip_routing (priority=97), match=(reg7 == 0 && ip4.dst == 50.0.0.1/32), action=(ip.ttl--; reg8[0..15] = 0; reg0 = 10.0.0.9; reg1 = 10.0.0.1; eth.src = 00:00:00:00:ff:01; outport = "lrp0"; flags.loopback = 1; next;)',
      'lr_in_ip_routing (priority=72), match=(reg7 == 0 && ip4.src == 10.0.0.0/24), action=(ip.ttl--; reg8[0..15] = 0; reg0 = 20.0.0.5; reg1 = 20.0.0.1; eth.src = 00:00:00:00:ff:02; outport = "lrp1"; flags.loopback = 1; next;)',
      'lr_in_ip_routing (priority=25), match=(reg7 == 0 && ip4.dst == 40.0.0.0/8), action=(drop;)',
      'lr_in_ip_routing (priority=1), match=(reg7 == 0 && ip4.dst == 0.0.0.0/0), action=(ip.ttl--; reg8[0..15] = 0; reg0 = 20.0.0.254; reg1 = 20.0.0.1; eth.src = 00:00:00:00:ff:02; outport = "lrp1"; flags.loopback = 1; next;)',
      DEFAULTS.drop,
      DEFAULTS.ecmpBypass,
      DEFAULTS.ecmpDrop,
    ),
  },
  {
    name: 'ECMP: routes sharing a prefix select a member; duplicates collapse; ids follow next-hop order',
    golden: () => {
      const f = twoSubnets();
      f.route('lr0', '30.0.0.0/24', '20.0.0.4');
      f.route('lr0', '30.0.0.0/24', '20.0.0.3');
      f.route('lr0', '30.0.0.0/24', '20.0.0.3');
      f.route('lr0', '31.0.0.0/16', '10.0.0.7');
      f.route('lr0', '31.0.0.0/16', '20.0.0.7');
      return staticOnly(f);
    },
    expected: lines(
      'lr_in_ip_routing (priority=73), match=(reg7 == 0 && ip4.dst == 30.0.0.0/24), action=(ip.ttl--; flags.loopback = 1; reg8[0..15] = 1; reg8[16..31] = select(1, 2);)',
      'lr_in_ip_routing (priority=49), match=(reg7 == 0 && ip4.dst == 31.0.0.0/16), action=(ip.ttl--; flags.loopback = 1; reg8[0..15] = 2; reg8[16..31] = select(1, 2);)',
      DEFAULTS.drop,
      DEFAULTS.ecmpBypass,
      'lr_in_ip_routing_ecmp (priority=100), match=(reg8[0..15] == 1 && reg8[16..31] == 1), action=(reg0 = 20.0.0.3; reg1 = 20.0.0.1; eth.src = 00:00:00:00:ff:02; outport = "lrp1"; next;)',
      'lr_in_ip_routing_ecmp (priority=100), match=(reg8[0..15] == 1 && reg8[16..31] == 2), action=(reg0 = 20.0.0.4; reg1 = 20.0.0.1; eth.src = 00:00:00:00:ff:02; outport = "lrp1"; next;)',
      'lr_in_ip_routing_ecmp (priority=100), match=(reg8[0..15] == 2 && reg8[16..31] == 1), action=(reg0 = 10.0.0.7; reg1 = 10.0.0.1; eth.src = 00:00:00:00:ff:01; outport = "lrp0"; next;)',
      'lr_in_ip_routing_ecmp (priority=100), match=(reg8[0..15] == 2 && reg8[16..31] == 2), action=(reg0 = 20.0.0.7; reg1 = 20.0.0.1; eth.src = 00:00:00:00:ff:02; outport = "lrp1"; next;)',
      DEFAULTS.ecmpDrop,
    ),
  },
  {
    name: 'an IPv6 static route',
    golden: () => {
      const f = twoSubnets();
      f.update('logical_router_port', f.id('lrp1'), { networks: ['20.0.0.1/24', 'fd00::1/64'] });
      f.route('lr0', 'fd01::/48', 'fd00::fe');
      return routerGolden(f, 'lr0', ['lr_in_ip_routing'])
        .split('\n')
        .filter((l) => l.includes('fd0'))
        .join('\n');
    },
    expected: lines(
      'lr_in_ip_routing (priority=194), match=(ip6.dst == fd00::/64), action=(ip.ttl--; reg8[0..15] = 0; xxreg0 = ip6.dst; xxreg1 = fd00::1; eth.src = 00:00:00:00:ff:02; outport = "lrp1"; flags.loopback = 1; next;)',
      'lr_in_ip_routing (priority=145), match=(reg7 == 0 && ip6.dst == fd01::/48), action=(ip.ttl--; reg8[0..15] = 0; xxreg0 = fd00::fe; xxreg1 = fd00::1; eth.src = 00:00:00:00:ff:02; outport = "lrp1"; flags.loopback = 1; next;)',
    ),
  },
];

describe('lr_in_ip_routing / lr_in_ip_routing_ecmp', () => {
  test.each(cases)('$name', ({ golden, expected }) => {
    expect(golden()).toBe(expected);
  });

  test("route tables: a port with options:route_table uses that table's static routes", () => {
    const f = twoSubnets();
    f.update('logical_router_port', f.id('lrp0'), { options: { route_table: 'blue' } });
    f.route('lr0', '0.0.0.0/0', '20.0.0.254');
    f.route('lr0', '0.0.0.0/0', '20.0.0.253', { route_table: 'blue' });
    f.route('lr0', '30.0.0.0/24', '20.0.0.3', { route_table: 'red' });
    f.route('lr0', '30.0.0.0/24', '20.0.0.4', { route_table: 'red' });
    // Table ids follow table names: blue = 1, red = 2.
    expect(routerGolden(f, 'lr0', ['lr_in_ip_routing_pre'])).toBe(
      lines(
        'lr_in_ip_routing_pre (priority=100), match=(inport == "lrp0"), action=(reg7 = 1; next;)',
        'lr_in_ip_routing_pre (priority=0), match=(1), action=(reg7 = 0; next;)',
      ),
    );
    expect(staticOnly(f)).toBe(
      lines(
        'lr_in_ip_routing (priority=73), match=(reg7 == 2 && ip4.dst == 30.0.0.0/24), action=(ip.ttl--; flags.loopback = 1; reg8[0..15] = 1; reg8[16..31] = select(1, 2);)',
        'lr_in_ip_routing (priority=1), match=(reg7 == 0 && ip4.dst == 0.0.0.0/0), action=(ip.ttl--; reg8[0..15] = 0; reg0 = 20.0.0.254; reg1 = 20.0.0.1; eth.src = 00:00:00:00:ff:02; outport = "lrp1"; flags.loopback = 1; next;)',
        'lr_in_ip_routing (priority=1), match=(reg7 == 1 && ip4.dst == 0.0.0.0/0), action=(ip.ttl--; reg8[0..15] = 0; reg0 = 20.0.0.253; reg1 = 20.0.0.1; eth.src = 00:00:00:00:ff:02; outport = "lrp1"; flags.loopback = 1; next;)',
        DEFAULTS.drop,
        DEFAULTS.ecmpBypass,
        'lr_in_ip_routing_ecmp (priority=100), match=(reg8[0..15] == 1 && reg8[16..31] == 1), action=(reg0 = 20.0.0.3; reg1 = 20.0.0.1; eth.src = 00:00:00:00:ff:02; outport = "lrp1"; next;)',
        'lr_in_ip_routing_ecmp (priority=100), match=(reg8[0..15] == 1 && reg8[16..31] == 2), action=(reg0 = 20.0.0.4; reg1 = 20.0.0.1; eth.src = 00:00:00:00:ff:02; outport = "lrp1"; next;)',
        DEFAULTS.ecmpDrop,
      ),
    );
  });

  test('bad routes are reported on their rows and left out', () => {
    const f = twoSubnets();
    const bad = [
      f.route('lr0', '30.0.0.0/33', '20.0.0.3'),
      f.route('lr0', '30.0.0.0/24', '99.0.0.1'),
      f.route('lr0', '30.0.0.0/24', 'fd00::1'),
      f.route('lr0', '30.0.0.0/24', '20.0.0.3', { output_port: 'nope' }),
    ];
    const { flows, diagnostics } = routerFlows(f, 'lr0');
    expect(diagnostics.map((d) => [d.nbUuid, d.problem])).toEqual([
      [bad[0]!.uuid, 'bad ip_prefix "30.0.0.0/33"'],
      [bad[1]!.uuid, 'no port of this router has a network containing nexthop 99.0.0.1'],
      [bad[2]!.uuid, 'nexthop fd00::1 and prefix 30.0.0.0/24 are of different families'],
      [bad[3]!.uuid, 'output_port nope is not a port of this router with an IPv4 address'],
    ]);
    expect(flows.filter((fl) => fl.match.includes('30.0.0.0'))).toEqual([]);
  });
});
