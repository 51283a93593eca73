// Parsing state shared by the action parsers: the token cursor, the environment, the
// prerequisites gathered so far, and the current write scope. Also the building blocks every
// action uses: fields (with OVN's type and writability checks) and constants.
//
// Errors throw ExprFailure (first error wins, as in OVN); parseActions() turns them into a
// Result. Messages follow OVN's wording so that tools and people see the same text.

import { type Token, TokenStream } from '../lexer.js';
import { parseExpr } from '../match.js';
import { ExprFailure } from '../result.js';
import { type ExprSymbol, type SymbolTable, type WriteScope, writeScope } from '../symbols.js';
import { bitLength, formatWidth } from '../values.js';
import type { ActionConstant, ActionConstantSet, ActionField } from './ast.js';
import type { ResolvedActionEnv } from './env.js';

/** Nesting limit for `clone { clone { … } }`, as in OVN. */
export const MAX_NESTED_ACTION_DEPTH = 32;

/** Fields that exist only for actions to load constants into (OVN's "ovn fields"). */
export const LOAD_ONLY_FIELDS: ReadonlySet<string> = new Set([
  'icmp4.frag_mtu',
  'icmp6.frag_mtu',
  'icmp4.inner_ip4.src',
]);

export class ActionParser {
  readonly ts: TokenStream;
  readonly env: ResolvedActionEnv;
  /** Match expressions the flow's match must be ANDed with (deduplicated, in order). */
  prereqs: string[] = [];
  scope: WriteScope = 'any';
  depth = 0;
  /** Where each parsed field was written, so that errors about it point there. */
  private readonly fieldTokens = new WeakMap<ActionField, Token>();

  constructor(input: string, env: ResolvedActionEnv) {
    this.ts = new TokenStream(input);
    this.env = env;
  }

  get token(): Token {
    return this.ts.token;
  }

  /** "Syntax error at `tok' <message>." or, with no message, "Syntax error at `tok'." */
  syntaxError(message?: string, at: Token = this.ts.token): never {
    if (message !== undefined) return this.ts.syntaxError(message, at);
    if (at.type === 'error') throw new ExprFailure(at.text, at.start);
    const where = at.type === 'end' ? 'at end of input' : `at \`${this.ts.text(at)}'`;
    throw new ExprFailure(`Syntax error ${where}.`, at.start);
  }

  /** A plain error message, reported at the current token. */
  error(message: string): never {
    return this.ts.error(message);
  }

  expect(type: Token['type']): Token {
    return this.ts.expect(type);
  }

  match(type: Token['type']): boolean {
    return this.ts.match(type);
  }

  matchId(name: string): boolean {
    return this.ts.matchId(name);
  }

  addPrereq(expr: string): void {
    if (!this.prereqs.includes(expr)) this.prereqs.push(expr);
  }

  /** True if the current token is identifier `name` followed by `(`. */
  isCall(name: string): boolean {
    return this.ts.isId(name) && this.ts.peek().type === '(';
  }

  /** A small non-negative decimal integer (OVN's lexer_is_int), without consuming it. */
  smallInt(t: Token = this.ts.token): number | undefined {
    return t.type === 'integer' && t.format === 'decimal' && t.value <= 0x7fffffffn
      ? Number(t.value)
      : undefined;
  }

  /** A decimal integer of at most 16 bits, or a syntax error "expecting <what>". */
  uint16(what: string): number {
    const n = this.smallInt();
    if (n === undefined || n > 0xffff) return this.syntaxError(`expecting ${what}`);
    this.ts.next();
    return n;
  }

  // Fields ------------------------------------------------------------------------------------

  symbol(name: string): ExprSymbol {
    return this.env.symbols.get(name)!;
  }

  /**
   * Parses `name` or `name[lo..hi]` as an lvalue (predicates are refused) and records the
   * field's prerequisites.
   */
  field(): ActionField {
    const t = this.ts.token;
    const sym = t.type === 'id' ? this.env.symbols.get(t.text) : undefined;
    if (!sym) return this.syntaxError('expecting field name');
    this.ts.next();
    const width = sym.kind === 'string' ? 0 : sym.width;
    let ofs = 0;
    let nBits = width;
    if (this.ts.match('[')) {
      if (sym.kind === 'string') {
        this.ts.error(`Cannot select subfield of string field ${sym.name}.`, t);
      }
      const lo = this.ts.expectSmallInt();
      const hi = this.ts.match('..') ? this.ts.expectSmallInt() : lo;
      this.ts.expect(']');
      if (lo > hi) this.ts.error(`Invalid bit range ${lo} to ${hi}.`, t);
      if (hi >= width) {
        this.ts.error(`Cannot select bits ${lo} to ${hi} of ${width}-bit field ${sym.name}.`, t);
      }
      if (sym.kind !== 'predicate' && sym.level === 'nominal' && (lo !== 0 || hi !== width - 1)) {
        this.ts.error(`Cannot select subfield of nominal field ${sym.name}.`, t);
      }
      ofs = lo;
      nBits = hi - lo + 1;
    }
    if (sym.kind === 'predicate') {
      this.ts.error(`Predicate symbol ${sym.name} used where lvalue required.`, t);
    }
    if (sym.prereqs) {
      const problem = prereqProblem(this.env.symbols, sym.prereqs);
      if (problem) this.ts.error(problem, t);
      this.addPrereq(sym.prereqs);
    }
    const ref: ActionField = { kind: 'fieldRef', name: sym.name, ofs, nBits, width };
    this.fieldTokens.set(ref, t);
    return ref;
  }

