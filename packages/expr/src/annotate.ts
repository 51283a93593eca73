// Annotation: MatchAst → Expr (core.ts), as OVN's expr_annotate() does, plus the parts of its
// parser that need the environment:
//
//   - `!` is pushed down to the leaves (De Morgan; `!(f < 5)` becomes `f >= 5`).
//   - $address_set and @port_group are expanded from the environment.
//   - Predicates are replaced by their (annotated) expansion, negated for `!ip4.mcast`.
//   - Subfields, registers and their overlays (xreg, xxreg) become masked comparisons of base
//     fields; relational operators become OR-ed prefix patterns.
//   - Prerequisites are ANDed in, always positively: `!(tcp.dst == 80)` means
//     `tcp.dst != 80 && tcp`, as in OVN.
//
// Expansions of predicates and prerequisites are annotated once per symbol table and cached.

import { type Constant, type FieldRef, invertRelop, type MatchAst, type Relop } from './ast.js';
import {
  andExpr,
  boolExpr,
  cmpExpr,
  condExpr,
  type Expr,
  FALSE,
  lookup,
  negate,
  orExpr,
  strExpr,
  TRUE,
} from './core.js';
import { lexToken } from './lexer.js';
import { checkComparison, fieldRefWidth, parseMatch } from './parser.js';
import { attempt, ExprFailure, type Result } from './result.js';
import {
  type BaseSegment,
  type ExprSymbol,
  ovnSymbolTable,
  resolveSubfield,
  type SymbolTable,
} from './symbols.js';
import { ones } from './values.js';

type NameMap<V> = ReadonlyMap<string, V> | Readonly<Record<string, V | undefined>>;

/** Named sets a match may reference. */
export interface SetEnv {
  /** Address set name → its values as text ("10.0.0.1", "10.0.0.0/24", "00:00:00:00:00:01"). */
  readonly addressSets?: NameMap<readonly string[]> | undefined;
  /** Port group name → logical port names. */
  readonly portGroups?: NameMap<readonly string[]> | undefined;
}

/** A masked value of a `width`-bit quantity. */
interface Pattern {
  readonly value: bigint;
  readonly mask: bigint;
}

/** The prefix patterns that together match `x op c` for a `width`-bit x. */
export function relationalPatterns(op: Relop, c: bigint, width: number): Pattern[] {
  const all = ones(width);
  const out: Pattern[] = [];
  const strict = op === '<' || op === '>';
  const below = op === '<' || op === '<=';
  for (let i = width - 1; i >= 0; i--) {
    const bit = 1n << BigInt(i);
    const set = (c & bit) !== 0n;
    // x < c: x agrees with c above bit i, has 0 where c has 1 at bit i.
    // x > c: x agrees with c above bit i, has 1 where c has 0 at bit i.
    if (set === below) {
      const high = c & ~ones(i + 1);
      out.push({ value: below ? high : high | bit, mask: all & ~ones(i) });
    }
  }
  if (!strict) out.push({ value: c, mask: all });
  return out;
}

const expansionCache = new WeakMap<SymbolTable, Map<string, Expr>>();
/**
 * Comparisons against one whole address set, per set (by identity of its value array) and per
 * symbol table: `ip4.src == $as` builds the same expression in every ACL that uses it, and
 * keeping it one object lets normalization reuse its normal form (see normalize.ts).
 */
const setComparisonCache = new WeakMap<
  readonly string[],
  WeakMap<SymbolTable, Map<string, Expr>>
>();
const addressSetCache = new WeakMap<readonly string[], Constant[] | string>();

