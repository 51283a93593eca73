// Basic actions: drop, output, next, assignments of constants, copies and swaps, push/pop,
// ip.ttl--, and the generic syntax errors. Expected messages are OVN's wording.

import { describe, expect, it } from 'vitest';
import { createSymbolTable, field, ovnSymbolDefinitions, stringField } from '../symbols.js';
import type { ActionEnv } from './env.js';
import { roundTripProblem, show } from './test-cases.js';

// Like OVN's own test driver: the flow sits in ingress table 10.
const env: ActionEnv = { table: 10 };

function table(cases: readonly (readonly [string, string])[], e: ActionEnv = env) {
  it.each(cases)('%s', (input, expected) => {
    expect(show(input, e)).toBe(expected);
    expect(roundTripProblem(input, e)).toBeUndefined();
  });
}

describe('drop and output', () => {
  table([
    ['drop;', 'ok drop;'],
    ['output;', 'ok output;'],
    ['output; output;', 'ok output; output;'],
    // `drop;` only stands alone.
    ['drop; output;', "error Syntax error at `output' expecting end of input."],
    ['output; drop;', "error Syntax error at `drop' expecting action."],
    ['', 'ok drop;'],
  ]);
});

describe('next', () => {
  table([
    ['next;', 'ok next;'],
    ['next(11);', 'ok next;'],
    ['next(table=11);', 'ok next;'],
    ['next(pipeline=ingress);', 'ok next;'],
    ['next(table=11, pipeline=ingress);', 'ok next;'],
    ['next(3);', 'ok next(3);'],
    ['next(0);', 'ok next(0);'],
    ['next(34);', 'ok next(34);'],
    ['next(pipeline=egress);', 'ok next(pipeline=egress, table=11);'],
    ['next(pipeline=egress, table=2);', 'ok next(pipeline=egress, table=2);'],
    ['next(35);', 'error "next" action cannot advance beyond table 35.'],
    ['next(pipeline=egress, table=16);', 'error "next" action cannot advance beyond table 16.'],
    ['next();', 'error Syntax error at `)\' expecting "pipeline" or "table".'],
    ['next(3;', "error Syntax error at `;' expecting `)'."],
    [
      'next(pipeline=sideways);',
      'error Syntax error at `sideways\' expecting "ingress" or "egress".',
    ],
    ['next(table=x);', "error Syntax error at `x' expecting small integer."],
    ['next', "error Syntax error at end of input expecting `;'."],
  ]);

  it('is refused where the flow has no tables to go to', () => {
    expect(show('next;', { tableCount: 0 })).toBe('error "next" action not allowed here.');
  });

  it('formats relative to the flow it belongs to', () => {
    expect(show('next(5);', { table: 4 })).toBe('ok next;');
    expect(show('next(pipeline=ingress, table=1);', { pipeline: 'egress', table: 3 })).toBe(
      'ok next(pipeline=ingress, table=1);',
    );
  });
});

