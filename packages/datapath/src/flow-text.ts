import type { Action, FieldRef, NatSpec } from './actions.js';
import { ref } from './actions.js';
import type { FlowSpec } from './flow-mod.js';
import { PORT_CONTROLLER, PORT_IN_PORT, PORT_LOCAL } from './key-layout.js';
import type { MatchSpec } from './match.js';

/**
 * Flows in ovs-ofctl's text form, for people and tests: parses what `Datapath.dumpFlows` prints
 * (counters are ignored) and the usual add-flow shorthands (`ip`, `tcp`, `actions=1`).
 */

const SHORTHANDS: Record<string, Record<string, number>> = {
  ip: { eth_type: 0x800 },
  ipv6: { eth_type: 0x86dd },
  arp: { eth_type: 0x806 },
  icmp: { eth_type: 0x800, ip_proto: 1 },
  icmp6: { eth_type: 0x86dd, ip_proto: 58 },
  tcp: { eth_type: 0x800, ip_proto: 6 },
  tcp6: { eth_type: 0x86dd, ip_proto: 6 },
  udp: { eth_type: 0x800, ip_proto: 17 },
  udp6: { eth_type: 0x86dd, ip_proto: 17 },
  sctp: { eth_type: 0x800, ip_proto: 132 },
};

/** Splits on commas that are not inside parentheses or brackets. */
function splitTop(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  let quoted = false;
  for (const ch of s) {
    if (ch === '"') quoted = !quoted;
    if (!quoted && (ch === '(' || ch === '[')) depth++;
    if (!quoted && (ch === ')' || ch === ']')) depth--;
    if (ch === ',' && depth === 0 && !quoted) {
      out.push(cur.trim());
      cur = '';
    } else {
      cur += ch;
    }
  }
  if (cur.trim() !== '') out.push(cur.trim());
  return out;
}

function num(text: string, what: string): number {
  const t = text.trim();
  if (!/^(0x[0-9a-f]+|\d+)$/i.test(t)) throw new Error(`${what}: bad number "${text}"`);
  return Number(t);
}

function portNum(text: string): number {
  const t = text.trim().toUpperCase();
  if (t === 'IN_PORT') return PORT_IN_PORT;
  if (t === 'CONTROLLER') return PORT_CONTROLLER;
  if (t === 'LOCAL') return PORT_LOCAL;
  return num(text, 'port');
}

/** "reg0[]" and "reg0[0..15]" as field references. */
function fref(text: string): FieldRef {
  return ref(text.trim().replace(/\[\]$/, ''));
}

function bareValue(v: string): string | number | bigint {
  if (/^0x[0-9a-f]+$/i.test(v)) {
    const b = BigInt(v);
    return b <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(b) : b;
  }
  if (/^\d+$/.test(v)) {
    const b = BigInt(v);
    return b <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(b) : b;
  }
  return v;
}

/** Parses a match ("in_port=1,ip,nw_dst=10.0.0.0/24"). */
export function parseMatchText(text: string): MatchSpec {
  const spec: Record<string, string | number | bigint> = {};
  for (const part of splitTop(text)) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    if (eq < 0) {
      const sh = SHORTHANDS[part];
      if (!sh) throw new Error(`match: unknown keyword "${part}"`);
      Object.assign(spec, sh);
      continue;
    }
    const name = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    spec[name] = bareValue(value);
  }
  return spec;
}

function parseNat(inner: string | undefined): NatSpec {
  if (inner === undefined || inner === '') return {};
  const m = /^(src|dst)=(.+)$/.exec(inner.trim());
  if (!m) throw new Error(`ct: bad nat "${inner}"`);
  const kind = m[1] as 'src' | 'dst';
  let rest = m[2]!;
  // Address range, IPv6 in brackets when a port follows.
  const addr = (): string => {
    if (rest.startsWith('[')) {
      const end = rest.indexOf(']');
      const a = rest.slice(1, end);
      rest = rest.slice(end + 1);
      return a;
    }
    const mm = /^([0-9a-fA-F.:]+?)(?=-|:\d+(-\d+)?$|$)/.exec(rest);
    if (!mm) throw new Error(`ct: bad nat address in "${inner}"`);
    rest = rest.slice(mm[1]!.length);
    return mm[1]!;
  };
  const ipMin = addr();
  let ipMax: string | undefined;
  if (rest.startsWith('-')) {
    rest = rest.slice(1);
    ipMax = addr();
  }
  let portMin: number | undefined;
  let portMax: number | undefined;
  if (rest.startsWith(':')) {
    const pm = /^:(\d+)(?:-(\d+))?$/.exec(rest);
    if (!pm) throw new Error(`ct: bad nat ports in "${inner}"`);
    portMin = Number(pm[1]);
    portMax = pm[2] === undefined ? undefined : Number(pm[2]);
  } else if (rest !== '') {
    throw new Error(`ct: bad nat "${inner}"`);
  }
  return {
    kind,
    ipMin,
    ...(ipMax !== undefined ? { ipMax } : {}),
    ...(portMin !== undefined ? { portMin } : {}),
    ...(portMax !== undefined ? { portMax } : {}),
  };
}

