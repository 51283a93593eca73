// Nested actions and the remaining keyword and result actions.

import { describe, expect, it } from 'vitest';
import type { ActionEnv } from './env.js';
import { roundTripProblem, show } from './test-cases.js';

const env: ActionEnv = { table: 10 };

function table(cases: readonly (readonly [string, string])[], e: ActionEnv = env) {
  it.each(cases)('%s', (input, expected) => {
    expect(show(input, e)).toBe(expected);
    expect(roundTripProblem(input, e)).toBeUndefined();
  });
}

describe('nested actions', () => {
  table([
    // The inner actions of clone act on this very packet: their prerequisites carry over.
    [
      'clone { ip4.dst = 10.9.9.9; output; }; next;',
      'ok clone { ip4.dst = 10.9.9.9; output; }; next; [prereqs: ip4]',
    ],
    [
      'clone { tcp.dst = 80; }; udp.src = 1;',
      'ok clone { tcp.dst = 80; }; udp.src = 1; [prereqs: tcp && udp]',
    ],
    // arp & co build a new packet: the inner prerequisites are about that packet, not this one.
    [
      'arp { eth.dst = ff:ff:ff:ff:ff:ff; arp.op = 2; output; }; output;',
      'ok arp { eth.dst = ff:ff:ff:ff:ff:ff; arp.op = 2; output; }; output; [prereqs: ip4]',
    ],
    ['arp { };', 'ok arp { drop; }; [prereqs: ip4]'],
    [
      'nd_ns { nd.target = xxreg0; output; };',
      'ok nd_ns { nd.target = xxreg0; output; }; [prereqs: ip6]',
    ],
    ['nd_ns { };', 'ok nd_ns { drop; }; [prereqs: ip6]'],
    [
      'nd_na { eth.src = 0a:00:00:00:00:01; nd.tll = 0a:00:00:00:00:01; outport = inport; inport = ""; /* back out */ output; };',
      'ok nd_na { eth.src = 0a:00:00:00:00:01; nd.tll = 0a:00:00:00:00:01; outport = inport; inport = ""; output; }; [prereqs: nd_ns]',
    ],
    ['nd_na_router { output; };', 'ok nd_na_router { output; }; [prereqs: nd_ns]'],
    [
      'icmp4 { icmp4.type = 3; icmp4.frag_mtu = 1400; output; };',
      'ok icmp4 { icmp4.type = 3; icmp4.frag_mtu = 1400; output; }; [prereqs: ip4]',
    ],
    ['icmp4_error { };', 'ok icmp4_error { drop; }; [prereqs: ip4]'],
    ['icmp6 { output; };', 'ok icmp6 { output; }; [prereqs: ip6]'],
    [
      'icmp6_error { icmp6.frag_mtu = 1280; output; };',
      'ok icmp6_error { icmp6.frag_mtu = 1280; output; }; [prereqs: ip6]',
    ],
    ['tcp_reset { output; };', 'ok tcp_reset { output; }; [prereqs: tcp]'],
    ['sctp_abort {output;};', 'ok sctp_abort { output; }; [prereqs: sctp]'],
    // reject answers TCP with a reset and the rest with ICMP: it needs no particular protocol.
    ['reject { };', 'ok reject { drop; };'],
    ['reject { tcp.dst = 1; };', 'ok reject { tcp.dst = 1; }; [prereqs: tcp]'],
    ['clone { clone { clone { output; }; }; };', 'ok clone { clone { clone { output; }; }; };'],
    ['arp;', "error Syntax error at `;' expecting `{'."],
    ['clone { output; ', 'error Syntax error at end of input.'],
    ['clone { output; } next;', "error Syntax error at `next' expecting `;'."],
    ['clone { drop; output; };', "error Syntax error at `output' expecting `}'."],
    // Inside ct_commit only conntrack fields may be written; clone restores the default.
    ['ct_commit { clone { reg0 = 1; }; };', 'ok ct_commit { clone { reg0 = 1; }; }; [prereqs: ip]'],
    ['ct_commit { arp { reg0 = 1; }; };', 'error Field reg0 is not modifiable.'],
  ]);

  it('limits the nesting depth', () => {
    const deep = (n: number) => `${'clone { '.repeat(n)}output;${' };'.repeat(n)}`;
    expect(show(deep(31)).startsWith('ok ')).toBe(true);
    expect(show(deep(32))).toBe('error maximum depth of nested actions reached');
  });
});

