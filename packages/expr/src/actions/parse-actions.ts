// Entry point of the action parser: action lists, the keyword dispatch, and nested lists.
//
// Like OVN's lib/actions.c, parsing and validation happen in one pass, so the first problem
// found (syntax, type, width, writability) is the one reported, with OVN's wording.

import { attempt, type Result } from '../result.js';
import type { WriteScope } from '../symbols.js';
import type { Action, NestedActionName } from './ast.js';
import { type ActionEnv, resolveActionEnv } from './env.js';
import { formatActions } from './format-actions.js';
import { parseSetAction } from './parse-assignment.js';
import { parseCtCommitToZone, parseCtLb, parseCtNat, parseCtNext } from './parse-ct.js';
import { parseGetMacBind, parsePutFdb, parsePutMacBind } from './parse-mac-binding.js';
import {
  parseBindVport,
  parseCommitEcmpNh,
  parseCommitLbAff,
  parseFwdGroup,
  parseHandleSvcCheck,
  parseLog,
  parseMirror,
  parseNext,
  parsePushPop,
  parseSample,
  parseSetMeter,
  parseSetQueue,
} from './parse-misc.js';
import { parseTriggerEvent } from './parse-options.js';
import { ActionParser, MAX_NESTED_ACTION_DEPTH } from './parser.js';
import { andPrereqs } from './prereqs.js';

export interface ParsedActions {
  readonly actions: readonly Action[];
  /**
   * Match expressions (in the match language) that the flow's match must be ANDed with for the
   * actions to make sense, e.g. `ip` for `ip.ttl--;` or `tcp` for `tcp.dst = 80;`.
   */
  readonly prereqs: readonly string[];
  /** The prerequisites ANDed into one match expression; undefined when there are none. */
  readonly prereqMatch: string | undefined;
}

/** Parses and validates an action list such as `ip.ttl--; next;`. Never throws. */
export function parseActions(input: string, env?: ActionEnv): Result<ParsedActions> {
  const p = new ActionParser(input, resolveActionEnv(env));
  return attempt(() => {
    const actions = parseActionList(p, 'end');
    return { actions, prereqs: p.prereqs, prereqMatch: andPrereqs(p.prereqs) };
  });
}

/**
 * Validates a tree built in code (rather than parsed) against an environment: its canonical
 * text must parse there. Returns the re-parsed tree with its prerequisites.
 */
export function validateActions(
  actions: readonly Action[],
  env?: ActionEnv,
): Result<ParsedActions> {
  return parseActions(formatActions(actions), env);
}

/** Actions up to `sentinel`. `drop;` alone is the empty list; it can't be combined. */
function parseActionList(p: ActionParser, sentinel: 'end' | '}'): Action[] {
  if (p.ts.isId('drop') && p.ts.peek().type === ';') {
    p.ts.next();
    p.ts.next();
    p.expect(sentinel);
    return [];
  }
  const actions: Action[] = [];
  while (!p.match(sentinel)) actions.push(parseAction(p));
  return actions;
}

