import { describe, expect, test } from 'vitest';
import { gatewayRouter, lines, nat, routerGolden } from './test-util.js';

// ovn-northd(8), gateway routers: with options:dnat_force_snat_ip=B, DNATed traffic sets
// flags.force_snat_for_dnat and leaves SNATed to B (SNAT 100), replies to B are unSNATed (110);
// with lb_force_snat_ip=router_ip, load-balanced traffic (flags.force_snat_for_lb) leaves with
// the outgoing port's first address (110), replies to it on that port are unSNATed (110).
describe('force SNAT on a gateway router', () => {
  test('dnat_force_snat_ip and lb_force_snat_ip=router_ip', () => {
    const f = gatewayRouter();
    f.update('logical_router', f.id('gr0'), {
      options: {
        chassis: 'hv1',
        dnat_force_snat_ip: '172.16.0.250',
        lb_force_snat_ip: 'router_ip',
      },
    });
    nat(f, 'gr0', 'dnat', '172.16.0.120', '10.0.0.3');
    const lb = f.insert('load_balancer', {
      name: 'web',
      vips: { '172.16.0.200:80': '10.0.0.2:8080' },
      protocol: 'tcp',
    });
    f.insert('logical_router_load_balancer', {
      router_uuid: f.id('gr0'),
      load_balancer_uuid: lb.uuid,
    });
    const text = routerGolden(f, 'gr0', ['lr_in_unsnat', 'lr_in_dnat', 'lr_out_snat'])
      .split('\n')
      .filter((l) => !l.includes('priority=0)'));
    expect(text.join('\n')).toBe(
      lines(
        'lr_in_unsnat (priority=110), match=(inport == "lrp-ext" && ip4.dst == 172.16.0.1), action=(ct_snat;)',
        'lr_in_unsnat (priority=110), match=(inport == "lrp-int" && ip4.dst == 10.0.0.1), action=(ct_snat;)',
        'lr_in_unsnat (priority=110), match=(ip4 && ip4.dst == 172.16.0.250), action=(ct_snat;)',
        'lr_in_dnat (priority=120), match=(ct.est && ip4 && reg0 == 172.16.0.200 && tcp && reg9[16..31] == 80 && ct_mark.natted == 1), action=(flags.force_snat_for_lb = 1; next;)',
        'lr_in_dnat (priority=120), match=(ct.new && ip4 && reg0 == 172.16.0.200 && tcp && reg9[16..31] == 80), action=(flags.force_snat_for_lb = 1; ct_lb_mark(backends=10.0.0.2:8080);)',
        'lr_in_dnat (priority=100), match=(ip && ip4.dst == 172.16.0.120), action=(flags.force_snat_for_dnat = 1; flags.loopback = 1; ct_dnat(10.0.0.3);)',
        'lr_out_snat (priority=120), match=(nd_ns), action=(next;)',
        'lr_out_snat (priority=110), match=(flags.force_snat_for_lb == 1 && ip4 && outport == "lrp-ext"), action=(ct_snat(172.16.0.1);)',
        'lr_out_snat (priority=110), match=(flags.force_snat_for_lb == 1 && ip4 && outport == "lrp-int"), action=(ct_snat(10.0.0.1);)',
        'lr_out_snat (priority=100), match=(flags.force_snat_for_dnat == 1 && ip4), action=(ct_snat(172.16.0.250);)',
      ),
    );
  });

  test('a load balancer with options:skip_snat=true skips forced SNAT', () => {
    const f = gatewayRouter();
    f.update('logical_router', f.id('gr0'), {
      options: { chassis: 'hv1', lb_force_snat_ip: '172.16.0.251' },
    });
    const lb = f.insert('load_balancer', {
      name: 'web',
      vips: { '172.16.0.200': '10.0.0.2' },
      options: { skip_snat: 'true' },
    });
    f.insert('logical_router_load_balancer', {
      router_uuid: f.id('gr0'),
      load_balancer_uuid: lb.uuid,
    });
    const text = routerGolden(f, 'gr0', ['lr_in_dnat', 'lr_out_snat']).split('\n');
    expect(text.filter((l) => l.includes('snat_for_lb'))).toEqual([
      'lr_in_dnat (priority=110), match=(ct.est && ip4 && reg0 == 172.16.0.200 && ct_mark.natted == 1), action=(flags.skip_snat_for_lb = 1; next;)',
      'lr_in_dnat (priority=110), match=(ct.new && ip4 && reg0 == 172.16.0.200), action=(flags.skip_snat_for_lb = 1; ct_lb_mark(backends=10.0.0.2);)',
      'lr_out_snat (priority=120), match=(flags.skip_snat_for_lb == 1 && ip), action=(next;)',
      'lr_out_snat (priority=100), match=(flags.force_snat_for_lb == 1 && ip4), action=(ct_snat(172.16.0.251);)',
    ]);
  });
});