describe('select', () => {
  table([
    ['reg8[16..31] = select(1=20, 2=80);', 'ok reg8[16..31] = select(1=20, 2=80);'],
    ['reg0 = select(1, 2, 3, );', 'ok reg0 = select(1=100, 2=100, 3=100);'],
    [
      'reg0 = select(values=(5=10, 6); hash_fields="ip_src,ip_dst");',
      'ok reg0 = select(values=(5=10, 6=100); hash_fields="ip_src,ip_dst");',
    ],
    ['reg0 = select(1=, 2);', "error Syntax error at `,' expecting weight."],
    ['reg0 = select(1=0, 2);', "error Syntax error at `,' weight can't be 0."],
    ['reg0 = select(1=70000, 2);', "error Syntax error at `70000' expecting weight."],
    ['reg0 = select(x, 2);', "error Syntax error at `x' expecting id."],
    ['reg0 = select(7);', "error Syntax error at `;' expecting at least 2 group members."],
    ['reg0 = select(values=7, 8);', "error Syntax error at `7' expecting `('."],
    [
      'reg0 = select(values=(1, 2); other_fields="a");',
      "error Syntax error at `other_fields' expecting hash_fields.",
    ],
    [
      'reg0 = select(values=(1, 2); hash_fields);',
      "error Syntax error at `)' invalid hash_fields.",
    ],
    [
      'reg0 = select(values=(1, 2); hash_fields=);',
      "error Syntax error at `)' invalid hash_fields.",
    ],
    ['reg0 = select(values=(1, 2));', "error Syntax error at `)' expecting `;'."],
    ['eth.type = select(1, 2);', 'error Field eth.type is not modifiable.'],
    [
      'reg0[0..7] = select(1, 2);',
      'error cannot use 8-bit field reg0[0..7] for "select", which requires at least 16 bits.',
    ],
  ]);
});

describe('functions that return a result', () => {
  table([
    ['reg1[0] = dns_lookup();', 'ok reg1[0] = dns_lookup(); [prereqs: udp]'],
    ['reg1[0] = dns_lookup(1);', "error dns_lookup doesn't take any parameters"],
    ['reg0[2] = chk_lb_hairpin();', 'ok reg0[2] = chk_lb_hairpin();'],
    ['reg0[2] = chk_lb_hairpin_reply();', 'ok reg0[2] = chk_lb_hairpin_reply();'],
    [
      'reg0 = chk_lb_hairpin();',
      'error Cannot use 32-bit field reg0[0..31] where 1-bit field is required.',
    ],
    ['reg0[0] = chk_lb_hairpin(x);', "error chk_lb_hairpin doesn't take any parameters"],
    ['chk_lb_hairpin;', "error Syntax error at `chk_lb_hairpin' expecting action."],
    ['reg0[12] = check_in_port_sec();', 'ok reg0[12] = check_in_port_sec();'],
    ['reg0[12] = check_out_port_sec();', 'ok reg0[12] = check_out_port_sec();'],
    [
      'reg0[0..1] = check_out_port_sec();',
      'error Cannot use 2-bit field reg0[0..1] where 1-bit field is required.',
    ],
    ['reg9[5] = chk_ecmp_nh_mac();', 'ok reg9[5] = chk_ecmp_nh_mac();'],
    ['reg9[5] = chk_ecmp_nh();', 'ok reg9[5] = chk_ecmp_nh();'],
    ['reg9[6] = chk_lb_aff();', 'ok reg9[6] = chk_lb_aff();'],
    ['reg4 = ct_nw_dst();', 'ok reg4 = ct_nw_dst();'],
    ['xreg1[3..34] = ct_nw_dst();', 'ok xreg1[3..34] = ct_nw_dst();'],
    [
      'reg4[0..15] = ct_nw_dst();',
      'error Cannot use 16-bit field reg4[0..15] where 32-bit field is required.',
    ],
    ['reg2[1..32] = ct_nw_dst();', 'error Cannot select bits 1 to 32 of 32-bit field reg2.'],
    ['xxreg0 = ct_ip6_dst();', 'ok xxreg0 = ct_ip6_dst();'],
    [
      'reg0 = ct_ip6_dst();',
      'error Cannot use 32-bit field reg0[0..31] where 128-bit field is required.',
    ],
    ['reg3[16..31] = ct_tp_dst();', 'ok reg3[16..31] = ct_tp_dst();'],
    ['reg3[8..15] = ct_proto();', 'ok reg3[8..15] = ct_proto();'],
    ['reg1[0..7] = ct_state_save();', 'ok reg1[0..7] = ct_state_save();'],
    [
      'xreg1 = ct_state_save();',
      'error Cannot use 64-bit field xreg1[0..63] where 8-bit field is required.',
    ],
    ['ct_nw_dst();', "error Syntax error at `ct_nw_dst' expecting action."],
  ]);
});

