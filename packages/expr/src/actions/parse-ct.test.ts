// Connection tracking actions. Every one of them needs an IP packet, so each adds `ip`.

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

describe('ct_next', () => {
  table([
    ['ct_next;', 'ok ct_next(dnat); [prereqs: ip]'],
    ['ct_next(dnat);', 'ok ct_next(dnat); [prereqs: ip]'],
    ['ct_next(snat);', 'ok ct_next(snat); [prereqs: ip]'],
    ['ct_clear; ct_next;', 'ok ct_clear; ct_next(dnat); [prereqs: ip]'],
    ['ct_next(dnat, snat);', "error Syntax error at `,' expecting `)'."],
    ['ct_next(both);', 'error "ct_next" action accepts only "dnat" or "snat" parameter.'],
    ['ct_next();', 'error "ct_next" action accepts only "dnat" or "snat" parameter.'],
  ]);
  it('is refused in the last table', () => {
    expect(show('ct_next;', { table: 5, tableCount: 5 })).toBe(
      'error "ct_next" action not allowed in last table.',
    );
  });
});

describe('ct_commit', () => {
  table([
    ['ct_commit;', 'ok ct_commit; [prereqs: ip]'],
    ['ct_commit { };', 'ok ct_commit; [prereqs: ip]'],
    ['ct_commit { drop; };', 'ok ct_commit; [prereqs: ip]'],
    ['ct_commit{ct_mark=3;};', 'ok ct_commit { ct_mark = 3; }; [prereqs: ip]'],
    ['ct_commit { ct_mark=0x2/0x2; };', 'ok ct_commit { ct_mark = 0x2/0x2; }; [prereqs: ip]'],
    ['ct_commit { ct_mark=2/2; };', 'ok ct_commit { ct_mark = 2/2; }; [prereqs: ip]'],
    [
      'ct_commit { ct_mark.blocked = 1; ct_label = 7; };',
      'ok ct_commit { ct_mark.blocked = 1; ct_label = 7; }; [prereqs: ip]',
    ],
    [
      'ct_commit { ct_label=0x000a0b0c0d0e0f101112131415161718; };',
      'ok ct_commit { ct_label = 0xa0b0c0d0e0f101112131415161718; }; [prereqs: ip]',
    ],
    [
      'ct_commit { ct_label = 18446744073709551615; };',
      'ok ct_commit { ct_label = 18446744073709551615; }; [prereqs: ip]',
    ],
    [
      'ct_commit { ct_label[0..47] = 0x0000aabbccdd; ct_label[48..63] = 0x01; };',
      'ok ct_commit { ct_label[0..47] = 0xaabbccdd; ct_label[48..63] = 0x1; }; [prereqs: ip]',
    ],
    [
      'ct_commit { ct_label.obs_point_id = reg5; };',
      'ok ct_commit { ct_label.obs_point_id = reg5; }; [prereqs: ip]',
    ],
    [
      'ct_commit { ct_label=0x1112131415161718191a1b1c1d1e1f202122; };',
      'error 141-bit constant is not compatible with 128-bit field ct_label.',
    ],
    // Only conntrack fields can be written inside ct_commit.
    ['ct_commit { ip4.src = 10.1.1.1; };', 'error Field ip4.src is not modifiable.'],
    ['ct_commit { reg0 = 1; };', 'error Field reg0 is not modifiable.'],
    ['ct_commit(ct_mark=1);', "error Syntax error at `(' expecting `;'."],
    [
      'reg8[17] = 1; ct_commit { ct_mark.blocked = 1; };',
      'ok reg8[17] = 1; ct_commit { ct_mark.blocked = 1; }; [prereqs: ip]',
    ],
    ['ct_clear; ct_commit { }; next;', 'ok ct_clear; ct_commit; next; [prereqs: ip]'],
  ]);
});

