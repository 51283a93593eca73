import type { Action, FieldRef, NatSpec } from './actions.js';
import { parseFieldValue } from './field-value.js';
import { type FieldDef, fieldByName, fieldToWords } from './fields.js';
import { isIp6, parseIp4, parseIp6 } from './packet/addr.js';

/** A validated field reference: bits [ofs, ofs+nBits) of `f`. */
export interface RefC {
  readonly f: FieldDef;
  readonly ofs: number;
  readonly nBits: number;
  /** Per-word masks of the bit range, starting at f.word (for megaflow wildcard tracking). */
  readonly wordMasks: readonly number[];
}

export interface NatC {
  readonly kind: 'src' | 'dst' | 'any';
  readonly v6: boolean;
  /** Address range as bigints (IPv4 in the low 32 bits); undefined: keep the address. */
  readonly ipMin?: bigint;
  readonly ipMax?: bigint;
  readonly portMin?: number;
  readonly portMax?: number;
}

/** Actions after validation, with field writes reduced to word/value/mask triples. */
export type CAction =
  | { readonly kind: 'output'; readonly port: number }
  | { readonly kind: 'output_field'; readonly src: RefC }
  | { readonly kind: 'resubmit'; readonly table: number; readonly port: number }
  | {
      readonly kind: 'set_words';
      readonly f: FieldDef;
      readonly idx: readonly number[];
      readonly vals: readonly number[];
      readonly masks: readonly number[];
    }
  | { readonly kind: 'move'; readonly src: RefC; readonly dst: RefC }
  | { readonly kind: 'swap'; readonly a: RefC; readonly b: RefC }
  | { readonly kind: 'push'; readonly src: RefC }
  | { readonly kind: 'pop'; readonly dst: RefC }
  | { readonly kind: 'dec_ttl'; readonly onZero: 'drop' | 'controller' }
  | { readonly kind: 'push_vlan'; readonly tpid: number }
  | { readonly kind: 'pop_vlan' }
  | { readonly kind: 'drop'; readonly reason: string }
  | { readonly kind: 'exit' }
  | { readonly kind: 'group'; readonly id: number }
  | {
      readonly kind: 'controller';
      readonly reason: string;
      readonly userdata: Uint8Array | undefined;
      readonly pause: boolean;
    }
  | {
      readonly kind: 'ct';
      readonly commit: boolean;
      readonly zone: number;
      readonly zoneRef: RefC | undefined;
      readonly table: number;
      readonly nat: NatC | undefined;
      readonly mark: { readonly value: number; readonly mask: number } | undefined;
      readonly label: { readonly value: bigint; readonly mask: bigint } | undefined;
      /** exec(move:src->ct_mark/ct_label): values read from the key when the pass is translated. */
      readonly moves: readonly { readonly src: RefC; readonly dst: RefC }[];
    }
  | { readonly kind: 'ct_clear' }
  | { readonly kind: 'clone'; readonly actions: readonly CAction[] }
  | { readonly kind: 'note' }
  | {
      readonly kind: 'conjunction';
      readonly id: number;
      readonly clause: number;
      readonly nClauses: number;
    };

export const MAX_TABLE = 254;

export function compileRef(r: FieldRef, what: string): RefC {
  const f = fieldByName(r.field);
  if (!f) throw new Error(`${what}: unknown field "${r.field}"`);
  const ofs = r.ofs ?? 0;
  const nBits = r.nBits ?? f.bits - ofs;
  if (ofs < 0 || nBits <= 0 || ofs + nBits > f.bits) {
    throw new Error(
      `${what}: ${r.field}[${ofs}..${ofs + nBits - 1}] is outside the field's ${f.bits} bits`,
    );
  }
  const wordMasks = fieldToWords(f, 0n, ((1n << BigInt(nBits)) - 1n) << BigInt(ofs)).masks;
  return { f, ofs, nBits, wordMasks };
}

function writable(rc: RefC, what: string): RefC {
  if (!rc.f.writable) throw new Error(`${what}: field ${rc.f.name} is read-only`);
  return rc;
}

function setWords(f: FieldDef, value: bigint, mask: bigint): CAction {
  const { vals, masks } = fieldToWords(f, value, mask);
  const idx: number[] = [];
  const v: number[] = [];
  const m: number[] = [];
  for (let i = 0; i < vals.length; i++) {
    if (masks[i] === 0) continue;
    idx.push(f.word + i);
    v.push(vals[i]!);
    m.push(masks[i]!);
  }
  return { kind: 'set_words', f, idx, vals: v, masks: m };
}

