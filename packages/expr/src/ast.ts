// Syntax tree of a match, as written (before annotation). Small immutable nodes with a `kind`
// discriminant and a factory each; positions are 0-based offsets into the parsed text.

import type { ValueFormat } from './values.js';

export type Relop = '==' | '!=' | '<' | '<=' | '>' | '>=';

/** A field as written: `ip4.src`, `reg0[0..15]`, `eth.dst[40]`. */
export interface FieldRef {
  readonly symbol: string;
  /** Selected bit range, inclusive; absent when the whole field is meant. */
  readonly range?: { readonly lo: number; readonly hi: number } | undefined;
  readonly position: number;
}

export type Constant =
  | {
      readonly kind: 'integer';
      readonly value: bigint;
      /** Present for masked constants (`10.0.0.0/8`, `0x10/0xf0`). */
      readonly mask?: bigint | undefined;
      readonly format: ValueFormat;
      readonly position: number;
    }
  | { readonly kind: 'string'; readonly value: string; readonly position: number }
  | { readonly kind: 'addressSet'; readonly name: string; readonly position: number }
  | { readonly kind: 'portGroup'; readonly name: string; readonly position: number };

export interface ConstantSet {
  readonly values: readonly Constant[];
  /** Written in `{…}` (even with one element): relational operators are then refused. */
  readonly inCurlies: boolean;
}

export type MatchAst =
  | { readonly kind: 'bool'; readonly value: boolean; readonly position: number }
  | { readonly kind: 'and'; readonly operands: readonly MatchAst[] }
  | { readonly kind: 'or'; readonly operands: readonly MatchAst[] }
  | { readonly kind: 'not'; readonly operand: MatchAst; readonly position: number }
  | {
      readonly kind: 'compare';
      readonly field: FieldRef;
      readonly op: Relop;
      readonly set: ConstantSet;
      /** Written as a bare field (`tcp`, `ct.new`): means `field != 0`. */
      readonly bare?: boolean | undefined;
      readonly position: number;
    }
  | { readonly kind: 'chassisResident'; readonly port: string; readonly position: number };

export type MatchAstKind = MatchAst['kind'];

export const astBool = (value: boolean, position = 0): MatchAst => ({
  kind: 'bool',
  value,
  position,
});
export const astAnd = (operands: readonly MatchAst[]): MatchAst => ({ kind: 'and', operands });
export const astOr = (operands: readonly MatchAst[]): MatchAst => ({ kind: 'or', operands });
export const astNot = (operand: MatchAst, position = 0): MatchAst => ({
  kind: 'not',
  operand,
  position,
});
export const astCompare = (
  field: FieldRef,
  op: Relop,
  set: ConstantSet,
  position = field.position,
  bare = false,
): MatchAst => ({ kind: 'compare', field, op, set, position, ...(bare ? { bare } : {}) });
export const astChassisResident = (port: string, position = 0): MatchAst => ({
  kind: 'chassisResident',
  port,
  position,
});

/** `x op y` ⇔ `y turn(op) x`. */
export function turnRelop(op: Relop): Relop {
  switch (op) {
    case '<':
      return '>';
    case '<=':
      return '>=';
    case '>':
      return '<';
    case '>=':
      return '<=';
    default:
      return op;
  }
}

/** `!(x op y)` ⇔ `x invert(op) y`. */
export function invertRelop(op: Relop): Relop {
  switch (op) {
    case '==':
      return '!=';
    case '!=':
      return '==';
    case '<':
      return '>=';
    case '<=':
      return '>';
    case '>':
      return '<=';
    case '>=':
      return '<';
  }
}
