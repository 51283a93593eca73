// Property tests: canonical text is a fixed point. For generated action lists (valid by
// construction) and for random token soup (mostly invalid), parsing never throws, and whatever
// parses formats to text that parses back to an equal tree, with format idempotent.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatIpv4, formatIpv6, formatMac } from '../values.js';
import { parseActions } from './parse-actions.js';
import { roundTripProblem } from './test-cases.js';

const env = { table: 5 };

/** Writable numeric fields by width. */
const FIELDS: readonly (readonly [string, number])[] = [
  ['reg0', 32],
  ['reg7', 32],
  ['xreg2', 64],
  ['xxreg1', 128],
  ['eth.src', 48],
  ['eth.dst', 48],
  ['ip4.dst', 32],
  ['ip6.src', 128],
  ['tcp.dst', 16],
  ['udp.src', 16],
  ['vlan.pcp', 3],
  ['pkt.mark', 32],
  ['ip.ttl', 8],
  ['arp.sha', 48],
];

const space = fc.constantFrom('', ' ', '  ');

const bits = (w: number) => fc.bigInt({ min: 0n, max: (1n << BigInt(w)) - 1n });

/** A field or a bit range of a register, with its width. */
const fieldRef: fc.Arbitrary<[string, number]> = fc.oneof(
  fc.constantFrom(...FIELDS).map(([n, w]) => [n, w] as [string, number]),
  fc
    .tuple(
      fc.integer({ min: 0, max: 9 }),
      fc.integer({ min: 0, max: 31 }),
      fc.integer({ min: 0, max: 31 }),
    )
    .map(([r, a, b]): [string, number] => {
      const lo = Math.min(a, b);
      const hi = Math.max(a, b);
      return [lo === hi ? `reg${r}[${lo}]` : `reg${r}[${lo}..${hi}]`, hi - lo + 1];
    }),
);

/** A constant that fits a field of width `w` (OVN checks against the whole symbol's width). */
function constantFor(name: string, w: number): fc.Arbitrary<string> {
  const symbolWidth = name.startsWith('reg') ? 32 : w;
  const options: fc.Arbitrary<string>[] = [
    bits(Math.min(symbolWidth, 64)).map(String),
    bits(symbolWidth).map((v) => `0x${v.toString(16)}`),
    fc
      .tuple(bits(symbolWidth), bits(symbolWidth))
      .map(([v, m]) => `0x${v.toString(16)}/0x${m.toString(16)}`),
  ];
  if (symbolWidth >= 32) options.push(bits(32).map(formatIpv4));
  if (symbolWidth >= 48) options.push(bits(48).map(formatMac));
  if (symbolWidth >= 128) {
    options.push(bits(128).map(formatIpv6));
    options.push(
      fc
        .tuple(bits(128), fc.integer({ min: 0, max: 128 }))
        .map(([v, p]) => `${formatIpv6(v)}/${p}`),
    );
  }
  if (symbolWidth === 32 && !name.startsWith('reg')) {
    options.push(
      fc.tuple(bits(32), fc.integer({ min: 0, max: 32 })).map(([v, p]) => `${formatIpv4(v)}/${p}`),
    );
  }
  return fc.oneof(...options);
}

const load = fieldRef.chain(([n, w]) =>
  fc.tuple(space, constantFor(n, w)).map(([s, c]) => `${n}${s}=${s}${c};`),
);

/** Two register ranges of equal width, copied or swapped. */
const moveOrSwap = fc
  .tuple(
    fc.integer({ min: 1, max: 32 }),
    fc.integer({ min: 0, max: 9 }),
    fc.integer({ min: 0, max: 9 }),
    fc.nat(31),
    fc.nat(31),
    fc.constantFrom('=', '<->'),
  )
  .map(([w, r1, r2, o1, o2, op]) => {
    const a = Math.min(o1, 32 - w);
    const b = Math.min(o2, 32 - w);
    const ref = (r: number, o: number) =>
      w === 32 ? `reg${r}` : w === 1 ? `reg${r}[${o}]` : `reg${r}[${o}..${o + w - 1}]`;
    return `${ref(r1, a)} ${op} ${ref(r2, b)};`;
  });

