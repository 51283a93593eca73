// Normalization (OVN's expr_normalize): an OR of clauses, each clause an AND in which every
// field appears once, constrained to a set of masked values (`ip4.src == {a, b, c}`: any of).
// Keeping a field's alternatives as a set inside one clause, instead of distributing them, is what
// lets compilation emit conjunctive matches for `ip4.src == $a && ip4.dst == $b`.
//
// Besides the distributive law, the OR step merges clauses that differ in one field only
// ((f ∈ A ∧ R) ∨ (f ∈ B ∧ R) = f ∈ A∪B ∧ R) and drops clauses implied by another (absorption).
// The input must be simplified (simplify.ts): integer comparisons positive.

import {
  andExpr,
  cmpExpr,
  condExpr,
  type Expr,
  formatFieldValue,
  orExpr,
  strExpr,
} from './core.js';
import { quoteString } from './lexer.js';
import { attempt, ExprFailure, type Result } from './result.js';
import { simplify } from './simplify.js';
import type { SymbolTable } from './symbols.js';
import { intersectSets, reduceSet, setImplies, setKey, type ValueSet } from './value-set.js';

/** A string field's constraint: one of `allowed` (if present), none of `excluded`. */
export interface StringConstraint {
  readonly allowed?: readonly string[] | undefined;
  readonly excluded: readonly string[];
}

export interface Clause {
  /** Base field → the masked values it may take (any of). */
  readonly fields: ReadonlyMap<string, ValueSet>;
  /** String field (inport, outport) → the names it may take. */
  readonly strings: ReadonlyMap<string, StringConstraint>;
  /** is_chassis_resident(port) → required truth value. */
  readonly conds: ReadonlyMap<string, boolean>;
}

/** OR of clauses: [] is false, [one empty clause] is true. */
export type Normalized = readonly Clause[];

export interface NormalizeOptions {
  /** Fail instead of producing more clauses than this (the distributive law can explode). */
  readonly maxClauses?: number;
}

const EMPTY: Clause = { fields: new Map(), strings: new Map(), conds: new Map() };
const ABSORB_LIMIT = 256;
const MERGE_ROUNDS = 8;

const isEmptyClause = (c: Clause) =>
  c.fields.size === 0 && c.strings.size === 0 && c.conds.size === 0;

function sortedUnique(xs: Iterable<string>): string[] {
  return [...new Set(xs)].sort();
}

function intersectStrings(a: StringConstraint, b: StringConstraint): StringConstraint | undefined {
  let allowed =
    a.allowed && b.allowed
      ? a.allowed.filter((x) => b.allowed!.includes(x))
      : (a.allowed ?? b.allowed);
  let excluded = sortedUnique([...a.excluded, ...b.excluded]);
  if (allowed) {
    allowed = allowed.filter((x) => !excluded.includes(x));
    excluded = [];
    if (allowed.length === 0) return undefined;
  }
  return { allowed, excluded };
}

function stringImplies(a: StringConstraint, b: StringConstraint): boolean {
  if (a.allowed) {
    return a.allowed.every((x) => (b.allowed ? b.allowed.includes(x) : !b.excluded.includes(x)));
  }
  return !b.allowed && b.excluded.every((x) => a.excluded.includes(x));
}

const stringKey = (s: StringConstraint) =>
  s.allowed ? `=${JSON.stringify(s.allowed)}` : `!${JSON.stringify(s.excluded)}`;

/**
 * Normal forms of AND/OR nodes, per symbol table, by node identity. Expansions of predicates and
 * prerequisites are shared between all matches (annotate.ts caches them), so `ip`, `nd`,
 * `icmp6`… are normalized once, not once per use.
 */
const memos = new WeakMap<object, WeakMap<Expr, Clause[]>>();
const NO_TABLE = {};

class Normalizer {
  private readonly memo: WeakMap<Expr, Clause[]>;

  constructor(
    private readonly symtab: SymbolTable | undefined,
    private readonly maxClauses: number,
  ) {
    const key = symtab ?? NO_TABLE;
    let memo = memos.get(key);
    if (!memo) {
      memo = new WeakMap();
      memos.set(key, memo);
    }
    this.memo = memo;
  }

  private ordinal(field: string): boolean {
    const s = this.symtab?.get(field);
    return !s || !('level' in s) || s.level === 'ordinal';
  }