describe('check_pkt_larger', () => {
  table([
    ['reg0[6] = check_pkt_larger(1514);', 'ok reg0[6] = check_pkt_larger(1514);'],
    [
      'reg0 = check_pkt_larger(1514);',
      'error Cannot use 32-bit field reg0[0..31] where 1-bit field is required.',
    ],
    [
      'reg0 = check_pkt_larger(x);',
      'error Cannot use 32-bit field reg0[0..31] where 1-bit field is required.',
    ],
    ['reg0[6] = check_pkt_larger(x);', "error Syntax error at `x' expecting `;'."],
    ['reg0[6] = check_pkt_larger(;', "error Syntax error at `;' expecting packet length."],
    [
      'reg0[6] = check_pkt_larger(65536);',
      "error Syntax error at `65536' expecting packet length.",
    ],
  ]);
});

describe('queues, meters and logging', () => {
  table([
    ['set_queue(0);', 'ok set_queue(0);'],
    ['set_queue(61440);', 'ok set_queue(61440);'],
    ['set_queue(61441);', 'error Queue ID 61441 for set_queue is not in valid range 0 to 61440.'],
    ['set_queue(q);', "error Syntax error at `q' expecting `;'."],
    ['set_meter(1);', 'ok set_meter(1);'],
    ['set_meter(2000, 300);', 'ok set_meter(2000, 300);'],
    [
      'set_meter(18446744073709551615, 18446744073709551615);',
      'ok set_meter(18446744073709551615, 18446744073709551615);',
    ],
    ['set_meter(0);', 'error Rate 0 for set_meter is not in valid.'],
    ['set_meter(10, 20, );', "error Syntax error at `,' expecting `)'."],
    ['log(verdict=allow, severity=alert);', 'ok log(verdict=allow, severity=alert);'],
    [
      'log(name="acl-7", verdict=reject, severity=debug);',
      'ok log(name="acl-7", verdict=reject, severity=debug);',
    ],
    [
      'log(verdict=drop, meter="m1", name="n");',
      'ok log(name="n", verdict=drop, severity=info, meter="m1");',
    ],
    ['log(verdict=pass);', 'ok log(verdict=pass, severity=info);'],
    ['log(verdict=maybe);', "error Syntax error at `maybe' unknown verdict."],
    ['log(verdict=drop, severity=loud);', "error Syntax error at `loud' unknown severity."],
    ['log(verdict=drop, severity="info");', 'error Syntax error at `"info"\' expecting severity.'],
    ['log(severity=warning);', "error Syntax error at `;' expecting verdict."],
    ['log;', "error Syntax error at `;' expecting verdict."],
    ['log(verdict=drop, name=n);', "error Syntax error at `n' expecting string."],
    [
      `log(verdict=drop, name="${'x'.repeat(64)}");`,
      `error Syntax error at \`"${'x'.repeat(64)}"' name must be shorter than 64 characters.`,
    ],
    ['log(verdict=drop, colour=red);', "error Syntax error at `colour'."],
  ]);
});

describe('sample', () => {
  table([
    [
      'sample(probability=65535);',
      'ok sample(probability=65535,collector_set=0,obs_domain=0,obs_point=0);',
    ],
    [
      'sample(probability=50,collector_set=7,obs_domain=3,obs_point=99);',
      'ok sample(probability=50,collector_set=7,obs_domain=3,obs_point=99);',
    ],
    [
      'sample(obs_point=$cookie, probability=1);',
      'ok sample(probability=1,collector_set=0,obs_domain=0,obs_point=$cookie);',
    ],
    [
      'sample(probability=1, obs_point=reg8);',
      'ok sample(probability=1,collector_set=0,obs_domain=0,obs_point=reg8);',
    ],
    [
      'sample(probability=1, obs_point=ct_label.obs_point_id);',
      'ok sample(probability=1,collector_set=0,obs_domain=0,obs_point=ct_label.obs_point_id);',
    ],
    ['sample(probability=0,obs_point=5);', 'error probability must be greater than zero'],
    ['sample(collector_set=1);', 'error probability must be greater than zero'],
    ['sample(probability=0,obs_point=bar);', "error Syntax error at `bar' expecting field name."],
    [
      'sample(probability=1,obs_domain=256);',
      "error Syntax error at `256' obs_domain must be 8-bit long.",
    ],
    ['sample(probability=1,foo=2);', "error Syntax error at `foo' unknown argument."],
    [
      'sample(probability=1, obs_point=xxreg0);',
      'error Cannot use 128-bit field xxreg0[0..127] where 32-bit field is required.',
    ],
  ]);
});