const ip4 = bits(32).map(formatIpv4);
const ip6 = bits(128).map(formatIpv6);
const port = fc.integer({ min: 1, max: 65535 });

const backend = fc.oneof(
  ip4,
  fc.tuple(ip4, port).map(([ip, p]) => `${ip}:${p}`),
  ip6,
  fc.tuple(ip6, port).map(([ip, p]) => `[${ip}]:${p}`),
);

const simpleActions = fc.oneof(
  fc.constantFrom(
    'output;',
    'next;',
    'ip.ttl--;',
    'ct_next;',
    'ct_next(snat);',
    'ct_clear;',
    'ct_commit;',
    'ct_commit_nat;',
    'ct_commit_to_zone(snat);',
    'ct_dnat;',
    'ct_snat_in_czone;',
    'igmp;',
    'handle_dhcpv6_reply;',
    'handle_bfd_msg();',
    'ct_snat_to_vip;',
    'mac_cache_use;',
    'flood_remote;',
    'reg0[0] = dns_lookup();',
    'reg1[3] = chk_lb_hairpin();',
    'reg4 = ct_nw_dst();',
    'xxreg1 = ct_ip6_dst();',
    'get_arp(outport, reg0);',
    'put_nd(inport, nd.target, nd.sll);',
    'reg0[1] = lookup_arp(inport, arp.spa, arp.sha);',
    'reg0[1] = lookup_nd_ip(inport, ip6.dst);',
    'put_fdb(inport, eth.src);',
    'outport = get_fdb(eth.dst);',
    'reg0[11] = lookup_fdb(inport, eth.src);',
    'handle_svc_check(inport);',
    'bind_vport("vp", inport);',
    'commit_ecmp_nh(ipv6 = true, proto = udp);',
    'mirror("m");',
    'inport = "";',
    'outport = "lsp-a";',
  ),
  fc.integer({ min: 0, max: 34 }).map((n) => `next(${n});`),
  fc.integer({ min: 0, max: 15 }).map((n) => `next(pipeline=egress, table=${n});`),
  fc.integer({ min: 0, max: 61440 }).map((n) => `set_queue(${n});`),
  fc.tuple(fc.integer({ min: 1, max: 1e9 }), fc.nat(1e9)).map(([r, b]) => `set_meter(${r}, ${b});`),
  fc.integer({ min: 0, max: 65535 }).map((n) => `reg0[3] = check_pkt_larger(${n});`),
  fc
    .tuple(
      fc.constantFrom('ct_dnat', 'ct_snat', 'ct_dnat_in_czone', 'ct_snat_in_czone'),
      fc.oneof(ip4, ip6),
      fc.option(
        fc.tuple(fc.integer({ min: 1, max: 60000 }), fc.option(fc.integer({ min: 1, max: 5000 }))),
      ),
    )
    .map(([name, ip, range]) => {
      if (!range) return `${name}(${ip});`;
      const [lo, extra] = range;
      return extra === null ? `${name}(${ip}, ${lo});` : `${name}(${ip}, ${lo}-${lo + extra});`;
    }),
  fc
    .tuple(
      fc.array(backend, { minLength: 1, maxLength: 4 }),
      fc.option(fc.constantFrom('ip_src,ip_dst', 'eth_src')),
      fc.option(fc.constantFrom('skip_snat', 'force_snat')),
    )
    .map(([bs, hash, flag]) => {
      let s = `ct_lb_mark(backends=${bs.join(',')}`;
      if (hash !== null) s += `; hash_fields="${hash}"`;
      if (flag !== null) s += `; ${flag}`;
      return `${s});`;
    }),
  fc
    .tuple(
      fc.array(fc.tuple(fc.nat(65535), fc.option(fc.integer({ min: 1, max: 65535 }))), {
        minLength: 2,
        maxLength: 4,
      }),
      fc.boolean(),
    )
    .map(([members, hash]) => {
      const list = members.map(([id, w]) => (w === null ? `${id}` : `${id}=${w}`)).join(', ');
      return hash
        ? `reg8[16..31] = select(values=(${list}); hash_fields="ip_src");`
        : `reg8[16..31] = select(${list});`;
    }),
  fc
    .tuple(
      fc.constantFrom('allow', 'drop', 'reject', 'pass'),
      fc.option(fc.constantFrom('alert', 'warning', 'notice', 'info', 'debug')),
      fc.option(fc.string({ maxLength: 10 })),
    )
    .map(([v, s, n]) => {
      const args = [`verdict=${v}`];
      if (s !== null) args.push(`severity=${s}`);
      if (n !== null) args.push(`name=${JSON.stringify(n)}`);
      return `log(${args.join(', ')});`;
    }),
  fc
    .tuple(
      fc.integer({ min: 1, max: 65535 }),
      fc.nat(1000),
      fc.nat(255),
      fc.oneof(fc.nat(100000).map(String), fc.constantFrom('$cookie', 'reg3')),
    )
    .map(
      ([p, c, d, o]) =>
        `sample(probability=${p}, collector_set=${c}, obs_domain=${d}, obs_point=${o});`,
    ),
  fc
    .tuple(
      ip4,
      ip4,
      fc.array(ip4, { minLength: 1, maxLength: 3 }),
      fc.integer({ min: 68, max: 9000 }),
    )
    .map(
      ([offer, router, dns, mtu]) =>
        `reg0[3] = put_dhcp_opts(offerip = ${offer}, router = ${router}, dns_server = {${dns.join(', ')}}, mtu = ${mtu}, domain_name = "x.test");`,
    ),
  fc
    .tuple(
      fc.constantFrom(0, 1, 2).map((i) => ['ct_mark', 'ct_label', 'ct_mark.blocked'][i]!),
      fc.nat(1),
    )
    .map(([f, v]) => `ct_commit { ${f} = ${v}; };`),
);

