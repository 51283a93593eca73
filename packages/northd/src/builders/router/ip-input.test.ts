import { describe, expect, test } from 'vitest';
import { NbFixture } from '../../testing/nb-fixture.js';
import { lines, routerGolden } from './test-util.js';

/** lr0 with one port lrp0 (00:00:00:00:ff:01) on `networks`, attached to sw0. */
function onePort(networks: string[], routerOptions: Record<string, string> = {}): NbFixture {
  const f = new NbFixture();
  f.switch('sw0');
  f.router('lr0', { options: routerOptions });
  f.routerPort('lr0', 'lrp0', '00:00:00:00:ff:01', networks);
  f.connect('sw0', 'sw0-lr0', 'lrp0');
  return f;
}

// The port's link-local address is fe80::200:ff:fe00:ff01 (EUI-64 of 00:00:00:00:ff:01: the
// universal/local bit flipped, ff:fe in the middle); its solicited-node group ff02::1:ff00:ff01.
const common = {
  martians:
    'lr_in_ip_input (priority=100), match=(ip4.src_mcast || ip4.src == 255.255.255.255 || ip4.src == 127.0.0.0/8 || ip4.dst == 127.0.0.0/8 || ip4.src == 0.0.0.0/8 || ip4.dst == 0.0.0.0/8), action=(drop;)',
  ownSource:
    'lr_in_ip_input (priority=100), match=(ip4.src == {10.0.0.1, 10.0.0.255} && reg9[0] == 0), action=(drop;)',
  arpReply:
    'lr_in_ip_input (priority=90), match=(inport == "lrp0" && arp.op == 1 && arp.tpa == 10.0.0.1 && arp.spa == 10.0.0.0/24), action=(eth.dst = eth.src; eth.src = xreg0[0..47]; arp.op = 2; arp.tha = arp.sha; arp.sha = xreg0[0..47]; arp.tpa <-> arp.spa; outport = inport; flags.loopback = 1; output;)',
  nsReply:
    'lr_in_ip_input (priority=90), match=(inport == "lrp0" && ip6.dst == {fe80::200:ff:fe00:ff01, ff02::1:ff00:ff01} && nd_ns && nd.target == fe80::200:ff:fe00:ff01), action=(nd_na_router { eth.src = xreg0[0..47]; ip6.src = fe80::200:ff:fe00:ff01; nd.target = fe80::200:ff:fe00:ff01; nd.tll = xreg0[0..47]; outport = inport; flags.loopback = 1; output; };)',
  echo4:
    'lr_in_ip_input (priority=90), match=(ip4.dst == 10.0.0.1 && icmp4.type == 8 && icmp4.code == 0), action=(ip4.dst <-> ip4.src; ip.ttl = 255; icmp4.type = 0; flags.loopback = 1; next;)',
  echo6:
    'lr_in_ip_input (priority=90), match=(ip6.dst == fe80::200:ff:fe00:ff01 && icmp6.type == 128 && icmp6.code == 0), action=(ip6.dst <-> ip6.src; ip.ttl = 255; icmp6.type = 129; flags.loopback = 1; next;)',
  arpNdDrop: 'lr_in_ip_input (priority=85), match=(arp || nd), action=(drop;)',
  rsRa: 'lr_in_ip_input (priority=84), match=(nd_rs || nd_ra), action=(next;)',
  mcastRsvd: 'lr_in_ip_input (priority=83), match=(ip6.mcast_rsvd), action=(drop;)',
  mcast: 'lr_in_ip_input (priority=82), match=(ip4.mcast || ip6.mcast), action=(drop;)',
  own4: 'lr_in_ip_input (priority=60), match=(ip4.dst == {10.0.0.1}), action=(drop;)',
  own6: 'lr_in_ip_input (priority=60), match=(ip6.dst == {fe80::200:ff:fe00:ff01}), action=(drop;)',
  bcast: 'lr_in_ip_input (priority=50), match=(eth.bcast), action=(drop;)',
  mcastTtl:
    'lr_in_ip_input (priority=32), match=(ip.ttl == {0, 1} && !ip.later_frag && (ip4.mcast || ip6.mcast)), action=(drop;)',
  ttlSubnet:
    'lr_in_ip_input (priority=31), match=(inport == "lrp0" && ip4 && ip4.src == 10.0.0.0/24 && ip.ttl == {0, 1} && !ip.later_frag), action=(icmp4 { eth.dst = eth.src; eth.src = 00:00:00:00:ff:01; icmp4.type = 11; icmp4.code = 0; ip4.dst = ip4.src; ip4.src = 10.0.0.1; ip.ttl = 254; outport = "lrp0"; flags.loopback = 1; output; };)',
  ttlAny:
    'lr_in_ip_input (priority=30), match=(inport == "lrp0" && ip4 && ip.ttl == {0, 1} && !ip.later_frag), action=(icmp4 { eth.dst = eth.src; eth.src = 00:00:00:00:ff:01; icmp4.type = 11; icmp4.code = 0; ip4.dst = ip4.src; ip4.src = 10.0.0.1; ip.ttl = 254; outport = "lrp0"; flags.loopback = 1; output; };)',
  ttlAny6:
    'lr_in_ip_input (priority=30), match=(inport == "lrp0" && ip6 && ip.ttl == {0, 1} && !ip.later_frag), action=(icmp6 { eth.dst = eth.src; eth.src = 00:00:00:00:ff:01; ip6.dst = ip6.src; ip6.src = fe80::200:ff:fe00:ff01; ip.ttl = 254; icmp6.type = 3; icmp6.code = 0; outport = "lrp0"; flags.loopback = 1; output; };)',
  ttlDrop: 'lr_in_ip_input (priority=29), match=(ip.ttl == {0, 1}), action=(drop;)',
  next: 'lr_in_ip_input (priority=0), match=(1), action=(next;)',
};

