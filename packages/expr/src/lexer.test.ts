import { describe, expect, it } from 'vitest';
import { formatToken, type Token, TokenStream, tokenize } from './lexer.js';
import { attempt } from './result.js';

/** Tokens as `type:text` (text = formatToken, or the message for errors). */
function lex(input: string): string[] {
  return tokenize(input)
    .filter((t) => t.type !== 'end')
    .map((t) => {
      if (t.type === 'error') return `error:${t.text}`;
      // Punctuation is its own text.
      return 'text' in t || 'value' in t ? `${t.type}:${formatToken(t)}` : t.type;
    });
}

describe('lexer', () => {
  it.each([
    ['ip4.src', ['id:ip4.src']],
    ['_x.y_1', ['id:_x.y_1']],
    ['"a b"', ['string:"a b"']],
    ['"q\\"\\\\\\n\\u0041"', ['string:"q\\"\\\\\\nA"']],
    ['$as1 @pg_1 ^tpl', ['addressSet:$as1', 'portGroup:@pg_1', 'template:^tpl']],
    ['0 123 18446744073709551615', ['integer:0', 'integer:123', 'integer:18446744073709551615']],
    ['0x0 0xDeadBeef', ['integer:0x0', 'integer:0xdeadbeef']],
    ['10.0.0.1 255.255.255.255', ['integer:10.0.0.1', 'integer:255.255.255.255']],
    [
      '::1 fe80::1 :: ::ffff:1.2.3.4',
      ['integer:::1', 'integer:fe80::1', 'integer:::', 'integer:::ffff:1.2.3.4'],
    ],
    ['2001:db8:0:0:1:0:0:1', ['integer:2001:db8::1:0:0:1']],
    [
      '00:11:22:33:44:55 fa:16:3e:AA:bb:cc',
      ['integer:00:11:22:33:44:55', 'integer:fa:16:3e:aa:bb:cc'],
    ],
    ['10.0.0.0/8 10.1.2.3/16', ['maskedInteger:10.0.0.0/8', 'maskedInteger:10.1.0.0/16']],
    ['1.2.3.4/255.0.255.0', ['maskedInteger:1.0.3.0/255.0.255.0']],
    ['fe80::/10 ::1/128', ['maskedInteger:fe80::/10', 'maskedInteger:::1/128']],
    [
      '0x10/0xf0 5/7 0/0x1234',
      ['maskedInteger:0x10/0xf0', 'maskedInteger:5/7', 'maskedInteger:0x0/0x1234'],
    ],
    ['01:00:00:00:00:00/01:00:00:00:00:00', ['maskedInteger:01:00:00:00:00:00/01:00:00:00:00:00']],
  ])('%s', (input, want) => {
    expect(lex(input)).toEqual(want);
  });

  it('lexes every punctuation token of both grammars', () => {
    const input = '== != < <= > >= ! && || ( ) { } [ ] .. , ; = <-> -- -> : - /';
    expect(lex(input)).toEqual(input.split(' '));
  });

  it('splits ranges, IPv4 ports and IPv6 brackets', () => {
    expect(lex('reg0[0..15]')).toEqual(['id:reg0', '[', 'integer:0', '..', 'integer:15', ']']);
    expect(lex('10.0.0.1:80')).toEqual(['integer:10.0.0.1', ':', 'integer:80']);
    expect(lex('[fd00::1]:8080')).toEqual(['[', 'integer:fd00::1', ']', ':', 'integer:8080']);
    expect(lex('ip.ttl--')).toEqual(['id:ip.ttl', '--']);
    expect(lex('a<->b')).toEqual(['id:a', '<->', 'id:b']);
    expect(lex('1000-2000')).toEqual(['integer:1000', '-', 'integer:2000']);
  });

  it('tells identifiers from addresses that start with a letter', () => {
    expect(lex('eth.dst dead::beef ab:cd:ef:01:23:45 abc')).toEqual([
      'id:eth.dst',
      'integer:dead::beef',
      'integer:ab:cd:ef:01:23:45',
      'id:abc',
    ]);
  });

  it('skips comments', () => {
    expect(lex('a /* x */ b // y\n c')).toEqual(['id:a', 'id:b', 'id:c']);
  });

  it.each([
    ['01', 'Decimal constants must not have leading zeros.'],
    ['18446744073709551616', 'Decimal constants must be less than 2**64.'],
    ['0x', 'Hex digits expected following 0x.'],
    ['0xfg', 'Invalid syntax in hexadecimal constant.'],
    ['1.2.3', 'Invalid numeric constant.'],
    ['1.2.3.256', 'Invalid numeric constant.'],
    ['1.2.3.4/33', 'Value and mask have incompatible formats.'],
    ['00:00:00:00:00:01/24', 'Value and mask have incompatible formats.'],
    ['"abc', 'Input ends inside quoted string.'],
    ['"a\\qb"', "Invalid escape `\\q' in string."],
    ['&', "`&' is only valid as part of `&&'."],
    ['|', "`|' is only valid as part of `||'."],
    ['.', "`.' is only valid as part of `..' or a number."],
    ['$', "`$' must be followed by a valid identifier."],
    ['@1', "`@' must be followed by a valid identifier."],
    ['/* x', "`/*' without matching `*/'."],
    ['#', "Invalid character `#' in input."],
    ['\u0001', 'Invalid byte 0x1 in input.'],
  ])('error: %j', (input, message) => {
    expect(lex(input)[0]).toBe(`error:${message}`);
  });

  it('records token positions', () => {
    const toks = tokenize('  ip4  && /*c*/ "x"');
    expect(toks.map((t: Token) => [t.type, t.start, t.end])).toEqual([
      ['id', 2, 5],
      ['&&', 7, 9],
      ['string', 16, 19],
      ['end', 19, 19],
    ]);
  });

  it('formats tokens so that they lex back identically', () => {
    const input =
      'a.b "x\\ty" 12 0xff 1.2.3.4 1.2.0.0/16 ::1 fe80::/64 00:00:00:00:00:01 $s @p ^t 5/3 <-> --';
    const once = tokenize(input).filter((t) => t.type !== 'end');
    const text = once.map(formatToken).join(' ');
    const twice = tokenize(text).filter((t) => t.type !== 'end');
    const strip = (ts: Token[]) => ts.map(({ start: _s, end: _e, ...rest }) => rest);
    expect(strip(twice)).toEqual(strip(once));
  });
});

describe('TokenStream', () => {
  it('reports OVN-style syntax errors with positions', () => {
    const r = attempt(() => {
      const ts = new TokenStream('next(foo');
      ts.expect('id');
      ts.expect('(');
      ts.expect(';');
    });
    expect(r).toEqual({
      ok: false,
      error: { message: "Syntax error at `foo' expecting `;'.", position: 5 },
    });
  });

  it('says "at end of input" and lets lexical errors win', () => {
    const end = attempt(() => new TokenStream('').expect('id'));
    expect(end.ok ? '' : end.error.message).toBe(
      'Syntax error at end of input expecting identifier.',
    );
    const lexical = attempt(() => new TokenStream('0x').expect('id'));
    expect(lexical.ok ? '' : lexical.error.message).toBe('Hex digits expected following 0x.');
  });

  it('matches, peeks and reads small integers', () => {
    const ts = new TokenStream('f(3, x)');
    expect(ts.matchId('f')).toBe(true);
    expect(ts.peek().type).toBe('integer');
    expect(ts.match('(')).toBe(true);
    expect(ts.expectSmallInt()).toBe(3);
    expect(ts.match(',')).toBe(true);
    expect(ts.isId('x')).toBe(true);
  });
});