function call(text: string, name: string): string | undefined {
  if (!text.startsWith(`${name}(`) || !text.endsWith(')')) return undefined;
  return text.slice(name.length + 1, -1);
}

function parseAction(t: string): Action {
  if (/^\d+$/.test(t)) return { kind: 'output', port: Number(t) };
  if (t === 'in_port') return { kind: 'output', port: PORT_IN_PORT };
  if (t === 'controller' || t === 'CONTROLLER') return { kind: 'controller' };
  if (t === 'drop') return { kind: 'drop' };
  if (t === 'exit') return { kind: 'exit' };
  if (t === 'pop_vlan') return { kind: 'pop_vlan' };
  if (t === 'ct_clear') return { kind: 'ct_clear' };
  if (t === 'dec_ttl') return { kind: 'dec_ttl', onZero: 'controller' };
  if (t === 'dec_ttl(drop)') return { kind: 'dec_ttl', onZero: 'drop' };
  const colon = t.indexOf(':');
  const head = colon >= 0 ? t.slice(0, colon) : '';
  const arg = colon >= 0 ? t.slice(colon + 1) : '';
  switch (head) {
    case 'output':
      return /^[a-z]/.test(arg) && !/^(in_port|controller|local)$/i.test(arg)
        ? { kind: 'output_field', src: fref(arg) }
        : { kind: 'output', port: portNum(arg) };
    case 'group':
      return { kind: 'group', id: num(arg, 'group') };
    case 'push_vlan':
      return { kind: 'push_vlan', tpid: num(arg, 'push_vlan') };
    case 'set_field': {
      const [v, f] = arg.split('->');
      if (!v || !f) throw new Error(`bad action "${t}"`);
      const slash = v.indexOf('/');
      // A prefix length (10.0.0.0/24) stays in the value text; a "value/mask" pair is split.
      if (slash >= 0 && !/^\d+$/.test(v.slice(slash + 1))) {
        return {
          kind: 'set_field',
          field: f.trim(),
          value: bareValue(v.slice(0, slash)),
          mask: bareValue(v.slice(slash + 1)),
        };
      }
      return { kind: 'set_field', field: f.trim(), value: bareValue(v) };
    }
    case 'load': {
      const [v, d] = arg.split('->');
      if (!v || !d) throw new Error(`bad action "${t}"`);
      return { kind: 'load', dst: fref(d), value: BigInt(v.trim()) };
    }
    case 'move': {
      const [a, b] = arg.split('->');
      if (!a || !b) throw new Error(`bad action "${t}"`);
      return { kind: 'move', src: fref(a), dst: fref(b) };
    }
    case 'swap': {
      const [a, b] = arg.split('<->');
      if (!a || !b) throw new Error(`bad action "${t}"`);
      return { kind: 'swap', a: fref(a), b: fref(b) };
    }
    case 'push':
      return { kind: 'push', src: fref(arg) };
    case 'pop':
      return { kind: 'pop', dst: fref(arg) };
    case 'note':
      return { kind: 'note', text: arg.startsWith('"') ? (JSON.parse(arg) as string) : arg };
  }
  const resub = call(t, 'resubmit');
  if (resub !== undefined) {
    const [p, tb] = resub.split(',');
    if (tb === undefined || tb.trim() === '') throw new Error(`resubmit needs a table: "${t}"`);
    const table = num(tb, 'resubmit');
    return p?.trim() ? { kind: 'resubmit', table, port: portNum(p) } : { kind: 'resubmit', table };
  }
  const ctl = call(t, 'controller');
  if (ctl !== undefined) {
    let reason: string | undefined;
    let userdata: Uint8Array | undefined;
    let pause = false;
    for (const p of splitTop(ctl)) {
      if (p === 'pause') pause = true;
      else if (p.startsWith('reason=')) reason = p.slice(7);
      else if (p.startsWith('userdata='))
        userdata = Uint8Array.from(
          p
            .slice(9)
            .split('.')
            .filter(Boolean)
            .map((h) => Number.parseInt(h, 16)),
        );
      else throw new Error(`controller: unknown option "${p}"`);
    }
    return {
      kind: 'controller',
      ...(reason ? { reason } : {}),
      ...(userdata ? { userdata } : {}),
      ...(pause ? { pause } : {}),
    };
  }
  const drop = call(t, 'drop');
  if (drop !== undefined) return { kind: 'drop', reason: drop };
  const conj = call(t, 'conjunction');
  if (conj !== undefined) {
    const m = /^(\d+),(\d+)\/(\d+)$/.exec(conj.replace(/\s/g, ''));
    if (!m) throw new Error(`bad conjunction "${t}"`);
    return { kind: 'conjunction', id: Number(m[1]), clause: Number(m[2]), nClauses: Number(m[3]) };
  }
  const cl = call(t, 'clone');
  if (cl !== undefined) return { kind: 'clone', actions: parseActionsText(cl) };
  const c = call(t, 'ct');
  if (c !== undefined) {
    let commit = false;
    let zone: number | FieldRef | undefined;
    let table: number | undefined;
    let nat: NatSpec | undefined;
    let exec: Action[] | undefined;
    for (const p of splitTop(c)) {
      if (p === 'commit') commit = true;
      else if (p.startsWith('zone='))
        zone = /^\d+$|^0x/i.test(p.slice(5)) ? num(p.slice(5), 'ct zone') : fref(p.slice(5));
      else if (p.startsWith('table=')) table = num(p.slice(6), 'ct table');
      else if (p === 'nat') nat = {};
      else if (p.startsWith('nat(')) nat = parseNat(call(p, 'nat'));
      else if (p.startsWith('exec(')) exec = parseActionsText(call(p, 'exec') ?? '');
      else throw new Error(`ct: unknown option "${p}"`);
    }
    return {
      kind: 'ct',
      ...(commit ? { commit } : {}),
      ...(zone !== undefined ? { zone } : {}),
      ...(table !== undefined ? { table } : {}),
      ...(nat ? { nat } : {}),
      ...(exec ? { exec } : {}),
    };
  }
  throw new Error(`unknown action "${t}"`);
}

