// The annotated expression: what a match means, over base fields, with negation pushed down to
// the leaves. Annotation (annotate.ts) builds it from a MatchAst; simplify, normalize and
// compile transform it; evaluate() gives its truth value on a packet.
//
//   bool   constant true/false
//   cmp    (packet[field] & mask) == value   (eq), or its negation (!eq); `field` is a base field
//   str    string field (inport/outport) equals a name, or not; the name maps to a key in a base
//          field only at compile/evaluate time, through the environment
//   cond   is_chassis_resident(port), or its negation
//   and/or n-ary

import { quoteString } from './lexer.js';
import type { SymbolTable } from './symbols.js';
import { formatMasked, formatValue, ones } from './values.js';

export type Expr =
  | { readonly kind: 'bool'; readonly value: boolean }
  | {
      readonly kind: 'cmp';
      readonly field: string;
      readonly value: bigint;
      readonly mask: bigint;
      readonly eq: boolean;
    }
  | { readonly kind: 'str'; readonly field: string; readonly value: string; readonly eq: boolean }
  | { readonly kind: 'cond'; readonly port: string; readonly eq: boolean }
  | { readonly kind: 'and'; readonly terms: readonly Expr[] }
  | { readonly kind: 'or'; readonly terms: readonly Expr[] };

export type ExprKind = Expr['kind'];

export const TRUE: Expr = { kind: 'bool', value: true };
export const FALSE: Expr = { kind: 'bool', value: false };

export const boolExpr = (value: boolean): Expr => (value ? TRUE : FALSE);
export const cmpExpr = (field: string, value: bigint, mask: bigint, eq = true): Expr => ({
  kind: 'cmp',
  field,
  value: value & mask,
  mask,
  eq,
});
export const strExpr = (field: string, value: string, eq = true): Expr => ({
  kind: 'str',
  field,
  value,
  eq,
});
export const condExpr = (port: string, eq = true): Expr => ({ kind: 'cond', port, eq });

/** AND of terms, flattening nested ANDs and folding constants. */
export function andExpr(terms: readonly Expr[]): Expr {
  const out: Expr[] = [];
  for (const t of terms) {
    if (t.kind === 'bool') {
      if (!t.value) return FALSE;
    } else if (t.kind === 'and') {
      out.push(...t.terms);
    } else {
      out.push(t);
    }
  }
  if (out.length === 0) return TRUE;
  return out.length === 1 ? out[0]! : { kind: 'and', terms: out };
}

/** OR of terms, flattening nested ORs and folding constants. */
export function orExpr(terms: readonly Expr[]): Expr {
  const out: Expr[] = [];
  for (const t of terms) {
    if (t.kind === 'bool') {
      if (t.value) return TRUE;
    } else if (t.kind === 'or') {
      out.push(...t.terms);
    } else {
      out.push(t);
    }
  }
  if (out.length === 0) return FALSE;
  return out.length === 1 ? out[0]! : { kind: 'or', terms: out };
}

/** Logical negation, kept in negation normal form (De Morgan down to the leaves). */
export function negate(e: Expr): Expr {
  switch (e.kind) {
    case 'bool':
      return boolExpr(!e.value);
    case 'cmp':
      // A single-bit test negates to the other value: `f[b] != 1` is `f[b] == 0`.
      if ((e.mask & (e.mask - 1n)) === 0n && e.mask !== 0n) {
        return cmpExpr(e.field, e.value ^ e.mask, e.mask, e.eq);
      }
      return { ...e, eq: !e.eq };
    case 'str':
    case 'cond':
      return { ...e, eq: !e.eq };
    case 'and':
      return orExpr(e.terms.map(negate));
    case 'or':
      return andExpr(e.terms.map(negate));
  }
}

// ------------------------------------------------------------------------------------------
// Evaluation.

/** Base-field values of a packet; a missing field reads as 0. */
export type Packet = ReadonlyMap<string, bigint> | Readonly<Record<string, bigint | undefined>>;