describe('ct_commit_to_zone and ct_commit_nat', () => {
  table([
    ['ct_commit_to_zone(dnat);', 'ok ct_commit_to_zone(dnat); [prereqs: ip]'],
    ['ct_commit_to_zone(snat);', 'ok ct_commit_to_zone(snat); [prereqs: ip]'],
    ['ct_commit_to_zone;', "error Syntax error at `;' expecting `('."],
    [
      'ct_commit_to_zone();',
      'error "ct_commit_to_zone" action accepts only "dnat" or "snat" parameter.',
    ],
    ['ct_commit_to_zone(snat;', "error Syntax error at `;' expecting `)'."],
    ['ct_commit_nat;', 'ok ct_commit_nat(dnat); [prereqs: ip]'],
    ['ct_commit_nat(snat);', 'ok ct_commit_nat(snat); [prereqs: ip]'],
    ['ct_commit_nat(snat, dnat);', "error Syntax error at `,' expecting `)'."],
    ['ct_commit_nat(x);', 'error "ct_commit_nat" action accepts only "dnat" or "snat" parameter.'],
  ]);
});

describe('NAT', () => {
  for (const name of ['ct_dnat', 'ct_snat', 'ct_dnat_in_czone', 'ct_snat_in_czone']) {
    describe(name, () => {
      table([
        [`${name};`, `ok ${name}; [prereqs: ip]`],
        [`${name}(172.16.0.5);`, `ok ${name}(172.16.0.5); [prereqs: ip]`],
        [`${name}(2001:db8::5);`, `ok ${name}(2001:db8::5); [prereqs: ip]`],
        [`${name}(172.16.0.5, 1024-2048);`, `ok ${name}(172.16.0.5,1024-2048); [prereqs: ip]`],
        [`${name}(172.16.0.5, 8080);`, `ok ${name}(172.16.0.5,8080); [prereqs: ip]`],
        [`ct_clear; ${name};`, `ok ct_clear; ${name}; [prereqs: ip]`],
        [
          `${name}(172.16.0.5, 172.16.0.6);`,
          "error Syntax error at `172.16.0.6' expecting Integer for port range.",
        ],
        [`${name}(bar);`, "error Syntax error at `bar' expecting IPv4 or IPv6 address."],
        [`${name}();`, "error Syntax error at `)' expecting IPv4 or IPv6 address."],
        [`${name}(172.16.0.5, x);`, "error Syntax error at `x' expecting Integer for port range."],
        [
          `${name}(172.16.0.5, 10-x);`,
          "error Syntax error at `x' expecting Integer for port range.",
        ],
        [
          `${name}(172.16.0.5, 10-5);`,
          "error Syntax error at `5' range high should be greater than range low.",
        ],
        [`${name}(172.16.0.5, 0);`, "error Syntax error at `0' range can't be 0."],
        [
          `${name}(172.16.0.5, 70000);`,
          "error Syntax error at `70000' expecting Integer for port range.",
        ],
      ]);
    });
  }
});

