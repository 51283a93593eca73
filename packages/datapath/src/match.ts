import { formatFieldValue, type MaskedValue, parseFieldValue } from './field-value.js';
import { FIELDS, type FieldDef, fieldByName, fieldToWords, readField } from './fields.js';
import * as K from './key-layout.js';
import { allocKey } from './key-slab.js';

/** A match as the API takes it: field name → value (optionally masked). Absent fields are wildcards. */
export type MatchSpec = Readonly<Record<string, MaskedValue>>;

/** A compiled match: per key word, the bits that must equal `value` where `mask` is set. */
export interface CompiledMatch {
  readonly value: Uint32Array;
  readonly mask: Uint32Array;
}

function apply(value: Uint32Array, mask: Uint32Array, f: FieldDef, v: bigint, m: bigint): void {
  const { vals, masks } = fieldToWords(f, v, m);
  for (let i = 0; i < vals.length; i++) {
    const w = f.word + i;
    const overlap = mask[w]! & masks[i]!;
    if (((value[w]! ^ vals[i]!) & overlap) !== 0) {
      throw new Error(`${f.name}: conflicts with another field of the match`);
    }
    mask[w] = (mask[w]! | masks[i]!) >>> 0;
    value[w] = (value[w]! | vals[i]!) >>> 0;
  }
}

function exactValue(m: CompiledMatch, f: FieldDef): number | undefined {
  const full = (f.bits === 32 ? 0xffffffff : ((1 << f.bits) - 1) << f.shift) >>> 0;
  if ((m.mask[f.word]! & full) >>> 0 !== full) return undefined;
  return ((m.value[f.word]! & full) >>> f.shift) >>> 0;
}

/**
 * Compiles a match spec. Prerequisites are checked as Open vSwitch does (tcp_dst needs ip_proto=6 and
 * an IP eth_type); a prerequisite with a single possible value is added when missing, so `{ip_src: …}`
 * means `{eth_type: 0x800, ip_src: …}`. Throws an Error naming the field at fault.
 */
export function compileMatch(spec: MatchSpec): CompiledMatch {
  const value = allocKey();
  const mask = allocKey();
  const given: FieldDef[] = [];
  for (const [name, v] of Object.entries(spec)) {
    const f = fieldByName(name);
    if (!f) throw new Error(`unknown match field "${name}"`);
    if (
      f.nWords === 1 &&
      f.format !== 'ip4' &&
      typeof v === 'number' &&
      Number.isInteger(v) &&
      v >= 0
    ) {
      // Fast path for the common case (registers, ports, types): a number for a one-word field.
      const width = f.bits === 32 ? 0x100000000 : 2 ** f.bits;
      if (v >= width)
        throw new Error(
          `match field ${name}: ${f.name}: value ${v} does not fit in ${f.bits} bits`,
        );
      const wm = (f.bits === 32 ? 0xffffffff : (2 ** f.bits - 1) << f.shift) >>> 0;
      const wv = ((v << f.shift) & wm) >>> 0;
      const w = f.word;
      if (((value[w]! ^ wv) & mask[w]! & wm) !== 0)
        throw new Error(`${f.name}: conflicts with another field of the match`);
      mask[w] = (mask[w]! | wm) >>> 0;
      value[w] = (value[w]! | wv) >>> 0;
      given.push(f);
      continue;
    }
    let parsed: { value: bigint; mask: bigint };
    try {
      parsed = parseFieldValue(f, v);
    } catch (e) {
      throw new Error(`match field ${name}: ${(e as Error).message}`);
    }
    apply(value, mask, f, parsed.value, parsed.mask);
    given.push(f);
  }
  const m = { value, mask };
  // Prerequisites: resolve to a fixed point (nd_sll needs icmpv6_type, which needs ip_proto, ...).
  for (let pass = 0; pass < 4; pass++) {
    let added = false;
    for (const f of [...given]) {
      for (const p of f.prereqs) {
        const pf = fieldByName(p.field)!;
        const cur = exactValue(m, pf);
        if (cur === undefined) {
          if (
            (m.mask[pf.word]! & fieldToWords(pf, 0n, (1n << BigInt(pf.bits)) - 1n).masks[0]!) !==
              0 ||
            p.values.length !== 1
          ) {
            throw new Error(
              `match field ${f.name}: requires ${p.field} ${p.values.map((x) => `0x${x.toString(16)}`).join(' or ')}`,
            );
          }
          apply(value, mask, pf, BigInt(p.values[0]!), (1n << BigInt(pf.bits)) - 1n);
          given.push(pf);
          added = true;
        } else if (!p.values.includes(cur)) {
          throw new Error(
            `match field ${f.name}: requires ${p.field} ${p.values.join(' or ')}, match has ${cur}`,
          );
        }
      }
    }
    if (!added) break;
  }
  return m;
}

