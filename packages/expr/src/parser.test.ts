import { describe, expect, it } from 'vitest';
import type { MatchAst } from './ast.js';
import { parseMatch, symbolLevel } from './parser.js';
import { ovnSymbolTable } from './symbols.js';

function ast(input: string): MatchAst {
  const r = parseMatch(input);
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

function error(input: string): { message: string; position: number } {
  const r = parseMatch(input);
  if (r.ok) throw new Error(`parsed: ${input}`);
  return r.error;
}

describe('parseMatch: constructs', () => {
  it('comparison of a field with a constant', () => {
    expect(ast('ip4.src == 10.0.0.1')).toEqual({
      kind: 'compare',
      field: { symbol: 'ip4.src', position: 0 },
      op: '==',
      set: {
        values: [{ kind: 'integer', value: 0x0a000001n, format: 'ipv4', position: 11 }],
        inCurlies: false,
      },
      position: 0,
    });
  });

  it('every relational operator', () => {
    for (const op of ['==', '!=', '<', '<=', '>', '>='] as const) {
      const e = ast(`tcp.dst ${op} 80`);
      expect(e.kind === 'compare' && e.op).toBe(op);
    }
  });

  it('masked constants and subfields', () => {
    const e = ast('reg0[8..15] == 0x10/0xf0');
    expect(e).toMatchObject({
      kind: 'compare',
      field: { symbol: 'reg0', range: { lo: 8, hi: 15 } },
      set: { values: [{ kind: 'integer', value: 0x10n, mask: 0xf0n, format: 'hex' }] },
    });
    expect(ast('eth.dst[40]')).toMatchObject({
      field: { range: { lo: 40, hi: 40 } },
      bare: true,
      op: '!=',
    });
  });

  it('sets, address sets and port groups', () => {
    expect(ast('tcp.dst == {80, 443 8080}')).toMatchObject({
      set: { inCurlies: true, values: [{ value: 80n }, { value: 443n }, { value: 8080n }] },
    });
    expect(ast('ip4.src == {$as1, 10.0.0.1}')).toMatchObject({
      set: { values: [{ kind: 'addressSet', name: 'as1' }, { kind: 'integer' }] },
    });
    expect(ast('outport == @pg1')).toMatchObject({
      set: { values: [{ kind: 'portGroup', name: 'pg1' }] },
    });
    expect(ast('inport == {"a", "b"}')).toMatchObject({
      set: {
        values: [
          { kind: 'string', value: 'a' },
          { kind: 'string', value: 'b' },
        ],
      },
    });
  });

  it('bare Boolean fields and predicates', () => {
    expect(ast('ct.new')).toMatchObject({
      kind: 'compare',
      bare: true,
      op: '!=',
      field: { symbol: 'ct.new' },
    });
    expect(ast('tcp')).toMatchObject({ kind: 'compare', bare: true, field: { symbol: 'tcp' } });
    expect(ast('!reg0')).toMatchObject({ kind: 'not', operand: { kind: 'compare', bare: true } });
  });

  it('&&, ||, !, parentheses and Boolean constants', () => {
    expect(ast('ip4 && tcp && udp')).toMatchObject({ kind: 'and', operands: [{}, {}, {}] });
    expect(ast('(ip4 && tcp) || udp')).toMatchObject({
      kind: 'or',
      operands: [{ kind: 'and' }, {}],
    });
    expect(ast('!(ct.new || ct.est)')).toMatchObject({ kind: 'not', operand: { kind: 'or' } });
    expect(ast('1')).toMatchObject({ kind: 'bool', value: true });
    expect(ast('0 || ip4')).toMatchObject({
      kind: 'or',
      operands: [{ kind: 'bool', value: false }, {}],
    });
  });

  it('constant on the left and ranges', () => {
    expect(ast('1024 <= tcp.dst')).toMatchObject({ kind: 'compare', op: '>=' });
    expect(ast('1 < tcp.dst <= 5')).toMatchObject({
      kind: 'and',
      operands: [
        { kind: 'compare', op: '>', set: { values: [{ value: 1n }] } },
        { kind: 'compare', op: '<=', set: { values: [{ value: 5n }] } },
      ],
    });
    expect(ast('5 > tcp.dst > 1')).toMatchObject({ kind: 'and' });
  });

  it('is_chassis_resident', () => {
    expect(ast('is_chassis_resident("cr-lrp")')).toEqual({
      kind: 'chassisResident',
      port: 'cr-lrp',
      position: 0,
    });
    expect(ast('!is_chassis_resident("p")')).toMatchObject({
      kind: 'not',
      operand: { kind: 'chassisResident' },
    });
  });

  it('comments', () => {
    expect(ast('ip4 /* v4 */ && tcp // only TCP')).toMatchObject({ kind: 'and' });
  });
});

describe('parseMatch: errors name the token and what was expected', () => {
  it.each([
    ['', 'Syntax error at end of input expecting constant.', 0],
    ['ip4.src ==', 'Syntax error at end of input expecting constant.', 10],
    ['foo == 1', "Syntax error at `foo' expecting field name.", 0],
    ['ip4 && foo', "Syntax error at `foo' expecting field name.", 7],
    ['ip4.src == foo', "Syntax error at `foo' expecting constant.", 11],
    ['ip4.src = 1.2.3.4', "Syntax error at `=' expecting relational operator.", 8],
    ['inport', 'Syntax error at end of input expecting relational operator.', 6],
    ['ip4)', "Syntax error at `)' expecting end of input.", 3],
    ['tcp.dst == 80 80', "Syntax error at `80' expecting end of input.", 14],
    ['(((ip4)', "Syntax error at end of input expecting `)'.", 7],
    ['foo(1)', "Syntax error at `foo' expecting field name or `is_chassis_resident'.", 0],
    ['is_chassis_resident(1)', "Syntax error at `1' expecting string.", 20],
    ['is_chassis_resident("a"', "Syntax error at end of input expecting `)'.", 23],
    ['ip4.src == {1.2.3.4, "x"}', 'Syntax error at `"x"\' expecting integer.', 21],
    ['inport == {"x", 1}', "Syntax error at `1' expecting string.", 16],
    ['reg0[a] == 1', "Syntax error at `a' expecting small integer.", 5],
    ['reg0[1 == 1', "Syntax error at `==' expecting `]'.", 7],
    ['ip4.src == "x"', 'Integer field ip4.src is not compatible with string constant.', 11],
    ['ip4.src == @pg', 'Integer field ip4.src is not compatible with string constant.', 11],
    ['inport == 1', 'String field inport is not compatible with integer constant.', 10],
    ['inport == $as', 'String field inport is not compatible with integer constant.', 10],
    ['ip4.src', "Explicit `!= 0' is required for inequality test of multibit field against 0.", 7],
    ['tcp.dst < {1, 2}', 'Only == and != operators may be used with value sets.', 0],
    ['tcp.dst < $as', 'Only == and != operators may be used with value sets.', 0],
    ['ip.proto < 5', 'Only == and != operators may be used with nominal field ip.proto.', 0],
    ['ip4 < 1', 'Only == and != operators may be used with nominal field ip4.', 0],
    ['ct.new < 1', '', -1],
    ['tcp.dst < 1.2.3.4', '32-bit constant is not compatible with 16-bit field tcp.dst.', 10],
    ['reg0[0] == 2', '2-bit constant is not compatible with 1-bit field reg0[0].', 11],
    [
      'ip4.src[0..7] == 10.0.0.1',
      '32-bit constant is not compatible with 8-bit field ip4.src[0..7].',
      17,
    ],
    [
      'eth.src == 0x1000000000000',
      '49-bit constant is not compatible with 48-bit field eth.src.',
      11,
    ],
    [
      'eth.src < 00:00:00:00:00:01/ff:ff:ff:ff:ff:00',
      'Only == and != operators may be used with masked constants.  Consider using subfields instead (e.g. eth.src[0..15] > 0x1111 in place of eth.src > 00:00:00:00:11:11/00:00:00:00:ff:ff).',
      10,
    ],
    [
      'eth.type != 0x800',
      "Nominal field eth.type may only be tested for equality (taking enclosing `!' operators into account).",
      0,
    ],
    [
      '!(ip.proto == 6)',
      "Nominal field ip.proto may only be tested for equality (taking enclosing `!' operators into account).",
      2,
    ],
    [
      'inport != "a"',
      "Nominal field inport may only be tested for equality (taking enclosing `!' operators into account).",
      0,
    ],
    [
      '!ip4',
      "Nominal predicate ip4 may only be tested positively, e.g. `ip4' or `ip4 == 1' but not `!ip4' or `ip4 == 0'.",
      1,
    ],
    [
      'tcp == 0',
      "Nominal predicate tcp may only be tested positively, e.g. `tcp' or `tcp == 1' but not `!tcp' or `tcp == 0'.",
      0,
    ],
    ['reg0[5..3] == 1', 'Invalid bit range 5 to 3.', 0],
    ['reg0[30..40] == 1', 'Cannot select bits 30 to 40 of 32-bit field reg0.', 0],
    ['eth.type[0..7] == 1', 'Cannot select subfield of nominal field eth.type.', 0],
    ['inport[0] == 1', 'Cannot select subfield of string field inport.', 0],
    ['tcp && udp || sctp', '&& and || must be parenthesized when used together.', 11],
    ['tcp || udp && sctp', '&& and || must be parenthesized when used together.', 11],
    ['!tcp.dst == 80', 'Missing parentheses around operand of !.', 0],
    [
      '1 < tcp.dst > 5',
      "Range expressions must have the form `x < field < y' or `x > field > y', with each `<' optionally replaced by `<=' or `>' by `>=').",
      12,
    ],
    ['ip4.src == ^tpl', 'Unexpanded template.', 11],
    ['ct.new & ct.est', "`&' is only valid as part of `&&'.", 7],
    ['tcp.dst == 0x', 'Hex digits expected following 0x.', 11],
    [`${'('.repeat(101)}ip4${')'.repeat(101)}`, 'Parentheses nested too deeply.', 100],
  ])('%j', (input, message, position) => {
    if (position < 0) {
      expect(parseMatch(input).ok).toBe(true);
      return;
    }
    expect(error(input)).toEqual({ message, position });
  });
});

describe('symbolLevel', () => {
  it('follows OVN: predicates take the lowest level of their expansion', () => {
    const level = (name: string) => symbolLevel(ovnSymbolTable, ovnSymbolTable.get(name)!);
    expect(level('ip4')).toBe('nominal');
    expect(level('tcp')).toBe('nominal');
    expect(level('ip')).toBe('nominal');
    expect(level('eth.bcast')).toBe('boolean');
    expect(level('vlan.present')).toBe('boolean');
    expect(level('ip4.mcast')).toBe('boolean');
    expect(level('ip4.src')).toBe('ordinal');
    expect(level('inport')).toBe('nominal');
  });
});
