// Golden cases for switch load balancing (ovn-northd(8): "Pre-LB", "Pre-stateful", "LB",
// "Pre-Hairpin", "Nat-Hairpin", "Hairpin").
import type { NbFixture } from '../../testing/nb-fixture.js';
import type { GoldenCase } from './golden-case.js';

function withLb(
  fx: NbFixture,
  vips: Record<string, string>,
  extra: Record<string, unknown> = {},
): void {
  fx.switch('sw0');
  fx.port('sw0', 'p1', { addresses: ['00:00:00:00:00:01 10.0.0.1'] });
  const lb = fx.insert('load_balancer', { name: 'lb1', vips, protocol: 'tcp', ...extra });
  fx.insert('logical_switch_load_balancer', {
    switch_uuid: fx.id('sw0'),
    load_balancer_uuid: lb.uuid,
  });
}

export const LB_CASES: readonly GoldenCase[] = [
  {
    name: 'VIPs with and without ports, IPv6, no backends, and a malformed VIP',
    setup: (fx) =>
      withLb(fx, {
        '10.0.0.10:80': '10.0.0.3:80, 10.0.0.4:80',
        '10.0.0.11': '10.0.0.5',
        '[fd00::10]:443': '[fd00::3]:443',
        '10.0.0.12:80': '',
        bad: '10.0.0.3',
      }),
    stages: ['ls_in_lb'],
    expected: [
      'ls_in_lb (priority=120), match=(ct.new && ip4.dst == 10.0.0.10 && tcp.dst == 80), action=(reg0[1] = 0; reg1 = 10.0.0.10; reg2[0..15] = 80; ct_lb_mark(backends=10.0.0.3:80,10.0.0.4:80);)',
      // No backends and no reject option: drop.
      'ls_in_lb (priority=120), match=(ct.new && ip4.dst == 10.0.0.12 && tcp.dst == 80), action=(drop;)',
      'ls_in_lb (priority=120), match=(ct.new && ip6.dst == fd00::10 && tcp.dst == 443), action=(reg0[1] = 0; xxreg1 = fd00::10; reg2[0..15] = 443; ct_lb_mark(backends=[fd00::3]:443);)',
      'ls_in_lb (priority=110), match=(ct.new && ip4.dst == 10.0.0.11), action=(reg0[1] = 0; reg1 = 10.0.0.11; ct_lb_mark(backends=10.0.0.5);)',
      'ls_in_lb (priority=0), match=(1), action=(next;)',
    ],
    diagnostics: ['load_balancer: Load_Balancer lb1: VIP bad: not an IP address'],
  },
  {
    name: 'a load balancer sends all IP traffic through conntrack (ct_lb_mark) and enables hairpin',
    setup: (fx) =>
      withLb(
        fx,
        { '10.0.0.10:80': '10.0.0.3:80' },
        { protocol: 'udp', selection_fields: ['ip_src', 'ip_dst'] },
      ),
    stages: [
      'ls_in_pre_lb',
      'ls_in_pre_stateful',
      'ls_in_lb',
      'ls_in_pre_hairpin',
      'ls_in_nat_hairpin',
      'ls_in_hairpin',
      'ls_out_pre_lb',
      'ls_out_pre_stateful',
    ],
    expected: [
      'ls_in_pre_lb (priority=110), match=(eth.mcast), action=(next;)',
      'ls_in_pre_lb (priority=110), match=(nd || nd_rs || nd_ra || mldv1 || mldv2), action=(next;)',
      'ls_in_pre_lb (priority=100), match=(ip), action=(reg0[2] = 1; next;)',
      'ls_in_pre_lb (priority=0), match=(1), action=(next;)',
      // Established load-balanced traffic: remember the original destination, then (un)DNAT.
      'ls_in_pre_stateful (priority=120), match=(reg0[2] == 1 && ip4 && sctp), action=(reg1 = ip4.dst; reg2[0..15] = sctp.dst; ct_lb_mark;)',
      'ls_in_pre_stateful (priority=120), match=(reg0[2] == 1 && ip4 && tcp), action=(reg1 = ip4.dst; reg2[0..15] = tcp.dst; ct_lb_mark;)',
      'ls_in_pre_stateful (priority=120), match=(reg0[2] == 1 && ip4 && udp), action=(reg1 = ip4.dst; reg2[0..15] = udp.dst; ct_lb_mark;)',
      'ls_in_pre_stateful (priority=120), match=(reg0[2] == 1 && ip6 && sctp), action=(xxreg1 = ip6.dst; reg2[0..15] = sctp.dst; ct_lb_mark;)',
      'ls_in_pre_stateful (priority=120), match=(reg0[2] == 1 && ip6 && tcp), action=(xxreg1 = ip6.dst; reg2[0..15] = tcp.dst; ct_lb_mark;)',
      'ls_in_pre_stateful (priority=120), match=(reg0[2] == 1 && ip6 && udp), action=(xxreg1 = ip6.dst; reg2[0..15] = udp.dst; ct_lb_mark;)',
      'ls_in_pre_stateful (priority=110), match=(reg0[2] == 1), action=(ct_lb_mark;)',
      'ls_in_pre_stateful (priority=100), match=(reg0[0] == 1), action=(ct_next;)',
      'ls_in_pre_stateful (priority=0), match=(1), action=(next;)',
      // The LB's protocol names the port field; selection fields become the hash.
      'ls_in_lb (priority=120), match=(ct.new && ip4.dst == 10.0.0.10 && udp.dst == 80), action=(reg0[1] = 0; reg1 = 10.0.0.10; reg2[0..15] = 80; ct_lb_mark(backends=10.0.0.3:80; hash_fields="ip_src,ip_dst");)',
      'ls_in_lb (priority=0), match=(1), action=(next;)',
      'ls_in_pre_hairpin (priority=100), match=(ip && ct.trk), action=(reg0[6] = chk_lb_hairpin(); reg0[12] = chk_lb_hairpin_reply(); next;)',
      'ls_in_pre_hairpin (priority=0), match=(1), action=(next;)',
      'ls_in_nat_hairpin (priority=100), match=(ip && ct.est && ct.trk && reg0[6] == 1), action=(ct_snat;)',
      'ls_in_nat_hairpin (priority=100), match=(ip && ct.new && ct.trk && reg0[6] == 1), action=(ct_snat_to_vip; next;)',
      'ls_in_nat_hairpin (priority=90), match=(ip && reg0[12] == 1), action=(ct_snat;)',
      'ls_in_nat_hairpin (priority=0), match=(1), action=(next;)',
      'ls_in_hairpin (priority=1), match=(reg0[6] == 1 || reg0[12] == 1), action=(eth.dst <-> eth.src; outport = inport; flags.loopback = 1; output;)',
      'ls_in_hairpin (priority=0), match=(1), action=(next;)',
      'ls_out_pre_lb (priority=110), match=(eth.mcast), action=(next;)',
      'ls_out_pre_lb (priority=110), match=(nd || nd_rs || nd_ra || mldv1 || mldv2), action=(next;)',
      'ls_out_pre_lb (priority=100), match=(ip), action=(reg0[2] = 1; next;)',
      'ls_out_pre_lb (priority=0), match=(1), action=(next;)',
      'ls_out_pre_stateful (priority=110), match=(reg0[2] == 1), action=(ct_lb_mark;)',
      'ls_out_pre_stateful (priority=100), match=(reg0[0] == 1), action=(ct_next;)',
      'ls_out_pre_stateful (priority=0), match=(1), action=(next;)',
    ],
  },
];
