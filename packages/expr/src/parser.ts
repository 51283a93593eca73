// Match parser: text → MatchAst (see ast.ts), following the grammar and the checks of OVN's
// expr_parse() (lib/expr.c):
//
//   expr     := not (('&&' not)* | ('||' not)*)      mixing && and || needs parentheses
//   not      := '!' primary | primary                 `!` needs an atomic operand
//   primary  := '(' expr ')'
//             | 'is_chassis_resident' '(' string ')'
//             | field                                 bare: `field != 0` (1-bit fields, or under `!`)
//             | field relop set
//             | set relop field [relop set]           `1 < f < 5`, `5 > f`
//             | '0' | '1'
//   field    := id ['[' int ['..' int] ']']
//   set      := constant | '{' constant [','] … '}'
//   constant := integer | masked integer | string | $address_set | @port_group
//
// Address sets and port groups stay names here; annotation expands them (annotate.ts).

import {
  astAnd,
  astBool,
  astChassisResident,
  astCompare,
  astNot,
  astOr,
  type Constant,
  type ConstantSet,
  type FieldRef,
  type MatchAst,
  type Relop,
  turnRelop,
} from './ast.js';
import { type Token, TokenStream } from './lexer.js';
import { attempt, ExprFailure, type Result } from './result.js';
import { type ExprSymbol, ovnSymbolTable, type SymbolTable } from './symbols.js';
import { bitLength, formatWidth, type ValueFormat } from './values.js';

const MAX_PAREN_DEPTH = 100;

/** OVN's measurement levels, ordered: nominal < Boolean < ordinal. */
export type Level = 'nominal' | 'boolean' | 'ordinal';
const LEVEL_RANK: Record<Level, number> = { nominal: 0, boolean: 1, ordinal: 2 };
const minLevel = (a: Level, b: Level): Level => (LEVEL_RANK[a] <= LEVEL_RANK[b] ? a : b);
const levelName = (l: Level): string => (l === 'boolean' ? 'Boolean' : l);

const predicateLevels = new WeakMap<SymbolTable, Map<string, Level>>();

/** Measurement level of a symbol; a predicate's is computed from its expansion, as in OVN. */
export function symbolLevel(symtab: SymbolTable, s: ExprSymbol): Level {
  switch (s.kind) {
    case 'string':
      return 'nominal';
    case 'predicate':
      return predicateLevel(symtab, s.name, s.expansion);
    default:
      return s.level;
  }
}

function predicateLevel(symtab: SymbolTable, name: string, expansion: string): Level {
  let cache = predicateLevels.get(symtab);
  if (!cache) {
    cache = new Map();
    predicateLevels.set(symtab, cache);
  }
  const known = cache.get(name);
  if (known) return known;
  // Provisional value: breaks cycles (a recursive predicate is reported by annotation).
  cache.set(name, 'boolean');
  const r = parseMatch(expansion, symtab);
  const level = r.ok ? astLevel(symtab, r.value) : 'nominal';
  cache.set(name, level);
  return level;
}

function astLevel(symtab: SymbolTable, e: MatchAst): Level {
  switch (e.kind) {
    case 'compare': {
      const s = symtab.get(e.field.symbol)!;
      return symbolLevel(symtab, s) === 'nominal' ? 'nominal' : 'boolean';
    }
    case 'and':
    case 'or':
      return e.operands.reduce<Level>((l, o) => minLevel(l, astLevel(symtab, o)), 'ordinal');
    case 'not':
      return astLevel(symtab, e.operand);
    default:
      return 'boolean';
  }
}

/** Width in bits a constant needs (OVN's expr_constant_width). */
export function constantWidth(c: {
  value: bigint;
  mask?: bigint | undefined;
  format: ValueFormat;
}): number {
  if (c.mask !== undefined) return bitLength(c.mask);
  return formatWidth(c.format) || bitLength(c.value);
}

