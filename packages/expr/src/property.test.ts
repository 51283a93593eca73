// Property tests in the manner of OVN's tests/test-ovn.c "exhaustive" tests: expressions over a
// few tiny fields, checked on EVERY possible packet of those fields, so that each stage of the
// pipeline (parse → annotate → simplify → normalize → compile, with and without conjunctions)
// is shown to preserve the meaning exactly. The reference meaning comes from an independent
// evaluator over the generated tree (OVN semantics: prerequisites hold positively at the leaves).

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { annotate } from './annotate.js';
import { compileMatches, evaluateMatches } from './compile.js';
import { type EvalEnv, evaluate, type Packet } from './core.js';
import { normalizeMatch, parseExpr } from './match.js';
import { formatNormalized, normalize, normalizedToExpr } from './normalize.js';
import { parseMatch } from './parser.js';
import { simplify } from './simplify.js';
import {
  composite,
  createSymbolTable,
  field,
  ovnSymbolTable,
  predicate,
  type SymbolTable,
  stringField,
  subfield,
} from './symbols.js';

function table(): SymbolTable {
  const r = createSymbolTable([
    field('a', 3, { format: 'decimal' }),
    field('b', 2, { format: 'decimal' }),
    field('sk', 2),
    stringField('s', 'sk'),
    field('n', 2, { level: 'nominal', format: 'decimal' }),
    field('d', 1, { prereqs: 'b == 1' }),
    composite('ab', ['a', 'b'], 5),
    subfield('a.hi', 'a', 1, 2),
    predicate('big', 'a >= 4'),
  ]);
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

const symtab = table();
const PORTS: Record<string, bigint> = { x: 1n, y: 2n, z: 3n };
const env: EvalEnv & {
  portGroups: Record<string, string[]>;
  addressSets: Record<string, string[]>;
} = {
  ports: PORTS,
  portGroups: { pg: ['x', 'y'], none: [] },
  addressSets: { as: ['1', '6', '5/5'], empty: [] },
};

// ---------------------------------------------------------------------------------------------
// Generated expressions and their reference meaning.

type P = Readonly<Record<'a' | 'b' | 'sk' | 'n' | 'd', bigint>>;
type Op = '==' | '!=' | '<' | '<=' | '>' | '>=';
interface Val {
  v: bigint;
  m?: bigint;
}
type FieldName = 'a' | 'b' | 'ab' | 'a.hi' | 'a[0..1]' | 'b[1]' | 'n' | 'd';

type G =
  | { t: 'bool'; v: boolean }
  | { t: 'cmp'; f: FieldName; op: Op; vals: Val[]; curly: boolean; set?: 'as' | 'empty' }
  | { t: 'str'; names: string[]; pg?: 'pg' | 'none' }
  | { t: 'bare'; f: 'a[0]' | 'big' | 'd' | 'b[1]' }
  | { t: 'not'; e: G }
  | { t: 'and' | 'or'; l: G; r: G };

const WIDTH: Record<FieldName, number> = {
  a: 3,
  b: 2,
  ab: 5,
  'a.hi': 2,
  'a[0..1]': 2,
  'b[1]': 1,
  n: 2,
  d: 1,
};

function fieldValue(f: FieldName, p: P): bigint {
  switch (f) {
    case 'a':
      return p.a;
    case 'b':
      return p.b;
    case 'ab':
      return (p.a << 2n) | p.b;
    case 'a.hi':
      return p.a >> 1n;
    case 'a[0..1]':
      return p.a & 3n;
    case 'b[1]':
      return (p.b >> 1n) & 1n;
    case 'n':
      return p.n;
    case 'd':
      return p.d;
  }
}

const prereq = (f: string, p: P): boolean => (f === 'd' ? p.b === 1n : true);

function setValues(g: Extract<G, { t: 'cmp' }>): Val[] {
  if (g.set === 'as') return [{ v: 1n }, { v: 6n }, { v: 5n, m: 5n }];
  if (g.set === 'empty') return [];
  return g.vals;
}

/** Value of (pos ? g : !g) on packet p, with OVN's positive prerequisites. */
function ref(g: G, p: P, pos = true): boolean {
  switch (g.t) {
    case 'bool':
      return g.v === pos;
    case 'not':
      return ref(g.e, p, !pos);
    case 'and':
      return pos ? ref(g.l, p) && ref(g.r, p) : ref(g.l, p, false) || ref(g.r, p, false);
    case 'or':
      return pos ? ref(g.l, p) || ref(g.r, p) : ref(g.l, p, false) && ref(g.r, p, false);
    case 'str': {
      const names = g.pg ? env.portGroups[g.pg]! : g.names;
      const raw = names.some((n) => PORTS[n] !== undefined && PORTS[n] === p.sk);
      return raw === pos;
    }
    case 'bare': {
      const raw =
        g.f === 'big'
          ? p.a >= 4n
          : g.f === 'a[0]'
            ? (p.a & 1n) === 1n
            : g.f === 'b[1]'
              ? p.b >= 2n
              : p.d === 1n;
      return raw === pos && prereq(g.f, p);
    }
    case 'cmp': {
      const x = fieldValue(g.f, p);
      const vals = setValues(g);
      const eq = (c: Val) => (x & (c.m ?? 31n)) === (c.v & (c.m ?? 31n));
      let raw: boolean;
      const c = vals[0]?.v ?? 0n;
      switch (g.op) {
        case '==':
          raw = vals.some(eq);
          break;
        case '!=':
          raw = !vals.some(eq);
          break;
        case '<':
          raw = x < c;
          break;
        case '<=':
          raw = x <= c;
          break;
        case '>':
          raw = x > c;
          break;
        case '>=':
          raw = x >= c;
          break;
      }
      return raw === pos && prereq(g.f, p);
    }
  }
}

function valText(c: Val): string {
  return c.m === undefined ? `${c.v}` : `${c.v & c.m}/${c.m}`;
}

function text(g: G): string {
  const sub = (e: G) => (e.t === 'and' || e.t === 'or' ? `(${text(e)})` : text(e));
  switch (g.t) {
    case 'bool':
      return g.v ? '1' : '0';
    case 'not':
      return `!(${text(g.e)})`;
    case 'and':
      return `${sub(g.l)} && ${sub(g.r)}`;
    case 'or':
      return `${sub(g.l)} || ${sub(g.r)}`;
    case 'str':
      if (g.pg) return `s == @${g.pg}`;
      return g.names.length === 1
        ? `s == "${g.names[0]}"`
        : `s == {${g.names.map((n) => `"${n}"`).join(', ')}}`;
    case 'bare':
      return g.f;
    case 'cmp': {
      const rhs = g.set
        ? `$${g.set}`
        : g.curly
          ? `{${g.vals.map(valText).join(', ')}}`
          : valText(g.vals[0]!);
      return `${g.f} ${g.op} ${rhs}`;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// The pipeline under test, checked on every packet.

function allPackets(withExtras: boolean): P[] {
  const out: P[] = [];
  for (let a = 0n; a < 8n; a++)
    for (let b = 0n; b < 4n; b++)
      for (let sk = 0n; sk < 4n; sk++)
        for (let n = 0n; n < (withExtras ? 4n : 1n); n++)
          for (let d = 0n; d < (withExtras ? 2n : 1n); d++) out.push({ a, b, sk, n, d });
  return out;
}

const SMALL = allPackets(false);
const FULL = allPackets(true);

/** Checks every stage; returns a description of the first disagreement, or undefined. */
function check(g: G, packets: readonly P[]): string | undefined {
  const t = text(g);
  const parsed = parseMatch(t, symtab);
  if (!parsed.ok) return `parse failed: ${t}: ${parsed.error.message}`;
  const ann = annotate(parsed.value, symtab, env);
  if (!ann.ok) return `annotate failed: ${t}: ${ann.error.message}`;
  const simp = simplify(ann.value);
  const norm = normalize(ann.value, symtab);
  if (!norm.ok) return `normalize failed: ${t}`;
  const normExpr = normalizedToExpr(norm.value, symtab);
  const compiled = (['always', true, false] as const).map((conjunctions) => {
    const c = compileMatches(ann.value, env, { symtab, conjunctions });
    if (!c.ok) throw new Error(c.error.message);
    return c.value;
  });
  for (const p of packets) {
    const want = ref(g, p);
    const pkt = p as Packet;
    const stages: [string, boolean][] = [
      ['annotated', evaluate(ann.value, pkt, env, symtab)],
      ['simplified', evaluate(simp, pkt, env, symtab)],
      ['normalized', evaluate(normExpr, pkt, env, symtab)],
      ['compiled (conjunctions always)', evaluateMatches(compiled[0]!, pkt)],
      ['compiled (conjunctions where smaller)', evaluateMatches(compiled[1]!, pkt)],
      ['compiled (no conjunctions)', evaluateMatches(compiled[2]!, pkt)],
    ];
    for (const [stage, got] of stages) {
      if (got !== want) {
        return `${stage} disagrees on ${t} for ${JSON.stringify(p, (_, v) => (typeof v === 'bigint' ? Number(v) : v))}: got ${got}, want ${want}`;
      }
    }
  }
  // The canonical text re-parses to the same normal form.
  const canonical = formatNormalized(norm.value, symtab);
  const again = normalizeMatch(canonical, env, symtab);
  if (!again.ok || again.value !== canonical) {
    return `not idempotent: ${t} → ${canonical} → ${again.ok ? again.value : again.error.message}`;
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Exhaustive enumeration.

const TERMINALS: G[] = [
  { t: 'cmp', f: 'a', op: '==', vals: [{ v: 3n }], curly: false },
  { t: 'cmp', f: 'a', op: '<', vals: [{ v: 5n }], curly: false },
  { t: 'cmp', f: 'b', op: '!=', vals: [{ v: 1n }, { v: 2n }], curly: true },
  { t: 'cmp', f: 'ab', op: '>=', vals: [{ v: 9n }], curly: false },
  { t: 'bare', f: 'a[0]' },
  { t: 'str', names: ['x', 'z'] },
];
const MORE_TERMINALS: G[] = [
  ...TERMINALS,
  { t: 'cmp', f: 'a', op: '==', vals: [{ v: 2n, m: 6n }], curly: false },
  { t: 'cmp', f: 'a.hi', op: '<=', vals: [{ v: 1n }], curly: false },
  { t: 'cmp', f: 'a', op: '==', vals: [], curly: false, set: 'as' },
  { t: 'str', names: ['y'] },
  { t: 'str', names: [], pg: 'pg' },
  { t: 'bare', f: 'big' },
  { t: 'bool', v: true },
];

function* trees(leaves: number, terminals: readonly G[], negateLeaves: boolean): Generator<G> {
  if (leaves === 1) {
    for (const l of terminals) {
      yield l;
      if (negateLeaves) yield { t: 'not', e: l };
    }
    return;
  }
  for (let k = 1; k < leaves; k++) {
    const rights = [...trees(leaves - k, terminals, negateLeaves)];
    for (const l of trees(k, terminals, negateLeaves)) {
      for (const r of rights) {
        for (const t of ['and', 'or'] as const) {
          const node: G = { t, l, r };
          yield node;
          yield { t: 'not', e: node };
        }
      }
    }
  }
}

/** Whether the parser must refuse g: a string (nominal) test under an odd number of `!`. */
function nominalUnderNot(g: G, pos = true): boolean {
  switch (g.t) {
    case 'str':
      return !pos;
    case 'not':
      return nominalUnderNot(g.e, !pos);
    case 'and':
    case 'or':
      return nominalUnderNot(g.l, pos) || nominalUnderNot(g.r, pos);
    default:
      return false;
  }
}

function runExhaustive(source: Iterable<G>): { checked: number; refused: number } {
  let checked = 0;
  let refused = 0;
  for (const g of source) {
    if (nominalUnderNot(g)) {
      const r = parseMatch(text(g), symtab);
      expect(r.ok ? 'accepted' : r.error.message).toMatch(/^Nominal field s may only be tested/);
      refused++;
      continue;
    }
    const problem = check(g, SMALL);
    if (problem) expect.fail(problem);
    checked++;
  }
  return { checked, refused };
}

describe('exhaustive: every expression up to a size, on every packet', () => {
  it('one and two terminals (with negations everywhere) over 13 terminals', () => {
    const { checked } = runExhaustive([
      ...trees(1, MORE_TERMINALS, true),
      ...trees(2, MORE_TERMINALS, true),
    ]);
    expect(checked).toBeGreaterThan(1000);
  }, 120_000);

  it('three terminals over 6 terminals', () => {
    const { checked, refused } = runExhaustive(trees(3, TERMINALS, false));
    expect(checked + refused).toBe(2 * 2 * 2 * 6 * (2 * 2 * 6 * 6));
  }, 120_000);
});

// ---------------------------------------------------------------------------------------------
// Random expressions (fast-check) over all test fields, including the nominal field `n`, the
// field with a prerequisite `d`, address sets, port groups and empty sets.

const smallVal = (w: number) => fc.bigInt({ min: 0n, max: (1n << BigInt(w)) - 1n });

function leafArb(pos: boolean): fc.Arbitrary<G> {
  const ordinal = fc.constantFrom<FieldName>('a', 'b', 'ab', 'a.hi', 'a[0..1]', 'b[1]', 'd');
  const relational = ordinal.chain((f) =>
    fc.record({
      t: fc.constant('cmp' as const),
      f: fc.constant(f),
      op: fc.constantFrom<Op>('<', '<=', '>', '>='),
      vals: smallVal(WIDTH[f]).map((v) => [{ v }]),
      curly: fc.constant(false),
    }),
  );
  const equality = ordinal.chain((f) =>
    fc
      .record({
        t: fc.constant('cmp' as const),
        f: fc.constant(f),
        op: fc.constantFrom<Op>('==', '!='),
        vals: fc.array(
          fc.record({
            v: smallVal(WIDTH[f]),
            m: fc.option(smallVal(WIDTH[f]), { nil: undefined }),
          }),
          { minLength: 1, maxLength: 3 },
        ),
        curly: fc.boolean(),
      })
      .map((g) => (g.vals.length > 1 ? { ...g, curly: true } : g)),
  );
  const sets = fc.record({
    t: fc.constant('cmp' as const),
    f: fc.constant<FieldName>('a'),
    op: fc.constantFrom<Op>('==', '!='),
    vals: fc.constant<Val[]>([]),
    curly: fc.constant(false),
    set: fc.constantFrom<'as' | 'empty'>('as', 'empty'),
  });
  const bare = fc.record({
    t: fc.constant('bare' as const),
    f: fc.constantFrom('a[0]', 'big', 'd', 'b[1]'),
  });
  const bool = fc.record({ t: fc.constant('bool' as const), v: fc.boolean() });
  const leaves: fc.Arbitrary<G>[] = [relational, equality, sets, bare, bool];
  if (pos) {
    // Nominal tests only where the parser allows them: under an even number of `!`.
    leaves.push(
      fc.record({
        t: fc.constant('cmp' as const),
        f: fc.constant<FieldName>('n'),
        op: fc.constant<Op>('=='),
        vals: fc.array(fc.record({ v: smallVal(2) }), { minLength: 1, maxLength: 3 }),
        curly: fc.constant(true),
      }),
      fc.record({
        t: fc.constant('str' as const),
        names: fc.subarray(['x', 'y', 'z', 'w'], { minLength: 1 }),
      }),
      fc.record({
        t: fc.constant('str' as const),
        names: fc.constant<string[]>([]),
        pg: fc.constantFrom<'pg' | 'none'>('pg', 'none'),
      }),
    );
  }
  return fc.oneof(...leaves);
}

function exprArb(depth: number, pos = true): fc.Arbitrary<G> {
  if (depth === 0) return leafArb(pos);
  return fc.oneof(
    { weight: 2, arbitrary: leafArb(pos) },
    { weight: 1, arbitrary: exprArb(depth - 1, !pos).map((e): G => ({ t: 'not', e })) },
    {
      weight: 3,
      arbitrary: fc
        .tuple(
          fc.constantFrom<'and' | 'or'>('and', 'or'),
          exprArb(depth - 1, pos),
          exprArb(depth - 1, pos),
        )
        .map(([t, l, r]): G => ({ t, l, r })),
    },
  );
}

describe('random expressions (fast-check), on every packet of five fields', () => {
  it('every stage agrees with the reference semantics', () => {
    fc.assert(
      fc.property(exprArb(4), (g) => {
        const problem = check(g, FULL);
        if (problem) throw new Error(problem);
      }),
      { numRuns: 400, seed: 20240603 },
    );
  });
});

// ---------------------------------------------------------------------------------------------
// OVN's own symbol table: random combinations of real terms (prerequisites, predicates, register
// overlays, nominal fields, port groups, address sets), on random packets biased towards the
// constants the terms mention. Compiled matches must agree with the annotated expression.

const OVN_TERMS = [
  'ip4',
  'ip6',
  'tcp',
  'udp',
  'icmp4',
  'arp && arp.op == 1',
  'tcp.dst == 80',
  'tcp.dst >= 1024',
  'tcp.dst < 2048',
  'udp.dst == {53, 123}',
  'ip4.src == 10.0.0.0/24',
  'ip4.src == $web',
  'ip4.dst == {10.0.0.1, 10.0.0.2, 10.0.1.7}',
  'ct.new',
  'ct.est',
  'ct.trk',
  'ct_mark.blocked == 1',
  'eth.mcast',
  'eth.bcast',
  'ip4.mcast',
  'inport == "p1"',
  'outport == @pg',
  'reg0[0..3] == 5',
  'xreg0[30..33] == 0xa',
  'xxreg0 == 0x10000000000000000000000000000001',
  'flags.loopback',
  'is_chassis_resident("p1")',
  'ip.is_frag',
  'ip.first_frag',
];
// Terms that may appear under `!` (the others are nominal: OVN refuses them negated).
const NEGATABLE = new Set([
  'tcp.dst == 80',
  'tcp.dst >= 1024',
  'tcp.dst < 2048',
  'ip4.src == 10.0.0.0/24',
  'ip4.src == $web',
  'ip4.dst == {10.0.0.1, 10.0.0.2, 10.0.1.7}',
  'ct.new',
  'ct.est',
  'ct.trk',
  'ct_mark.blocked == 1',
  'eth.mcast',
  'eth.bcast',
  'ip4.mcast',
  'reg0[0..3] == 5',
  'xreg0[30..33] == 0xa',
  'xxreg0 == 0x10000000000000000000000000000001',
  'flags.loopback',
  'is_chassis_resident("p1")',
  'ip.is_frag',
  'ip.first_frag',
]);
const ovnEnv = {
  ports: { p1: 1, p2: 2, p3: 5 },
  portGroups: { pg: ['p2', 'p3', 'ghost'] },
  addressSets: { web: ['10.0.0.1', '10.0.0.2', '10.0.0.128/25', '192.168.0.1'] },
  isChassisResident: (p: string) => p === 'p1',
};

function ovnExprArb(depth: number, pos: boolean): fc.Arbitrary<string> {
  const leaf = fc.constantFrom(...OVN_TERMS.filter((t) => pos || NEGATABLE.has(t)));
  if (depth === 0) return leaf;
  return fc.oneof(
    { weight: 2, arbitrary: leaf },
    { weight: 1, arbitrary: ovnExprArb(depth - 1, !pos).map((e) => `!(${e})`) },
    {
      weight: 3,
      arbitrary: fc
        .tuple(
          fc.constantFrom(' && ', ' || '),
          ovnExprArb(depth - 1, pos),
          ovnExprArb(depth - 1, pos),
        )
        .map(([op, l, r]) => `(${l})${op}(${r})`),
    },
  );
}

const ovnPacketArb = fc.record({
  'eth.type': fc.constantFrom(0x800n, 0x86ddn, 0x806n, 0x1234n),
  'eth.dst': fc.constantFrom(0xffffffffffffn, 0x010000000001n, 0x0a0000000001n),
  'ip.proto': fc.constantFrom(1n, 6n, 17n, 58n),
  'ip.frag': fc.bigInt({ min: 0n, max: 3n }),
  'tcp.dst': fc.constantFrom(22n, 80n, 1023n, 1024n, 2047n, 2048n, 65535n),
  'udp.dst': fc.constantFrom(53n, 123n, 80n),
  'arp.op': fc.constantFrom(1n, 2n),
  'ip4.src': fc.constantFrom(
    0x0a000001n,
    0x0a000002n,
    0x0a0000f0n,
    0x0a000107n,
    0xc0a80001n,
    0xe0000001n,
  ),
  'ip4.dst': fc.constantFrom(0x0a000001n, 0x0a000107n, 0xe0000001n, 0x0b000001n),
  ct_state: fc.bigInt({ min: 0n, max: 255n }),
  ct_mark: fc.bigInt({ min: 0n, max: 3n }),
  reg0: fc.constantFrom(0n, 5n, 0x15n, 0x80000002n),
  reg1: fc.constantFrom(0n, 1n, 0x80000000n, 0x80000001n),
  reg3: fc.constantFrom(0n, 1n),
  reg10: fc.bigInt({ min: 0n, max: 3n }),
  reg14: fc.constantFrom(0n, 1n, 2n, 5n),
  reg15: fc.constantFrom(0n, 1n, 2n, 5n),
});

describe('random expressions over OVN fields', () => {
  it('compiled matches agree with the annotated expression; canonical text is a fixed point', () => {
    fc.assert(
      fc.property(
        ovnExprArb(3, true),
        fc.array(ovnPacketArb, { minLength: 40, maxLength: 40 }),
        (text, packets) => {
          const e = parseExpr(text, ovnEnv, ovnSymbolTable);
          if (!e.ok) throw new Error(`${text}: ${e.error.message}`);
          const compiled = (['always', true, false] as const).map((conjunctions) => {
            const c = compileMatches(e.value, ovnEnv, { conjunctions });
            if (!c.ok) throw new Error(c.error.message);
            return c.value;
          });
          for (const p of packets) {
            const want = evaluate(e.value, p, ovnEnv, ovnSymbolTable);
            for (const c of compiled) {
              if (evaluateMatches(c, p) !== want) throw new Error(`${text}: compiled disagrees`);
            }
          }
          // The canonical text re-parses. It is a fixed point once every field in it carries
          // its prerequisites: a negated predicate can drop them (`!ip.is_frag` also matches
          // non-IP packets and prints as `ip.frag == 0x0/0x1`, which re-parses with `ip`
          // added), so the second round is the fixed point.
          const first = normalizeMatch(text, ovnEnv, ovnSymbolTable);
          if (!first.ok) throw new Error(first.error.message);
          const second = normalizeMatch(first.value, ovnEnv, ovnSymbolTable);
          if (!second.ok) throw new Error(`${first.value}: ${second.error.message}`);
          const third = normalizeMatch(second.value, ovnEnv, ovnSymbolTable);
          if (!third.ok || third.value !== second.value) {
            throw new Error(
              `not a fixed point: ${text}\n${second.value}\n${third.ok ? third.value : ''}`,
            );
          }
        },
      ),
      { numRuns: 300, seed: 7 },
    );
  });
});