/** Fields used to print a match, in order, with one name per key region. */
const DISPLAY: readonly string[] = [
  'in_port',
  'recirc',
  'metadata',
  ...Array.from({ length: 16 }, (_, i) => `reg${i}`),
  'conj_id',
  'ct_state',
  'ct_zone',
  'ct_mark',
  'ct_label',
  'ct_nw_proto',
  'ct_nw_src',
  'ct_nw_dst',
  'ct_ipv6_src',
  'ct_ipv6_dst',
  'ct_tp_src',
  'ct_tp_dst',
  'tun_id',
  'tun_metadata0',
  'pkt_mark',
  'eth_src',
  'eth_dst',
  'eth_type',
  'vlan_tci',
  'ip_src',
  'ip_dst',
  'ipv6_src',
  'ipv6_dst',
  'ip_proto',
  'nw_tos',
  'nw_ttl',
  'ip_frag',
  'tp_src',
  'tp_dst',
  'tcp_flags',
  'arp_op',
  'arp_spa',
  'arp_tpa',
  'arp_sha',
  'arp_tha',
  'nd_target',
  'nd_sll',
  'nd_tll',
];

function tpName(m: CompiledMatch, which: 'src' | 'dst'): string {
  const proto = exactValue(m, fieldByName('ip_proto')!);
  const v6 = exactValue(m, fieldByName('eth_type')!) === K.ETH_TYPE_IPV6;
  switch (proto) {
    case K.IPPROTO_UDP:
      return `udp_${which}`;
    case K.IPPROTO_SCTP:
      return `sctp_${which}`;
    case K.IPPROTO_ICMP:
      return which === 'src' ? 'icmp_type' : 'icmp_code';
    case K.IPPROTO_ICMPV6:
      return which === 'src' ? 'icmpv6_type' : 'icmpv6_code';
    default:
      return v6 || proto === K.IPPROTO_TCP ? `tcp_${which}` : `tp_${which}`;
  }
}

/** Formats a match as comma-separated `field=value[/mask]`, like ovs-ofctl. */
export function formatMatch(m: CompiledMatch): string {
  const parts: string[] = [];
  const tmpV = m.value;
  const tmpM = m.mask;
  for (const name of DISPLAY) {
    if (name === 'recirc') {
      if (tmpM[K.K_RECIRC] && tmpV[K.K_RECIRC]) parts.push(`recirc_table=${tmpV[K.K_RECIRC]! - 1}`);
      continue;
    }
    const shown =
      name === 'tp_src' || name === 'tp_dst' ? tpName(m, name === 'tp_src' ? 'src' : 'dst') : name;
    const f =
      fieldByName(shown === 'tp_src' || shown === 'tp_dst' ? name : shown) ?? fieldByName(name)!;
    const mask = readField(tmpM, f);
    if (mask === 0n) continue;
    const value = readField(tmpV, f);
    parts.push(`${shown}=${formatFieldValue(f, value, mask)}`);
  }
  return parts.join(',');
}

/** True when `key` satisfies the match (reference semantics, used by tests and the brute-force check). */
export function matchesKey(m: CompiledMatch, key: Uint32Array): boolean {
  for (let i = 0; i < K.KEY_WORDS; i++) {
    if (((key[i]! & m.mask[i]!) ^ m.value[i]!) !== 0) return false;
  }
  return true;
}

/** All field definitions, exported for documentation tools. */
export const MATCH_FIELDS = FIELDS;
