/**
 * Column values in OVSDB's command-line syntax (ovs-vsctl(8) "Database Values"), both ways:
 * `42`, `true`, `sw0`, `"quoted \"text\""`, sets `{a,b}` or `[a, b]`, maps `{k=v, k2="v 2"}`.
 * Pure: the generic database commands use it to read arguments and to print cells.
 */
import { invalid } from './errors.js';

export type AtomType = 'string' | 'integer' | 'real' | 'boolean' | 'uuid';

/** OVSDB's column type: a key type, a value type for maps, and how many elements. */
export interface ColumnType {
  readonly key: AtomType;
  readonly value?: AtomType;
  readonly min: 0 | 1;
  /** 1 for a scalar or an optional value; Infinity for an unbounded set or map. */
  readonly max: number;
}

export type Atom = string | number | boolean;
/** A scalar, null (an empty optional), an array (a set) or an object (a map). */
export type Datum = Atom | null | readonly Atom[] | Readonly<Record<string, Atom>>;

export const isMap = (t: ColumnType): boolean => t.value !== undefined;
export const isSet = (t: ColumnType): boolean => t.value === undefined && t.max > 1;

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (s: string): boolean => UUID_RE.test(s);

// ---------------------------------------------------------------- parsing

/** Splits text into tokens: quoted strings, bare words, and the punctuation of sets and maps. */
type Token = { kind: 'word'; text: string; quoted: boolean } | { kind: 'punct'; text: string };

function tokenize(text: string, what: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if ('{}[],='.includes(c)) {
      out.push({ kind: 'punct', text: c });
      i++;
    } else if (c === '"') {
      const [s, next] = readQuoted(text, i, what);
      out.push({ kind: 'word', text: s, quoted: true });
      i = next;
    } else {
      let j = i;
      while (j < text.length && !/[\s{}[\],="]/.test(text[j]!)) j++;
      out.push({ kind: 'word', text: text.slice(i, j), quoted: false });
      i = j;
    }
  }
  return out;
}

/** Reads a double-quoted string with JSON/C escapes starting at text[start] === '"'. */
function readQuoted(text: string, start: number, what: string): [string, number] {
  let i = start + 1;
  let s = '';
  while (i < text.length) {
    const c = text[i]!;
    if (c === '"') return [s, i + 1];
    if (c === '\\') {
      const e = text[i + 1];
      const map: Record<string, string> = {
        n: '\n',
        t: '\t',
        r: '\r',
        '"': '"',
        '\\': '\\',
        '/': '/',
        b: '\b',
        f: '\f',
      };
      if (e !== undefined && e in map) {
        s += map[e];
        i += 2;
        continue;
      }
      if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) {
        s += String.fromCharCode(Number.parseInt(text.slice(i + 2, i + 6), 16));
        i += 6;
        continue;
      }
      throw invalid(what, `bad escape in quoted string ${JSON.stringify(text)}`);
    }
    s += c;
    i++;
  }
  throw invalid(what, `missing closing quote in ${JSON.stringify(text)}`);
}

/** One atom of the given type from its text (already unquoted when `quoted`). */
export function parseAtom(text: string, type: AtomType, what: string, quoted = false): Atom {
  switch (type) {
    case 'string':
      return text;
    case 'integer':
      if (quoted || !/^[+-]?\d+$/.test(text)) throw invalid(what, `"${text}" is not an integer`);
      return Number(text);
    case 'real':
      if (quoted || text === '' || Number.isNaN(Number(text)))
        throw invalid(what, `"${text}" is not a number`);
      return Number(text);
    case 'boolean':
      if (text === 'true') return true;
      if (text === 'false') return false;
      throw invalid(what, `"${text}" is not a boolean (true or false)`);
    case 'uuid':
      if (!isUuid(text)) throw invalid(what, `"${text}" is not a UUID`);
      return text.toLowerCase();
  }
}

/**
 * A whole column value. Without braces a set or map holds one element, and an unquoted scalar
 * string is taken verbatim (so `addresses="00:00:00:00:00:01 10.0.0.1"` needs no inner quotes).
 */