/** Parses an action list ("set_field:10.0.0.1->ip_dst,resubmit(,5)"); "drop" alone is the empty list. */
export function parseActionsText(text: string): Action[] {
  const t = text.trim();
  if (t === 'drop' || t === '') return [];
  return splitTop(t).map(parseAction);
}

/** Parses a flow line as dumpFlows prints it or as ovs-ofctl add-flow takes it. */
export function parseFlowText(line: string): FlowSpec {
  const i = line.search(/(^|[\s,])actions=/);
  if (i < 0) throw new Error(`flow "${line}": no actions=`);
  const head = line.slice(0, i);
  const actionsText = line.slice(line.indexOf('actions=', i) + 'actions='.length);
  let table: number | undefined;
  let priority: number | undefined;
  let cookie: bigint | undefined;
  const rest: string[] = [];
  for (const part of splitTop(head.replace(/,\s+/g, ','))) {
    const [k, v] = part.split('=', 2) as [string, string | undefined];
    if (k === 'table' && v !== undefined) table = num(v, 'table');
    else if (k === 'priority' && v !== undefined) priority = num(v, 'priority');
    else if (k === 'cookie' && v !== undefined) cookie = BigInt(v);
    else if (k === 'n_packets' || k === 'n_bytes' || k === 'duration' || k === 'idle_age') continue;
    else rest.push(part);
  }
  return {
    ...(table !== undefined ? { table } : {}),
    ...(priority !== undefined ? { priority } : {}),
    ...(cookie !== undefined ? { cookie } : {}),
    match: parseMatchText(rest.join(',')),
    actions: parseActionsText(actionsText),
  };
}