  run(e: Expr): Clause[] {
    switch (e.kind) {
      case 'bool':
        return e.value ? [EMPTY] : [];
      case 'cmp':
        if (!e.eq) return this.run(simplify(e));
        return [{ ...EMPTY, fields: new Map([[e.field, [{ value: e.value, mask: e.mask }]]]) }];
      case 'str': {
        const c: StringConstraint = e.eq
          ? { allowed: [e.value], excluded: [] }
          : { excluded: [e.value] };
        return [{ ...EMPTY, strings: new Map([[e.field, c]]) }];
      }
      case 'cond':
        return [{ ...EMPTY, conds: new Map([[e.port, e.eq]]) }];
      case 'or':
      case 'and': {
        const known = this.memo.get(e);
        if (known) return known;
        const lists = e.terms.map((t) => this.run(t));
        const out = e.kind === 'or' ? this.or(lists) : this.and(lists);
        this.memo.set(e, out);
        return out;
      }
    }
  }

  private check(n: number): void {
    if (n > this.maxClauses) {
      throw new ExprFailure(
        `Expression too complex: normalization needs more than ${this.maxClauses} clauses.`,
        0,
      );
    }
  }

  private and(lists: Clause[][]): Clause[] {
    // Fold the single-clause operands (the usual case) into one clause, in place…
    const fields = new Map<string, ValueSet>();
    const strings = new Map<string, StringConstraint>();
    const conds = new Map<string, boolean>();
    const multi: Clause[][] = [];
    for (const list of lists) {
      if (list.length === 0) return [];
      if (list.length > 1) multi.push(list);
      else if (!this.intersectInto(fields, strings, conds, list[0]!)) return [];
    }
    let acc: Clause[] = [{ fields, strings, conds }];
    // …then distribute over the operands that are disjunctions, smallest first.
    multi.sort((a, b) => a.length - b.length);
    for (const list of multi) {
      const next: Clause[] = [];
      for (const c1 of acc) {
        for (const c2 of list) {
          const c = this.intersect(c1, c2);
          if (c) next.push(c);
        }
        this.check(next.length);
      }
      acc = next.length > 1 ? this.merge(next) : next;
      if (acc.length === 0) return [];
    }
    return acc;
  }

  private or(lists: Clause[][]): Clause[] {
    const all = lists.flat();
    if (all.some(isEmptyClause)) return [EMPTY];
    this.check(all.length);
    // Fast path for value sets (`ip4.src == $as`): clauses that constrain one integer field only
    // merge by field, without the general search.
    const byField = new Map<string, Clause[]>();
    const rest: Clause[] = [];
    for (const c of all) {
      if (c.fields.size === 1 && c.strings.size === 0 && c.conds.size === 0) {
        const f = c.fields.keys().next().value!;
        const b = byField.get(f);
        if (b) b.push(c);
        else byField.set(f, [c]);
      } else {
        rest.push(c);
      }
    }
    const merged: Clause[] = [];
    for (const [f, cs] of byField) {
      if (cs.length === 1) {
        merged.push(cs[0]!);
        continue;
      }
      const set = reduceSet(
        cs.flatMap((c) => c.fields.get(f)!),
        this.ordinal(f),
      );
      if (set === null) return [EMPTY];
      merged.push({ ...EMPTY, fields: new Map([[f, set]]) });
    }
    return this.merge([...merged, ...rest]);
  }

  private intersect(a: Clause, b: Clause): Clause | undefined {
    if (isEmptyClause(a)) return b;
    if (isEmptyClause(b)) return a;
    const fields = new Map(a.fields);
    const strings = new Map(a.strings);
    const conds = new Map(a.conds);
    return this.intersectInto(fields, strings, conds, b) ? { fields, strings, conds } : undefined;
  }

  /** ANDs clause `b` into the given maps; false if the result is contradictory. */
  private intersectInto(
    fields: Map<string, ValueSet>,
    strings: Map<string, StringConstraint>,
    conds: Map<string, boolean>,
    b: Clause,
  ): boolean {
    for (const [f, sb] of b.fields) {
      const sa = fields.get(f);
      if (!sa) {
        fields.set(f, sb);
        continue;
      }
      const s = intersectSets(sa, sb, this.ordinal(f));
      if (s === null) fields.delete(f);
      else if (s.length === 0) return false;
      else fields.set(f, s);
    }
    for (const [f, sb] of b.strings) {
      const sa = strings.get(f);
      const s = sa ? intersectStrings(sa, sb) : sb;
      if (!s) return false;
      strings.set(f, s);
    }
    for (const [p, v] of b.conds) {
      if (conds.get(p) === !v) return false;
      conds.set(p, v);
    }
    return true;
  }

