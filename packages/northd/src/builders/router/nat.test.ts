import { describe, expect, test } from 'vitest';
import type { Stage } from '../../stages.js';
import {
  gatewayChassis,
  gatewayRouter,
  lines,
  nat,
  routerFlows,
  routerGolden,
  twoSubnets,
} from './test-util.js';

const NAT_STAGES: Stage[] = [
  'lr_in_unsnat',
  'lr_in_dnat',
  'lr_out_undnat',
  'lr_out_post_undnat',
  'lr_out_snat',
];

// ovn-northd(8), gateway routers: unSNAT replies to SNAT external IPs (90), DNAT external IPs
// (100, with flags.loopback: the reply may leave by the port it came in on), unDNAT all IP in
// egress (50; ND excepted at 100), commit new connections after unDNAT (post_undnat 50), SNAT by
// logical prefix (priority = prefix length + 1: a host rule /32 = 33 beats a /24 = 25).
describe('NAT on a gateway router', () => {
  test('snat, dnat_and_snat and dnat rules', () => {
    const f = gatewayRouter();
    nat(f, 'gr0', 'snat', '172.16.0.100', '10.0.0.0/24');
    nat(f, 'gr0', 'dnat_and_snat', '172.16.0.110', '10.0.0.2');
    nat(f, 'gr0', 'dnat', '172.16.0.120', '10.0.0.3');
    expect(routerGolden(f, 'gr0', NAT_STAGES)).toBe(
      lines(
        'lr_in_unsnat (priority=90), match=(ip && ip4.dst == 172.16.0.100), action=(ct_snat;)',
        'lr_in_unsnat (priority=90), match=(ip && ip4.dst == 172.16.0.110), action=(ct_snat;)',
        'lr_in_unsnat (priority=0), match=(1), action=(next;)',
        'lr_in_dnat (priority=100), match=(ip && ip4.dst == 172.16.0.110), action=(flags.loopback = 1; ct_dnat(10.0.0.2);)',
        'lr_in_dnat (priority=100), match=(ip && ip4.dst == 172.16.0.120), action=(flags.loopback = 1; ct_dnat(10.0.0.3);)',
        'lr_in_dnat (priority=0), match=(1), action=(next;)',
        'lr_out_undnat (priority=100), match=(nd || nd_rs || nd_ra), action=(next;)',
        'lr_out_undnat (priority=50), match=(ip), action=(flags.loopback = 1; ct_dnat;)',
        'lr_out_undnat (priority=0), match=(1), action=(next;)',
        'lr_out_post_undnat (priority=50), match=(ip && ct.new), action=(ct_commit { }; next;)',
        'lr_out_post_undnat (priority=0), match=(1), action=(next;)',
        'lr_out_snat (priority=120), match=(nd_ns), action=(next;)',
        'lr_out_snat (priority=33), match=(ip && ip4.src == 10.0.0.2 && (!ct.trk || !ct.rpl)), action=(ct_snat(172.16.0.110);)',
        'lr_out_snat (priority=25), match=(ip && ip4.src == 10.0.0.0/24 && (!ct.trk || !ct.rpl)), action=(ct_snat(172.16.0.100);)',
        'lr_out_snat (priority=0), match=(1), action=(next;)',
      ),
    );
    // The external IPs are answered for on every port, like the router's own addresses.
    const arp = routerGolden(f, 'gr0', ['lr_in_ip_input'])
      .split('\n')
      .filter((l) => l.includes('arp.tpa == 172.16.0.1'));
    const reply =
      'eth.dst = eth.src; eth.src = xreg0[0..47]; arp.op = 2; arp.tha = arp.sha; arp.sha = xreg0[0..47]; arp.tpa <-> arp.spa; outport = inport; flags.loopback = 1; output;';
    expect(arp).toEqual([
      `lr_in_ip_input (priority=90), match=(inport == "lrp-ext" && arp.op == 1 && arp.tpa == 172.16.0.1 && arp.spa == 172.16.0.0/24), action=(${reply})`,
      `lr_in_ip_input (priority=90), match=(inport == "lrp-ext" && arp.op == 1 && arp.tpa == 172.16.0.100), action=(${reply})`,
      `lr_in_ip_input (priority=90), match=(inport == "lrp-ext" && arp.op == 1 && arp.tpa == 172.16.0.110), action=(${reply})`,
      `lr_in_ip_input (priority=90), match=(inport == "lrp-ext" && arp.op == 1 && arp.tpa == 172.16.0.120), action=(${reply})`,
      `lr_in_ip_input (priority=90), match=(inport == "lrp-int" && arp.op == 1 && arp.tpa == 172.16.0.100), action=(${reply})`,
      `lr_in_ip_input (priority=90), match=(inport == "lrp-int" && arp.op == 1 && arp.tpa == 172.16.0.110), action=(${reply})`,
      `lr_in_ip_input (priority=90), match=(inport == "lrp-int" && arp.op == 1 && arp.tpa == 172.16.0.120), action=(${reply})`,
    ]);
  });

  test('SNAT to a router address: ip_input lets replies to it through; arp_resolve drops what unSNAT left', () => {
    const f = gatewayRouter();
    nat(f, 'gr0', 'snat', '172.16.0.1', '10.0.0.0/24');
    const text = routerGolden(f, 'gr0', ['lr_in_ip_input', 'lr_in_arp_resolve']).split('\n');
    expect(text.filter((l) => /priority=(60|2)\)/.test(l))).toEqual([
      'lr_in_ip_input (priority=60), match=(ip4.dst == {10.0.0.1}), action=(drop;)',
      'lr_in_ip_input (priority=60), match=(ip6.dst == {fe80::200:ff:fe00:ff01}), action=(drop;)',
      'lr_in_ip_input (priority=60), match=(ip6.dst == {fe80::200:ff:fe00:ffee}), action=(drop;)',
      'lr_in_arp_resolve (priority=2), match=(ip4.dst == {172.16.0.1}), action=(drop;)',
    ]);
    // No extra ARP flow: the router address is answered already.
    expect(text.filter((l) => l.includes('arp.tpa == 172.16.0.1)'))).toEqual([]);
  });

  test('external_port_range limits the translated ports', () => {
    const f = gatewayRouter();
    f.insert('nat', {
      router_uuid: f.id('gr0'),
      type: 'snat',
      external_ip: '172.16.0.100',
      logical_ip: '10.0.0.0/24',
      external_port_range: '10000-20000',
    });
    f.insert('nat', {
      router_uuid: f.id('gr0'),
      type: 'dnat',
      external_ip: '172.16.0.120',
      logical_ip: '10.0.0.3',
      external_port_range: '8080',
    });
    const text = routerGolden(f, 'gr0', ['lr_in_dnat', 'lr_out_snat']).split('\n');
    expect(text.filter((l) => l.includes('ct_'))).toEqual([
      'lr_in_dnat (priority=100), match=(ip && ip4.dst == 172.16.0.120), action=(flags.loopback = 1; ct_dnat(10.0.0.3,8080);)',
      'lr_out_snat (priority=25), match=(ip && ip4.src == 10.0.0.0/24 && (!ct.trk || !ct.rpl)), action=(ct_snat(172.16.0.100,10000-20000);)',
    ]);
  });

  test('bad rules, and NAT on a distributed router without gateway port, are reported, not built', () => {
    const f = gatewayRouter();
    const bad = [
      nat(f, 'gr0', 'dnat', '172.16.0.130', '10.0.0.0/24'),
      nat(f, 'gr0', 'snat', '172.16.0.0/24', '10.0.0.0/24'),
      nat(f, 'gr0', 'snat', '172.16.0.140', 'fd00::/64'),
      f.insert('nat', {
        router_uuid: f.id('gr0'),
        type: 'snat',
        external_ip: '172.16.0.150',
        logical_ip: '10.0.0.0/24',
        external_port_range: '20000-10000',
      }),
    ];
    const gr = routerFlows(f, 'gr0');
    expect(gr.diagnostics.map((d) => [d.nbUuid, d.problem])).toEqual([
      [bad[0]!.uuid, 'dnat needs a single logical_ip, not the network 10.0.0.0/24'],
      [bad[1]!.uuid, 'bad external_ip "172.16.0.0/24"'],
      [bad[2]!.uuid, 'external_ip and logical_ip are of different families'],
      [bad[3]!.uuid, 'bad external_port_range "20000-10000"'],
    ]);
    expect(gr.flows.filter((fl) => NAT_STAGES.includes(fl.stage) && fl.priority > 0)).toEqual([]);

    const d = twoSubnets();
    const row = nat(d, 'lr0', 'snat', '20.0.0.100', '10.0.0.0/24');
    const lr = routerFlows(d, 'lr0');
    expect(lr.diagnostics).toEqual([
      {
        nbTable: 'nat',
        nbUuid: row.uuid,
        builder: 'lr-nat',
        problem:
          'NAT on a distributed router needs a distributed gateway port (a port with gateway chassis)',
      },
    ]);
    expect(lr.flows.filter((fl) => NAT_STAGES.includes(fl.stage) && fl.priority > 0)).toEqual([]);
  });
});