// Routers without a gateway answer traffic to their addresses: UDP with port unreachable,
// TCP with a reset, SCTP with an abort (80), other protocols with protocol unreachable (70).
const unreachables = [
  'lr_in_ip_input (priority=80), match=(ip4 && ip4.dst == 10.0.0.1 && !ip.later_frag && sctp), action=(sctp_abort { eth.dst <-> eth.src; ip4.dst <-> ip4.src; next; };)',
  'lr_in_ip_input (priority=80), match=(ip4 && ip4.dst == 10.0.0.1 && !ip.later_frag && tcp), action=(tcp_reset { eth.dst <-> eth.src; ip4.dst <-> ip4.src; next; };)',
  'lr_in_ip_input (priority=80), match=(ip4 && ip4.dst == 10.0.0.1 && !ip.later_frag && udp), action=(icmp4 { eth.dst <-> eth.src; ip4.dst <-> ip4.src; ip.ttl = 255; icmp4.type = 3; icmp4.code = 3; next; };)',
  'lr_in_ip_input (priority=80), match=(ip6 && ip6.dst == fe80::200:ff:fe00:ff01 && !ip.later_frag && sctp), action=(sctp_abort { eth.dst <-> eth.src; ip6.dst <-> ip6.src; next; };)',
  'lr_in_ip_input (priority=80), match=(ip6 && ip6.dst == fe80::200:ff:fe00:ff01 && !ip.later_frag && tcp), action=(tcp_reset { eth.dst <-> eth.src; ip6.dst <-> ip6.src; next; };)',
  'lr_in_ip_input (priority=80), match=(ip6 && ip6.dst == fe80::200:ff:fe00:ff01 && !ip.later_frag && udp), action=(icmp6 { eth.dst <-> eth.src; ip6.dst <-> ip6.src; ip.ttl = 255; icmp6.type = 1; icmp6.code = 4; next; };)',
  'lr_in_ip_input (priority=70), match=(ip4 && ip4.dst == 10.0.0.1 && !ip.later_frag), action=(icmp4 { eth.dst <-> eth.src; ip4.dst <-> ip4.src; ip.ttl = 255; icmp4.type = 3; icmp4.code = 2; next; };)',
  'lr_in_ip_input (priority=70), match=(ip6 && ip6.dst == fe80::200:ff:fe00:ff01 && !ip.later_frag), action=(icmp6 { eth.dst <-> eth.src; ip6.dst <-> ip6.src; ip.ttl = 255; icmp6.type = 1; icmp6.code = 3; next; };)',
];

const c = common;
const cases = [
  {
    name: 'a distributed router with one IPv4 port',
    setup: () => onePort(['10.0.0.1/24']),
    expected: lines(
      c.ownSource,
      c.martians,
      c.arpReply,
      c.nsReply,
      c.echo4,
      c.echo6,
      c.arpNdDrop,
      c.rsRa,
      c.mcastRsvd,
      c.mcast,
      ...unreachables,
      c.own4,
      c.own6,
      c.bcast,
      c.mcastTtl,
      c.ttlSubnet,
      c.ttlAny,
      c.ttlAny6,
      c.ttlDrop,
      c.next,
    ),
  },
  {
    name: 'a gateway router leaves traffic to its addresses to NAT and load balancing',
    setup: () => onePort(['10.0.0.1/24'], { chassis: 'hv1' }),
    expected: lines(
      c.ownSource,
      c.martians,
      c.arpReply,
      c.nsReply,
      c.echo4,
      c.echo6,
      c.arpNdDrop,
      c.rsRa,
      c.mcastRsvd,
      c.mcast,
      c.own4,
      c.own6,
      c.bcast,
      c.mcastTtl,
      c.ttlSubnet,
      c.ttlAny,
      c.ttlAny6,
      c.ttlDrop,
      c.next,
    ),
  },
];