/** Parses an address set's values (cached per array). Returns an error message on failure. */
function parseAddressSet(values: readonly string[]): Constant[] | string {
  const cached = addressSetCache.get(values);
  if (cached !== undefined) return cached;
  const out: Constant[] = [];
  let result: Constant[] | string = out;
  for (const text of values) {
    const t = lexToken(text, 0);
    const end = t.type === 'end' ? t : lexToken(text, t.end);
    if ((t.type !== 'integer' && t.type !== 'maskedInteger') || end.type !== 'end') {
      const why = t.type === 'error' ? ` (${t.text})` : '';
      result = `Invalid value \`${text}' in address set${why}.`;
      break;
    }
    out.push({
      kind: 'integer',
      value: t.value,
      mask: t.type === 'maskedInteger' ? t.mask : undefined,
      format: t.format,
      position: 0,
    });
  }
  addressSetCache.set(values, result);
  return result;
}

class Annotator {
  private readonly cache: Map<string, Expr>;
  private readonly segments = new Map<string, BaseSegment[]>();

  constructor(
    private readonly symtab: SymbolTable,
    private readonly env: SetEnv,
    /** Symbols being expanded, to catch recursive definitions. */
    private readonly nesting = new Set<string>(),
  ) {
    let cache = expansionCache.get(symtab);
    if (!cache) {
      cache = new Map();
      expansionCache.set(symtab, cache);
    }
    this.cache = cache;
  }

  annotate(e: MatchAst, positive: boolean): Expr {
    switch (e.kind) {
      case 'bool':
        return boolExpr(e.value === positive);
      case 'not':
        return this.annotate(e.operand, !positive);
      case 'and':
      case 'or': {
        const terms = e.operands.map((o) => this.annotate(o, positive));
        return (e.kind === 'and') === positive ? andExpr(terms) : orExpr(terms);
      }
      case 'chassisResident':
        return condExpr(e.port, positive);
      case 'compare':
        return this.compare(e.field, e.op, e.set.values, positive, e.position);
    }
  }

  private compare(
    f: FieldRef,
    writtenOp: Relop,
    written: readonly Constant[],
    positive: boolean,
    position: number,
  ): Expr {
    const s = this.symtab.get(f.symbol)!;
    const only = written.length === 1 ? written[0]! : undefined;
    const setValues =
      only?.kind === 'addressSet' ? lookup(this.env.addressSets, only.name) : undefined;
    let cache: Map<string, Expr> | undefined;
    const cacheKey = `${f.symbol}[${f.range?.lo ?? ''}..${f.range?.hi ?? ''}]${writtenOp}${positive}`;
    if (setValues) {
      let bySymtab = setComparisonCache.get(setValues);
      if (!bySymtab) {
        bySymtab = new WeakMap();
        setComparisonCache.set(setValues, bySymtab);
      }
      cache = bySymtab.get(this.symtab);
      if (!cache) {
        cache = new Map();
        bySymtab.set(this.symtab, cache);
      }
      const known = cache.get(cacheKey);
      if (known) return known;
    }
    let values = written;
    if (written.some((c) => c.kind === 'addressSet' || c.kind === 'portGroup')) {
      values = written.flatMap((c) => this.expandSet(c));
      if (values.length === 0 && writtenOp !== '==' && writtenOp !== '!=') {
        throw new ExprFailure(
          'Only == and != operators may be used to compare a field against an empty value set.',
          position,
        );
      }
      checkComparison(this.symtab, f, writtenOp, values, true, !positive, position);
    }
    const op = positive ? writtenOp : invertRelop(writtenOp);
    const leaves = values.map((c) => this.leaf(s, f, op, c, position));
    // `f == {a, b}` is a || b; `f != {a, b}` is !a && !b. An empty set equals nothing.
    let e = op === '!=' ? andExpr(leaves) : orExpr(leaves);
    if (s.prereqs) e = andExpr([e, this.expansion(s, s.prereqs, position)]);
    cache?.set(cacheKey, e);
    return e;
  }