/** Text of a field reference as written, e.g. `reg0[0..15]`. */
export function fieldRefText(f: FieldRef): string {
  if (!f.range) return f.symbol;
  return f.range.lo === f.range.hi
    ? `${f.symbol}[${f.range.lo}]`
    : `${f.symbol}[${f.range.lo}..${f.range.hi}]`;
}

/** Width of a field reference (0 for string fields). */
export function fieldRefWidth(symtab: SymbolTable, f: FieldRef): number {
  const s = symtab.get(f.symbol)!;
  if (s.kind === 'string') return 0;
  return f.range ? f.range.hi - f.range.lo + 1 : s.width;
}

function relopOf(t: Token): Relop | undefined {
  switch (t.type) {
    case '==':
    case '!=':
    case '<':
    case '<=':
    case '>':
    case '>=':
      return t.type;
    default:
      return undefined;
  }
}

/**
 * Checks a comparison's constants against its field, as OVN's type_check() and make_cmp() do.
 * Used by the parser for literal constants and by annotation once sets are expanded.
 * Throws ExprFailure.
 */
export function checkComparison(
  symtab: SymbolTable,
  f: FieldRef,
  op: Relop,
  values: readonly Constant[],
  inCurlies: boolean,
  negated: boolean,
  position: number,
): void {
  const s = symtab.get(f.symbol)!;
  const isString = s.kind === 'string';
  const width = fieldRefWidth(symtab, f);
  for (const c of values) {
    const stringConstant = c.kind === 'string' || c.kind === 'portGroup';
    if (stringConstant !== isString) {
      throw new ExprFailure(
        `${isString ? 'String' : 'Integer'} field ${s.name} is not compatible with ${
          stringConstant ? 'string' : 'integer'
        } constant.`,
        c.position,
      );
    }
    if (c.kind === 'integer') {
      const w = constantWidth(c);
      if (w > width) {
        throw new ExprFailure(
          `${w}-bit constant is not compatible with ${width}-bit field ${fieldRefText(f)}.`,
          c.position,
        );
      }
    }
  }
  const level = symbolLevel(symtab, s);
  if (op !== '==' && op !== '!=') {
    if (inCurlies || values.some((c) => c.kind === 'addressSet' || c.kind === 'portGroup')) {
      throw new ExprFailure('Only == and != operators may be used with value sets.', position);
    }
    if (level !== 'ordinal') {
      throw new ExprFailure(
        `Only == and != operators may be used with ${levelName(level)} field ${s.name}.`,
        position,
      );
    }
    const c = values[0];
    if (c && c.kind === 'integer' && c.mask !== undefined) {
      throw new ExprFailure(
        'Only == and != operators may be used with masked constants.  Consider using ' +
          'subfields instead (e.g. eth.src[0..15] > 0x1111 in place of ' +
          'eth.src > 00:00:00:00:11:11/00:00:00:00:ff:ff).',
        c.position,
      );
    }
  }
  if (level === 'nominal') {
    if (s.kind === 'predicate') {
      for (const c of values) {
        if (c.kind !== 'integer') continue;
        const positive = (((c.value & 1n) === 1n) !== (op === '!=')) !== negated;
        if (!positive) {
          const n = s.name;
          throw new ExprFailure(
            `Nominal predicate ${n} may only be tested positively, e.g. \`${n}' or \`${n} == 1' ` +
              `but not \`!${n}' or \`${n} == 0'.`,
            position,
          );
        }
      }
    } else if (op !== (negated ? '!=' : '==')) {
      throw new ExprFailure(
        `Nominal field ${s.name} may only be tested for equality (taking enclosing \`!' ` +
          'operators into account).',
        position,
      );
    }
  }
}

class MatchParser {
  private not = false;
  private depth = 0;
  constructor(
    private readonly ts: TokenStream,
    private readonly symtab: SymbolTable,
  ) {}

  parse(): MatchAst {
    const e = this.parseExpr();
    this.ts.expectEnd();
    return e;
  }

