// Lexer shared by the match and action grammars (OVN's lib/lex.c is the model).
//
// Map of this file:
//   Token types ........ identifiers (with dots), strings, integers (decimal, hex, IPv4, IPv6,
//                         Ethernet) optionally masked (`/N` prefix or full mask), `$addr_set`,
//                         `@port_group`, `^template`, punctuation, and `error` tokens that carry
//                         the lexical error message (the lexer itself never fails).
//   tokenize() ......... whole input → tokens (always ends with an `end` token).
//   TokenStream ........ cursor for recursive-descent parsers, with OVN-style error helpers
//                         ("Syntax error at `x' expecting field name.").
//   formatToken() ...... token → text the lexer reads back identically.

import { ExprFailure } from './result.js';
import {
  formatMasked,
  formatValue,
  ones,
  parseIpv4,
  parseIpv6,
  parseMac,
  prefixMask,
  type ValueFormat,
} from './values.js';

export type { ValueFormat } from './values.js';

export type PunctuationType =
  | '('
  | ')'
  | '{'
  | '}'
  | '['
  | ']'
  | '=='
  | '!='
  | '<'
  | '<='
  | '>'
  | '>='
  | '!'
  | '&&'
  | '||'
  | '..'
  | ','
  | ';'
  | '='
  | '<->'
  | '--'
  | '->'
  | ':'
  | '-'
  | '/';

interface TokenBase {
  /** Offset of the token's first character in the input. */
  readonly start: number;
  /** Offset just past the token's last character. */
  readonly end: number;
}

export interface TextToken extends TokenBase {
  /**
   * id: the identifier; string: the unescaped contents; addressSet/portGroup/template: the name
   * without its sigil; error: the lexical error message.
   */
  readonly type: 'id' | 'string' | 'addressSet' | 'portGroup' | 'template' | 'error';
  readonly text: string;
}

export interface IntegerToken extends TokenBase {
  readonly type: 'integer';
  readonly value: bigint;
  readonly format: ValueFormat;
}

export interface MaskedIntegerToken extends TokenBase {
  readonly type: 'maskedInteger';
  /** Value with bits outside the mask cleared (OVN's invariant). */
  readonly value: bigint;
  readonly mask: bigint;
  readonly format: ValueFormat;
}

export interface PunctuationToken extends TokenBase {
  readonly type: PunctuationType | 'end';
}

export type Token = TextToken | IntegerToken | MaskedIntegerToken | PunctuationToken;
export type TokenType = Token['type'];

// OVN holds constants in a 1024-bit buffer, so a too-wide hex constant lexes and is then refused
// with its width by the type check ("141-bit constant is not compatible with 128-bit field").
const MAX_HEX_BITS = 1024;

