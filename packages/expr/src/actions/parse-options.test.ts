// Actions with catalog-checked options: put_dhcp_opts, put_dhcpv6_opts, put_nd_ra_opts,
// trigger_event; and the DHCP relay checks.

import { describe, expect, it } from 'vitest';
import type { ActionEnv } from './env.js';
import { roundTripProblem, show } from './test-cases.js';

function table(cases: readonly (readonly [string, string])[], env: ActionEnv = {}) {
  it.each(cases)('%s', (input, expected) => {
    expect(show(input, env)).toBe(expected);
    expect(roundTripProblem(input, env)).toBeUndefined();
  });
}

describe('put_dhcp_opts', () => {
  table([
    [
      'reg0[3] = put_dhcp_opts(offerip = 192.168.0.10, router = 192.168.0.1);',
      'ok reg0[3] = put_dhcp_opts(offerip = 192.168.0.10, router = 192.168.0.1);',
    ],
    [
      'reg0[3]=put_dhcp_opts(offerip=192.168.0.10,netmask=255.255.255.0,mtu=9000,lease_time=3600,' +
        'domain_name="example.net",dns_server={192.168.0.2,192.168.0.3},ip_forward_enable=0,' +
        'classless_static_route={0.0.0.0/0,192.168.0.1,10.0.0.0/8,192.168.0.254},T1=1800,' +
        'tftp_server="boot.example.net",tftp_server_address={192.168.0.5},domain_search_list="a.net,b.net",' +
        'next_server=192.168.0.6,hostname="vm1",bootfile_name_alt="ipxe.efi");',
      'ok reg0[3] = put_dhcp_opts(offerip = 192.168.0.10, netmask = 255.255.255.0, mtu = 9000, ' +
        'lease_time = 3600, domain_name = "example.net", dns_server = {192.168.0.2, 192.168.0.3}, ' +
        'ip_forward_enable = 0, classless_static_route = {0.0.0.0/0, 192.168.0.1, 10.0.0.0/8, 192.168.0.254}, ' +
        'T1 = 1800, tftp_server = "boot.example.net", tftp_server_address = {192.168.0.5}, ' +
        'domain_search_list = "a.net,b.net", next_server = 192.168.0.6, hostname = "vm1", ' +
        'bootfile_name_alt = "ipxe.efi");',
    ],
    // tftp_server takes a host name or an address.
    [
      'reg0[3] = put_dhcp_opts(offerip = 192.168.0.10, tftp_server = 192.168.0.5);',
      'ok reg0[3] = put_dhcp_opts(offerip = 192.168.0.10, tftp_server = 192.168.0.5);',
    ],
    [
      'reg0[3..4] = put_dhcp_opts(offerip = 192.168.0.10);',
      'error Cannot use 2-bit field reg0[3..4] where 1-bit field is required.',
    ],
    ['reg0[3] = put_dhcp_opts();', 'error put_dhcp_opts requires offerip to be specified.'],
    [
      'reg0[3] = put_dhcp_opts(router = 192.168.0.1);',
      'error put_dhcp_opts requires offerip to be specified.',
    ],
    [
      'reg0[3] = put_dhcp_opts(bogus = 1.2.3.4);',
      "error Syntax error at `bogus' expecting DHCPv4 option name.",
    ],
    ['reg0[3] = put_dhcp_opts(offerip = 192.168.0.10, "str");', 'error Syntax error at `"str"\'.'],
    [
      'reg0[3] = put_dhcp_opts(offerip = "192.168.0.10");',
      'error DHCPv4 option offerip requires numeric value.',
    ],
    [
      'reg0[3] = put_dhcp_opts(offerip = 192.168.0.10, hostname = 192.168.0.11);',
      'error DHCPv4 option hostname requires string value.',
    ],
    [
      'reg0[3] = put_dhcp_opts(offerip = 192.168.0.10, domain_search_list = 5);',
      'error DHCPv4 option domain_search_list requires string value.',
    ],
    [
      'reg0[3] = put_dhcp_opts(offerip = 192.168.0.10, dns_server = {192.168.0.2, "x"});',
      'error Syntax error at `"x"\' expecting integer.',
    ],
    [
      'reg0[3] = put_dhcp_opts(offerip 192.168.0.10);',
      "error Syntax error at `192.168.0.10' expecting `='.",
    ],
  ]);

  it('checks options against the catalog it is given', () => {
    const env: ActionEnv = {
      dhcpOptions: [
        { name: 'offerip', code: 0, type: 'ipv4' },
        { name: 'custom', code: 224, type: 'str' },
      ],
    };
    expect(show('reg0[0] = put_dhcp_opts(offerip = 10.0.0.2, custom = "x");', env)).toBe(
      'ok reg0[0] = put_dhcp_opts(offerip = 10.0.0.2, custom = "x");',
    );
    expect(show('reg0[0] = put_dhcp_opts(offerip = 10.0.0.2, router = 10.0.0.1);', env)).toBe(
      "error Syntax error at `router' expecting DHCPv4 option name.",
    );
  });
});