  private expandSet(c: Constant): Constant[] {
    if (c.kind === 'addressSet') {
      const values = lookup(this.env.addressSets, c.name);
      if (values === undefined) {
        throw new ExprFailure(
          `Syntax error at \`$${c.name}' expecting address set name.`,
          c.position,
        );
      }
      const parsed = parseAddressSet(values);
      if (typeof parsed === 'string') {
        throw new ExprFailure(parsed.replace('address set', `address set $${c.name}`), c.position);
      }
      return parsed.map((v) => ({ ...v, position: c.position }));
    }
    if (c.kind === 'portGroup') {
      const ports = lookup(this.env.portGroups, c.name);
      if (ports === undefined) {
        throw new ExprFailure(
          `Syntax error at \`@${c.name}' expecting port group name.`,
          c.position,
        );
      }
      return ports.map((p) => ({ kind: 'string', value: p, position: c.position }));
    }
    return [c];
  }

  private leaf(s: ExprSymbol, f: FieldRef, op: Relop, c: Constant, position: number): Expr {
    if (s.kind === 'string') {
      return c.kind === 'string' ? strExpr(s.name, c.value, op === '==') : FALSE;
    }
    if (c.kind !== 'integer') return FALSE; // excluded by checkComparison
    if (s.kind === 'predicate') {
      const positive = ((c.value & 1n) === 1n) !== (op === '!=');
      const e = this.expansion(s, s.expansion, position);
      return positive ? e : negate(e);
    }
    const lo = f.range?.lo ?? 0;
    const width = fieldRefWidth(this.symtab, f);
    const segs = this.resolve(s.name, lo, width);
    const mask = c.mask ?? ones(width);
    switch (op) {
      case '==':
        return patternExpr(segs, c.value, mask);
      case '!=':
        return negate(patternExpr(segs, c.value, mask));
      default:
        return orExpr(
          relationalPatterns(op, c.value, width).map((p) => patternExpr(segs, p.value, p.mask)),
        );
    }
  }

  private resolve(name: string, lo: number, width: number): BaseSegment[] {
    const key = `${name}[${lo}+${width}]`;
    let segs = this.segments.get(key);
    if (!segs) {
      const r = resolveSubfield(this.symtab, name, lo, width);
      if (!r.ok) throw new ExprFailure(r.error.message, 0);
      segs = r.value;
      this.segments.set(key, segs);
    }
    return segs;
  }

  /** A predicate's expansion or a symbol's prerequisites, annotated (positively) and cached. */
  private expansion(s: ExprSymbol, text: string, position: number): Expr {
    const cached = this.cache.get(text);
    if (cached) return cached;
    if (this.nesting.has(s.name)) {
      throw new ExprFailure(`Recursive expansion of symbol \`${s.name}'.`, position);
    }
    this.nesting.add(s.name);
    try {
      const parsed = parseMatch(text, this.symtab);
      let result: Result<Expr>;
      if (parsed.ok) {
        const inner = new Annotator(this.symtab, {}, this.nesting);
        result = attempt(() => inner.annotate(parsed.value, true));
      } else {
        result = parsed;
      }
      if (!result.ok) {
        throw new ExprFailure(
          `Error parsing expression \`${text}' encountered as prerequisite or predicate of ` +
            `initial expression: ${result.error.message}`,
          position,
        );
      }
      this.cache.set(text, result.value);
      return result.value;
    } finally {
      this.nesting.delete(s.name);
    }
  }
}
/** `value/mask` of a (sub)field as an AND of masked comparisons of the base fields it spans. */
function patternExpr(segs: readonly BaseSegment[], value: bigint, mask: bigint): Expr {
  const terms: Expr[] = [];
  for (const seg of segs) {
    const m = (mask >> BigInt(seg.at)) & ones(seg.width);
    if (m === 0n) continue;
    const v = (value >> BigInt(seg.at)) & m;
    const shift = BigInt(seg.offset);
    terms.push(cmpExpr(seg.field.name, v << shift, m << shift));
  }
  return terms.length === 0 ? TRUE : andExpr(terms);
}

/**
 * Annotates a parsed match: expands sets, predicates, subfields and prerequisites into an Expr
 * over base fields. Never throws.
 */
export function annotate(
  ast: MatchAst,
  symtab: SymbolTable = ovnSymbolTable,
  env: SetEnv = {},
): Result<Expr> {
  return attempt(() => new Annotator(symtab, env).annotate(ast, true));
}