  private parseExpr(): MatchAst {
    const first = this.parseNot();
    const op = this.ts.token.type;
    if (op !== '&&' && op !== '||') return first;
    const operands = [first];
    while (this.ts.match(op)) operands.push(this.parseNot());
    const t = this.ts.token;
    if (t.type === '&&' || t.type === '||') {
      this.ts.error('&& and || must be parenthesized when used together.');
    }
    return op === '&&' ? astAnd(operands) : astOr(operands);
  }

  private parseNot(): MatchAst {
    const bang = this.ts.token;
    if (!this.ts.match('!')) return this.parsePrimary().expr;
    this.not = !this.not;
    const { expr, atomic } = this.parsePrimary();
    this.not = !this.not;
    if (!atomic) this.ts.error('Missing parentheses around operand of !.', bang);
    return astNot(expr, bang.start);
  }

  private parsePrimary(): { expr: MatchAst; atomic: boolean } {
    const ts = this.ts;
    const t = ts.token;
    if (ts.match('(')) {
      if (this.depth >= MAX_PAREN_DEPTH) ts.error('Parentheses nested too deeply.', t);
      this.depth++;
      const expr = this.parseExpr();
      this.depth--;
      ts.expect(')');
      return { expr, atomic: true };
    }
    if (t.type === 'template') ts.error('Unexpanded template.');
    if (t.type === 'id') {
      if (ts.peek().type === '(') {
        if (t.text === 'is_chassis_resident')
          return { expr: this.parseChassisResident(), atomic: true };
        ts.syntaxError("expecting field name or `is_chassis_resident'");
      }
      const f = this.parseField();
      const r = relopOf(ts.token);
      if (r === undefined) return { expr: this.bareField(f), atomic: true };
      ts.next();
      const set = this.parseConstantSet();
      return { expr: this.makeCompare(f, r, set, f.position), atomic: false };
    }

    // Constant first: `0`, `1`, `5 > f`, `1 < f < 5`.
    const c1 = this.parseConstantSet();
    const v = c1.values[0];
    if (
      relopOf(ts.token) === undefined &&
      !c1.inCurlies &&
      c1.values.length === 1 &&
      v?.kind === 'integer' &&
      v.format === 'decimal' &&
      v.mask === undefined &&
      v.value <= 1n
    ) {
      return { expr: astBool(v.value === 1n, v.position), atomic: true };
    }
    const r1 = this.parseRelop();
    const f = this.parseField();
    const r2 = relopOf(ts.token);
    if (r2 === undefined) {
      return { expr: this.makeCompare(f, turnRelop(r1), c1, t.start), atomic: false };
    }
    const r2Token = ts.next();
    const c2 = this.parseConstantSet();
    const lt = (r: Relop) => r === '<' || r === '<=';
    const gt = (r: Relop) => r === '>' || r === '>=';
    if (!((lt(r1) && lt(r2)) || (gt(r1) && gt(r2)))) {
      ts.error(
        "Range expressions must have the form `x < field < y' or `x > field > y', with each " +
          "`<' optionally replaced by `<=' or `>' by `>=').",
        r2Token,
      );
    }
    const e1 = this.makeCompare(f, turnRelop(r1), c1, t.start);
    const e2 = this.makeCompare(f, r2, c2, r2Token.start);
    return { expr: astAnd([e1, e2]), atomic: false };
  }

  private parseChassisResident(): MatchAst {
    const ts = this.ts;
    const start = ts.next().start; // is_chassis_resident
    ts.next(); // (
    const port = ts.token;
    if (port.type !== 'string') return ts.syntaxError('expecting string');
    ts.next();
    ts.expect(')');
    return astChassisResident(port.text, start);
  }

  private parseRelop(): Relop {
    const r = relopOf(this.ts.token);
    if (r === undefined) this.ts.syntaxError('expecting relational operator');
    this.ts.next();
    return r;
  }