describe('put_dhcpv6_opts', () => {
  table([
    [
      'reg0[4] = put_dhcpv6_opts(ia_addr = 2001:db8::10, server_id = 0a:00:00:00:00:01);',
      'ok reg0[4] = put_dhcpv6_opts(ia_addr = 2001:db8::10, server_id = 0a:00:00:00:00:01);',
    ],
    ['reg0[4] = put_dhcpv6_opts();', 'ok reg0[4] = put_dhcpv6_opts();'],
    [
      'reg0[4] = put_dhcpv6_opts(dns_server={2001:db8::1,2001:db8::2}, domain_search="example.net");',
      'ok reg0[4] = put_dhcpv6_opts(dns_server = {2001:db8::1, 2001:db8::2}, domain_search = "example.net");',
    ],
    [
      'reg0[4] = put_dhcpv6_opts(fqdn = "vm1.example.net", bootfile_name = "http://boot/x.efi");',
      'ok reg0[4] = put_dhcpv6_opts(fqdn = "vm1.example.net", bootfile_name = "http://boot/x.efi");',
    ],
    [
      'reg0[4] = put_dhcpv6_opts(offerip = 2001:db8::1);',
      "error Syntax error at `offerip' expecting DHCPv6 option name.",
    ],
    [
      'reg0[4] = put_dhcpv6_opts(ia_addr = "2001:db8::10");',
      'error DHCPv6 option ia_addr requires numeric value.',
    ],
    [
      'reg0[4] = put_dhcpv6_opts(domain_search = 2001:db8::1);',
      'error DHCPv6 option domain_search requires string value.',
    ],
  ]);
});

describe('put_nd_ra_opts', () => {
  table([
    [
      'reg0[5] = put_nd_ra_opts(addr_mode = "slaac", slla = 0a:00:00:00:00:01, prefix = 2001:db8:1::/64, mtu = 1450);',
      'ok reg0[5] = put_nd_ra_opts(addr_mode = "slaac", slla = 0a:00:00:00:00:01, prefix = 2001:db8:1::/64, mtu = 1450); [prereqs: ip6]',
    ],
    [
      'reg0[5] = put_nd_ra_opts(addr_mode = "dhcpv6_stateful", slla = 0a:00:00:00:00:01, router_preference = "LOW");',
      'ok reg0[5] = put_nd_ra_opts(addr_mode = "dhcpv6_stateful", slla = 0a:00:00:00:00:01, router_preference = "LOW"); [prereqs: ip6]',
    ],
    [
      'reg0[5] = put_nd_ra_opts(addr_mode = "dhcpv6_stateless", slla = 0a:00:00:00:00:01, prefix = 2001:db8:1::/64, prefix = 2001:db8:2::/64, rdnss = 2001:db8::53, dnssl = "example.net");',
      'ok reg0[5] = put_nd_ra_opts(addr_mode = "dhcpv6_stateless", slla = 0a:00:00:00:00:01, prefix = 2001:db8:1::/64, prefix = 2001:db8:2::/64, rdnss = 2001:db8::53, dnssl = "example.net"); [prereqs: ip6]',
    ],
    [
      'reg0[5] = put_nd_ra_opts(addr_mode = "slaac", prefix = 2001:db8:1::/64);',
      'error slla option not present',
    ],
    [
      'reg0[5] = put_nd_ra_opts(addr_mode = "slaac", slla = 0a:00:00:00:00:01);',
      'error prefix option needs to be set when address mode is slaac/dhcpv6_stateless.',
    ],
    [
      'reg0[5] = put_nd_ra_opts(addr_mode = slaac, slla = 0a:00:00:00:00:01);',
      "error Syntax error at `slaac' expecting constant.",
    ],
    [
      'reg0[5] = put_nd_ra_opts(addr_mode = "slaac", slla = 0a:00:00:00:00:01, prefix = 2001:db8:1::);',
      'error Invalid value for "prefix" option',
    ],
    [
      'reg0[5] = put_nd_ra_opts(addr_mode = "magic", slla = 0a:00:00:00:00:01);',
      'error Invalid value for "addr_mode" option',
    ],
    [
      'reg0[5] = put_nd_ra_opts(addr_mode = "slaac", mtu = "1500", slla = 0a:00:00:00:00:01);',
      'error IPv6 ND RA option mtu requires numeric value.',
    ],
    [
      'reg0[5] = put_nd_ra_opts(addr_mode = "slaac", mtu = 10.0.0.1, slla = 0a:00:00:00:00:01);',
      'error Invalid value for "mtu" option',
    ],
    [
      'reg0[5] = put_nd_ra_opts(addr_mode = "dhcpv6_stateful", slla = {0a:00:00:00:00:01, 0a:00:00:00:00:02});',
      'error Invalid value for "slla" option',
    ],
  ]);
});

