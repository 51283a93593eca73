// MAC binding and FDB actions: argument types and widths, result fields, prerequisites of the
// fields used as arguments.

import { describe, expect, it } from 'vitest';
import { roundTripProblem, show } from './test-cases.js';

function table(cases: readonly (readonly [string, string])[]) {
  it.each(cases)('%s', (input, expected) => {
    expect(show(input)).toBe(expected);
    expect(roundTripProblem(input)).toBeUndefined();
  });
}

describe('get_arp and get_nd', () => {
  table([
    ['get_arp(outport, ip4.dst);', 'ok get_arp(outport, ip4.dst); [prereqs: ip4]'],
    ['get_arp(inport, reg2);', 'ok get_arp(inport, reg2);'],
    ['get_nd(outport, ip6.dst);', 'ok get_nd(outport, ip6.dst); [prereqs: ip6]'],
    ['get_nd(inport, xxreg1);', 'ok get_nd(inport, xxreg1);'],
    ['get_arp;', "error Syntax error at `;' expecting `('."],
    ['get_arp();', "error Syntax error at `)' expecting field name."],
    ['get_arp(outport);', "error Syntax error at `)' expecting `,'."],
    ['get_arp(outport ip4.dst);', "error Syntax error at `ip4.dst' expecting `,'."],
    ['get_arp(outport, ip4.dst;', "error Syntax error at `;' expecting `)'."],
    // An Ethernet address is not an IPv4 address.
    [
      'get_arp(outport, eth.src);',
      'error Cannot use 48-bit field eth.src[0..47] where 32-bit field is required.',
    ],
    [
      'get_arp(outport, inport);',
      'error Cannot use string field inport where numeric field is required.',
    ],
    [
      'get_arp(reg1, ip4.dst);',
      'error Cannot use numeric field reg1 where string field is required.',
    ],
    [
      'get_nd(outport, ip4.dst);',
      'error Cannot use 32-bit field ip4.dst[0..31] where 128-bit field is required.',
    ],
    [
      'get_nd(reg0, ip6.dst);',
      'error Cannot use numeric field reg0 where string field is required.',
    ],
  ]);
});

describe('put_arp and put_nd', () => {
  table([
    ['put_arp(inport, arp.spa, arp.sha);', 'ok put_arp(inport, arp.spa, arp.sha); [prereqs: arp]'],
    [
      'put_nd(inport, nd.target, nd.tll);',
      'ok put_nd(inport, nd.target, nd.tll); [prereqs: nd && nd_na]',
    ],
    ['put_arp(inport, arp.spa);', "error Syntax error at `)' expecting `,'."],
    [
      'put_arp(inport, arp.spa, arp.tpa);',
      'error Cannot use 32-bit field arp.tpa[0..31] where 48-bit field is required.',
    ],
  ]);
});

describe('lookup_arp and lookup_nd', () => {
  table([
    [
      'reg0[0] = lookup_arp(inport, ip4.src, eth.src);',
      'ok reg0[0] = lookup_arp(inport, ip4.src, eth.src); [prereqs: ip4]',
    ],
    [
      'reg2[3] = lookup_arp(inport, arp.spa, arp.sha);',
      'ok reg2[3] = lookup_arp(inport, arp.spa, arp.sha); [prereqs: arp]',
    ],
    [
      'reg1[0] = lookup_nd(inport, ip6.src, eth.src);',
      'ok reg1[0] = lookup_nd(inport, ip6.src, eth.src); [prereqs: ip6]',
    ],
    [
      'reg1[0] = lookup_nd(inport, nd.target, nd.sll);',
      'ok reg1[0] = lookup_nd(inport, nd.target, nd.sll); [prereqs: nd && nd_ns]',
    ],
    ['lookup_arp;', "error Syntax error at `lookup_arp' expecting action."],
    // Without `(`, the name reads as a field.
    ['reg0[0] = lookup_arp;', "error Syntax error at `lookup_arp' expecting field name."],
    ['reg0[0] = lookup_arp();', "error Syntax error at `)' expecting field name."],
    ['reg0[0] = lookup_arp(inport);', "error Syntax error at `)' expecting `,'."],
    ['reg0[0] = lookup_arp(inport, ip4.src;', "error Syntax error at `;' expecting `,'."],
    ['reg0[0] = lookup_arp(inport, ip4.src, eth.src;', "error Syntax error at `;' expecting `)'."],
    [
      'reg0 = lookup_arp(inport, ip4.src, eth.src);',
      'error Cannot use 32-bit field reg0[0..31] where 1-bit field is required.',
    ],
    [
      'reg0[0] = lookup_arp(inport, ip4.src, ip4.dst);',
      'error Cannot use 32-bit field ip4.dst[0..31] where 48-bit field is required.',
    ],
    [
      'reg0[0] = lookup_nd(inport, ip6.src, ip6.dst);',
      'error Cannot use 128-bit field ip6.dst[0..127] where 48-bit field is required.',
    ],
    [
      'ip.proto[0] = lookup_arp(inport, ip4.src, eth.src);',
      'error Cannot select subfield of nominal field ip.proto.',
    ],
    [
      'eth.type = lookup_arp(inport, ip4.src, eth.src);',
      'error Cannot use 16-bit field eth.type[0..15] where 1-bit field is required.',
    ],
  ]);
});