  /** Dedupes, merges clauses differing in one field, and drops implied clauses. */
  private merge(clauses: Clause[]): Clause[] {
    if (clauses.length <= 1) return clauses;
    let cur = clauses;
    for (let round = 0; round < MERGE_ROUNDS; round++) {
      const r = this.mergeRound(cur);
      cur = r.clauses;
      if (cur.some(isEmptyClause)) return [EMPTY];
      if (!r.changed) break;
    }
    return cur.length <= ABSORB_LIMIT ? absorb(cur) : cur;
  }

  private mergeRound(clauses: Clause[]): { clauses: Clause[]; changed: boolean } {
    // For each clause and each mergeable part, key = part name + every other part.
    const groups = new Map<string, number[]>();
    const seen = new Map<string, number>();
    const duplicate = new Set<number>();
    // Only clauses over the same parts can merge or be duplicates: skip the rest cheaply.
    const shapes = new Map<string, number>();
    const shapeOf = clauses.map((c) => shapeKey(c));
    for (const k of shapeOf) shapes.set(k, (shapes.get(k) ?? 0) + 1);
    clauses.forEach((c, i) => {
      if (shapes.get(shapeOf[i]!)! < 2) return;
      const parts = clauseParts(c);
      const whole = parts.map((p) => p.text).join('\n');
      if (seen.has(whole)) {
        duplicate.add(i);
        return;
      }
      seen.set(whole, i);
      for (let j = 0; j < parts.length; j++) {
        if (!parts[j]!.mergeable) continue;
        const rest = parts
          .filter((_, k) => k !== j)
          .map((p) => p.text)
          .join('\n');
        const key = `${parts[j]!.name}\n${rest}`;
        const g = groups.get(key);
        if (g) g.push(i);
        else groups.set(key, [i]);
      }
    });
    const consumed = new Set<number>(duplicate);
    const replacement = new Map<number, Clause>();
    for (const [key, members] of groups) {
      const live = members.filter((i) => !consumed.has(i));
      if (live.length < 2) continue;
      const name = key.slice(0, key.indexOf('\n'));
      replacement.set(
        live[0]!,
        this.mergeOn(
          name,
          live.map((i) => clauses[i]!),
        ),
      );
      for (const i of live) consumed.add(i);
    }
    if (consumed.size === 0) return { clauses, changed: false };
    const out: Clause[] = [];
    clauses.forEach((c, i) => {
      const r = replacement.get(i);
      if (r) out.push(r);
      else if (!consumed.has(i)) out.push(c);
    });
    return { clauses: out, changed: true };
  }

  /** Unions the constraint on part `name` of clauses that agree on everything else. */
  private mergeOn(name: string, members: Clause[]): Clause {
    const first = members[0]!;
    const field = name.slice(2);
    if (name.startsWith('f:')) {
      const all = members.flatMap((c) => [...c.fields.get(field)!]);
      const set = reduceSet(all, this.ordinal(field));
      const fields = new Map(first.fields);
      if (set === null) fields.delete(field);
      else fields.set(field, set);
      return { ...first, fields };
    }
    const allowed = sortedUnique(members.flatMap((c) => c.strings.get(field)!.allowed ?? []));
    const strings = new Map(first.strings);
    strings.set(field, { allowed, excluded: [] });
    return { ...first, strings };
  }
}

/** The names of a clause's parts (not their values). */
function shapeKey(c: Clause): string {
  let k = '';
  for (const f of c.fields.keys()) k += `f:${f} `;
  for (const [f, s] of c.strings) k += `s:${f}${s.allowed ? '=' : '!'} `;
  for (const p of c.conds.keys()) k += `c:${p} `;
  return k.split(' ').sort().join(' ');
}

interface Part {
  readonly name: string;
  readonly text: string;
  readonly mergeable: boolean;
}

function clauseParts(c: Clause): Part[] {
  const parts: Part[] = [];
  for (const [f, s] of c.fields)
    parts.push({ name: `f:${f}`, text: `f:${f}=${setKey(s)}`, mergeable: true });
  for (const [f, s] of c.strings) {
    parts.push({
      name: `s:${f}`,
      text: `s:${f}${stringKey(s)}`,
      mergeable: s.allowed !== undefined,
    });
  }
  for (const [p, v] of c.conds)
    parts.push({ name: `c:${p}`, text: `c:${p}=${v}`, mergeable: false });
  parts.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return parts;
}