describe('load balancing', () => {
  table([
    ['ct_lb_mark;', 'ok ct_lb_mark; [prereqs: ip]'],
    ['ct_lb_mark();', 'ok ct_lb_mark; [prereqs: ip]'],
    [
      'ct_lb_mark(backends=10.0.0.10:8080,10.0.0.11:8080);',
      'ok ct_lb_mark(backends=10.0.0.10:8080,10.0.0.11:8080); [prereqs: ip]',
    ],
    [
      'ct_lb_mark(backends=10.0.0.10, 10.0.0.11, );',
      'ok ct_lb_mark(backends=10.0.0.10,10.0.0.11); [prereqs: ip]',
    ],
    [
      'ct_lb_mark(backends=2001:db8::a, 2001:db8::b);',
      'ok ct_lb_mark(backends=2001:db8::a,2001:db8::b); [prereqs: ip]',
    ],
    [
      'ct_lb_mark(backends=[2001:db8::a]:80,[2001:db8::b]);',
      'ok ct_lb_mark(backends=[2001:db8::a]:80,2001:db8::b); [prereqs: ip]',
    ],
    [
      'ct_lb_mark(backends=10.0.0.10:80; skip_snat);',
      'ok ct_lb_mark(backends=10.0.0.10:80; skip_snat); [prereqs: ip]',
    ],
    [
      'ct_lb_mark(backends=10.0.0.10:80; force_snat);',
      'ok ct_lb_mark(backends=10.0.0.10:80; force_snat); [prereqs: ip]',
    ],
    [
      'ct_lb_mark(backends=10.0.0.10:80,10.0.0.11:80; hash_fields="ip_src,ip_dst,tcp_src,tcp_dst");',
      'ok ct_lb_mark(backends=10.0.0.10:80,10.0.0.11:80; hash_fields="ip_src,ip_dst,tcp_src,tcp_dst"); [prereqs: ip]',
    ],
    [
      'ct_lb_mark(backends=10.0.0.10:80; hash_fields="eth_src"; force_snat);',
      'ok ct_lb_mark(backends=10.0.0.10:80; hash_fields="eth_src"; force_snat); [prereqs: ip]',
    ],
    ['ct_lb_mark(backends=10.0.0.10:80;);', "error Syntax error at `)' expecting `;'."],
    [
      'ct_lb_mark(backends=10.0.0.10:80; hash_fields="ip_src"; );',
      "error Syntax error at `)' expecting `;'.",
    ],
    ['ct_lb_mark(10.0.0.10:80);', "error Syntax error at `10.0.0.10' expecting backends."],
    ['ct_lb_mark(backends 10.0.0.10);', "error Syntax error at `10.0.0.10' expecting `='."],
    ['ct_lb_mark(backends=10.0.0.10:);', "error Syntax error at `)' expecting port number."],
    [
      'ct_lb_mark(backends=10.0.0.10:65536);',
      "error Syntax error at `65536' expecting port number.",
    ],
    ['ct_lb_mark(backends=server1);', "error Syntax error at `server1' expecting IP address."],
    [
      'ct_lb_mark(backends=[10.0.0.10]);',
      "error Syntax error at `10.0.0.10' expecting IPv6 address.",
    ],
    ['ct_lb_mark(backends=[2001:db8::a);', "error Syntax error at `)' no closing square bracket."],
    [
      'ct_lb_mark(backends=10.0.0.10:80; hash_fields=ip_src);',
      "error Syntax error at `ip_src' invalid hash_fields.",
    ],
    [
      'ct_lb_mark_local(backends="lp1":10.0.0.10);',
      'ok ct_lb_mark_local(backends="lp1":10.0.0.10); [prereqs: ip]',
    ],
    [
      'ct_lb_mark_local(backends="lp1":10.0.0.10:443,"lp2":10.0.0.11:443; hash_fields="ip_src");',
      'ok ct_lb_mark_local(backends="lp1":10.0.0.10:443,"lp2":10.0.0.11:443; hash_fields="ip_src"); [prereqs: ip]',
    ],
    [
      'ct_lb_mark_local(backends="lp1":[2001:db8::a]:443);',
      'ok ct_lb_mark_local(backends="lp1":[2001:db8::a]:443); [prereqs: ip]',
    ],
    [
      'ct_lb_mark_local(backends=10.0.0.10:80);',
      "error Syntax error at `10.0.0.10' expecting logical port name for distributed load balancer.",
    ],
    [
      'ct_lb_mark_local(backends=lp1:10.0.0.10);',
      "error Syntax error at `lp1' expecting logical port name for distributed load balancer.",
    ],
    // The pre-ct_lb_mark action is gone from OVN.
    ['ct_lb;', "error Syntax error at `ct_lb' expecting action."],
  ]);
});

describe('other conntrack helpers', () => {
  table([
    ['ct_clear;', 'ok ct_clear;'],
    ['ct_snat_to_vip;', 'ok ct_snat_to_vip;'],
    ['ct_snat_to_vip(x);', "error Syntax error at `(' expecting `;'."],
  ]);
});