  private parseField(): FieldRef {
    const ts = this.ts;
    const t = ts.token;
    const s = t.type === 'id' ? this.symtab.get(t.text) : undefined;
    if (t.type !== 'id' || !s) return ts.syntaxError('expecting field name');
    ts.next();
    if (!ts.match('[')) return { symbol: s.name, position: t.start };
    if (s.kind === 'string') ts.error(`Cannot select subfield of string field ${s.name}.`, t);
    const lo = ts.expectSmallInt();
    const hi = ts.match('..') ? ts.expectSmallInt() : lo;
    ts.expect(']');
    if (lo > hi) ts.error(`Invalid bit range ${lo} to ${hi}.`, t);
    const width = s.kind === 'string' ? 0 : s.width;
    if (hi >= width) {
      ts.error(`Cannot select bits ${lo} to ${hi} of ${width}-bit field ${s.name}.`, t);
    }
    if (symbolLevel(this.symtab, s) === 'nominal' && (lo !== 0 || hi !== width - 1)) {
      ts.error(`Cannot select subfield of nominal field ${s.name}.`, t);
    }
    return { symbol: s.name, range: { lo, hi }, position: t.start };
  }

  /** A field used on its own: `tcp`, `ct.new`, `reg0[3]`, or `!reg0` (multibit under `!`). */
  private bareField(f: FieldRef): MatchAst {
    const ts = this.ts;
    const width = fieldRefWidth(this.symtab, f);
    if (width === 0 || ts.is('=')) ts.syntaxError('expecting relational operator');
    if (width > 1 && !this.not) {
      ts.error("Explicit `!= 0' is required for inequality test of multibit field against 0.");
    }
    const zero: Constant = { kind: 'integer', value: 0n, format: 'hex', position: f.position };
    const set = { values: [zero], inCurlies: false };
    checkComparison(this.symtab, f, '!=', set.values, false, this.not, f.position);
    return astCompare(f, '!=', set, f.position, true);
  }

  private makeCompare(f: FieldRef, op: Relop, set: ConstantSet, position: number): MatchAst {
    checkComparison(this.symtab, f, op, set.values, set.inCurlies, this.not, position);
    return astCompare(f, op, set, position);
  }

  private parseConstantSet(): ConstantSet {
    const ts = this.ts;
    const values: Constant[] = [];
    if (!ts.match('{')) {
      this.parseConstant(values);
      return { values, inCurlies: false };
    }
    do {
      this.parseConstant(values);
      ts.match(',');
    } while (!ts.match('}'));
    return { values, inCurlies: true };
  }

  private parseConstant(values: Constant[]): void {
    const ts = this.ts;
    const t = ts.token;
    const isString = (c: Constant) => c.kind === 'string' || c.kind === 'portGroup';
    const want = (stringType: boolean): void => {
      const first = values[0];
      if (first && isString(first) !== stringType) {
        ts.syntaxError(`expecting ${isString(first) ? 'string' : 'integer'}`);
      }
    };
    switch (t.type) {
      case 'template':
        ts.error('Unexpanded template.');
        break;
      case 'string':
        want(true);
        values.push({ kind: 'string', value: t.text, position: t.start });
        break;
      case 'integer':
        want(false);
        values.push({ kind: 'integer', value: t.value, format: t.format, position: t.start });
        break;
      case 'maskedInteger':
        want(false);
        values.push({
          kind: 'integer',
          value: t.value,
          mask: t.mask,
          format: t.format,
          position: t.start,
        });
        break;
      case 'addressSet':
        want(false);
        values.push({ kind: 'addressSet', name: t.text, position: t.start });
        break;
      case 'portGroup':
        want(true);
        values.push({ kind: 'portGroup', name: t.text, position: t.start });
        break;
      default:
        ts.syntaxError('expecting constant');
    }
    ts.next();
  }
}

/** Parses a match expression. Never throws. */
export function parseMatch(input: string, symtab: SymbolTable = ovnSymbolTable): Result<MatchAst> {
  return attempt(() => new MatchParser(new TokenStream(input), symtab).parse());
}