/** Keyword actions: the keyword has been consumed when these run. */
const KEYWORDS: Readonly<Record<string, (p: ActionParser) => Action>> = {
  next: parseNext,
  push: (p) => parsePushPop(p, 'push'),
  pop: (p) => parsePushPop(p, 'pop'),
  output: () => ({ kind: 'simple', name: 'output' }),
  'ip.ttl': (p) => {
    p.expect('--');
    p.addPrereq('ip');
    return { kind: 'simple', name: 'dec_ttl' };
  },
  ct_next: parseCtNext,
  ct_commit: (p) => {
    if (p.token.type === '{') return parseNested(p, 'ct_commit', 'ip', 'ct_commit');
    // `ct_commit;` is `ct_commit { };`.
    p.addPrereq('ip');
    return { kind: 'nested', name: 'ct_commit', actions: [] };
  },
  ct_commit_to_zone: (p) => parseCtCommitToZone(p, 'ct_commit_to_zone', true),
  ct_commit_nat: (p) => parseCtCommitToZone(p, 'ct_commit_nat', false),
  ct_dnat: (p) => parseCtNat(p, 'ct_dnat'),
  ct_snat: (p) => parseCtNat(p, 'ct_snat'),
  ct_dnat_in_czone: (p) => parseCtNat(p, 'ct_dnat_in_czone'),
  ct_snat_in_czone: (p) => parseCtNat(p, 'ct_snat_in_czone'),
  ct_lb_mark: (p) => parseCtLb(p, 'ct_lb_mark'),
  ct_lb_mark_local: (p) => parseCtLb(p, 'ct_lb_mark_local'),
  ct_clear: () => ({ kind: 'simple', name: 'ct_clear' }),
  // clone's inner actions act on the same packet, in the default write scope.
  clone: (p) => parseNested(p, 'clone', undefined, 'any'),
  // arp, nd_ns and igmp take ovn-sb(5)'s documented prerequisites (lib/actions.c uses the
  // looser `ip` for the first two and none for igmp): an ARP request is for an IPv4 next hop,
  // a neighbour solicitation for an IPv6 one.
  arp: (p) => parseNested(p, 'arp', 'ip4'),
  icmp4: (p) => parseNested(p, 'icmp4', 'ip4'),
  icmp4_error: (p) => parseNested(p, 'icmp4_error', 'ip4'),
  icmp6: (p) => parseNested(p, 'icmp6', 'ip6'),
  icmp6_error: (p) => parseNested(p, 'icmp6_error', 'ip6'),
  igmp: (p) => {
    p.addPrereq('igmp');
    return { kind: 'simple', name: 'igmp' };
  },
  tcp_reset: (p) => parseNested(p, 'tcp_reset', 'tcp'),
  sctp_abort: (p) => parseNested(p, 'sctp_abort', 'sctp'),
  nd_na: (p) => parseNested(p, 'nd_na', 'nd_ns'),
  nd_na_router: (p) => parseNested(p, 'nd_na_router', 'nd_ns'),
  nd_ns: (p) => parseNested(p, 'nd_ns', 'ip6'),
  reject: (p) => parseNested(p, 'reject', undefined),
  get_arp: (p) => parseGetMacBind(p, 'get_arp'),
  put_arp: (p) => parsePutMacBind(p, 'put_arp'),
  get_nd: (p) => parseGetMacBind(p, 'get_nd'),
  put_nd: (p) => parsePutMacBind(p, 'put_nd'),
  set_queue: parseSetQueue,
  log: parseLog,
  set_meter: parseSetMeter,
  trigger_event: parseTriggerEvent,
  bind_vport: parseBindVport,
  handle_svc_check: parseHandleSvcCheck,
  fwd_group: parseFwdGroup,
  handle_dhcpv6_reply: () => ({ kind: 'simple', name: 'handle_dhcpv6_reply' }),
  handle_bfd_msg: (p) => {
    p.expect('(');
    p.expect(')');
    return { kind: 'simple', name: 'handle_bfd_msg' };
  },
  ct_snat_to_vip: () => ({ kind: 'simple', name: 'ct_snat_to_vip' }),
  put_fdb: parsePutFdb,
  commit_ecmp_nh: parseCommitEcmpNh,
  commit_lb_aff: parseCommitLbAff,
  sample: parseSample,
  mac_cache_use: () => ({ kind: 'simple', name: 'mac_cache_use' }),
  flood_remote: () => ({ kind: 'simple', name: 'flood_remote' }),
  mirror: parseMirror,
};

function parseAction(p: ActionParser): Action {
  const t = p.token;
  if (t.type === 'template') return p.error('Unexpanded template.');
  if (t.type !== 'id') return p.syntaxError();
  const la = p.ts.peek().type;
  let action: Action;
  if (la === '=' || la === '<->' || la === '[') {
    action = parseSetAction(p);
  } else {
    const handler = Object.hasOwn(KEYWORDS, t.text) ? KEYWORDS[t.text] : undefined;
    if (!handler) return p.syntaxError('expecting action');
    p.ts.next();
    action = handler(p);
  }
  p.expect(';');
  return action;
}

/**
 * `name { actions };`. Actions such as `arp` run their inner actions on a new packet: the inner
 * prerequisites don't constrain this flow, the action's own (`prereq`) does. `clone` and
 * `reject` have none of their own, and the inner ones carry over.
 */
function parseNested(
  p: ActionParser,
  name: NestedActionName,
  prereq: string | undefined,
  scope: WriteScope = p.scope,
): Action {
  p.expect('{');
  if (p.depth + 1 === MAX_NESTED_ACTION_DEPTH) p.error('maximum depth of nested actions reached');
  const outer = { prereqs: p.prereqs, scope: p.scope, depth: p.depth };
  p.prereqs = [];
  p.scope = scope;
  p.depth++;
  const actions = parseActionList(p, '}');
  const inner = p.prereqs;
  p.prereqs = outer.prereqs;
  p.scope = outer.scope;
  p.depth = outer.depth;
  if (prereq !== undefined) {
    p.addPrereq(prereq);
  } else {
    // OVN puts the inner prerequisites first.
    const merged = [...inner];
    for (const e of outer.prereqs) if (!merged.includes(e)) merged.push(e);
    p.prereqs = merged;
  }
  return { kind: 'nested', name, actions };
}