describe('loading constants', () => {
  table([
    ['udp.src=53;', 'ok udp.src = 53; [prereqs: udp]'],
    ['eth.src[40] = 1;', 'ok eth.src[40] = 1;'],
    ['vlan.vid = 100;', 'ok vlan.vid = 100; [prereqs: vlan.present]'],
    ['vlan.tci[0..11] = 0x64;', 'ok vlan.tci[0..11] = 0x64;'],
    ['outport = "";', 'ok outport = "";'],
    ['ip.ttl=64;', 'ok ip.ttl = 64; [prereqs: ip]'],
    ['inport="lp1"; next; inport="lp2"; next;', 'ok inport = "lp1"; next; inport = "lp2"; next;'],
    ['eth.dst = 00:11:22:33:44:55;', 'ok eth.dst = 00:11:22:33:44:55;'],
    [
      'eth.dst = 01:00:00:00:00:00/01:00:00:00:00:00;',
      'ok eth.dst = 01:00:00:00:00:00/01:00:00:00:00:00;',
    ],
    ['ip4.dst = 10.0.0.0/8;', 'ok ip4.dst = 10.0.0.0/8; [prereqs: ip4]'],
    ['ip6.src = fe80::1;', 'ok ip6.src = fe80::1; [prereqs: ip6]'],
    ['reg0 = 0x00ff;', 'ok reg0 = 0xff;'],
    ['reg0 = 5/0x7;', 'error Value and mask have incompatible formats.'],
    ['reg0 = 0/0xf;', 'ok reg0 = 0x0/0xf;'],
    ['pkt.mark = 4096;', 'ok pkt.mark = 4096;'],
    ['xxreg1 = ::ffff:10.0.0.1;', 'ok xxreg1 = ::ffff:10.0.0.1;'],
    ['tcp.dst = 10000000;', 'error 24-bit constant is not compatible with 16-bit field tcp.dst.'],
    // A MAC address does not fit a 32-bit field.
    [
      'reg3 = 00:00:00:00:00:01;',
      'error 48-bit constant is not compatible with 32-bit field reg3.',
    ],
    ['ip4.src = fe80::1;', 'error 128-bit constant is not compatible with 32-bit field ip4.src.'],
    ['pkt.mark = "x";', 'error Integer field pkt.mark is not compatible with string constant.'],
    ['outport = 5;', 'error String field outport is not compatible with integer constant.'],
    ['outport[0] = 1;', 'error Cannot select subfield of string field outport.'],
    ['ip.ttl[0..3] = 1;', 'error Cannot select subfield of nominal field ip.ttl.'],
    ['reg0[5..2] = 1;', 'error Invalid bit range 5 to 2.'],
    ['reg0[30..32] = 1;', 'error Cannot select bits 30 to 32 of 32-bit field reg0.'],
    ['eth.src[0] == 1;', "error Syntax error at `==' expecting `=' or `<->'."],
    ['ip4 = 1;', 'error Predicate symbol ip4 used where lvalue required.'],
    ['vlan.present = 1;', 'error Predicate symbol vlan.present used where lvalue required.'],
    ['eth.type = 0x800;', 'error Field eth.type is not modifiable.'],
    ['ct_state = 1;', 'error Field ct_state is not modifiable.'],
    ['outport = {"p1"};', "error Syntax error at `{' expecting constant."],
    ['outport = $set1;', "error Syntax error at `$set1' expecting address set name."],
    ['outport = @pg1;', "error Syntax error at `@pg1' expecting port group name."],
    ['outport = ^tmpl;', 'error Unexpanded template.'],
    ['pkt.mark = bar;', "error Syntax error at `bar' expecting field name."],
    ['nosuchfield = 1;', "error Syntax error at `nosuchfield' expecting field name."],
    // ct_mark and ct_label are written only from inside ct_commit { }.
    ['ct_mark = 1;', 'error Field ct_mark is not modifiable.'],
    ['ct_label.blocked = 1;', 'error Field ct_label.blocked is not modifiable.'],
    ['ct_mark = 1', 'error Field ct_mark is not modifiable.'],
    ['reg0 = 18446744073709551616;', 'error Decimal constants must be less than 2**64.'],
    ['reg0 = 007;', 'error Decimal constants must not have leading zeros.'],
  ]);
});

describe('fields only actions write', () => {
  table([
    ['icmp4.frag_mtu = 1400;', 'ok icmp4.frag_mtu = 1400;'],
    ['icmp4.frag_mtu = 0x578;', 'ok icmp4.frag_mtu = 1400;'],
    ['icmp6.frag_mtu = 1280;', 'ok icmp6.frag_mtu = 1280;'],
    ['icmp4.inner_ip4.src = 192.0.2.7;', 'ok icmp4.inner_ip4.src = 192.0.2.7;'],
    [
      'icmp4.frag_mtu = reg0[0..15];',
      'error Field icmp4.frag_mtu can only be assigned a constant.',
    ],
  ]);
});

// OVN's test table adds these symbols to exercise string-field and prerequisite checks.
const testSymbols = createSymbolTable([
  ...ovnSymbolDefinitions(),
  field('big', 64, { writable: 'any' }),
  stringField('big_string', 'big', { writable: 'any' }),
  field('bad_prereq', 32, { writable: 'any', prereqs: 'xyzzy' }),
  field('self_recurse', 32, { writable: 'any', prereqs: 'self_recurse != 0' }),
]);
if (!testSymbols.ok) throw new Error(testSymbols.error.message);