/** What a match needs from the world beyond the packet. */
export interface EvalEnv {
  /** Logical port name → tunnel key (for string fields). A missing port equals nothing. */
  readonly ports?: ReadonlyMap<string, bigint | number> | Readonly<Record<string, bigint | number>>;
  /** Whether a port is resident on this chassis; absent means never. */
  readonly isChassisResident?: ((port: string) => boolean) | undefined;
}

/** Reads a value from a Map or a plain record. */
export function lookup<V>(
  m: ReadonlyMap<string, V> | Readonly<Record<string, V | undefined>> | undefined,
  key: string,
): V | undefined {
  if (m === undefined) return undefined;
  if (m instanceof Map) return (m as ReadonlyMap<string, V>).get(key);
  return Object.hasOwn(m, key) ? (m as Record<string, V | undefined>)[key] : undefined;
}

export function packetValue(packet: Packet, field: string): bigint {
  return lookup<bigint>(packet, field) ?? 0n;
}

/** Key of a port, or undefined if the environment does not know it. */
export function portKey(env: EvalEnv, port: string): bigint | undefined {
  const k = lookup(env.ports, port);
  return k === undefined ? undefined : BigInt(k);
}

/**
 * Truth value of an annotated expression on a packet. String fields compare the packet's base
 * field (e.g. reg14 for inport) with the port's key from `env.ports`.
 */
export function evaluate(
  e: Expr,
  packet: Packet,
  env: EvalEnv = {},
  symtab?: SymbolTable,
): boolean {
  switch (e.kind) {
    case 'bool':
      return e.value;
    case 'cmp':
      return ((packetValue(packet, e.field) & e.mask) === e.value) === e.eq;
    case 'str': {
      const key = portKey(env, e.value);
      const base = stringBaseField(e.field, symtab);
      const equal = key !== undefined && packetValue(packet, base) === key;
      return equal === e.eq;
    }
    case 'cond':
      return (env.isChassisResident?.(e.port) ?? false) === e.eq;
    case 'and':
      return e.terms.every((t) => evaluate(t, packet, env, symtab));
    case 'or':
      return e.terms.some((t) => evaluate(t, packet, env, symtab));
  }
}

/** Base field holding a string field's key (inport → reg14). */
export function stringBaseField(name: string, symtab?: SymbolTable): string {
  const s = symtab?.get(name);
  if (s?.kind === 'string') return s.field;
  // Without a table, OVN's defaults.
  if (name === 'inport') return 'reg14';
  if (name === 'outport') return 'reg15';
  return name;
}

// ------------------------------------------------------------------------------------------
// Printing.

/** A comparison of a base field in the language's text form (`ip4.src == 10.0.0.0/8`). */
export function formatFieldValue(
  symtab: SymbolTable,
  field: string,
  value: bigint,
  mask: bigint,
): string {
  const s = symtab.get(field);
  const width = s && s.kind !== 'predicate' && s.kind !== 'string' ? s.width : 128;
  const format = s && 'format' in s ? s.format : 'hex';
  if (mask === ones(width)) return formatValue(value, format);
  // Masks read better in hex than in decimal.
  return formatMasked(value, mask, format === 'decimal' ? 'hex' : format);
}

function formatLeaf(symtab: SymbolTable, e: Expr): string {
  switch (e.kind) {
    case 'cmp':
      return `${e.field} ${e.eq ? '==' : '!='} ${formatFieldValue(symtab, e.field, e.value, e.mask)}`;
    case 'str':
      return `${e.field} ${e.eq ? '==' : '!='} ${quoteString(e.value)}`;
    case 'cond':
      return `${e.eq ? '' : '!'}is_chassis_resident(${quoteString(e.port)})`;
    case 'bool':
      return e.value ? '1' : '0';
    default:
      return formatExpr(e, symtab);
  }
}

/** Text form of an annotated expression (parenthesised so that it re-parses). */
export function formatExpr(e: Expr, symtab: SymbolTable): string {
  if (e.kind !== 'and' && e.kind !== 'or') return formatLeaf(symtab, e);
  const sep = e.kind === 'and' ? ' && ' : ' || ';
  return e.terms
    .map((t) =>
      t.kind === 'and' || t.kind === 'or' ? `(${formatExpr(t, symtab)})` : formatLeaf(symtab, t),
    )
    .join(sep);
}
