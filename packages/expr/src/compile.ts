// Compilation to datapath matches (OVN's expr_to_matches): resolve the environment (port names
// to keys, chassis residence), simplify, normalize, then turn each clause into masked field
// matches on base fields.
//
// A clause with one multi-valued field becomes one match per value. A clause with two or more
// (`ip4.src == $a && ip4.dst == $b`) becomes a conjunctive match, OpenFlow's conjunction(id, k/n):
// for each such field k of n, one flow per value carrying `conjunction(id, k/n)`; a packet
// matches when, for every k, some flow of dimension k matches it. The caller installs one more
// flow per conjunction id, matching `conj_id=id` (and its own common fields, e.g. the logical
// datapath) and carrying the logical flow's actions. Conjunctions are used only when they need
// fewer flows than the cross product.

import {
  andExpr,
  boolExpr,
  cmpExpr,
  type EvalEnv,
  type Expr,
  orExpr,
  type Packet,
  packetValue,
  portKey,
} from './core.js';
import { type Clause, normalize } from './normalize.js';
import { attempt, ExprFailure, type Result, unwrap } from './result.js';
import { simplify } from './simplify.js';
import { ovnSymbolTable, type SymbolTable } from './symbols.js';
import type { MaskedValue } from './value-set.js';
import { ones } from './values.js';

/** One masked field of a datapath match; `mask` is all-ones for an exact match. */
export interface FieldMatch {
  readonly field: string;
  readonly value: bigint;
  readonly mask: bigint;
}

/** Membership of a flow in a conjunctive match: dimension `clause` (1-based) of `nClauses`. */
export interface ConjunctionRef {
  readonly id: number;
  readonly clause: number;
  readonly nClauses: number;
}

/**
 * A datapath match. Without conjunctions it is a plain match that carries the logical flow's
 * actions; with them it only contributes to those conjunctions.
 */
export interface DatapathMatch {
  /** Fields in symbol-table order; empty means "every packet". */
  readonly fields: readonly FieldMatch[];
  readonly conjunctions: readonly ConjunctionRef[];
}

export interface CompiledMatches {
  readonly matches: readonly DatapathMatch[];
  /** Conjunction ids used, in order; each needs a `conj_id=id` flow with the actions. */
  readonly conjIds: readonly number[];
}

export interface CompileOptions {
  readonly symtab?: SymbolTable;
  /** First conjunction id to use; ids are allocated consecutively from it. Default 1. */
  readonly firstConjId?: number;
  /**
   * Conjunctive matches: `true` (default) where they need fewer flows than the cross product,
   * `'always'` whenever a clause has two or more multi-valued fields (as OVN does), `false` never.
   */
  readonly conjunctions?: boolean | 'always';
  /** Limit on normalized clauses (see normalize). */
  readonly maxClauses?: number;
}

/** Replaces string comparisons by key comparisons and conditions by their value. */
export function resolveEnv(e: Expr, env: EvalEnv, symtab: SymbolTable): Expr {
  switch (e.kind) {
    case 'str': {
      const s = symtab.get(e.field);
      if (s?.kind !== 'string') throw new ExprFailure(`${e.field} is not a string field.`, 0);
      const key = portKey(env, e.value);
      // A port the environment does not know has no key: it equals no packet.
      if (key === undefined) return boolExpr(!e.eq);
      const base = symtab.get(s.field);
      const width = base && base.kind === 'field' ? base.width : 32;
      return cmpExpr(s.field, key & ones(width), ones(width), e.eq);
    }
    case 'cond':
      return boolExpr((env.isChassisResident?.(e.port) ?? false) === e.eq);
    case 'and':
    case 'or': {
      const terms = e.terms.map((t) => resolveEnv(t, env, symtab));
      // Keep unchanged subtrees (shared expansions) as the same objects: normalization caches them.
      if (terms.every((t, i) => t === e.terms[i])) return e;
      return e.kind === 'and' ? andExpr(terms) : orExpr(terms);
    }
    default:
      return e;
  }
}

function matchKey(fields: readonly FieldMatch[]): string {
  return fields.map((f) => `${f.field}=${f.value.toString(16)}/${f.mask.toString(16)}`).join(',');
}

class Emitter {
  private readonly byKey = new Map<
    string,
    { fields: FieldMatch[]; conjunctions: ConjunctionRef[] }
  >();
  readonly conjIds: number[] = [];
  private nextConjId: number;

  constructor(
    private readonly symtab: SymbolTable,
    private readonly options: CompileOptions,
  ) {
    this.nextConjId = options.firstConjId ?? 1;
  }

  private add(fields: FieldMatch[], conj?: ConjunctionRef): void {
    const key = matchKey(fields);
    const existing = this.byKey.get(key);
    if (!existing) {
      this.byKey.set(key, { fields, conjunctions: conj ? [conj] : [] });
    } else if (existing.conjunctions.length > 0) {
      // A plain match subsumes conjunction clauses with the same match (it has the actions).
      if (conj) existing.conjunctions.push(conj);
      else existing.conjunctions = [];
    }
  }