/** Whether every packet satisfying `a` satisfies `b`. */
function clauseImplies(a: Clause, b: Clause): boolean {
  for (const [f, sb] of b.fields) {
    const sa = a.fields.get(f);
    if (!sa || !setImplies(sa, sb)) return false;
  }
  for (const [f, sb] of b.strings) {
    const sa = a.strings.get(f);
    if (!sa || !stringImplies(sa, sb)) return false;
  }
  for (const [p, v] of b.conds) if (a.conds.get(p) !== v) return false;
  return true;
}

/** Clauses sorted by content, so that equal normal forms print identically. */
function canonicalOrder(clauses: Clause[]): Clause[] {
  if (clauses.length < 2) return clauses;
  const keyed = clauses.map((c) => ({
    c,
    k: clauseParts(c)
      .map((p) => p.text)
      .join('\n'),
  }));
  keyed.sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : 0));
  return keyed.map((x) => x.c);
}

function absorb(clauses: Clause[]): Clause[] {
  if (clauses.length < 2) return clauses;
  return clauses.filter(
    (c, i) =>
      !clauses.some((d, j) => j !== i && clauseImplies(c, d) && (j < i || !clauseImplies(d, c))),
  );
}

/** Normalizes an annotated expression (simplifying it first). Never throws. */
export function normalize(
  e: Expr,
  symtab?: SymbolTable,
  options: NormalizeOptions = {},
): Result<Normalized> {
  const n = new Normalizer(symtab, options.maxClauses ?? 100_000);
  return attempt(() => canonicalOrder(n.run(simplify(e))));
}

// ------------------------------------------------------------------------------------------
// Viewing a normal form.

function orderedFields(c: Clause, symtab?: SymbolTable): [string, ValueSet][] {
  const order = symtab?.baseFieldOrder;
  return [...c.fields].sort(([a], [b]) => {
    const ia = order?.get(a) ?? Number.MAX_SAFE_INTEGER;
    const ib = order?.get(b) ?? Number.MAX_SAFE_INTEGER;
    return ia !== ib ? ia - ib : a < b ? -1 : a > b ? 1 : 0;
  });
}

/** The normal form as an expression (OR of ANDs of comparisons or same-field ORs). */
export function normalizedToExpr(n: Normalized, symtab?: SymbolTable): Expr {
  return orExpr(
    n.map((c) => {
      const terms: Expr[] = [];
      for (const [f, set] of orderedFields(c, symtab)) {
        terms.push(orExpr(set.map((e) => cmpExpr(f, e.value, e.mask))));
      }
      for (const [f, s] of c.strings) {
        terms.push(
          s.allowed
            ? orExpr(s.allowed.map((v) => strExpr(f, v)))
            : andExpr(s.excluded.map((v) => strExpr(f, v, false))),
        );
      }
      for (const [p, v] of c.conds) terms.push(condExpr(p, v));
      return andExpr(terms);
    }),
  );
}

function formatSet(items: string[]): string {
  return items.length === 1 ? items[0]! : `{${items.join(', ')}}`;
}

/** Canonical text of a normal form; it parses back to the same normal form. */
export function formatNormalized(n: Normalized, symtab: SymbolTable): string {
  if (n.length === 0) return '0';
  const clauses = n.map((c) => {
    const terms: string[] = [];
    for (const [f, set] of orderedFields(c, symtab)) {
      terms.push(
        `${f} == ${formatSet(set.map((e) => formatFieldValue(symtab, f, e.value, e.mask)))}`,
      );
    }
    for (const [f, s] of [...c.strings].sort(([a], [b]) => (a < b ? -1 : 1))) {
      terms.push(
        s.allowed
          ? `${f} == ${formatSet(s.allowed.map(quoteString))}`
          : `${f} != ${formatSet(s.excluded.map(quoteString))}`,
      );
    }
    for (const [p, v] of [...c.conds].sort(([a], [b]) => (a < b ? -1 : 1))) {
      terms.push(`${v ? '' : '!'}is_chassis_resident(${quoteString(p)})`);
    }
    return terms;
  });
  if (clauses.length === 1) return clauses[0]!.length === 0 ? '1' : clauses[0]!.join(' && ');
  return clauses.map((t) => (t.length > 1 ? `(${t.join(' && ')})` : t[0]!)).join(' || ');
}