describe('lr_in_ip_input', () => {
  test.each(cases)('$name', ({ setup, expected }) => {
    expect(routerGolden(setup(), 'lr0', ['lr_in_ip_input'])).toBe(expected);
  });

  test('a port with two IPv4 networks and an IPv6 one', () => {
    const text = routerGolden(
      onePort(['10.0.0.1/24', '10.1.0.1/16', 'fd00::1/64'], { chassis: 'hv1' }),
      'lr0',
      ['lr_in_ip_input'],
    );
    const perPort = text
      .split('\n')
      .filter((l) => /priority=(100|90|60|31|30)\)/.test(l) && !l.includes('src_mcast'));
    expect(perPort.join('\n')).toBe(
      lines(
        // Both networks' addresses and broadcasts are refused as sources.
        'lr_in_ip_input (priority=100), match=(ip4.src == {10.0.0.1, 10.0.0.255, 10.1.0.1, 10.1.255.255} && reg9[0] == 0), action=(drop;)',
        'lr_in_ip_input (priority=90), match=(inport == "lrp0" && arp.op == 1 && arp.tpa == 10.0.0.1 && arp.spa == 10.0.0.0/24), action=(eth.dst = eth.src; eth.src = xreg0[0..47]; arp.op = 2; arp.tha = arp.sha; arp.sha = xreg0[0..47]; arp.tpa <-> arp.spa; outport = inport; flags.loopback = 1; output;)',
        'lr_in_ip_input (priority=90), match=(inport == "lrp0" && arp.op == 1 && arp.tpa == 10.1.0.1 && arp.spa == 10.1.0.0/16), action=(eth.dst = eth.src; eth.src = xreg0[0..47]; arp.op = 2; arp.tha = arp.sha; arp.sha = xreg0[0..47]; arp.tpa <-> arp.spa; outport = inport; flags.loopback = 1; output;)',
        'lr_in_ip_input (priority=90), match=(inport == "lrp0" && ip6.dst == {fd00::1, ff02::1:ff00:1} && nd_ns && nd.target == fd00::1), action=(nd_na_router { eth.src = xreg0[0..47]; ip6.src = fd00::1; nd.target = fd00::1; nd.tll = xreg0[0..47]; outport = inport; flags.loopback = 1; output; };)',
        c.nsReply,
        'lr_in_ip_input (priority=90), match=(ip4.dst == {10.0.0.1, 10.1.0.1} && icmp4.type == 8 && icmp4.code == 0), action=(ip4.dst <-> ip4.src; ip.ttl = 255; icmp4.type = 0; flags.loopback = 1; next;)',
        'lr_in_ip_input (priority=90), match=(ip6.dst == {fd00::1, fe80::200:ff:fe00:ff01} && icmp6.type == 128 && icmp6.code == 0), action=(ip6.dst <-> ip6.src; ip.ttl = 255; icmp6.type = 129; flags.loopback = 1; next;)',
        'lr_in_ip_input (priority=60), match=(ip4.dst == {10.0.0.1, 10.1.0.1}), action=(drop;)',
        'lr_in_ip_input (priority=60), match=(ip6.dst == {fd00::1, fe80::200:ff:fe00:ff01}), action=(drop;)',
        // Time exceeded comes from the address on the sender's subnet, else the first one.
        c.ttlSubnet,
        'lr_in_ip_input (priority=31), match=(inport == "lrp0" && ip4 && ip4.src == 10.1.0.0/16 && ip.ttl == {0, 1} && !ip.later_frag), action=(icmp4 { eth.dst = eth.src; eth.src = 00:00:00:00:ff:01; icmp4.type = 11; icmp4.code = 0; ip4.dst = ip4.src; ip4.src = 10.1.0.1; ip.ttl = 254; outport = "lrp0"; flags.loopback = 1; output; };)',
        // IPv6: from the configured address for senders on its network (the link-local one
        // gets no per-network flow), and by default from the first IPv6 address.
        'lr_in_ip_input (priority=31), match=(inport == "lrp0" && ip6 && ip6.src == fd00::/64 && ip.ttl == {0, 1} && !ip.later_frag), action=(icmp6 { eth.dst = eth.src; eth.src = 00:00:00:00:ff:01; ip6.dst = ip6.src; ip6.src = fd00::1; ip.ttl = 254; icmp6.type = 3; icmp6.code = 0; outport = "lrp0"; flags.loopback = 1; output; };)',
        c.ttlAny,
        'lr_in_ip_input (priority=30), match=(inport == "lrp0" && ip6 && ip.ttl == {0, 1} && !ip.later_frag), action=(icmp6 { eth.dst = eth.src; eth.src = 00:00:00:00:ff:01; ip6.dst = ip6.src; ip6.src = fd00::1; ip.ttl = 254; icmp6.type = 3; icmp6.code = 0; outport = "lrp0"; flags.loopback = 1; output; };)',
      ),
    );
  });
});
