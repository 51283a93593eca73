// The pipeline on OVN's own symbol table: annotation (predicates, prerequisites, subfields,
// register overlays, relational operators, sets), normalization and compilation, table-driven.

import { describe, expect, it } from 'vitest';
import { exprFlows, exprParse } from './cli-commands.js';
import { compileMatches, evaluateMatches, flowCount } from './compile.js';
import { type Expr, evaluate, formatExpr } from './core.js';
import { compileMatch, type MatchEnv, matchesPacket, normalizeMatch, parseExpr } from './match.js';
import { parseMatch } from './parser.js';
import { ovnSymbolTable as symtab } from './symbols.js';

const env: MatchEnv = {
  addressSets: {
    as1: ['10.0.0.1', '10.0.0.2', '10.0.0.3', '10.0.0.0/30'],
    as2: ['192.168.0.1', '192.168.0.5', '192.168.0.9'],
    mixed: ['10.0.0.1', 'fe80::1'],
    empty: [],
  },
  portGroups: { pg1: ['lp1', 'lp2', 'lp3'], pgx: ['lp1', 'ghost'] },
  ports: { lp1: 1, lp2: 2, lp3: 5 },
  isChassisResident: (p) => p === 'lp1',
};

function expr(text: string): Expr {
  const r = parseExpr(text, env);
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

describe('annotation', () => {
  it('expands predicates and prerequisites (tcp.dst requires tcp, which requires ip)', () => {
    expect(formatExpr(expr('tcp.dst == 80'), symtab)).toBe(
      'tcp.dst == 80 && ip.proto == 6 && (eth.type == 0x800 || eth.type == 0x86dd)',
    );
  });

  it('keeps prerequisites positive under negation, as OVN does', () => {
    expect(formatExpr(expr('!(tcp.dst == 80)'), symtab)).toBe(
      'tcp.dst != 80 && ip.proto == 6 && (eth.type == 0x800 || eth.type == 0x86dd)',
    );
  });

  it('negates a predicate expansion, prerequisites included', () => {
    expect(formatExpr(expr('!ip4.mcast'), symtab)).toBe(
      'eth.dst == 00:00:00:00:00:00/01:00:00:00:00:00 || ip4.dst != 224.0.0.0/4 || eth.type != 0x800',
    );
  });

  it('maps subfields and register overlays to base fields', () => {
    expect(formatExpr(expr('ct.trk'), symtab)).toBe('ct_state == 0x20/0x20');
    expect(formatExpr(expr('ct.est'), symtab)).toBe('ct_state == 0x2/0x2 && ct_state == 0x20/0x20');
    expect(formatExpr(expr('flags.loopback == 1'), symtab)).toBe('reg10 == 0x1/0x1');
    expect(formatExpr(expr('ct_label.blocked == 1'), symtab)).toBe('ct_label == 0x1/0x1');
    expect(formatExpr(expr('xreg0 == 0x100000002'), symtab)).toBe('reg1 == 0x2 && reg0 == 0x1');
    expect(formatExpr(expr('xxreg1[20..40] == 0x1fffff'), symtab)).toBe(
      'reg7 == 0xfff00000/0xfff00000 && reg6 == 0x1ff/0x1ff',
    );
    expect(formatExpr(expr('vlan.vid == 5'), symtab)).toBe(
      'vlan.tci == 0x5/0xfff && vlan.tci == 0x1000/0x1000',
    );
  });

  it('expands relational operators into prefix patterns', () => {
    expect(formatExpr(expr('reg0[0..2] < 5'), symtab)).toBe('reg0 == 0x0/0x4 || reg0 == 0x4/0x7');
    expect(formatExpr(expr('reg0[0..2] >= 5'), symtab)).toBe('reg0 == 0x6/0x6 || reg0 == 0x5/0x7');
  });

  it('expands address sets and port groups; == means any of, != none of', () => {
    expect(formatExpr(expr('ip4.src == $as2'), symtab)).toBe(
      '(ip4.src == 192.168.0.1 || ip4.src == 192.168.0.5 || ip4.src == 192.168.0.9) && eth.type == 0x800',
    );
    expect(formatExpr(expr('ip4.src != {1.1.1.1, 2.2.2.2}'), symtab)).toBe(
      'ip4.src != 1.1.1.1 && ip4.src != 2.2.2.2 && eth.type == 0x800',
    );
    expect(formatExpr(expr('outport == @pg1'), symtab)).toBe(
      'outport == "lp1" || outport == "lp2" || outport == "lp3"',
    );
    expect(formatExpr(expr('ip4.src == $empty'), symtab)).toBe('0');
    expect(formatExpr(expr('ip4.src != $empty'), symtab)).toBe('eth.type == 0x800');
  });

  it('reports unknown sets and bad set contents at the reference', () => {
    const err = (text: string) => {
      const r = parseExpr(text, env);
      return r.ok ? undefined : r.error;
    };
    expect(err('tcp && ip4.src == $nope')).toEqual({
      message: "Syntax error at `$nope' expecting address set name.",
      position: 18,
    });
    expect(err('inport == @nope')).toEqual({
      message: "Syntax error at `@nope' expecting port group name.",
      position: 10,
    });
    expect(err('ip4.src == $mixed')).toEqual({
      message: '128-bit constant is not compatible with 32-bit field ip4.src.',
      position: 11,
    });
    const bad = parseExpr('ip4.src == $x', { addressSets: { x: ['1.2.3.4', 'nope'] } });
    expect(bad.ok ? '' : bad.error.message).toBe("Invalid value `nope' in address set $x.");
  });
});

describe('normalization (canonical text)', () => {
  it.each([
    ['ip4.src == 10.0.0.1', 'eth.type == 0x800 && ip4.src == 10.0.0.1'],
    ['tcp.dst == 80', 'eth.type == {0x800, 0x86dd} && ip.proto == 6 && tcp.dst == 80'],
    ['tcp.dst < 1024', 'eth.type == {0x800, 0x86dd} && ip.proto == 6 && tcp.dst == 0x0/0xfc00'],
    [
      '1 < tcp.dst <= 5',
      'eth.type == {0x800, 0x86dd} && ip.proto == 6 && tcp.dst == {0x2/0xfffe, 0x4/0xfffe}',
    ],
    [
      'tcp.dst == {80, 81, 82, 83}',
      'eth.type == {0x800, 0x86dd} && ip.proto == 6 && tcp.dst == 0x50/0xfffc',
    ],
    ['ip4.src == $as1', 'eth.type == 0x800 && ip4.src == 10.0.0.0/30'],
    ['ct.new && !ct.inv', 'ct_state == 0x21/0x31'],
    ['ct.est || ct.rel', 'ct_state == {0x22/0x22, 0x24/0x24}'],
    ['!ct.trk', 'ct_state == 0x0/0x20'],
    ['eth.bcast || eth.mcast', 'eth.dst == 01:00:00:00:00:00/01:00:00:00:00:00'],
    ['ip.first_frag', 'eth.type == {0x800, 0x86dd} && ip.frag == 0x1'],
    ['reg0[0] != 0 && !reg1', 'reg0 == 0x1/0x1 && reg1 == 0x0'],
    ['xxreg0 == 0x1/0x1', 'reg3 == 0x1/0x1'],
    [
      'nd',
      'eth.type == 0x86dd && ip.proto == 58 && ip.ttl == 255 && icmp6.type == {135, 136} && icmp6.code == 0',
    ],
    [
      'icmp4 || icmp6',
      '(eth.type == 0x800 && ip.proto == 1) || (eth.type == 0x86dd && ip.proto == 58)',
    ],
    [
      '(ip4 && ip4.src == 1.1.1.1) || ip6',
      '(eth.type == 0x800 && ip4.src == 1.1.1.1) || eth.type == 0x86dd',
    ],
    ['ip4 || (ip4 && ip4.src == 1.1.1.1)', 'eth.type == 0x800'],
    ['eth.type == 0x800 || eth.type == 0x806', 'eth.type == {0x800, 0x806}'],
    [
      'inport == "lp1" && eth.src == {00:00:00:00:00:01, 00:00:00:00:00:02}',
      'eth.src == {00:00:00:00:00:01, 00:00:00:00:00:02} && inport == "lp1"',
    ],
    ['inport == @pg1 && inport == {"lp2", "lp9"}', 'inport == "lp2"'],
    ['inport == "a" && inport == "b"', '0'],
    ['is_chassis_resident("lp1") && ip4', 'eth.type == 0x800 && is_chassis_resident("lp1")'],
    ['ip4.src == 1.1.1.1 && ip4.src == 2.2.2.2', '0'],
    ['tcp.dst >= 0', 'eth.type == {0x800, 0x86dd} && ip.proto == 6'],
    ['tcp.dst > 65535', '0'],
    ['0', '0'],
    ['1', '1'],
    ['ip4 || !ct.trk || ct.trk', '1'],
  ])('%s', (input, want) => {
    expect(exprParse(input, env)).toBe(`ok ${want}`);
    // The canonical text is a fixed point.
    expect(exprParse(want, env)).toBe(`ok ${want}`);
  });

  it('reports errors as "error <message>"', () => {
    expect(exprParse('ip4 && ip4.src == 1.1.1.1 || ip6', env)).toBe(
      'error && and || must be parenthesized when used together.',
    );
  });
});

describe('compilation to datapath matches', () => {
  it.each([
    ['ip4.src == 10.0.0.1', ['eth.type=0x800,ip4.src=10.0.0.1']],
    [
      'tcp.dst == 80',
      ['eth.type=0x800,ip.proto=6,tcp.dst=80', 'eth.type=0x86dd,ip.proto=6,tcp.dst=80'],
    ],
    ['inport == "lp1" && eth.src == 00:00:00:00:00:01', ['reg14=0x1,eth.src=00:00:00:00:00:01']],
    ['outport == @pg1', ['reg15=0x1/0xfffffffb', 'reg15=0x2']],
    ['inport == "ghost"', ['(no flows)']],
    ['inport == @pgx', ['reg14=0x1']],
    ['is_chassis_resident("lp1") && ip4', ['eth.type=0x800']],
    ['is_chassis_resident("lp2") && ip4', ['(no flows)']],
    ['!is_chassis_resident("lp2")', ['*']],
    ['ct.est && !ct.rel', ['ct_state=0x22/0x26']],
    ['flags.loopback', ['reg10=0x1/0x1']],
    ['metadata == 5 && reg0[0..7] == 3', ['metadata=0x5,reg0=0x3/0xff']],
    [
      'ip4.src == $as2 && ip4.dst == $as2 && outport == @pg1',
      [
        'reg15=0x1/0xfffffffb,eth.type=0x800 conjunction(1,1/3)',
        'reg15=0x2,eth.type=0x800 conjunction(1,1/3)',
        'eth.type=0x800,ip4.src=192.168.0.1/255.255.255.251 conjunction(1,2/3)',
        'eth.type=0x800,ip4.src=192.168.0.9 conjunction(1,2/3)',
        'eth.type=0x800,ip4.dst=192.168.0.1/255.255.255.251 conjunction(1,3/3)',
        'eth.type=0x800,ip4.dst=192.168.0.9 conjunction(1,3/3)',
        'conj_id=1',
      ],
    ],
  ])('%s', (input, want) => {
    expect(exprFlows(input, env)).toEqual(want);
  });

  it('lets the caller choose conjunction ids and turn conjunctions off', () => {
    // $as2 normalizes to 2 masked entries; 2 × 4 flows crossed, 2 + 4 + 1 with a conjunction.
    const text = 'ip4.src == $as2 && ip4.dst == {1.1.1.1, 2.2.2.2, 3.3.3.3, 4.4.4.4}';
    const withConj = compileMatch(text, env, { firstConjId: 42 });
    expect(withConj.ok && withConj.value.conjIds).toEqual([42]);
    expect(withConj.ok && flowCount(withConj.value)).toBe(7);
    const cross = compileMatch(text, env, { conjunctions: false });
    expect(cross.ok && cross.value.conjIds).toEqual([]);
    expect(cross.ok && flowCount(cross.value)).toBe(8);
  });

  it('never puts nominal fields (prerequisites) in a conjunction dimension', () => {
    const r = compileMatch('ip4.src == $as2 && tcp.dst == {80, 443, 8080}', env, {
      conjunctions: 'always',
    });
    if (!r.ok) throw new Error(r.error.message);
    for (const m of r.value.matches) {
      expect(m.fields.map((f) => f.field)).toEqual(
        expect.arrayContaining(['eth.type', 'ip.proto']),
      );
    }
  });

  it('a plain match wins over a conjunction flow with the same fields', () => {
    const r = compileMatch(
      '(ip4.src == {1.1.1.1, 2.2.2.2, 3.3.3.3} && ip4.dst == {4.4.4.4, 5.5.5.5, 6.6.6.6}) || (ip4 && ip4.src == 1.1.1.1)',
      env,
    );
    if (!r.ok) throw new Error(r.error.message);
    // The second clause absorbs every packet from 1.1.1.1; the rest still needs the conjunction.
    const lines = exprFlows(
      '(ip4.src == {1.1.1.1, 2.2.2.2, 3.3.3.3} && ip4.dst == {4.4.4.4, 5.5.5.5, 6.6.6.6}) || (ip4 && ip4.src == 1.1.1.1)',
      env,
    );
    expect(lines).toContain('eth.type=0x800,ip4.src=1.1.1.1');
    expect(lines.filter((l) => l.includes('conjunction'))).toHaveLength(5);
  });
});

describe('evaluate', () => {
  const ip4tcp = {
    'eth.type': 0x800n,
    'ip.proto': 6n,
    'ip4.src': 0x0a000001n,
    'tcp.dst': 80n,
    reg14: 1n,
  };

  it('evaluates annotated expressions on a packet of base fields', () => {
    expect(evaluate(expr('ip4.src == $as1 && tcp.dst == 80'), ip4tcp, env)).toBe(true);
    expect(evaluate(expr('tcp.dst == 81'), ip4tcp, env)).toBe(false);
    expect(evaluate(expr('inport == "lp1"'), ip4tcp, env, symtab)).toBe(true);
    expect(evaluate(expr('inport == "ghost"'), ip4tcp, env, symtab)).toBe(false);
    expect(evaluate(expr('is_chassis_resident("lp1")'), ip4tcp, env)).toBe(true);
    expect(evaluate(expr('udp'), ip4tcp, env)).toBe(false);
    expect(evaluate(expr('!(tcp.dst == 80)'), ip4tcp, env)).toBe(false);
    // Prerequisites hold positively: a non-TCP packet matches neither tcp.dst == 80 nor its negation.
    const udp = { ...ip4tcp, 'ip.proto': 17n };
    expect(evaluate(expr('tcp.dst == 80'), udp, env)).toBe(false);
    expect(evaluate(expr('!(tcp.dst == 80)'), udp, env)).toBe(false);
  });

  it('evaluates compiled matches with conjunction semantics', () => {
    const r = compileMatches(
      expr('ip4.src == $as2 && ip4.dst == {1.1.1.1, 2.2.2.2, 3.3.3.3}'),
      env,
      {
        conjunctions: 'always',
      },
    );
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value.conjIds).toHaveLength(1);
    const pkt = { 'eth.type': 0x800n, 'ip4.src': 0xc0a80005n, 'ip4.dst': 0x02020202n };
    expect(evaluateMatches(r.value, pkt)).toBe(true);
    expect(evaluateMatches(r.value, { ...pkt, 'ip4.dst': 0x04040404n })).toBe(false);
    expect(evaluateMatches(r.value, { ...pkt, 'ip4.src': 0xc0a80006n })).toBe(false);
  });

  it('matchesPacket runs the pipeline on a text', () => {
    expect(matchesPacket('tcp.dst == 80 && inport == "lp1"', ip4tcp, env)).toEqual({
      ok: true,
      value: true,
    });
    expect(matchesPacket('tcp.dst ==', ip4tcp, env).ok).toBe(false);
  });

  it('accepts Map packets', () => {
    expect(evaluate(expr('ip4'), new Map([['eth.type', 0x800n]]))).toBe(true);
  });
});

describe('public API never throws', () => {
  it('returns typed errors for any input', () => {
    for (const text of ['', ')', '"', '$', 'ip4.src == $x', 'a'.repeat(10000), '('.repeat(5000)]) {
      expect(parseMatch(text).ok, text.slice(0, 20)).toBe(text === 'ip4.src == $x');
      expect(compileMatch(text, env).ok).toBe(false);
      expect(normalizeMatch(text, env).ok).toBe(false);
    }
  });

  it('refuses expressions whose normal form would explode', () => {
    const clauses = Array.from(
      { length: 12 },
      (_, i) => `(eth.src[${i}] == 1 || eth.dst[${i}] == 1)`,
    ).join(' && ');
    const r = compileMatch(clauses, env, { maxClauses: 1000 });
    expect(r.ok ? '' : r.error.message).toBe(
      'Expression too complex: normalization needs more than 1000 clauses.',
    );
  });
});