describe('lookup_arp_ip and lookup_nd_ip', () => {
  table([
    [
      'reg0[0] = lookup_arp_ip(inport, ip4.dst);',
      'ok reg0[0] = lookup_arp_ip(inport, ip4.dst); [prereqs: ip4]',
    ],
    [
      'reg4[1] = lookup_arp_ip(inport, arp.tpa);',
      'ok reg4[1] = lookup_arp_ip(inport, arp.tpa); [prereqs: arp]',
    ],
    [
      'reg0[0] = lookup_nd_ip(inport, ip6.dst);',
      'ok reg0[0] = lookup_nd_ip(inport, ip6.dst); [prereqs: ip6]',
    ],
    ['reg0[0] = lookup_arp_ip;', "error Syntax error at `lookup_arp_ip' expecting field name."],
    [
      'reg0[0] = lookup_arp_ip(inport, ip4.dst, eth.src);',
      "error Syntax error at `,' expecting `)'.",
    ],
    [
      'reg0[0] = lookup_nd_ip(inport, ip4.src);',
      'error Cannot use 32-bit field ip4.src[0..31] where 128-bit field is required.',
    ],
  ]);
});

describe('chk_evpn_arp', () => {
  table([
    ['reg0[0] = chk_evpn_arp(arp.tpa);', 'ok reg0[0] = chk_evpn_arp(arp.tpa); [prereqs: arp]'],
    ['reg0[1] = chk_evpn_arp(ip6.dst);', 'ok reg0[1] = chk_evpn_arp(ip6.dst); [prereqs: ip6]'],
    [
      'reg0[0] = chk_evpn_arp(eth.src);',
      'error chk_evpn_arp requires a 32-bit or 128-bit IP field',
    ],
    [
      'reg0 = chk_evpn_arp(arp.tpa);',
      'error Cannot use 32-bit field reg0[0..31] where 1-bit field is required.',
    ],
    ['reg0[0] = chk_evpn_arp(arp.tpa, ip4.src);', "error Syntax error at `,' expecting `)'."],
  ]);
});

describe('FDB', () => {
  table([
    ['put_fdb(inport, eth.src);', 'ok put_fdb(inport, eth.src);'],
    ['put_fdb(inport, arp.sha);', 'ok put_fdb(inport, arp.sha); [prereqs: arp]'],
    [
      'put_fdb(inport, ip4.src);',
      'error Cannot use 32-bit field ip4.src[0..31] where 48-bit field is required.',
    ],
    ['outport = get_fdb(eth.dst);', 'ok outport = get_fdb(eth.dst);'],
    ['inport = get_fdb(arp.tha);', 'ok inport = get_fdb(arp.tha); [prereqs: arp]'],
    ['reg5 = get_fdb(eth.src);', 'ok reg5 = get_fdb(eth.src);'],
    ['reg1 = get_remote_fdb(eth.dst);', 'ok reg1 = get_remote_fdb(eth.dst);'],
    [
      'reg0[4..6] = get_fdb(eth.src);',
      'error Cannot use 3-bit field reg0[4..6] where 32-bit field is required.',
    ],
    [
      'outport = get_fdb(ip6.dst);',
      'error Cannot use 128-bit field ip6.dst[0..127] where 48-bit field is required.',
    ],
    ['reg0[0] = lookup_fdb(inport, eth.src);', 'ok reg0[0] = lookup_fdb(inport, eth.src);'],
    [
      'reg1[4] = lookup_fdb(outport, arp.sha);',
      'ok reg1[4] = lookup_fdb(outport, arp.sha); [prereqs: arp]',
    ],
    [
      'reg1 = lookup_fdb(outport, eth.dst);',
      'error Cannot use 32-bit field reg1[0..31] where 1-bit field is required.',
    ],
    [
      'outport = lookup_fdb(outport, eth.dst);',
      'error Cannot use string field outport where numeric field is required.',
    ],
    [
      'reg1[1] = lookup_fdb(eth.src, eth.src);',
      'error Cannot use numeric field eth.src where string field is required.',
    ],
  ]);
});