describe('trigger_event', () => {
  table([
    [
      'trigger_event(event = "empty_lb_backends", vip = "192.168.10.1:443", protocol = "tcp", load_balancer = "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0");',
      'ok trigger_event(event = "empty_lb_backends", vip = "192.168.10.1:443", protocol = "tcp", load_balancer = "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0");',
    ],
    [
      'trigger_event(event = "empty_lb_backends", vip = "[2001:db8::1]:443", protocol = "udp");',
      'ok trigger_event(event = "empty_lb_backends", vip = "[2001:db8::1]:443", protocol = "udp");',
    ],
    [
      'trigger_event(event = "empty_lb_backends", protocol = "icmp");',
      "error Load balancer protocol 'icmp' is not 'tcp', 'udp', or 'sctp'",
    ],
    [
      'trigger_event(event = "empty_lb_backends", load_balancer = "lb0");',
      "error Load balancer 'lb0' is not a UUID",
    ],
    [
      'trigger_event(event = "empty_lb_backends", vip = "10.0.0.1:http");',
      "error Invalid load balancer VIP '10.0.0.1:http'",
    ],
    ['trigger_event(vip = "10.0.0.1");', "error Syntax error at `vip' Expecting 'event' option."],
    ['trigger_event(event = 5);', "error Syntax error at `5' Expecting string."],
    ['trigger_event(event = "bogus");', "error Syntax error at `\"bogus\"' Unknown event 'bogus'."],
    [
      'trigger_event(event = "empty_lb_backends", color = "red");',
      "error Syntax error at `color' expecting empty_lb_backends option name.",
    ],
  ]);
});

describe('DHCP relay checks', () => {
  table([
    [
      'reg9[7] = dhcp_relay_req_chk(10.0.0.1, 172.16.0.1);',
      'ok reg9[7] = dhcp_relay_req_chk(10.0.0.1, 172.16.0.1);',
    ],
    [
      'reg9[8] = dhcp_relay_resp_chk(10.0.0.1,172.16.0.1);',
      'ok reg9[8] = dhcp_relay_resp_chk(10.0.0.1, 172.16.0.1);',
    ],
    [
      'reg9[7..8] = dhcp_relay_req_chk(10.0.0.1, 172.16.0.1);',
      'error Cannot use 2-bit field reg9[7..8] where 1-bit field is required.',
    ],
    [
      'reg9[7] = dhcp_relay_req_chk("10.0.0.1", "172.16.0.1");',
      'error Syntax error at `"10.0.0.1"\' expecting IPv4 dhcp relay and server ips.',
    ],
    [
      'reg9[7] = dhcp_relay_req_chk(10.0.0.1, 2001:db8::1);',
      "error Syntax error at `2001:db8::1' expecting IPv4 dhcp server ip.",
    ],
    ['reg9[7] = dhcp_relay_req_chk(10.0.1, 172.16.0.1);', 'error Invalid numeric constant.'],
  ]);
});
