import { describe, expect, test } from 'vitest';
import type { NbFixture } from '../../testing/nb-fixture.js';
import {
  gatewayChassis,
  gatewayRouter,
  lines,
  routerFlows,
  routerGolden,
  twoSubnets,
} from './test-util.js';

function lb(
  f: NbFixture,
  router: string,
  vips: Record<string, string>,
  protocol: 'tcp' | 'udp' | null = 'tcp',
) {
  const row = f.insert('load_balancer', { name: 'lb0', vips, protocol });
  f.insert('logical_router_load_balancer', {
    router_uuid: f.id(router),
    load_balancer_uuid: row.uuid,
  });
  return row;
}

// Gateway router load balancing, OVN's pre-ct-extract form: defrag saves the VIP in reg0 (and
// the L4 port in reg9[16..31]) and un-NATs established traffic with ct_dnat (110 with a port,
// 100 without); DNAT balances new connections (120 / 110) and passes established NATed ones.
describe('load balancing on a gateway router', () => {
  test('a VIP with a port, one without, one without backends', () => {
    const f = gatewayRouter();
    lb(
      f,
      'gr0',
      {
        '172.16.0.200:80': '10.0.0.2:8080,10.0.0.3:8080',
        '172.16.0.201': '10.0.0.2',
        '172.16.0.202:53': '',
      },
      'udp',
    );
    expect(routerGolden(f, 'gr0', ['lr_in_defrag', 'lr_in_dnat', 'lr_out_undnat'])).toBe(
      lines(
        'lr_in_defrag (priority=110), match=(ip && ip4.dst == 172.16.0.200 && udp), action=(reg0 = 172.16.0.200; reg9[16..31] = udp.dst; ct_dnat;)',
        'lr_in_defrag (priority=110), match=(ip && ip4.dst == 172.16.0.202 && udp), action=(reg0 = 172.16.0.202; reg9[16..31] = udp.dst; ct_dnat;)',
        'lr_in_defrag (priority=100), match=(ip && ip4.dst == 172.16.0.201), action=(reg0 = 172.16.0.201; ct_dnat;)',
        'lr_in_defrag (priority=0), match=(1), action=(next;)',
        'lr_in_dnat (priority=120), match=(ct.est && ip4 && reg0 == 172.16.0.200 && udp && reg9[16..31] == 80 && ct_mark.natted == 1), action=(next;)',
        'lr_in_dnat (priority=120), match=(ct.est && ip4 && reg0 == 172.16.0.202 && udp && reg9[16..31] == 53 && ct_mark.natted == 1), action=(next;)',
        'lr_in_dnat (priority=120), match=(ct.new && ip4 && reg0 == 172.16.0.200 && udp && reg9[16..31] == 80), action=(ct_lb_mark(backends=10.0.0.2:8080,10.0.0.3:8080);)',
        'lr_in_dnat (priority=120), match=(ct.new && ip4 && reg0 == 172.16.0.202 && udp && reg9[16..31] == 53), action=(drop;)',
        'lr_in_dnat (priority=110), match=(ct.est && ip4 && reg0 == 172.16.0.201 && ct_mark.natted == 1), action=(next;)',
        'lr_in_dnat (priority=110), match=(ct.new && ip4 && reg0 == 172.16.0.201), action=(ct_lb_mark(backends=10.0.0.2);)',
        'lr_in_dnat (priority=0), match=(1), action=(next;)',
        // Replies are un-DNATed in egress, as for DNAT rules.
        'lr_out_undnat (priority=100), match=(nd || nd_rs || nd_ra), action=(next;)',
        'lr_out_undnat (priority=50), match=(ip), action=(flags.loopback = 1; ct_dnat;)',
        'lr_out_undnat (priority=0), match=(1), action=(next;)',
      ),
    );
    // VIPs are answered for by ARP on every port.
    expect(
      routerGolden(f, 'gr0', ['lr_in_ip_input'])
        .split('\n')
        .filter((l) => l.includes('arp.tpa == 172.16.0.20')).length,
    ).toBe(6);
  });

  test('bad VIPs, and a distributed router without gateway port, are reported', () => {
    const f = gatewayRouter();
    lb(f, 'gr0', { '172.16.0.200:80': '10.0.0.2' });
    expect(routerFlows(f, 'gr0').diagnostics.map((d) => d.problem)).toEqual([
      'Load_Balancer lb0: VIP 172.16.0.200:80: backend 10.0.0.2: needs a port',
    ]);
    const d = twoSubnets();
    lb(d, 'lr0', { '30.0.0.1': '10.0.0.2' });
    expect(routerFlows(d, 'lr0').diagnostics.map((x) => x.problem)).toEqual([
      'load balancing on a distributed router needs a distributed gateway port (a port with gateway chassis)',
    ]);
  });
});

// On a distributed router, balancing happens on the gateway chassis of its distributed gateway
// port (lrp1 here): DNAT flows need is_chassis_resident("cr-lrp1"); backends' traffic to lrp1 is
// redirected there (gw_redirect 200) and un-DNATed there (undnat 120).
describe('load balancing on a distributed gateway port', () => {
  test('a VIP with two backends', () => {
    const f = twoSubnets();
    gatewayChassis(f, 'lrp1', 'hv1');
    lb(f, 'lr0', { '20.0.0.200:80': '10.0.0.2:8080,10.0.0.3:8080' });
    const here = 'is_chassis_resident("cr-lrp1")';
    const backends =
      '((ip4.src == 10.0.0.2 && tcp.src == 8080) || (ip4.src == 10.0.0.3 && tcp.src == 8080))';
    expect(routerGolden(f, 'lr0', ['lr_in_dnat', 'lr_in_gw_redirect', 'lr_out_undnat'])).toBe(
      lines(
        `lr_in_dnat (priority=120), match=(ct.est && ip4 && reg0 == 20.0.0.200 && tcp && reg9[16..31] == 80 && ct_mark.natted == 1 && ${here}), action=(next;)`,
        `lr_in_dnat (priority=120), match=(ct.new && ip4 && reg0 == 20.0.0.200 && tcp && reg9[16..31] == 80 && ${here}), action=(ct_lb_mark(backends=10.0.0.2:8080,10.0.0.3:8080);)`,
        'lr_in_dnat (priority=0), match=(1), action=(next;)',
        `lr_in_gw_redirect (priority=200), match=(ip4 && ${backends} && outport == "lrp1"), action=(outport = "cr-lrp1"; next;)`,
        'lr_in_gw_redirect (priority=50), match=(outport == "lrp1"), action=(outport = "cr-lrp1"; next;)',
        'lr_in_gw_redirect (priority=0), match=(1), action=(next;)',
        `lr_out_undnat (priority=120), match=(ip4 && ${backends} && (inport == "lrp1" || outport == "lrp1") && ${here}), action=(ct_dnat;)`,
        'lr_out_undnat (priority=0), match=(1), action=(next;)',
      ),
    );
    expect(
      routerGolden(f, 'lr0', ['lr_in_ip_input'])
        .split('\n')
        .filter((l) => l.includes('20.0.0.200')),
    ).toEqual([
      `lr_in_ip_input (priority=90), match=(inport == "lrp1" && arp.op == 1 && arp.tpa == 20.0.0.200 && ${here}), action=(eth.dst = eth.src; eth.src = xreg0[0..47]; arp.op = 2; arp.tha = arp.sha; arp.sha = xreg0[0..47]; arp.tpa <-> arp.spa; outport = inport; flags.loopback = 1; output;)`,
    ]);
  });
});