export function parseDatum(text: string, type: ColumnType, what: string): Datum {
  const trimmed = text.trim();
  if (!isMap(type) && !isSet(type)) {
    if (trimmed === '[]' && type.min === 0) return null;
    if (trimmed.startsWith('"')) {
      const [s, next] = readQuoted(trimmed, 0, what);
      if (next !== trimmed.length)
        throw invalid(what, `unexpected text after quoted string in ${JSON.stringify(text)}`);
      return parseAtom(s, type.key, what, true);
    }
    return parseAtom(type.key === 'string' ? text : trimmed, type.key, what);
  }
  const braced = /^[[{]/.test(trimmed);
  if (!braced && isSet(type) && !trimmed.startsWith('"')) {
    return trimmed === ''
      ? []
      : [parseAtom(type.key === 'string' ? text : trimmed, type.key, what)];
  }
  const tokens = tokenize(trimmed, what);
  let i = 0;
  if (braced) {
    const open = tokens[0]!.text;
    const close = open === '[' ? ']' : '}';
    if (tokens.at(-1)?.text !== close || tokens.at(-1)?.kind !== 'punct') {
      throw invalid(what, `missing "${close}" in ${JSON.stringify(text)}`);
    }
    tokens.pop();
    i = 1;
  }
  const items: Atom[] = [];
  const entries: [string, Atom][] = [];
  while (i < tokens.length) {
    const t = tokens[i]!;
    if (t.kind === 'punct' && t.text === ',') {
      i++;
      continue;
    }
    if (t.kind !== 'word') throw invalid(what, `unexpected "${t.text}" in ${JSON.stringify(text)}`);
    if (isMap(type)) {
      const eq = tokens[i + 1];
      const v = tokens[i + 2];
      if (eq?.text !== '=' || v?.kind !== 'word')
        throw invalid(what, `expected key=value in ${JSON.stringify(text)}`);
      entries.push([
        String(parseAtom(t.text, type.key, what, t.quoted)),
        parseAtom(v.text, type.value!, what, v.quoted),
      ]);
      i += 3;
    } else {
      items.push(parseAtom(t.text, type.key, what, t.quoted));
      i++;
    }
  }
  if (isMap(type)) return Object.fromEntries(entries);
  return [...new Set(items)];
}

// ---------------------------------------------------------------- printing

/** OVSDB prints a string bare only when it cannot be read as anything else. */
function needsQuotes(s: string): boolean {
  if (!/^[A-Za-z_][A-Za-z_.-]*$/.test(s)) return true;
  return s === 'true' || s === 'false';
}

export function formatAtom(a: Atom, type: AtomType, bare = false): string {
  if (type === 'string' && typeof a === 'string')
    return bare || !needsQuotes(a) ? a : JSON.stringify(a);
  return String(a);
}

/** A value as `list`/`get` print it: `"sw0"`, `[a, b]`, `{k=v}`; `bare` drops quotes and brackets. */
export function formatDatum(d: Datum, type: ColumnType, bare = false): string {
  if (isMap(type)) {
    const m = (d ?? {}) as Record<string, Atom>;
    const parts = Object.keys(m)
      .sort()
      .map((k) => `${formatAtom(k, type.key, bare)}=${formatAtom(m[k]!, type.value!, bare)}`);
    return bare ? parts.join(' ') : `{${parts.join(', ')}}`;
  }
  if (isSet(type)) {
    const parts = [...((d ?? []) as Atom[])]
      .sort(compareAtoms)
      .map((a) => formatAtom(a, type.key, bare));
    return bare ? parts.join(' ') : `[${parts.join(', ')}]`;
  }
  if (d === null || d === undefined) return bare ? '' : '[]';
  return formatAtom(d as Atom, type.key, bare);
}

function compareAtoms(a: Atom, b: Atom): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0;
}

/** OVSDB's JSON encoding of a value (RFC 7047): ["uuid", u], ["set", [...]], ["map", [[k, v]...]]. */
export function datumToJson(d: Datum, type: ColumnType): unknown {
  const atom = (a: Atom, t: AtomType): unknown => (t === 'uuid' ? ['uuid', a] : a);
  if (isMap(type)) {
    const m = (d ?? {}) as Record<string, Atom>;
    return [
      'map',
      Object.keys(m)
        .sort()
        .map((k) => [atom(k, type.key), atom(m[k]!, type.value!)]),
    ];
  }
  if (isSet(type)) {
    const items = (d ?? []) as Atom[];
    return items.length === 1
      ? atom(items[0]!, type.key)
      : ['set', items.map((a) => atom(a, type.key))];
  }
  if (d === null || d === undefined) return ['set', []];
  return atom(d as Atom, type.key);
}
