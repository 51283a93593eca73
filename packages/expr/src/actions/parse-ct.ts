// Connection-tracking actions: ct_next, ct_commit_to_zone, ct_commit_nat, ct_dnat/ct_snat and
// their _in_czone forms, ct_lb_mark and ct_lb_mark_local. All of them need an IP packet.
// (`ct_commit { … }` is a nested action: see parse-actions.ts.)

import type {
  Action,
  CtLbAction,
  CtNatName,
  CtZone,
  CtZoneAction,
  IpAddress,
  LbBackend,
} from './ast.js';
import type { ActionParser } from './parser.js';

function requireNextTable(p: ActionParser, name: string): void {
  if (p.env.table >= p.env.tableCount) p.error(`"${name}" action not allowed in last table.`);
}

function zoneArgument(p: ActionParser, name: string): CtZone {
  if (p.matchId('dnat')) return 'dnat';
  if (p.matchId('snat')) return 'snat';
  return p.error(`"${name}" action accepts only "dnat" or "snat" parameter.`);
}

/** `ct_next;`, `ct_next(dnat);`, `ct_next(snat);` (plain `ct_next` is the dnat form). */
export function parseCtNext(p: ActionParser): Action {
  requireNextTable(p, 'ct_next');
  p.addPrereq('ip');
  let zone: CtZone = 'dnat';
  if (p.match('(')) {
    zone = zoneArgument(p, 'ct_next');
    p.expect(')');
  }
  return { kind: 'ct_next', zone };
}

/** `ct_commit_to_zone(dnat|snat);` (argument required) and `ct_commit_nat[(dnat|snat)];`. */
export function parseCtCommitToZone(
  p: ActionParser,
  name: 'ct_commit_to_zone' | 'ct_commit_nat',
  requireArgument: boolean,
): CtZoneAction {
  p.addPrereq('ip');
  requireNextTable(p, name);
  if (requireArgument) {
    p.expect('(');
  } else if (!p.match('(')) {
    return { kind: name, zone: 'dnat' };
  }
  const zone = zoneArgument(p, name);
  p.expect(')');
  return { kind: name, zone };
}

/** The current token as an IP address, if it is one. */
function ipToken(p: ActionParser, families: readonly ('ipv4' | 'ipv6')[]): IpAddress | undefined {
  const t = p.token;
  if (t.type !== 'integer') return undefined;
  if (t.format !== 'ipv4' && t.format !== 'ipv6') return undefined;
  return families.includes(t.format) ? { family: t.format, value: t.value } : undefined;
}

/** A decimal port for a NAT port range. */
function natPort(p: ActionParser, decimalOnly: boolean): number {
  const t = p.token;
  if (t.type !== 'integer' || (decimalOnly && t.format !== 'decimal') || t.value > 0xffffn) {
    return p.syntaxError('expecting Integer for port range');
  }
  p.ts.next();
  return Number(t.value);
}

/** `ct_dnat;`, `ct_dnat(IP);`, `ct_dnat(IP, LO[-HI]);` and the snat / in_czone forms. */
export function parseCtNat(p: ActionParser, name: CtNatName): Action {
  p.addPrereq('ip');
  requireNextTable(p, name);
  if (!p.match('(')) return { kind: 'ct_nat', name };
  const ip = ipToken(p, ['ipv4', 'ipv6']);
  if (!ip) return p.syntaxError('expecting IPv4 or IPv6 address');
  p.ts.next();
  let portRange: { lo: number; hi?: number } | undefined;
  if (p.match(',')) {
    const loToken = p.token;
    const lo = natPort(p, true);
    if (lo === 0) p.syntaxError("range can't be 0", loToken);
    let hi: number | undefined;
    if (p.match('-')) {
      const t = p.token;
      hi = natPort(p, false);
      if (hi <= lo) p.syntaxError('range high should be greater than range low', t);
    }
    portRange = hi === undefined ? { lo } : { lo, hi };
  }
  p.expect(')');
  return { kind: 'ct_nat', name, ip, portRange };
}

/**
 * `ct_lb_mark;` or `ct_lb_mark(backends=IP[:PORT],…[; hash_fields="…"][; skip_snat|force_snat]);`
 * IPv6 backends with a port are written `[IP6]:PORT`. ct_lb_mark_local prefixes each backend
 * with the logical port that hosts it: `"lsp":IP[:PORT]`.
 */
export function parseCtLb(p: ActionParser, name: CtLbAction['name']): Action {
  requireNextTable(p, 'ct_lb_*');
  p.addPrereq('ip');
  const backends: LbBackend[] = [];
  let hashFields: string | undefined;
  let flag: CtLbAction['flag'];
  if (p.match('(') && !p.match(')')) {
    if (!p.matchId('backends')) p.syntaxError('expecting backends');
    p.expect('=');
    let more = false;
    for (;;) {
      if (p.match(';')) {
        more = true;
        break;
      }
      if (p.match(')')) break;
      backends.push(parseBackend(p, name === 'ct_lb_mark_local'));
      p.match(',');
    }
    if (more) {
      if (p.matchId('hash_fields')) {
        if (!p.match('=') || p.token.type !== 'string') p.syntaxError('invalid hash_fields');
        hashFields = (p.ts.next() as { text: string }).text;
        more = p.match(';');
      }
      if (more) {
        if (p.matchId('skip_snat')) flag = 'skip_snat';
        else if (p.matchId('force_snat')) flag = 'force_snat';
        // OVN reads past the `)` only after an argument, so `…; )` ends up short of the `;`.
        else p.syntaxError("expecting `;'");
      }
      p.expect(')');
    }
  }
  return { kind: 'ct_lb', name, backends, hashFields, flag };
}

function parseBackend(p: ActionParser, local: boolean): LbBackend {
  let port: string | undefined;
  if (local) {
    const t = p.token;
    if (t.type !== 'string') {
      return p.syntaxError('expecting logical port name for distributed load balancer');
    }
    port = t.text;
    p.ts.next();
    p.expect(':');
  }
  let ip: IpAddress | undefined;
  let l4Port = 0;
  if (p.match('[')) {
    ip = ipToken(p, ['ipv6']);
    if (!ip) return p.syntaxError('expecting IPv6 address');
    p.ts.next();
    if (!p.match(']')) p.syntaxError('no closing square bracket');
    if (p.match(':')) l4Port = p.uint16('port number');
  } else {
    ip = ipToken(p, ['ipv4', 'ipv6']);
    if (!ip) return p.syntaxError('expecting IP address');
    p.ts.next();
    if (p.match(':')) {
      if (ip.family === 'ipv6') {
        p.syntaxError('IPv6 address needs square brackets if port is included');
      }
      l4Port = p.uint16('port number');
    }
  }
  return port === undefined ? { ip, l4Port } : { port, ip, l4Port };
}