const actionList: fc.Arbitrary<string> = fc.letrec((tie) => ({
  list: fc
    .array(tie('action') as fc.Arbitrary<string>, { minLength: 1, maxLength: 4 })
    .map((xs) => xs.join(' ')),
  action: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    load,
    moveOrSwap,
    simpleActions,
    fc
      .tuple(
        fc.constantFrom('clone', 'arp', 'icmp4', 'nd_na', 'tcp_reset', 'reject'),
        tie('list') as fc.Arbitrary<string>,
      )
      .map(([name, inner]) => `${name} { ${inner} };`),
  ),
})).list;

describe('canonical text round trip', () => {
  it('holds for generated valid action lists', () => {
    fc.assert(
      fc.property(actionList, (text) => {
        const r = parseActions(text, env);
        if (!r.ok) throw new Error(`${text}: ${r.error.message}`);
        expect(roundTripProblem(text, env)).toBeUndefined();
      }),
      { numRuns: 400 },
    );
  });

  const TOKENS = [
    'reg0',
    'reg1[0..7]',
    'eth.dst',
    'inport',
    'outport',
    '"p1"',
    'ip4.src',
    'ct_mark',
    'next',
    'output',
    'drop',
    'clone',
    'arp',
    'ct_commit',
    'ct_lb_mark',
    'backends',
    'select',
    'values',
    'hash_fields',
    'log',
    'verdict',
    'allow',
    'put_dhcp_opts',
    'offerip',
    'router',
    '=',
    '<->',
    '--',
    'ip.ttl',
    ';',
    ',',
    '(',
    ')',
    '{',
    '}',
    '[',
    ']',
    ':',
    '-',
    '..',
    '1',
    '0',
    '80',
    '0x10',
    '10.0.0.1',
    'fe80::1',
    '00:11:22:33:44:55',
    '10.0.0.0/8',
    '$cookie',
    'sample',
    'probability',
    'ct_dnat',
    'lookup_arp',
  ];

  it('holds for whatever random token soup happens to parse, and parsing never throws', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...TOKENS), { maxLength: 14 }), (tokens) => {
        const text = tokens.join(' ');
        const r = parseActions(text, env);
        if (r.ok) expect(roundTripProblem(text, env)).toBeUndefined();
        else expect(r.error.message.length).toBeGreaterThan(0);
      }),
      { numRuns: 3000 },
    );
  });
});
