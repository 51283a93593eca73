// Action section of the expr benchmark: action lists parsed and validated per second over a mix
// like the one northd produces (switch and router pipelines), and with canonical formatting.

import type { ActionEnv } from '../actions/index.js';
import { formatActions, parseActions } from '../actions/index.js';

/** Typical logical-flow actions, roughly in the proportions a switch and a router produce. */
export const ACTION_MIX: readonly string[] = [
  'next;',
  'reg0[0] = 1; next;',
  'outport = "lp17"; output;',
  'ct_next;',
  'ct_commit { ct_mark.blocked = 0; }; next;',
  'ct_lb_mark(backends=10.0.0.2:80,10.0.0.3:80,10.0.0.4:80);',
  'reg8[16] = 1; next;',
  'log(name="acl-42", verdict=allow, severity=info); next;',
  'eth.dst = eth.src; eth.src = 0a:00:00:00:00:01; arp.op = 2; arp.tha = arp.sha; ' +
    'arp.sha = 0a:00:00:00:00:01; arp.tpa = arp.spa; arp.spa = 10.0.0.1; outport = inport; ' +
    'flags.loopback = 1; output;',
  'ip.ttl--; reg8[0..15] = 0; reg0 = ip4.dst; reg1 = 10.0.0.1; eth.src = 0a:00:00:00:00:01; ' +
    'outport = "lrp0"; flags.loopback = 1; next;',
  'reg0[3] = put_dhcp_opts(offerip = 10.0.0.5, router = 10.0.0.1, netmask = 255.255.255.0, ' +
    'lease_time = 3600, server_id = 10.0.0.1, dns_server = {8.8.8.8, 8.8.4.4}); next;',
  'arp { eth.dst = ff:ff:ff:ff:ff:ff; arp.spa = reg1; arp.tpa = reg0; arp.op = 1; output; };',
  'get_arp(outport, reg0); next;',
  'reg9[2] = lookup_arp(inport, arp.spa, arp.sha); next;',
  'drop;',
];

export interface ActionBenchFigures {
  readonly actionLists: number;
  readonly meanChars: number;
  readonly parsedPerSecond: number;
  readonly parsedAndFormattedPerSecond: number;
}

function rate(seconds: number, f: (text: string) => void): number {
  let n = 0;
  const t0 = process.hrtime.bigint();
  let elapsed = 0;
  do {
    for (const text of ACTION_MIX) f(text);
    n += ACTION_MIX.length;
    elapsed = Number(process.hrtime.bigint() - t0) / 1e9;
  } while (elapsed < seconds);
  return n / elapsed;
}

/**
 * Runs the action section (about 7 × `seconds`) and returns its figures: the best of three
 * alternating runs each, since a shared machine's noise only ever slows a run down.
 */
export function benchActions(seconds = 1): ActionBenchFigures {
  const env: ActionEnv = { table: 10 };
  const parse = (text: string) => {
    const r = parseActions(text, env);
    if (!r.ok) throw new Error(`${text}: ${r.error.message}`);
    return r.value;
  };
  const parseAndFormat = (t: string) => formatActions(parse(t).actions);
  rate(seconds, parseAndFormat); // warm-up
  let parsed = 0;
  let formatted = 0;
  for (let i = 0; i < 3; i++) {
    parsed = Math.max(parsed, rate(seconds, parse));
    formatted = Math.max(formatted, rate(seconds, parseAndFormat));
  }
  return {
    actionLists: ACTION_MIX.length,
    meanChars: Math.round(ACTION_MIX.reduce((n, t) => n + t.length, 0) / ACTION_MIX.length),
    parsedPerSecond: Math.round(parsed),
    parsedAndFormattedPerSecond: Math.round(formatted),
  };
}

/** Table lines for the benchmark's report. */
export function formatActionBench(f: ActionBenchFigures): string[] {
  return [
    `Action parsing throughput (${f.actionLists} typical action lists, ${f.meanChars} chars on average)`,
    `${'parse + validate'.padEnd(32)} ${String(f.parsedPerSecond).padStart(9)} lists/s`,
    `${'parse + validate + format'.padEnd(32)} ${String(f.parsedAndFormattedPerSecond).padStart(9)} lists/s`,
  ];
}