  private fieldOrder(a: string, b: string): number {
    const order = this.symtab.baseFieldOrder;
    const d = (order.get(a) ?? Number.MAX_SAFE_INTEGER) - (order.get(b) ?? Number.MAX_SAFE_INTEGER);
    return d !== 0 ? d : a < b ? -1 : a > b ? 1 : 0;
  }

  /**
   * Nominal fields (eth.type, ip.proto …) are prerequisites of others, so like OVN's
   * must_crossproduct fields they are never conjunction dimensions: every flow carries them.
   */
  private crossed(field: string): boolean {
    const s = this.symtab.get(field);
    return s?.kind === 'field' && s.level === 'nominal';
  }

  clause(c: Clause): void {
    const fm = (field: string, v: MaskedValue): FieldMatch => ({
      field,
      value: v.value,
      mask: v.mask,
    });
    const base: FieldMatch[] = [];
    const cross: { field: string; values: readonly MaskedValue[] }[] = [];
    const dims: { field: string; values: readonly MaskedValue[] }[] = [];
    for (const [field, set] of [...c.fields].sort(([a], [b]) => this.fieldOrder(a, b))) {
      if (set.length === 1) base.push(fm(field, set[0]!));
      else (this.crossed(field) ? cross : dims).push({ field, values: set });
    }
    const product = dims.reduce((n, m) => n * m.values.length, 1);
    const sum = dims.reduce((n, m) => n + m.values.length, 0);
    const mode = this.options.conjunctions ?? true;
    const conj = dims.length >= 2 && (mode === 'always' || (mode && sum + 1 < product));
    if (!conj) {
      cross.push(...dims);
      dims.length = 0;
    }
    // Every combination of the crossed fields' values…
    const combos: FieldMatch[][] = [[]];
    for (const x of cross) {
      const next: FieldMatch[][] = [];
      for (const combo of combos) for (const v of x.values) next.push([...combo, fm(x.field, v)]);
      combos.splice(0, combos.length, ...next);
    }
    const flow = (extra: FieldMatch[]): FieldMatch[] =>
      [...base, ...extra].sort((a, b) => this.fieldOrder(a.field, b.field));
    if (!conj) {
      for (const combo of combos) this.add(flow(combo));
      return;
    }
    // …and, per dimension, one flow per value, all in one conjunction.
    const id = this.nextConjId++;
    this.conjIds.push(id);
    dims.forEach((d, k) => {
      for (const combo of combos) {
        for (const v of d.values) {
          this.add(flow([...combo, fm(d.field, v)]), { id, clause: k + 1, nClauses: dims.length });
        }
      }
    });
  }

  result(): CompiledMatches {
    // An id whose clause flows all turned into plain matches stays allocated: its conj_id flow
    // is harmless, and ids stay a function of the expression alone.
    return { matches: [...this.byKey.values()], conjIds: this.conjIds };
  }
}

/**
 * Compiles an annotated expression into datapath matches. `env` maps port names to keys (a
 * missing port matches nothing) and says which ports are resident on this chassis.
 * Never throws.
 */
export function compileMatches(
  e: Expr,
  env: EvalEnv = {},
  options: CompileOptions = {},
): Result<CompiledMatches> {
  const symtab = options.symtab ?? ovnSymbolTable;
  return attempt(() => {
    const resolved = simplify(resolveEnv(e, env, symtab));
    const normal = unwrap(
      normalize(resolved, symtab, options.maxClauses ? { maxClauses: options.maxClauses } : {}),
    );
    const emitter = new Emitter(symtab, options);
    for (const c of normal) emitter.clause(c);
    return emitter.result();
  });
}

/** Whether one match's fields all match the packet. */
export function fieldsMatch(fields: readonly FieldMatch[], packet: Packet): boolean {
  return fields.every((f) => (packetValue(packet, f.field) & f.mask) === f.value);
}

/**
 * Whether the compiled matches accept a packet, with OpenFlow semantics: some plain match
 * matches, or for some conjunction id every dimension has a matching flow.
 */
export function evaluateMatches(compiled: CompiledMatches, packet: Packet): boolean {
  const seen = new Map<number, { n: number; dims: Set<number> }>();
  for (const m of compiled.matches) {
    if (!fieldsMatch(m.fields, packet)) continue;
    if (m.conjunctions.length === 0) return true;
    for (const c of m.conjunctions) {
      let s = seen.get(c.id);
      if (!s) {
        s = { n: c.nClauses, dims: new Set() };
        seen.set(c.id, s);
      }
      s.dims.add(c.clause);
      if (s.dims.size === s.n) return true;
    }
  }
  return false;
}

/** Number of datapath flows: the matches plus one `conj_id` flow per conjunction. */
export function flowCount(compiled: CompiledMatches): number {
  return compiled.matches.length + compiled.conjIds.length;
}