// ovn-northd(8), distributed routers: NAT happens on the distributed gateway port (lrp1 here,
// gateway chassis hv1), where its twin cr-lrp1 resides; SNAT priority = prefix length + 1 + 128.
describe('NAT on a distributed gateway port', () => {
  test('snat and dnat_and_snat on lrp1', () => {
    const f = twoSubnets();
    gatewayChassis(f, 'lrp1', 'hv1');
    nat(f, 'lr0', 'snat', '20.0.0.100', '10.0.0.0/24');
    nat(f, 'lr0', 'dnat_and_snat', '20.0.0.110', '10.0.0.2');
    const here = 'is_chassis_resident("cr-lrp1")';
    const clear =
      'reg0 = 0; reg1 = 0; reg2 = 0; reg3 = 0; reg4 = 0; reg5 = 0; reg6 = 0; reg7 = 0; reg8 = 0; reg9 = 0;';
    const loop = (ip: string) =>
      `lr_out_egr_loop (priority=100), match=(ip4.dst == ${ip} && outport == "lrp1" && ${here}), action=(clone { ct_clear; inport = outport; outport = ""; flags = 0; flags.loopback = 1; ${clear} reg9[0] = 1; next(pipeline=ingress, table=0); };)`;
    expect(routerGolden(f, 'lr0', [...NAT_STAGES, 'lr_in_gw_redirect', 'lr_out_egr_loop'])).toBe(
      lines(
        `lr_in_unsnat (priority=100), match=(ip && ip4.dst == 20.0.0.100 && inport == "lrp1" && ${here}), action=(ct_snat;)`,
        `lr_in_unsnat (priority=100), match=(ip && ip4.dst == 20.0.0.110 && inport == "lrp1" && ${here}), action=(ct_snat;)`,
        'lr_in_unsnat (priority=0), match=(1), action=(next;)',
        `lr_in_dnat (priority=100), match=(ip && ip4.dst == 20.0.0.110 && inport == "lrp1" && ${here}), action=(ct_dnat(10.0.0.2);)`,
        'lr_in_dnat (priority=0), match=(1), action=(next;)',
        'lr_in_gw_redirect (priority=50), match=(outport == "lrp1"), action=(outport = "cr-lrp1"; next;)',
        'lr_in_gw_redirect (priority=0), match=(1), action=(next;)',
        `lr_out_undnat (priority=100), match=(ip && ip4.src == 10.0.0.2 && outport == "lrp1" && ${here}), action=(ct_dnat;)`,
        'lr_out_undnat (priority=0), match=(1), action=(next;)',
        'lr_out_post_undnat (priority=0), match=(1), action=(next;)',
        `lr_out_snat (priority=161), match=(ip && ip4.src == 10.0.0.2 && outport == "lrp1" && ${here} && (!ct.trk || !ct.rpl)), action=(ct_snat(20.0.0.110);)`,
        `lr_out_snat (priority=153), match=(ip && ip4.src == 10.0.0.0/24 && outport == "lrp1" && ${here} && (!ct.trk || !ct.rpl)), action=(ct_snat(20.0.0.100);)`,
        'lr_out_snat (priority=0), match=(1), action=(next;)',
        loop('20.0.0.100'),
        loop('20.0.0.110'),
        'lr_out_egr_loop (priority=0), match=(1), action=(next;)',
      ),
    );
    const other = routerGolden(f, 'lr0', ['lr_in_ip_input', 'lr_in_arp_resolve'])
      .split('\n')
      .filter((l) => l.includes('20.0.0.100') || l.includes('20.0.0.110'));
    const reply =
      'eth.dst = eth.src; eth.src = xreg0[0..47]; arp.op = 2; arp.tha = arp.sha; arp.sha = xreg0[0..47]; arp.tpa <-> arp.spa; outport = inport; flags.loopback = 1; output;';
    expect(other).toEqual([
      'lr_in_ip_input (priority=120), match=(inport == "lrp1" && ip4.src == 20.0.0.100), action=(next;)',
      `lr_in_ip_input (priority=92), match=(inport == "lrp1" && arp.op == 1 && arp.tpa == 20.0.0.100 && ${here}), action=(${reply})`,
      `lr_in_ip_input (priority=92), match=(inport == "lrp1" && arp.op == 1 && arp.tpa == 20.0.0.110 && ${here}), action=(${reply})`,
      'lr_in_arp_resolve (priority=150), match=(inport == "lrp1" && outport == "lrp1" && ip4.dst == 20.0.0.100), action=(drop;)',
      'lr_in_arp_resolve (priority=150), match=(inport == "lrp1" && outport == "lrp1" && ip4.dst == 20.0.0.110), action=(drop;)',
      'lr_in_arp_resolve (priority=100), match=(outport == "lrp1" && reg0 == 20.0.0.100), action=(eth.dst = 00:00:00:00:ff:02; next;)',
      'lr_in_arp_resolve (priority=100), match=(outport == "lrp1" && reg0 == 20.0.0.110), action=(eth.dst = 00:00:00:00:ff:02; next;)',
    ]);
  });
});

