// Benchmark of the match pipeline (`pnpm bench:expr`).
//
// 1. Throughput: logical-flow matches parsed, annotated and compiled to datapath matches per
//    second, over a mix like the one northd produces for a logical switch and router: port
//    security, ACLs over port groups and 1,000-address sets, routes, ARP/ND responders.
// 2. Flow counts for an ACL over two large address sets and a port group, with and without
//    conjunctive matches.
//
// Prints a table, then, as the last line, one JSON object with the figures.
// Addresses come from a seeded generator, so runs are comparable. Random addresses are the worst
// case for the compiler's merging of adjacent values (contiguous subnets compress much better).

import { flowCount, resolveEnv } from '../compile.js';
import { compileMatch, type MatchEnv, parseExpr } from '../match.js';
import { normalize } from '../normalize.js';
import { simplify } from '../simplify.js';
import { ovnSymbolTable } from '../symbols.js';
import { formatIpv4, formatMac } from '../values.js';
import { benchActions, formatActionBench } from './actions-bench.js';

/** Deterministic 32-bit generator (mulberry32). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

function addressSet(n: number, seed: number): string[] {
  const next = rng(seed);
  const seen = new Set<number>();
  const out: string[] = [];
  while (out.length < n) {
    // 10.0.0.0/8, like tenant addresses.
    const v = (0x0a000000 | (next() & 0x00ffffff)) >>> 0;
    if (seen.has(v)) continue;
    seen.add(v);
    out.push(formatIpv4(BigInt(v)));
  }
  return out;
}

const N_PORTS = 200;
const ports: Record<string, number> = {};
for (let i = 1; i <= N_PORTS; i++) ports[`lp${i}`] = i;
const mac = (i: number) => formatMac(0x0a0000000000n + BigInt(i));
const ip = (i: number) => formatIpv4(0x0a000000n + BigInt(i));

const env: MatchEnv = {
  ports,
  addressSets: {
    as1000a: addressSet(1000, 1),
    as1000b: addressSet(1000, 2),
    as1000c: addressSet(1000, 3),
    as100a: addressSet(100, 4),
    as100b: addressSet(100, 5),
  },
  portGroups: {
    pg10: Array.from({ length: 10 }, (_, i) => `lp${i + 1}`),
    pg50: Array.from({ length: 50 }, (_, i) => `lp${i + 1}`),
  },
  isChassisResident: (p) => p.endsWith('1'),
};

/** The mix: category → match texts, roughly in the proportions of a port-heavy switch. */
function workload(): Record<string, string[]> {
  const portSecurity: string[] = [];
  const acls: string[] = [];
  const routes: string[] = [];
  const responders: string[] = [];
  for (let i = 1; i <= N_PORTS; i++) {
    const lp = `"lp${i}"`;
    portSecurity.push(
      `inport == ${lp} && eth.src == {${mac(i)}}`,
      `inport == ${lp} && eth.src == ${mac(i)} && ip4.src == {${ip(i)}}`,
      `inport == ${lp} && eth.src == ${mac(i)} && arp.sha == ${mac(i)} && arp.spa == {${ip(i)}}`,
      `inport == ${lp} && eth.src == ${mac(i)} && ip6 && nd && ((nd.sll == 00:00:00:00:00:00 || nd.sll == ${mac(i)}) || nd.tll == ${mac(i)})`,
      `outport == ${lp} && eth.dst == {${mac(i)}}`,
    );
    responders.push(
      `arp.tpa == ${ip(i)} && arp.op == 1 && inport == ${lp}`,
      `nd_ns && ip6.dst == {fe80::800:ff:fe00:${i.toString(16)}, ff02::1:ff00:${i.toString(16)}} && nd.target == fe80::800:ff:fe00:${i.toString(16)}`,
    );
    routes.push(
      `ip4.dst == 10.${i}.0.0/16`,
      `reg7 == 0 && ip4.dst == 172.16.${i}.0/24`,
      `ip6.dst == 2001:db8:${i.toString(16)}::/48`,
    );
  }
  for (let k = 0; k < 20; k++) {
    acls.push(
      'outport == @pg50 && ip4 && ip4.src == $as1000a && tcp.dst == 22',
      'inport == @pg10 && ip4 && ip4.dst == $as1000b && udp.dst == {53, 123}',
      'outport == @pg50 && ip4 && ip4.src == $as100a && tcp.dst >= 1024 && tcp.dst <= 2047',
      '(ct.new && !ct.inv) && outport == @pg10 && ip4.src == $as1000c',
      'ct.est && !ct.rel && !ct.new && !ct.inv && ct.rpl && ct_mark.blocked == 0',
      'inport == @pg10 && ip4 && icmp4',
    );
  }
  return { 'port security': portSecurity, ACLs: acls, routes, 'ARP/ND responders': responders };
}

interface Row {
  category: string;
  matches: number;
  datapathFlows: number;
  seconds: number;
  perSecond: number;
}

