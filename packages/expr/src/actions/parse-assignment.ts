// Actions that start with a field: `f = constant;`, `f = g;`, `f <-> g;`, and `R = func(…);`
// for the functions that store their result in a field (select, lookup_arp, put_dhcp_opts …).

import type { Action, ActionField, ResultFunctionName } from './ast.js';
import {
  parseChkEvpnArp,
  parseGetFdb,
  parseLookupFdb,
  parseLookupMacBind,
  parseLookupMacBindIp,
} from './parse-mac-binding.js';
import { parseCheckPktLarger } from './parse-misc.js';
import { parseDhcpRelayChk, parsePutNdRaOpts, parsePutOpts } from './parse-options.js';
import { type ActionParser, LOAD_ONLY_FIELDS } from './parser.js';

/** `R = name();` functions: width of R, and the prerequisite they add. */
const RESULT_FUNCTIONS: Readonly<Record<ResultFunctionName, { bits: number; prereq?: string }>> = {
  dns_lookup: { bits: 1, prereq: 'udp' },
  chk_lb_hairpin: { bits: 1 },
  chk_lb_hairpin_reply: { bits: 1 },
  check_in_port_sec: { bits: 1 },
  check_out_port_sec: { bits: 1 },
  chk_ecmp_nh_mac: { bits: 1 },
  chk_ecmp_nh: { bits: 1 },
  chk_lb_aff: { bits: 1 },
  ct_nw_dst: { bits: 32 },
  ct_ip6_dst: { bits: 128 },
  ct_tp_dst: { bits: 16 },
  ct_proto: { bits: 8 },
  ct_state_save: { bits: 8 },
};

/** `R = name(…)` functions other than the result-only ones; the name token is current. */
const CALLS: Readonly<Record<string, (p: ActionParser, dst: ActionField) => Action>> = {
  select: parseSelect,
  put_dhcp_opts: (p, dst) => parsePutOpts(p, dst, 'put_dhcp_opts'),
  put_dhcpv6_opts: (p, dst) => parsePutOpts(p, dst, 'put_dhcpv6_opts'),
  put_nd_ra_opts: parsePutNdRaOpts,
  check_pkt_larger: parseCheckPktLarger,
  lookup_arp: (p, dst) => parseLookupMacBind(p, dst, 'lookup_arp'),
  lookup_nd: (p, dst) => parseLookupMacBind(p, dst, 'lookup_nd'),
  lookup_arp_ip: (p, dst) => parseLookupMacBindIp(p, dst, 'lookup_arp_ip'),
  lookup_nd_ip: (p, dst) => parseLookupMacBindIp(p, dst, 'lookup_nd_ip'),
  chk_evpn_arp: parseChkEvpnArp,
  get_fdb: (p, dst) => parseGetFdb(p, dst, 'get_fdb'),
  get_remote_fdb: (p, dst) => parseGetFdb(p, dst, 'get_remote_fdb'),
  lookup_fdb: parseLookupFdb,
};

export function parseSetAction(p: ActionParser): Action {
  const lhs = p.field();
  if (p.match('<->')) return parseAssignment(p, lhs, true);
  if (!p.match('=')) return p.syntaxError("expecting `=' or `<->'");
  const t = p.token;
  if (t.type !== 'id') return parseLoad(p, lhs);
  // The DHCP relay checks are recognized by name alone; the others need the `(` too, so that
  // e.g. `reg0 = lookup_arp;` reads `lookup_arp` as a (nonexistent) field.
  if (t.text === 'dhcp_relay_req_chk' || t.text === 'dhcp_relay_resp_chk') {
    p.ts.next();
    return parseDhcpRelayChk(p, lhs, t.text);
  }
  if (p.ts.peek().type === '(') {
    if (Object.hasOwn(RESULT_FUNCTIONS, t.text)) {
      return parseResultFunction(p, lhs, t.text as ResultFunctionName);
    }
    const call = Object.hasOwn(CALLS, t.text) ? CALLS[t.text] : undefined;
    if (call) return call(p, lhs);
  }
  return parseAssignment(p, lhs, false);
}

function parseLoad(p: ActionParser, dst: ActionField): Action {
  p.typeCheck(dst, dst.nBits, true);
  let value = p.constant();
  p.checkConstantFits(dst, value);
  if (LOAD_ONLY_FIELDS.has(dst.name) && value.kind === 'integer') {
    // These fields travel to the controller as plain numbers or addresses: like OVN, keep only
    // the value and show it the way the field is shown.
    const sym = p.symbol(dst.name);
    value = {
      kind: 'integer',
      value: value.value,
      format: 'format' in sym ? sym.format : 'decimal',
    };
  }
  return { kind: 'load', dst, value };
}