describe('copying fields', () => {
  table([
    ['reg2=reg3;', 'ok reg2 = reg3;'],
    ['reg0[0..31] = reg1;', 'ok reg0 = reg1;'],
    ['vlan.pcp = reg0[5..7];', 'ok vlan.pcp = reg0[5..7]; [prereqs: vlan.present]'],
    ['reg1[3] = vlan.pcp[2];', 'ok reg1[3] = vlan.pcp[2]; [prereqs: vlan.present]'],
    ['inport = outport;', 'ok inport = outport;'],
    ['ip4.dst = ip6.dst[96..127];', 'ok ip4.dst = ip6.dst[96..127]; [prereqs: ip4 && ip6]'],
    ['eth.dst = arp.sha;', 'ok eth.dst = arp.sha; [prereqs: arp]'],
    ['reg0 = reg1[0..15];', "error Can't assign 16-bit value to 32-bit destination."],
    // A lexical error where the parser stands wins over a problem found there.
    ['reg0 = reg1[0..15] @;', "error `@' must be followed by a valid identifier."],
    ['outport = reg5;', "error Can't assign integer field (reg5) to string field (outport)."],
    ['reg5 = inport;', "error Can't assign string field (inport) to integer field (reg5)."],
    ['ip.proto = reg0[8..15];', 'error Field ip.proto is not modifiable.'],
    ['reg0[0] = ip4;', 'error Predicate symbol ip4 used where lvalue required.'],
    // Reading a read-only field is fine.
    ['reg0[0..7] = ip.proto;', 'ok reg0[0..7] = ip.proto; [prereqs: ip]'],
  ]);
  table(
    [
      [
        'outport = big_string;',
        'error String fields outport and big_string are incompatible for assignment.',
      ],
      ['big_string = "lsp";', 'ok big_string = "lsp";'],
      // A field whose own prerequisites are broken can't be used.
      [
        'bad_prereq = 123;',
        "error Error parsing expression `xyzzy' encountered as prerequisite or predicate of " +
          "initial expression: Syntax error at `xyzzy' expecting field name.",
      ],
      [
        'self_recurse = 123;',
        "error Error parsing expression `self_recurse != 0' encountered as prerequisite or " +
          "predicate of initial expression: Error parsing expression `self_recurse != 0' " +
          'encountered as prerequisite or predicate of initial expression: Recursive expansion ' +
          "of symbol `self_recurse'.",
      ],
    ],
    { ...env, symbols: testSymbols.value },
  );
});

describe('exchanging fields', () => {
  table([
    ['reg2 <-> reg3;', 'ok reg2 <-> reg3;'],
    ['vlan.pcp <-> reg0[0..2];', 'ok vlan.pcp <-> reg0[0..2]; [prereqs: vlan.present]'],
    ['inport <-> outport;', 'ok inport <-> outport;'],
    ['reg0 <-> reg1[0..7];', "error Can't exchange 32-bit field with 8-bit field."],
    ['inport <-> reg1;', "error Can't exchange string field (inport) with integer field (reg1)."],
    ['reg1 <-> inport;', "error Can't exchange integer field (reg1) with string field (inport)."],
    ['ip.proto <-> reg0[0..7];', 'error Field ip.proto is not modifiable.'],
    // Unlike a copy, a swap writes its right side too.
    ['reg0[0..7] <-> ip.proto;', 'error Field ip.proto is not modifiable.'],
  ]);
  table(
    [
      [
        'inport <-> big_string;',
        'error String fields inport and big_string are incompatible for exchange.',
      ],
    ],
    { ...env, symbols: testSymbols.value },
  );
});

describe('push and pop', () => {
  table([
    ['push(xxreg1); pop(xxreg1);', 'ok push(xxreg1); pop(xxreg1);'],
    ['push(reg0[3..9]);pop(reg1[0..6]);', 'ok push(reg0[3..9]); pop(reg1[0..6]);'],
    ['push(eth.type);', 'ok push(eth.type);'],
    ['pop(eth.type);', 'error Field eth.type is not modifiable.'],
    ['push(zzz);', "error Syntax error at `zzz' expecting field name."],
    ['push reg0;', "error Syntax error at `reg0' expecting `('."],
  ]);
});

describe('ip.ttl--', () => {
  table([
    ['ip.ttl--;', 'ok ip.ttl--; [prereqs: ip]'],
    ['ip.ttl', "error Syntax error at end of input expecting `--'."],
    ['ip.ttl++;', "error Invalid character `+' in input."],
  ]);
});

describe('syntax errors', () => {
  table([
    [';', "error Syntax error at `;'."],
    ['frobnicate;', "error Syntax error at `frobnicate' expecting action."],
    ['output; 42;', "error Syntax error at `42'."],
    ['output; frob;', "error Syntax error at `frob' expecting action."],
    ['pkt.mark;', "error Syntax error at `pkt.mark' expecting action."],
    ['output', "error Syntax error at end of input expecting `;'."],
    ['^tmpl;', 'error Unexpanded template.'],
    ['output; /* a comment */ next;', 'ok output; next;'],
    ['"unterminated', 'error Input ends inside quoted string.'],
  ]);
});