/** Compiles every text `rounds` times; the rate is that of the fastest round (least disturbed). */
function run(category: string, texts: string[], rounds: number): Row {
  let flows = 0;
  let best = Number.POSITIVE_INFINITY;
  for (let r = 0; r < rounds; r++) {
    const t0 = process.hrtime.bigint();
    for (const t of texts) {
      const c = compileMatch(t, env);
      if (!c.ok) throw new Error(`${t}: ${c.error.message}`);
      if (r === 0) flows += flowCount(c.value);
    }
    best = Math.min(best, Number(process.hrtime.bigint() - t0) / 1e9);
  }
  return {
    category,
    matches: texts.length,
    datapathFlows: flows,
    seconds: best,
    perSecond: texts.length / best,
  };
}

/**
 * Flows the compiler emits without conjunctions, counted without building them (the cross
 * product of two 1,000-address sets is a million flows): per normalized clause, after resolving
 * port names, the product of its fields' set sizes.
 */
function crossProductFlows(text: string): number {
  const e = parseExpr(text, env);
  if (!e.ok) throw new Error(e.error.message);
  const n = normalize(simplify(resolveEnv(e.value, env, ovnSymbolTable)), ovnSymbolTable);
  if (!n.ok) throw new Error(n.error.message);
  let total = 0;
  for (const c of n.value) {
    let p = 1;
    for (const set of c.fields.values()) p *= set.length;
    total += p;
  }
  return total;
}

function main(): void {
  const load = workload();
  // Warm up the JIT and the address-set cache.
  for (const texts of Object.values(load)) run('warmup', texts, 1);

  const rows: Row[] = [];
  for (const [category, texts] of Object.entries(load)) {
    rows.push(run(category, texts, category === 'ACLs' ? 3 : 5));
  }
  const all = Object.values(load).flat();
  rows.push(run('mix (all of the above)', all, 3));

  console.log(
    'Match compilation throughput (parse + annotate + normalize + compile), best of rounds',
  );
  console.log(
    `${'category'.padEnd(24)} ${'matches'.padStart(8)} ${'dp flows'.padStart(9)} ${'matches/s'.padStart(11)} ${'dp flows/s'.padStart(11)}`,
  );
  for (const r of rows) {
    const dps = Math.round(r.datapathFlows / r.seconds);
    console.log(
      `${r.category.padEnd(24)} ${String(r.matches).padStart(8)} ${String(r.datapathFlows).padStart(9)} ${Math.round(r.perSecond).toString().padStart(11)} ${String(dps).padStart(11)}`,
    );
  }

  // Flow counts for ACLs over large sets.
  const cases = [
    ['ip4.src == $as1000a && ip4.dst == $as1000b', 'two 1,000-address sets'],
    ['outport == @pg10 && ip4.src == $as1000a && ip4.dst == $as1000b', '… and a 10-port group'],
    [
      'outport == @pg50 && ip4.src == $as1000a && tcp.dst == {22, 80, 443}',
      '1,000 addresses, 50 ports, 3 tcp ports',
    ],
  ] as const;
  // Sanity check of the cross-product count on a size we can afford to materialize.
  const small = 'ip4.src == $as100a && ip4.dst == $as100b && outport == @pg10';
  const smallCross = compileMatch(small, env, { conjunctions: false });
  if (!smallCross.ok || flowCount(smallCross.value) !== crossProductFlows(small)) {
    throw new Error('cross-product flow count does not match the compiler');
  }

  console.log('');
  console.log('Datapath flows for one ACL match');
  console.log(
    `${'match'.padEnd(40)} ${'conjunctive'.padStart(12)} ${'cross product'.padStart(14)} ${'compile ms'.padStart(11)}`,
  );
  const flowFigures: Record<
    string,
    { conjunctive: number; crossProduct: number; compileMs: number }
  > = {};
  for (const [text, label] of cases) {
    const t0 = process.hrtime.bigint();
    const c = compileMatch(text, env, { conjunctions: 'always' });
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    if (!c.ok) throw new Error(c.error.message);
    const conj = flowCount(c.value);
    const cross = crossProductFlows(text);
    flowFigures[label] = {
      conjunctive: conj,
      crossProduct: cross,
      compileMs: Math.round(ms * 10) / 10,
    };
    console.log(
      `${label.padEnd(40)} ${String(conj).padStart(12)} ${String(cross).padStart(14)} ${ms.toFixed(1).padStart(11)}`,
    );
  }

  // Actions: parse + validate (+ canonical formatting) of a northd-like action mix.
  const actionFigures = benchActions();
  console.log('');
  for (const line of formatActionBench(actionFigures)) console.log(line);

  const figures = {
    throughput: Object.fromEntries(
      rows.map((r) => [
        r.category,
        {
          matches: r.matches,
          datapathFlows: r.datapathFlows,
          matchesPerSecond: Math.round(r.perSecond),
          datapathFlowsPerSecond: Math.round(r.datapathFlows / r.seconds),
        },
      ]),
    ),
    flows: flowFigures,
    actions: actionFigures,
  };
  console.log(JSON.stringify(figures));
}

main();
