import { type FieldDef, fieldMaxValue } from './fields.js';
import { CT_STATE_NAMES, FRAG_ANY, FRAG_LATER } from './key-layout.js';
import {
  formatIp4,
  formatIp6,
  formatMac,
  isIp6,
  parseIp4,
  parseIp6,
  parseMac,
} from './packet/addr.js';

/**
 * A value given for a field through the API: a number (fields up to 53 bits), a bigint (any width),
 * or text in the field's usual notation ("aa:bb:..", "10.0.0.1", "fe80::1", "0x10", "+trk-new",
 * "10.0.0.0/24", "0x5/0xff" with a mask).
 */
export type FieldValue = number | bigint | string;

/** A field value with an optional mask; an object form for callers that keep them apart. */
export type MaskedValue = FieldValue | { readonly value: FieldValue; readonly mask?: FieldValue };

const TCP_FLAG_NAMES: readonly [number, string][] = [
  [0x001, 'fin'],
  [0x002, 'syn'],
  [0x004, 'rst'],
  [0x008, 'psh'],
  [0x010, 'ack'],
  [0x020, 'urg'],
  [0x040, 'ece'],
  [0x080, 'cwr'],
  [0x100, 'ns'],
];

function parseFlags(
  f: FieldDef,
  text: string,
  names: readonly [number, string][],
): { value: bigint; mask: bigint } {
  let value = 0;
  let mask = 0;
  let consumed = 0;
  for (const m of text.matchAll(/([+-])([a-z]+)/g)) {
    const bit = names.find(([, n]) => n === m[2])?.[0];
    if (bit === undefined) throw new Error(`${f.name}: unknown flag "${m[2]}"`);
    mask |= bit;
    if (m[1] === '+') value |= bit;
    consumed += m[0].length;
  }
  if (consumed !== text.length) throw new Error(`${f.name}: bad flags "${text}"`);
  return { value: BigInt(value), mask: BigInt(mask) };
}

function parseScalar(f: FieldDef, text: string): bigint {
  const t = text.trim();
  if (/^0x[0-9a-f]+$/i.test(t)) return BigInt(t);
  if (/^\d+$/.test(t)) return BigInt(t);
  if (f.format === 'mac') return parseMac(t);
  if (f.format === 'ip4') return BigInt(parseIp4(t));
  if (f.format === 'ip6' || isIp6(t)) return parseIp6(t);
  throw new Error(`${f.name}: bad value "${text}"`);
}

function prefixMask(bits: number, len: number): bigint {
  if (len < 0 || len > bits) throw new RangeError(`prefix /${len} longer than ${bits} bits`);
  return ((1n << BigInt(len)) - 1n) << BigInt(bits - len);
}

/** Parses an API value into (value, mask) in field units. Throws an Error naming the field. */
export function parseFieldValue(f: FieldDef, v: MaskedValue): { value: bigint; mask: bigint } {
  const max = fieldMaxValue(f);
  let value: bigint;
  let mask = max;
  if (typeof v === 'object') {
    const inner = parseFieldValue(f, v.value);
    value = inner.value;
    mask = v.mask === undefined ? inner.mask : parseFieldValue(f, v.mask).value;
  } else if (typeof v === 'number') {
    if (!Number.isSafeInteger(v) || v < 0) throw new Error(`${f.name}: bad value ${v}`);
    value = BigInt(v);
  } else if (typeof v === 'bigint') {
    value = v;
  } else if (f.format === 'ct_state' && /^[+-]/.test(v)) {
    return parseFlags(f, v, CT_STATE_NAMES);
  } else if (f.format === 'tcp_flags' && /^[+-]/.test(v)) {
    return parseFlags(f, v, TCP_FLAG_NAMES);
  } else if (f.format === 'frag' && /^[a-z_]+$/.test(v)) {
    const table: Record<string, [number, number]> = {
      no: [0, FRAG_ANY],
      yes: [FRAG_ANY, FRAG_ANY],
      first: [FRAG_ANY, FRAG_ANY | FRAG_LATER],
      later: [FRAG_ANY | FRAG_LATER, FRAG_ANY | FRAG_LATER],
      not_later: [0, FRAG_LATER],
    };
    const e = table[v];
    if (!e) throw new Error(`${f.name}: bad value "${v}"`);
    return { value: BigInt(e[0]), mask: BigInt(e[1]) };
  } else {
    const slash = v.indexOf('/');
    if (slash >= 0) {
      value = parseScalar(f, v.slice(0, slash));
      const m = v.slice(slash + 1);
      mask =
        /^\d+$/.test(m) && (f.format === 'ip4' || f.format === 'ip6')
          ? prefixMask(f.bits, Number(m))
          : parseScalar(f, m);
    } else {
      value = parseScalar(f, v);
    }
  }
  if (value < 0n || value > max)
    throw new Error(`${f.name}: value ${v} does not fit in ${f.bits} bits`);
  if (mask > max) throw new Error(`${f.name}: mask does not fit in ${f.bits} bits`);
  return { value: value & mask, mask };
}

function formatFlags(value: bigint, mask: bigint, names: readonly [number, string][]): string {
  let s = '';
  for (const [bit, n] of names) {
    if ((mask & BigInt(bit)) === 0n) continue;
    s += `${(value & BigInt(bit)) !== 0n ? '+' : '-'}${n}`;
  }
  return s;
}

function formatScalar(f: FieldDef, v: bigint): string {
  switch (f.format) {
    case 'mac':
      return formatMac(v);
    case 'ip4':
      return formatIp4(Number(v));
    case 'ip6':
      return formatIp6(v);
    case 'hex':
      return `0x${v.toString(16)}`;
    default:
      return v.toString();
  }
}

/** Formats (value, mask) the way ovs-ofctl dump-flows does, as closely as is useful. */
export function formatFieldValue(f: FieldDef, value: bigint, mask: bigint): string {
  const max = fieldMaxValue(f);
  if (f.format === 'ct_state') return formatFlags(value, mask, CT_STATE_NAMES);
  if (f.format === 'tcp_flags' && mask !== max) return formatFlags(value, mask, TCP_FLAG_NAMES);
  if (f.format === 'frag') {
    const key = `${value}/${mask}`;
    const names: Record<string, string> = {
      '0/1': 'no',
      '1/1': 'yes',
      '1/3': 'first',
      '3/3': 'later',
      '0/2': 'not_later',
    };
    return names[key] ?? `${value}/${mask}`;
  }
  if (mask === max) return formatScalar(f, value);
  if (f.format === 'ip4' || f.format === 'ip6') {
    // A prefix mask prints as /len.
    const inv = max ^ mask;
    if ((inv & (inv + 1n)) === 0n) {
      const len = f.bits - inv.toString(2).replace(/^0+/, '').length * (inv === 0n ? 0 : 1);
      return `${formatScalar(f, value)}/${len}`;
    }
  }
  const hexish = f.format === 'int' ? 'hex' : f.format;
  const g: FieldDef = { ...f, format: hexish };
  return `${formatScalar(g, value)}/${formatScalar(g, mask)}`;
}