function isDigit(c: string): boolean {
  return c >= '0' && c <= '9';
}
function isHexDigit(c: string): boolean {
  return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
function isAlnum(c: string): boolean {
  return isDigit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
/** First character of an identifier. */
export function isIdStart(c: string): boolean {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c === '_' || c === '.';
}
/** Later characters of an identifier. */
export function isIdChar(c: string): boolean {
  return isIdStart(c) || isDigit(c);
}

type IntResult =
  | { ok: true; value: bigint; format: ValueFormat; end: number }
  | { ok: false; message: string; end: number };

/** Lexes the "integer" at `p` (decimal, hex, IPv4, IPv6 or Ethernet), without a mask. */
function lexIntegerBody(input: string, p: number): IntResult {
  // The extent of an integer: alphanumerics, dots (but stop at `..`, the ellipsis), and colons
  // (but not after a dot, so that `1.2.3.4:80` is three tokens).
  let end = p;
  let sawDot = false;
  for (;;) {
    const c = input[end] ?? '';
    if (isAlnum(c) || (c === ':' && !sawDot) || (c === '.' && input[end + 1] !== '.')) {
      if (c === '.') sawDot = true;
      end++;
    } else {
      break;
    }
  }
  const text = input.slice(p, end);
  if (text === '') return { ok: false, message: 'Integer constant expected.', end };
  if (text.length === 17) {
    const mac = parseMac(text);
    if (mac !== undefined) return { ok: true, value: mac, format: 'mac', end };
  }
  if (/^[0-9]+$/.test(text)) {
    if (text.length > 1 && text[0] === '0') {
      return { ok: false, message: 'Decimal constants must not have leading zeros.', end };
    }
    const v = BigInt(text);
    if (v >= 1n << 64n) {
      return { ok: false, message: 'Decimal constants must be less than 2**64.', end };
    }
    return { ok: true, value: v, format: 'decimal', end };
  }
  if (text[0] === '0' && (text[1] === 'x' || text[1] === 'X')) {
    const digits = text.slice(2);
    if (digits === '')
      return { ok: false, message: `Hex digits expected following 0${text[1]}.`, end };
    if (!/^[0-9a-fA-F]+$/.test(digits)) {
      return { ok: false, message: 'Invalid syntax in hexadecimal constant.', end };
    }
    const v = BigInt(`0x${digits}`);
    if (v > ones(MAX_HEX_BITS)) {
      return {
        ok: false,
        message: `Hexadecimal constant requires more than ${MAX_HEX_BITS} bits.`,
        end,
      };
    }
    return { ok: true, value: v, format: 'hex', end };
  }
  const v4 = parseIpv4(text);
  if (v4 !== undefined) return { ok: true, value: v4, format: 'ipv4', end };
  const v6 = parseIpv6(text);
  if (v6 !== undefined) return { ok: true, value: v6, format: 'ipv6', end };
  return { ok: false, message: 'Invalid numeric constant.', end };
}

function lexInteger(input: string, start: number): Token {
  const body = lexIntegerBody(input, start);
  if (!body.ok) return { type: 'error', text: body.message, start, end: body.end };
  if (input[body.end] !== '/') {
    return { type: 'integer', value: body.value, format: body.format, start, end: body.end };
  }
  const m = lexIntegerBody(input, body.end + 1);
  if (!m.ok) return { type: 'error', text: m.message, start, end: m.end };
  let format = body.format;
  let mask: bigint;
  if (format === m.format) {
    mask = m.value;
  } else if (format === 'ipv4' && m.format === 'decimal' && m.value <= 32n) {
    mask = prefixMask(Number(m.value), 32);
  } else if (format === 'ipv6' && m.format === 'decimal' && m.value <= 128n) {
    mask = prefixMask(Number(m.value), 128);
  } else if (format === 'decimal' && m.format === 'hex' && body.value === 0n) {
    // Special case for e.g. 0/0x1234.
    format = 'hex';
    mask = m.value;
  } else {
    return { type: 'error', text: 'Value and mask have incompatible formats.', start, end: m.end };
  }
  return { type: 'maskedInteger', value: body.value & mask, mask, format, start, end: m.end };
}

const SIMPLE_ESCAPES: Record<string, string> = {
  '"': '"',
  '\\': '\\',
  '/': '/',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
};

function lexString(input: string, start: number): Token {
  let p = start + 1;
  let out = '';
  for (;;) {
    const c = input[p];
    if (c === undefined) {
      return { type: 'error', text: 'Input ends inside quoted string.', start, end: p };
    }
    if (c === '"') return { type: 'string', text: out, start, end: p + 1 };
    if (c !== '\\') {
      out += c;
      p++;
      continue;
    }
    const e = input[p + 1];
    if (e === undefined) {
      return { type: 'error', text: 'Input ends inside quoted string.', start, end: p + 1 };
    }
    if (e in SIMPLE_ESCAPES) {
      out += SIMPLE_ESCAPES[e];
      p += 2;
    } else if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(input.slice(p + 2, p + 6))) {
      out += String.fromCharCode(Number.parseInt(input.slice(p + 2, p + 6), 16));
      p += 6;
    } else {
      return { type: 'error', text: `Invalid escape \`\\${e}' in string.`, start, end: p + 2 };
    }
  }
}

function lexName(
  input: string,
  start: number,
  type: 'addressSet' | 'portGroup' | 'template',
): Token {
  const sigil = input[start]!;
  let p = start + 1;
  if (!isIdStart(input[p] ?? '')) {
    return {
      type: 'error',
      text: `\`${sigil}' must be followed by a valid identifier.`,
      start,
      end: p,
    };
  }
  while (isIdChar(input[p] ?? '')) p++;
  return { type, text: input.slice(start + 1, p), start, end: p };
}

function lexId(input: string, start: number): Token {
  let p = start + 1;
  while (isIdChar(input[p] ?? '')) p++;
  return { type: 'id', text: input.slice(start, p), start, end: p };
}

const punct = (type: PunctuationType, start: number, length: number): Token => ({
  type,
  start,
  end: start + length,
});

/** Lexes one token starting at or after `p` (skipping white space and comments). */
export function lexToken(input: string, p: number): Token {
  for (;;) {
    const c = input[p];
    if (c === undefined) return { type: 'end', start: p, end: p };
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\v' || c === '\f') {
      p++;
      continue;
    }
    if (c === '/' && input[p + 1] === '/') {
      while (p < input.length && input[p] !== '\n') p++;
      continue;
    }
    if (c === '/' && input[p + 1] === '*') {
      const close = input.indexOf('*/', p + 2);
      if (close < 0) {
        return { type: 'error', text: "`/*' without matching `*/'.", start: p, end: input.length };
      }
      p = close + 2;
      continue;
    }
    break;
  }
  const start = p;
  const c = input[p]!;
  const c1 = input[p + 1];
  switch (c) {
    case '/':
      return punct('/', start, 1);
    case '(':
    case ')':
    case '{':
    case '}':
    case '[':
    case ']':
    case ',':
    case ';':
      return punct(c, start, 1);
    case '=':
      return c1 === '=' ? punct('==', start, 2) : punct('=', start, 1);
    case '!':
      return c1 === '=' ? punct('!=', start, 2) : punct('!', start, 1);
    case '&':
      return c1 === '&'
        ? punct('&&', start, 2)
        : { type: 'error', text: "`&' is only valid as part of `&&'.", start, end: p + 1 };
    case '|':
      return c1 === '|'
        ? punct('||', start, 2)
        : { type: 'error', text: "`|' is only valid as part of `||'.", start, end: p + 1 };
    case '<':
      if (c1 === '=') return punct('<=', start, 2);
      if (c1 === '-' && input[p + 2] === '>') return punct('<->', start, 3);
      return punct('<', start, 1);
    case '>':
      return c1 === '=' ? punct('>=', start, 2) : punct('>', start, 1);
    case '.':
      return c1 === '.'
        ? punct('..', start, 2)
        : {
            type: 'error',
            text: "`.' is only valid as part of `..' or a number.",
            start,
            end: p + 1,
          };
    case '-':
      if (c1 === '-') return punct('--', start, 2);
      if (c1 === '>') return punct('->', start, 2);
      return punct('-', start, 1);
    case '$':
      return lexName(input, start, 'addressSet');
    case '@':
      return lexName(input, start, 'portGroup');
    case '^':
      return lexName(input, start, 'template');
    case ':':
      // `::` starts an IPv6 address; a lone colon is punctuation.
      return c1 === ':' ? lexInteger(input, start) : punct(':', start, 1);
    case '"':
      return lexString(input, start);
  }
  if (isDigit(c)) return lexInteger(input, start);
  if (isHexDigit(c)) {
    // An Ethernet or IPv6 address may start with a letter; it is always hex digits then a
    // colon, which an identifier never is.
    let q = p;
    while (isHexDigit(input[q] ?? '')) q++;
    return input[q] === ':' ? lexInteger(input, start) : lexId(input, start);
  }
  if (isIdStart(c)) return lexId(input, start);
  const code = c.codePointAt(0)!;
  const message =
    code >= 0x20 && code < 0x7f
      ? `Invalid character \`${c}' in input.`
      : `Invalid byte 0x${code.toString(16)} in input.`;
  return { type: 'error', text: message, start, end: p + 1 };
}