function compileNat(n: NatSpec): NatC {
  const ip = (t: string): { v: bigint; v6: boolean } =>
    isIp6(t) ? { v: parseIp6(t), v6: true } : { v: BigInt(parseIp4(t)), v6: false };
  const lo = n.ipMin === undefined ? undefined : ip(n.ipMin);
  const hi = n.ipMax === undefined ? lo : ip(n.ipMax);
  if (n.ipMin === undefined && n.kind !== undefined)
    throw new Error(`ct nat(${n.kind}=…): an address is required`);
  if (lo && hi && (lo.v6 !== hi.v6 || hi.v < lo.v))
    throw new Error(`ct nat: bad address range ${n.ipMin}-${n.ipMax}`);
  const pmin = n.portMin;
  const pmax = n.portMax ?? n.portMin;
  if (pmin !== undefined && (pmin < 1 || pmax! > 65535 || pmax! < pmin))
    throw new Error(`ct nat: bad port range ${pmin}-${pmax}`);
  return {
    kind: n.kind ?? 'any',
    v6: lo?.v6 ?? false,
    ...(lo ? { ipMin: lo.v, ipMax: hi!.v } : {}),
    ...(pmin !== undefined ? { portMin: pmin, portMax: pmax! } : {}),
  };
}

/** Validates and precompiles an action list. Throws an Error saying which action is wrong and why. */
export function compileActions(actions: readonly Action[]): CAction[] {
  const out: CAction[] = [];
  const conj = actions.filter((a) => a.kind === 'conjunction').length;
  if (conj > 0 && conj !== actions.length)
    throw new Error('conjunction actions cannot be mixed with other actions');
  for (const a of actions) {
    const c =
      a.kind === 'clone'
        ? ({ kind: 'clone', actions: compileActions(a.actions) } as const)
        : compileAction(a);
    sourceOf.set(c, a);
    out.push(c);
  }
  return out;
}

const sourceOf = new WeakMap<CAction, Action>();

/** The action a compiled action came from (for trace text). */
export function actionSource(c: CAction): Action | undefined {
  return sourceOf.get(c);
}