// A dnat_and_snat rule with options:stateless=true rewrites addresses with plain assignments,
// without conntrack (OVN's stateless NAT): unSNAT passes, DNAT and SNAT load the addresses.
describe('stateless NAT', () => {
  test('on a gateway router', () => {
    const f = gatewayRouter();
    f.insert('nat', {
      router_uuid: f.id('gr0'),
      type: 'dnat_and_snat',
      external_ip: '172.16.0.110',
      logical_ip: '10.0.0.2',
      options: { stateless: 'true' },
    });
    expect(
      routerGolden(f, 'gr0', NAT_STAGES)
        .split('\n')
        .filter((l) => l.includes('172.16.0.110') || l.includes('10.0.0.2')),
    ).toEqual([
      'lr_in_unsnat (priority=90), match=(ip && ip4.dst == 172.16.0.110), action=(next;)',
      'lr_in_dnat (priority=100), match=(ip && ip4.dst == 172.16.0.110), action=(flags.loopback = 1; ip4.dst=10.0.0.2; next;)',
      'lr_out_snat (priority=33), match=(ip && ip4.src == 10.0.0.2), action=(ip4.src=172.16.0.110; next;)',
    ]);
  });
});

describe('IPv6 NAT', () => {
  test('external IPv6 addresses are answered with neighbour advertisements', () => {
    const f = gatewayRouter();
    f.update('logical_router_port', f.id('lrp-ext'), { networks: ['172.16.0.1/24', 'fd72::1/64'] });
    f.update('logical_router_port', f.id('lrp-int'), { networks: ['10.0.0.1/24', 'fd10::1/64'] });
    nat(f, 'gr0', 'dnat_and_snat', 'fd72::110', 'fd10::2');
    const text = routerGolden(f, 'gr0', ['lr_in_ip_input', ...NAT_STAGES]).split('\n');
    expect(text.filter((l) => l.includes('fd72::110'))).toEqual([
      'lr_in_ip_input (priority=90), match=(inport == "lrp-ext" && nd_ns && ip6.dst == {fd72::110, ff02::1:ff00:110} && nd.target == fd72::110), action=(nd_na { eth.src = xreg0[0..47]; ip6.src = fd72::110; nd.target = fd72::110; nd.tll = xreg0[0..47]; outport = inport; flags.loopback = 1; output; };)',
      'lr_in_ip_input (priority=90), match=(inport == "lrp-int" && nd_ns && ip6.dst == {fd72::110, ff02::1:ff00:110} && nd.target == fd72::110), action=(nd_na { eth.src = xreg0[0..47]; ip6.src = fd72::110; nd.target = fd72::110; nd.tll = xreg0[0..47]; outport = inport; flags.loopback = 1; output; };)',
      'lr_in_unsnat (priority=90), match=(ip && ip6.dst == fd72::110), action=(ct_snat;)',
      'lr_in_dnat (priority=100), match=(ip && ip6.dst == fd72::110), action=(flags.loopback = 1; ct_dnat(fd10::2);)',
      'lr_out_snat (priority=129), match=(ip && ip6.src == fd10::2 && (!ct.trk || !ct.rpl)), action=(ct_snat(fd72::110);)',
    ]);
  });
});