/** Lexes the whole input. The last token is always `end`; lexical errors are `error` tokens. */
export function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  let p = 0;
  for (;;) {
    const t = lexToken(input, p);
    tokens.push(t);
    if (t.type === 'end') return tokens;
    // Error tokens always consume at least one character, so this terminates.
    p = Math.max(t.end, p + 1);
  }
}

/** JSON-style string escaping, as OVN prints strings. */
export function quoteString(s: string): string {
  let out = '"';
  for (const ch of s) {
    switch (ch) {
      case '"':
        out += '\\"';
        break;
      case '\\':
        out += '\\\\';
        break;
      case '\n':
        out += '\\n';
        break;
      case '\r':
        out += '\\r';
        break;
      case '\t':
        out += '\\t';
        break;
      case '\b':
        out += '\\b';
        break;
      case '\f':
        out += '\\f';
        break;
      default: {
        const code = ch.codePointAt(0)!;
        out += code < 0x20 ? `\\u${code.toString(16).padStart(4, '0')}` : ch;
      }
    }
  }
  return `${out}"`;
}

/** Formats a token so that the lexer reads it back as the same token (not `end`/`error`). */
export function formatToken(t: Token): string {
  switch (t.type) {
    case 'id':
      return t.text;
    case 'string':
      return quoteString(t.text);
    case 'addressSet':
      return `$${t.text}`;
    case 'portGroup':
      return `@${t.text}`;
    case 'template':
      return `^${t.text}`;
    case 'error':
      return `error(${quoteString(t.text)})`;
    case 'integer':
      return formatValue(t.value, t.format);
    case 'maskedInteger':
      return formatMasked(t.value, t.mask, t.format);
    case 'end':
      return '$';
    default:
      return t.type;
  }
}

