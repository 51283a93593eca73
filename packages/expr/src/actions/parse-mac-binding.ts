// MAC binding and FDB actions: get_arp/get_nd, put_arp/put_nd, lookup_arp/lookup_nd (and their
// _ip forms), chk_evpn_arp, put_fdb, get_fdb/get_remote_fdb, lookup_fdb.
//
// P is a logical port (a string field), A an IP address field (32 bits for ARP, 128 for ND),
// M an Ethernet address field (48 bits). None of them is written, so none needs to be writable;
// the result field R of the lookups must be a writable 1-bit field.

import type {
  Action,
  ActionField,
  GetFdbAction,
  GetMacBindAction,
  LookupMacBindAction,
  LookupMacBindIpAction,
  PutMacBindAction,
} from './ast.js';
import type { ActionParser } from './parser.js';

/** ND actions take IPv6 addresses, ARP actions IPv4 ones. */
const ipWidth = (kind: string): number => (kind.includes('_nd') ? 128 : 32);

/** `get_arp(P, A);` / `get_nd(P, A);` */
export function parseGetMacBind(p: ActionParser, kind: GetMacBindAction['kind']): Action {
  p.expect('(');
  const port = p.checkedField(0, false);
  p.expect(',');
  const ip = p.checkedField(ipWidth(kind), false);
  p.expect(')');
  return { kind, port, ip };
}

/** `put_arp(P, A, M);` / `put_nd(P, A, M);` */
export function parsePutMacBind(p: ActionParser, kind: PutMacBindAction['kind']): Action {
  p.expect('(');
  const port = p.checkedField(0, false);
  p.expect(',');
  const ip = p.checkedField(ipWidth(kind), false);
  p.expect(',');
  const mac = p.checkedField(48, false);
  p.expect(')');
  return { kind, port, ip, mac };
}

/** `R = lookup_arp(P, A, M);` / `R = lookup_nd(P, A, M);` (the function name is current). */
export function parseLookupMacBind(
  p: ActionParser,
  dst: ActionField,
  kind: LookupMacBindAction['kind'],
): Action {
  p.typeCheck(dst, 1, true);
  p.ts.next();
  p.expect('(');
  const port = p.checkedField(0, false);
  p.expect(',');
  const ip = p.checkedField(ipWidth(kind), false);
  p.expect(',');
  const mac = p.checkedField(48, false);
  p.expect(')');
  return { kind, dst, port, ip, mac };
}

/** `R = lookup_arp_ip(P, A);` / `R = lookup_nd_ip(P, A);` */
export function parseLookupMacBindIp(
  p: ActionParser,
  dst: ActionField,
  kind: LookupMacBindIpAction['kind'],
): Action {
  p.typeCheck(dst, 1, true);
  p.ts.next();
  p.ts.next();
  const port = p.checkedField(0, false);
  p.expect(',');
  const ip = p.checkedField(ipWidth(kind), false);
  p.expect(')');
  return { kind, dst, port, ip };
}

/** `R = chk_evpn_arp(A);` where A is an IPv4 or IPv6 address field. */
export function parseChkEvpnArp(p: ActionParser, dst: ActionField): Action {
  p.typeCheck(dst, 1, true);
  p.ts.next();
  p.expect('(');
  const ip = p.field();
  if (ip.nBits !== 32 && ip.nBits !== 128) {
    p.fieldError(ip, 'chk_evpn_arp requires a 32-bit or 128-bit IP field');
  }
  p.expect(')');
  return { kind: 'chk_evpn_arp', dst, ip };
}

/** `put_fdb(P, M);` */
export function parsePutFdb(p: ActionParser): Action {
  p.expect('(');
  const port = p.checkedField(0, false);
  p.expect(',');
  const mac = p.checkedField(48, false);
  p.expect(')');
  return { kind: 'put_fdb', port, mac };
}

/**
 * `P = get_fdb(M);` / `P = get_remote_fdb(M);`. The result is a port key: a string field, or
 * a writable 32-bit field to hold the key.
 */
export function parseGetFdb(p: ActionParser, dst: ActionField, kind: GetFdbAction['kind']): Action {
  p.ts.next();
  p.ts.next();
  if (dst.nBits) p.typeCheck(dst, 32, true);
  const mac = p.checkedField(48, false);
  p.expect(')');
  return { kind, dst, mac };
}

/** `R = lookup_fdb(P, M);` */
export function parseLookupFdb(p: ActionParser, dst: ActionField): Action {
  p.ts.next();
  p.ts.next();
  p.typeCheck(dst, 1, true);
  const port = p.checkedField(0, false);
  p.expect(',');
  const mac = p.checkedField(48, false);
  p.expect(')');
  return { kind: 'lookup_fdb', dst, port, mac };
}
