// Golden cases for native DHCPv4 (ovn-northd(8): "DHCP option processing", "DHCP responses",
// and the to-lport ACL exemption for DHCP replies).
import type { GoldenCase } from './golden-case.js';

const M1 = '00:00:00:00:00:01';
const SMAC = '00:00:00:00:ff:01';
const STAGES = ['ls_in_dhcp_options', 'ls_in_dhcp_response', 'ls_out_acl'] as const;

export const DHCP_CASES: readonly GoldenCase[] = [
  {
    name: 'a VM port with an address in the cidr gets offers, replies straight back, and an egress ACL exemption',
    setup: (fx) => {
      fx.switch('sw0');
      const opts = fx.insert('dhcp_options', {
        cidr: '10.0.0.0/24',
        options: {
          server_id: '10.0.0.254',
          server_mac: SMAC,
          lease_time: '3600',
          router: '10.0.0.254',
        },
      });
      fx.port('sw0', 'p1', { addresses: [`${M1} 10.0.0.5`], dhcpv4_options: opts.uuid });
      // Its address is outside the cidr: nothing to offer.
      fx.port('sw0', 'p2', {
        addresses: ['00:00:00:00:00:02 192.168.0.5'],
        dhcpv4_options: opts.uuid,
      });
      // Disabled: no DHCP.
      fx.port('sw0', 'p3', {
        addresses: ['00:00:00:00:00:03 10.0.0.6'],
        dhcpv4_options: opts.uuid,
        enabled: false,
      });
    },
    stages: STAGES,
    expected: [
      // Options sorted by name; server_mac dropped (not a DHCP option); netmask from the cidr.
      `ls_in_dhcp_options (priority=100), match=(inport == "p1" && eth.src == ${M1} && ip4.src == 0.0.0.0 && ip4.dst == 255.255.255.255 && udp.src == 68 && udp.dst == 67), action=(reg0[3] = put_dhcp_opts(offerip = 10.0.0.5, lease_time = 3600, netmask = 255.255.255.0, router = 10.0.0.254, server_id = 10.0.0.254); next;)`,
      // Renewal: from the offered address, to the server or broadcast.
      `ls_in_dhcp_options (priority=100), match=(inport == "p1" && eth.src == ${M1} && ip4.src == 10.0.0.5 && ip4.dst == {10.0.0.254, 255.255.255.255} && udp.src == 68 && udp.dst == 67), action=(reg0[3] = put_dhcp_opts(offerip = 10.0.0.5, lease_time = 3600, netmask = 255.255.255.0, router = 10.0.0.254, server_id = 10.0.0.254); next;)`,
      'ls_in_dhcp_options (priority=0), match=(1), action=(next;)',
      `ls_in_dhcp_response (priority=100), match=(inport == "p1" && eth.src == ${M1} && ip4 && udp.src == 68 && udp.dst == 67 && reg0[3]), action=(eth.dst = eth.src; eth.src = ${SMAC}; ip4.src = 10.0.0.254; udp.src = 67; udp.dst = 68; outport = inport; flags.loopback = 1; output;)`,
      'ls_in_dhcp_response (priority=0), match=(1), action=(next;)',
      'ls_out_acl (priority=65535), match=(1), action=(next;)',
      `ls_out_acl (priority=34000), match=(outport == "p1" && eth.src == ${SMAC} && ip4.src == 10.0.0.254 && udp && udp.src == 67 && udp.dst == 68), action=(next;)`,
    ],
  },
  {
    name: 'options without the required keys are reported once and give no flows',
    setup: (fx) => {
      fx.switch('sw0');
      const opts = fx.insert('dhcp_options', {
        cidr: '10.0.0.0/24',
        options: { server_id: '10.0.0.254', server_mac: SMAC },
      });
      fx.port('sw0', 'p1', { addresses: [`${M1} 10.0.0.5`], dhcpv4_options: opts.uuid });
      fx.port('sw0', 'p2', {
        addresses: ['00:00:00:00:00:02 10.0.0.6'],
        dhcpv4_options: opts.uuid,
      });
    },
    stages: ['ls_in_dhcp_options', 'ls_in_dhcp_response'],
    expected: [
      'ls_in_dhcp_options (priority=0), match=(1), action=(next;)',
      'ls_in_dhcp_response (priority=0), match=(1), action=(next;)',
    ],
    diagnostics: [
      'dhcp_options: DHCP_Options 10.0.0.0/24: cidr must be IPv4 and options must set server_id, server_mac, lease_time',
    ],
  },
  {
    name: 'an option put_dhcp_opts does not know is reported; that port gets no DHCP flows',
    setup: (fx) => {
      fx.switch('sw0');
      const opts = fx.insert('dhcp_options', {
        cidr: '10.0.0.0/24',
        options: {
          server_id: '10.0.0.254',
          server_mac: SMAC,
          lease_time: '3600',
          bogus_option: '1',
        },
      });
      fx.port('sw0', 'p1', { addresses: [`${M1} 10.0.0.5`], dhcpv4_options: opts.uuid });
    },
    stages: STAGES,
    expected: [
      'ls_in_dhcp_options (priority=0), match=(1), action=(next;)',
      'ls_in_dhcp_response (priority=0), match=(1), action=(next;)',
      'ls_out_acl (priority=65535), match=(1), action=(next;)',
    ],
    // OVN's put_dhcp_opts parser: "expecting %s option name" with %s = DHCPv4 (lib/actions.c).
    diagnostics: [
      "dhcp_options: DHCP_Options 10.0.0.0/24: options: Syntax error at `bogus_option' expecting DHCPv4 option name.",
    ],
  },
  {
    name: 'DHCPv6: requests to ff02::1:2 answered from the server link-local address; stateless offers no address',
    setup: (fx) => {
      fx.switch('sw0');
      const v6 = fx.insert('dhcp_options', {
        cidr: 'fd00::/64',
        options: { server_id: SMAC, dns_server: '{fd00::53}' },
      });
      const sl = fx.insert('dhcp_options', {
        cidr: 'fd01::/64',
        options: { server_id: SMAC, dhcpv6_stateless: 'true' },
      });
      fx.port('sw0', 'p1', { addresses: [`${M1} fd00::5`], dhcpv6_options: v6.uuid });
      fx.port('sw0', 'p2', { addresses: ['00:00:00:00:00:02 fd01::6'], dhcpv6_options: sl.uuid });
    },
    stages: STAGES,
    expected: [
      // Options sorted by name after ia_addr; server_id is the server MAC.
      `ls_in_dhcp_options (priority=100), match=(inport == "p1" && eth.src == ${M1} && ip6.dst == ff02::1:2 && udp.src == 546 && udp.dst == 547), action=(reg0[3] = put_dhcpv6_opts(ia_addr = fd00::5, dns_server = {fd00::53}, server_id = ${SMAC}); next;)`,
      'ls_in_dhcp_options (priority=100), match=(inport == "p2" && eth.src == 00:00:00:00:00:02 && ip6.dst == ff02::1:2 && udp.src == 546 && udp.dst == 547), action=(reg0[3] = put_dhcpv6_opts(server_id = 00:00:00:00:ff:01); next;)',
      'ls_in_dhcp_options (priority=0), match=(1), action=(next;)',
      // The server's address: the EUI-64 link-local address of 00:00:00:00:ff:01.
      `ls_in_dhcp_response (priority=100), match=(inport == "p1" && eth.src == ${M1} && ip6.dst == ff02::1:2 && udp.src == 546 && udp.dst == 547 && reg0[3]), action=(eth.dst = eth.src; eth.src = ${SMAC}; ip6.dst = ip6.src; ip6.src = fe80::200:ff:fe00:ff01; udp.src = 547; udp.dst = 546; outport = inport; flags.loopback = 1; output;)`,
      `ls_in_dhcp_response (priority=100), match=(inport == "p2" && eth.src == 00:00:00:00:00:02 && ip6.dst == ff02::1:2 && udp.src == 546 && udp.dst == 547 && reg0[3]), action=(eth.dst = eth.src; eth.src = ${SMAC}; ip6.dst = ip6.src; ip6.src = fe80::200:ff:fe00:ff01; udp.src = 547; udp.dst = 546; outport = inport; flags.loopback = 1; output;)`,
      'ls_in_dhcp_response (priority=0), match=(1), action=(next;)',
      'ls_out_acl (priority=65535), match=(1), action=(next;)',
      `ls_out_acl (priority=34000), match=(outport == "p1" && eth.src == ${SMAC} && ip6.src == fe80::200:ff:fe00:ff01 && udp && udp.src == 547 && udp.dst == 546), action=(next;)`,
      `ls_out_acl (priority=34000), match=(outport == "p2" && eth.src == ${SMAC} && ip6.src == fe80::200:ff:fe00:ff01 && udp && udp.src == 547 && udp.dst == 546), action=(next;)`,
    ],
  },
];