/** Human name of a token type, for "expecting `;'"-style messages. */
export function describeTokenType(type: TokenType): string {
  switch (type) {
    case 'id':
      return 'identifier';
    case 'string':
      return 'string';
    case 'integer':
      return 'integer';
    case 'maskedInteger':
      return 'masked integer';
    case 'addressSet':
      return 'address set';
    case 'portGroup':
      return 'port group';
    case 'template':
      return 'template';
    case 'error':
      return 'error';
    case 'end':
      return 'end of input';
    default:
      return `\`${type}'`;
  }
}

/**
 * A cursor over the tokens of one input, for recursive-descent parsers. The error helpers throw
 * ExprFailure (see result.ts); wrap the parse in `attempt()` to get a Result.
 */
export class TokenStream {
  readonly input: string;
  private readonly tokens: Token[];
  private index = 0;

  constructor(input: string) {
    this.input = input;
    this.tokens = tokenize(input);
  }

  /** The current token. */
  get token(): Token {
    return this.tokens[this.index]!;
  }

  /** The token `n` ahead of the current one (the `end` token past the end). */
  peek(n = 1): Token {
    return this.tokens[Math.min(this.index + n, this.tokens.length - 1)]!;
  }

  /** Advances to the next token and returns the one just consumed. */
  next(): Token {
    const t = this.token;
    if (this.index < this.tokens.length - 1) this.index++;
    return t;
  }

  /** Source text of a token. */
  text(t: Token = this.token): string {
    return this.input.slice(t.start, t.end);
  }

  is(type: TokenType): boolean {
    return this.token.type === type;
  }

  isId(name: string): boolean {
    const t = this.token;
    return t.type === 'id' && t.text === name;
  }

  /** If the current token has `type`, consumes it and returns true. */
  match(type: TokenType): boolean {
    if (this.token.type !== type) return false;
    this.next();
    return true;
  }

  /** If the current token is identifier `name`, consumes it and returns true. */
  matchId(name: string): boolean {
    if (!this.isId(name)) return false;
    this.next();
    return true;
  }

  /** Consumes a token of `type` or fails with "Syntax error at `x' expecting `;'." */
  expect(type: TokenType): Token {
    if (this.token.type !== type) this.syntaxError(`expecting ${describeTokenType(type)}`);
    return this.next();
  }

  /** Fails unless at end of input. */
  expectEnd(): void {
    if (!this.is('end')) this.syntaxError('expecting end of input');
  }

  /** Consumes a small non-negative decimal integer or fails "expecting small integer". */
  expectSmallInt(): number {
    const t = this.token;
    if (t.type === 'integer' && t.format === 'decimal' && t.value <= 0x7fffffffn) {
      this.next();
      return Number(t.value);
    }
    return this.syntaxError('expecting small integer');
  }

  /**
   * Fails with OVN's syntax error shape: "Syntax error at `tok' <message>." If the current token
   * is a lexical error, its message wins, as in OVN (a syntax error after it is meaningless).
   */
  syntaxError(message: string, at: Token = this.token): never {
    if (at.type === 'error') throw new ExprFailure(at.text, at.start);
    const where = at.type === 'end' ? 'at end of input' : `at \`${this.text(at)}'`;
    throw new ExprFailure(`Syntax error ${where} ${message}.`, at.start);
  }

  /** Fails with a plain message (lexical errors at the current token still win). */
  error(message: string, at: Token = this.token): never {
    if (at.type === 'error') throw new ExprFailure(at.text, at.start);
    throw new ExprFailure(message, at.start);
  }
}