function parseAssignment(p: ActionParser, lhs: ActionField, exchange: boolean): Action {
  const rhs = p.field();
  const type = (f: ActionField) => (f.width ? 'integer' : 'string');
  // Mismatches are reported at the right-hand field, the one that does not fit.
  if (!lhs.width !== !rhs.width) {
    p.fieldError(
      rhs,
      exchange
        ? `Can't exchange ${type(lhs)} field (${lhs.name}) with ${type(rhs)} field (${rhs.name}).`
        : `Can't assign ${type(rhs)} field (${rhs.name}) to ${type(lhs)} field (${lhs.name}).`,
    );
  }
  if (lhs.nBits !== rhs.nBits) {
    p.fieldError(
      rhs,
      exchange
        ? `Can't exchange ${lhs.nBits}-bit field with ${rhs.nBits}-bit field.`
        : `Can't assign ${rhs.nBits}-bit value to ${lhs.nBits}-bit destination.`,
    );
  }
  if (!lhs.nBits && stringStorageWidth(p, lhs) !== stringStorageWidth(p, rhs)) {
    p.fieldError(
      rhs,
      `String fields ${lhs.name} and ${rhs.name} are incompatible for ` +
        `${exchange ? 'exchange' : 'assignment'}.`,
    );
  }
  p.typeCheck(lhs, lhs.nBits, true);
  p.typeCheck(rhs, rhs.nBits, exchange);
  for (const f of [lhs, rhs]) {
    if (LOAD_ONLY_FIELDS.has(f.name)) {
      p.fieldError(f, `Field ${f.name} can only be assigned a constant.`);
    }
  }
  return exchange ? { kind: 'exchange', a: lhs, b: rhs } : { kind: 'move', dst: lhs, src: rhs };
}

/** Width of the register a string field's key lives in. */
function stringStorageWidth(p: ActionParser, f: ActionField): number {
  const sym = p.symbol(f.name);
  if (sym.kind !== 'string') return 0;
  const base = p.symbol(sym.field);
  return base.kind === 'string' ? 0 : base.width;
}

function parseResultFunction(p: ActionParser, dst: ActionField, name: ResultFunctionName): Action {
  const { bits, prereq } = RESULT_FUNCTIONS[name];
  p.ts.next();
  p.ts.next();
  if (!p.match(')')) p.error(`${name} doesn't take any parameters`);
  p.typeCheck(dst, bits, true);
  if (prereq) p.addPrereq(prereq);
  return { kind: 'result', name, dst };
}

/** `R = select(N[=W], …)` or `R = select(values=(N[=W], …); hash_fields="…")`. */
function parseSelect(p: ActionParser, dst: ActionField): Action {
  p.typeCheck(dst, dst.nBits, true);
  if (dst.nBits < 16) {
    p.fieldError(
      dst,
      `cannot use ${dst.nBits}-bit field ${dst.name}[${dst.ofs}..${dst.ofs + dst.nBits - 1}] ` +
        'for "select", which requires at least 16 bits.',
    );
  }
  if (p.env.table >= p.env.tableCount) p.error('"select" action not allowed in last table.');
  p.ts.next();
  p.ts.next();
  let withHash = false;
  if (p.matchId('values')) {
    p.expect('=');
    p.expect('(');
    withHash = true;
  }
  const members: { id: number; weight: number }[] = [];
  while (!p.match(')')) {
    const id = p.uint16('id');
    let weight = 100;
    if (p.match('=')) {
      weight = p.uint16('weight');
      if (weight === 0) p.syntaxError("weight can't be 0");
    }
    p.match(',');
    members.push({ id, weight });
  }
  if (members.length <= 1) p.syntaxError('expecting at least 2 group members');
  let hashFields: string | undefined;
  if (withHash) {
    p.expect(';');
    if (!p.matchId('hash_fields')) p.syntaxError('expecting hash_fields');
    if (!p.match('=') || p.token.type !== 'string' || p.ts.peek().type !== ')') {
      p.syntaxError('invalid hash_fields');
    }
    hashFields = (p.ts.next() as { text: string }).text;
    p.expect(')');
  }
  return { kind: 'select', dst, members, hashFields };
}