function compileAction(a: Action): CAction {
  switch (a.kind) {
    case 'output':
      if (!Number.isInteger(a.port) || a.port < 0 || a.port > 0xffffffff)
        throw new Error(`output: bad port ${a.port}`);
      return { kind: 'output', port: a.port };
    case 'output_field': {
      const src = compileRef(a.src, 'output');
      if (src.nBits > 32) throw new Error(`output: ${src.f.name} is wider than a port number`);
      return { kind: 'output_field', src };
    }
    case 'resubmit':
      if (!Number.isInteger(a.table) || a.table < 0 || a.table > MAX_TABLE)
        throw new Error(`resubmit: bad table ${a.table}`);
      return { kind: 'resubmit', table: a.table, port: a.port ?? -1 };
    case 'set_field': {
      const f = fieldByName(a.field);
      if (!f) throw new Error(`set_field: unknown field "${a.field}"`);
      if (!f.writable) throw new Error(`set_field: field ${f.name} is read-only`);
      const v = parseFieldValue(
        f,
        a.mask === undefined ? a.value : { value: a.value, mask: a.mask },
      );
      return setWords(f, v.value, v.mask);
    }
    case 'load': {
      const d = writable(compileRef(a.dst, 'load'), 'load');
      const value = BigInt(a.value);
      if (value < 0n || value >= 1n << BigInt(d.nBits))
        throw new Error(`load: value ${a.value} does not fit in ${d.nBits} bits of ${d.f.name}`);
      const m = ((1n << BigInt(d.nBits)) - 1n) << BigInt(d.ofs);
      return setWords(d.f, value << BigInt(d.ofs), m);
    }
    case 'move': {
      const s = compileRef(a.src, 'move');
      const d = writable(compileRef(a.dst, 'move'), 'move');
      if (s.nBits !== d.nBits)
        throw new Error(`move: ${s.f.name} has ${s.nBits} bits but ${d.f.name} has ${d.nBits}`);
      return { kind: 'move', src: s, dst: d };
    }
    case 'swap': {
      const x = writable(compileRef(a.a, 'swap'), 'swap');
      const y = writable(compileRef(a.b, 'swap'), 'swap');
      if (x.nBits !== y.nBits)
        throw new Error(`swap: ${x.f.name} has ${x.nBits} bits but ${y.f.name} has ${y.nBits}`);
      return { kind: 'swap', a: x, b: y };
    }
    case 'push':
      return { kind: 'push', src: compileRef(a.src, 'push') };
    case 'pop':
      return { kind: 'pop', dst: writable(compileRef(a.dst, 'pop'), 'pop') };
    case 'dec_ttl':
      return { kind: 'dec_ttl', onZero: a.onZero ?? 'drop' };
    case 'push_vlan':
      return { kind: 'push_vlan', tpid: a.tpid ?? 0x8100 };
    case 'pop_vlan':
      return { kind: 'pop_vlan' };
    case 'drop':
      return { kind: 'drop', reason: a.reason ?? 'drop action' };
    case 'exit':
      return { kind: 'exit' };
    case 'group':
      if (!Number.isInteger(a.id) || a.id < 0) throw new Error(`group: bad group id ${a.id}`);
      return { kind: 'group', id: a.id };
    case 'controller':
      return {
        kind: 'controller',
        reason: a.reason ?? 'action',
        userdata: a.userdata,
        pause: a.pause ?? false,
      };
    case 'ct': {
      let zone = 0;
      let zoneRef: RefC | undefined;
      if (typeof a.zone === 'number') {
        if (!Number.isInteger(a.zone) || a.zone < 0 || a.zone > 0xffff)
          throw new Error(`ct: bad zone ${a.zone}`);
        zone = a.zone;
      } else if (a.zone) {
        zoneRef = compileRef(a.zone, 'ct zone');
        if (zoneRef.nBits > 16)
          throw new Error(`ct: zone field ${zoneRef.f.name} is wider than 16 bits`);
      }
      const table = a.table ?? -1;
      if (a.table !== undefined && (!Number.isInteger(table) || table < 0 || table > MAX_TABLE))
        throw new Error(`ct: bad table ${a.table}`);
      let mark: { value: number; mask: number } | undefined;
      let label: { value: bigint; mask: bigint } | undefined;
      const moves: { src: RefC; dst: RefC }[] = [];
      for (const e of a.exec ?? []) {
        if (e.kind === 'move') {
          const src = compileRef(e.src, 'ct exec move');
          const dst = compileRef(e.dst, 'ct exec move');
          if (dst.f.name !== 'ct_mark' && dst.f.name !== 'ct_label')
            throw new Error(`ct exec: only ct_mark and ct_label may be set, not ${dst.f.name}`);
          if (src.nBits !== dst.nBits)
            throw new Error(
              `ct exec: move: ${src.f.name} has ${src.nBits} bits but ${dst.f.name} has ${dst.nBits}`,
            );
          moves.push({ src, dst });
          continue;
        }
        let field: string;
        let value: bigint;
        let mask: bigint;
        if (e.kind === 'set_field') {
          field = e.field;
          const f = fieldByName(field);
          if (!f || (f.name !== 'ct_mark' && f.name !== 'ct_label'))
            throw new Error(`ct exec: only ct_mark and ct_label may be set, not ${field}`);
          const v = parseFieldValue(
            f,
            e.mask === undefined ? e.value : { value: e.value, mask: e.mask },
          );
          value = v.value;
          mask = v.mask;
        } else if (e.kind === 'load') {
          const d = compileRef(e.dst, 'ct exec');
          field = d.f.name;
          if (field !== 'ct_mark' && field !== 'ct_label')
            throw new Error(`ct exec: only ct_mark and ct_label may be set, not ${field}`);
          value = BigInt(e.value) << BigInt(d.ofs);
          mask = ((1n << BigInt(d.nBits)) - 1n) << BigInt(d.ofs);
        } else {
          throw new Error(
            `ct exec: action ${e.kind} is not allowed (only set_field/load/move to ct_mark, ct_label)`,
          );
        }
        if (field === 'ct_mark') {
          const pm = mark ?? { value: 0, mask: 0 };
          const m = Number(mask);
          mark = {
            value: ((pm.value & ~m) | Number(value & mask)) >>> 0,
            mask: (pm.mask | m) >>> 0,
          };
        } else {
          const pl = label ?? { value: 0n, mask: 0n };
          label = { value: (pl.value & ~mask) | (value & mask), mask: pl.mask | mask };
        }
      }
      if (a.exec?.length && !a.commit) throw new Error('ct: exec() requires commit');
      return {
        kind: 'ct',
        commit: a.commit ?? false,
        zone,
        zoneRef,
        table,
        nat: a.nat ? compileNat(a.nat) : undefined,
        mark,
        label,
        moves,
      };
    }
    case 'ct_clear':
      return { kind: 'ct_clear' };
    case 'clone':
      return { kind: 'clone', actions: compileActions(a.actions) };
    case 'note':
      return { kind: 'note' };
    case 'conjunction':
      if (!Number.isInteger(a.nClauses) || a.nClauses < 2 || a.nClauses > 64)
        throw new Error(`conjunction: n must be 2..64, got ${a.nClauses}`);
      if (!Number.isInteger(a.clause) || a.clause < 1 || a.clause > a.nClauses)
        throw new Error(`conjunction: clause must be 1..${a.nClauses}, got ${a.clause}`);
      if (!Number.isInteger(a.id) || a.id < 0 || a.id > 0xffffffff)
        throw new Error(`conjunction: bad id ${a.id}`);
      return { kind: 'conjunction', id: a.id, clause: a.clause, nClauses: a.nClauses };
  }
}