describe('ports, groups and services', () => {
  table([
    ['bind_vport("vip-port", inport);', 'ok bind_vport("vip-port", inport);'],
    ['bind_vport;', "error Syntax error at `;' expecting `('."],
    ['bind_vport(;', "error Syntax error at `;' expecting port name string."],
    ['bind_vport("v";', "error Syntax error at `;' expecting `,'."],
    ['bind_vport("v",;', "error Syntax error at `;' expecting field name."],
    ['bind_vport("v", inport;', "error Syntax error at `;' expecting `)'."],
    [
      'bind_vport("v", reg0);',
      'error Cannot use numeric field reg0 where string field is required.',
    ],
    ['handle_svc_check(inport);', 'ok handle_svc_check(inport);'],
    ['handle_svc_check();', "error Syntax error at `)' expecting field name."],
    [
      'handle_svc_check(reg2);',
      'error Cannot use numeric field reg2 where string field is required.',
    ],
    ['fwd_group(childports="p1", "p2");', 'ok fwd_group(childports="p1", "p2");'],
    [
      'fwd_group(liveness="true", childports="p1");',
      'ok fwd_group(liveness="true", childports="p1");',
    ],
    ['fwd_group(liveness=false, childports="p1");', 'ok fwd_group(childports="p1");'],
    ['fwd_group;', 'ok fwd_group;'],
    ['fwd_group(childports=p1);', "error Syntax error at `p1' expecting logical switch port."],
    ['fwd_group();', "error Syntax error at `)' expecting `;'."],
    [
      'fwd_group(liveness=maybe, childports="p1");',
      "error Syntax error at `maybe' expecting true or false.",
    ],
    [
      'fwd_group(liveness=true childports="p1");',
      "error Syntax error at `childports' expecting `,'.",
    ],
    ['mirror("mirror-port");', 'ok mirror("mirror-port");'],
    ['mirror(mirror);', "error Syntax error at `mirror' expecting port name string."],
    ['handle_dhcpv6_reply;', 'ok handle_dhcpv6_reply;'],
    ['handle_bfd_msg();', 'ok handle_bfd_msg();'],
    ['handle_bfd_msg;', "error Syntax error at `;' expecting `('."],
    ['igmp;', 'ok igmp; [prereqs: igmp]'],
    ['mac_cache_use;', 'ok mac_cache_use;'],
    ['flood_remote;', 'ok flood_remote;'],
    ['flood_remote();', "error Syntax error at `(' expecting `;'."],
  ]);
});

describe('ECMP and load balancer affinity', () => {
  table([
    ['commit_ecmp_nh(ipv6 = true, proto = udp);', 'ok commit_ecmp_nh(ipv6 = true, proto = udp);'],
    ['commit_ecmp_nh(ipv6="false",proto=sctp);', 'ok commit_ecmp_nh(ipv6 = false, proto = sctp);'],
    ['commit_ecmp_nh(proto = tcp);', "error Syntax error at `proto' invalid parameter."],
    [
      'commit_ecmp_nh(ipv6 = yes, proto = tcp);',
      "error Syntax error at `yes' expecting true or false.",
    ],
    [
      'commit_ecmp_nh(ipv6 = true, proto = icmp);',
      "error Syntax error at `icmp' invalid protocol.",
    ],
    [
      'commit_lb_aff(vip = "10.1.0.1:443", backend = "10.2.0.7:8443", proto = tcp, timeout = 60);',
      'ok commit_lb_aff(vip = "10.1.0.1:443", backend = "10.2.0.7:8443", proto = tcp, timeout = 60);',
    ],
    [
      'commit_lb_aff(vip = "10.1.0.1", backend = "10.2.0.7", timeout = 60);',
      'ok commit_lb_aff(vip = "10.1.0.1", backend = "10.2.0.7", timeout = 60);',
    ],
    [
      'commit_lb_aff(vip = "[2001:db8::1]:80", backend = "[2001:db8::2]:8080", proto = sctp, timeout = 5);',
      'ok commit_lb_aff(vip = "[2001:db8::1]:80", backend = "[2001:db8::2]:8080", proto = sctp, timeout = 5);',
    ],
    [
      'commit_lb_aff(vip = "10.1.0.1:443", backend = "[2001:db8::2]:443", proto = tcp, timeout = 60);',
      'error Syntax error at `"[2001:db8::2]:443"\' invalid protocol family.',
    ],
    [
      'commit_lb_aff(vip = "10.1.0.1:443", backend = "10.2.0.7", timeout = 60);',
      "error Syntax error at `timeout' invalid parameter.",
    ],
    [
      'commit_lb_aff(vip = "nowhere", backend = "10.2.0.7", timeout = 1);',
      'error Syntax error at `"nowhere"\' invalid parameter.',
    ],
    [
      'commit_lb_aff(vip = "10.1.0.1", backend = "10.2.0.7", timeout = 70000);',
      "error Syntax error at `70000' expecting affinity timeout.",
    ],
  ]);
});