  /**
   * OVN's expr_type_check: `f` must be `nBits` wide (0: a string field) and, if `rw`, writable
   * in the current scope. Returns the error message, or undefined.
   */
  typeProblem(f: ActionField, nBits: number, rw: boolean): string | undefined {
    if (nBits !== f.nBits) {
      if (nBits && f.nBits) {
        return (
          `Cannot use ${f.nBits}-bit field ${f.name}[${f.ofs}..${f.ofs + f.nBits - 1}] ` +
          `where ${nBits}-bit field is required.`
        );
      }
      return nBits
        ? `Cannot use string field ${f.name} where numeric field is required.`
        : `Cannot use numeric field ${f.name} where string field is required.`;
    }
    // OVN's load-only fields are writable in every scope.
    if (
      rw &&
      !LOAD_ONLY_FIELDS.has(f.name) &&
      writeScope(this.env.symbols, f.name) !== this.scope
    ) {
      return `Field ${f.name} is not modifiable.`;
    }
    return undefined;
  }

  typeCheck(f: ActionField, nBits: number, rw: boolean): void {
    const problem = this.typeProblem(f, nBits, rw);
    if (problem) this.fieldError(f, problem);
  }

  /** A plain error about a parsed field, reported at the field's first token. */
  fieldError(f: ActionField, message: string): never {
    // As everywhere in OVN, a lexical error at the current token takes precedence.
    const at = this.ts.token.type === 'error' ? this.ts.token : this.fieldTokens.get(f);
    return this.ts.error(message, at ?? this.ts.token);
  }

  /** Parses a field and checks it as typeCheck does. */
  checkedField(nBits: number, rw: boolean): ActionField {
    const f = this.field();
    this.typeCheck(f, nBits, rw);
    return f;
  }

  // Constants ---------------------------------------------------------------------------------

  /** One integer or string constant (OVN's parse_constant, with no address sets in scope). */
  constant(): ActionConstant {
    const t = this.ts.token;
    switch (t.type) {
      case 'string':
        this.ts.next();
        return { kind: 'string', value: t.text };
      case 'integer':
        this.ts.next();
        return { kind: 'integer', value: t.value, format: t.format };
      case 'maskedInteger':
        this.ts.next();
        return { kind: 'integer', value: t.value, format: t.format, mask: t.mask };
      case 'template':
        return this.error('Unexpanded template.');
      case 'addressSet':
        return this.syntaxError('expecting address set name');
      case 'portGroup':
        return this.syntaxError('expecting port group name');
      default:
        return this.syntaxError('expecting constant');
    }
  }

  /** A constant or a `{…}` set of constants of one type. */
  constantSet(): ActionConstantSet {
    if (!this.ts.match('{'))
      return { kind: 'constantSet', values: [this.constant()], braces: false };
    const values: ActionConstant[] = [];
    do {
      const first = values[0];
      const t = this.ts.token;
      const c = this.constant();
      if (first && first.kind !== c.kind) {
        this.syntaxError(`expecting ${first.kind === 'integer' ? 'integer' : 'string'}`, t);
      }
      values.push(c);
      this.ts.match(',');
    } while (!this.ts.match('}'));
    return { kind: 'constantSet', values, braces: true };
  }

  /** OVN's type_check of a constant against the field it is loaded into. */
  checkConstantFits(f: ActionField, c: ActionConstant): void {
    const isString = f.width === 0;
    if ((c.kind === 'string') !== isString) {
      this.error(
        `${isString ? 'String' : 'Integer'} field ${f.name} is not compatible with ` +
          `${c.kind === 'string' ? 'string' : 'integer'} constant.`,
      );
    }
    if (c.kind === 'integer') {
      const w = constantWidth(c);
      if (w > f.width) {
        this.error(`${w}-bit constant is not compatible with ${f.width}-bit field ${f.name}.`);
      }
    }
  }
}

// Whether each prerequisite text of a symbol table parses and expands (per table, computed once).
const prereqProblems = new WeakMap<SymbolTable, Map<string, string | undefined>>();

/** Like OVN, a field whose prerequisites are broken can't be used: says why, or undefined. */
function prereqProblem(symtab: SymbolTable, prereqs: string): string | undefined {
  let known = prereqProblems.get(symtab);
  if (!known) {
    known = new Map();
    prereqProblems.set(symtab, known);
  }
  if (known.has(prereqs)) return known.get(prereqs);
  const r = parseExpr(prereqs, {}, symtab);
  const problem = r.ok
    ? undefined
    : `Error parsing expression \`${prereqs}' encountered as prerequisite or predicate of ` +
      `initial expression: ${r.error.message}`;
  known.set(prereqs, problem);
  return problem;
}

/** The minimum width a constant needs: its mask's, its address family's, or its value's. */
export function constantWidth(c: Extract<ActionConstant, { kind: 'integer' }>): number {
  if (c.mask !== undefined) return bitLength(c.mask);
  return formatWidth(c.format) || bitLength(c.value);
}
