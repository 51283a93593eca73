import * as K from './key-layout.js';

/** How a field's value is written and read in text (dump-flows, match specs). */
export type FieldFormat = 'int' | 'hex' | 'mac' | 'ip4' | 'ip6' | 'ct_state' | 'tcp_flags' | 'frag';

/** A prerequisite: the field `field` must be matched exactly to one of `values`. */
export interface Prereq {
  readonly field: string;
  readonly values: readonly number[];
}

/**
 * A match field. A field either fills whole words (`nWords` > 1 or `bits` = 32, shift 0) or is a
 * bit range [shift, shift+bits) inside one word. Names follow Open vSwitch (ovs-fields(7)).
 */
export interface FieldDef {
  readonly name: string;
  readonly word: number;
  readonly nWords: number;
  readonly bits: number;
  readonly shift: number;
  readonly format: FieldFormat;
  /** set_field / load / move may write it. */
  readonly writable: boolean;
  readonly prereqs: readonly Prereq[];
}

const IP_ANY: Prereq = { field: 'eth_type', values: [K.ETH_TYPE_IP, K.ETH_TYPE_IPV6] };
const IP4: Prereq = { field: 'eth_type', values: [K.ETH_TYPE_IP] };
const IP6: Prereq = { field: 'eth_type', values: [K.ETH_TYPE_IPV6] };
const ARP: Prereq = { field: 'eth_type', values: [K.ETH_TYPE_ARP] };
const proto = (p: number): Prereq => ({ field: 'ip_proto', values: [p] });

const defs: FieldDef[] = [];
function def(
  name: string,
  word: number,
  bits: number,
  format: FieldFormat,
  writable: boolean,
  prereqs: readonly Prereq[] = [],
  shift = 0,
): void {
  const nWords = bits > 32 ? Math.ceil(bits / 32) : 1;
  defs.push({ name, word, nWords, bits, shift, format, writable, prereqs });
}

def('in_port', K.K_IN_PORT, 32, 'int', true);
def('metadata', K.K_METADATA, 64, 'hex', true);
for (let i = 0; i < 16; i++) def(`reg${i}`, K.K_REG0 + i, 32, 'hex', true);
for (let i = 0; i < 8; i++) def(`xreg${i}`, K.K_REG0 + 2 * i, 64, 'hex', true);
for (let i = 0; i < 4; i++) def(`xxreg${i}`, K.K_REG0 + 4 * i, 128, 'hex', true);
def('eth_src', K.K_ETH_SRC, 48, 'mac', true);
def('eth_dst', K.K_ETH_DST, 48, 'mac', true);
def('eth_type', K.K_ETH_TYPE, 16, 'hex', false);
def('vlan_tci', K.K_VLAN_TCI, 16, 'hex', true);
def('vlan_vid', K.K_VLAN_TCI, 13, 'int', true); // includes the present bit 0x1000, as OXM's vlan_vid
def('vlan_pcp', K.K_VLAN_TCI, 3, 'int', true, [], 13);
def('vlan_present', K.K_VLAN_TCI, 1, 'int', false, [], 12);
def('ip_proto', K.K_NW_PROTO, 8, 'int', false, [IP_ANY]);
def('nw_tos', K.K_NW_TOS, 8, 'int', true, [IP_ANY]);
def('ip_dscp', K.K_NW_TOS, 6, 'int', true, [IP_ANY], 2);
def('ip_ecn', K.K_NW_TOS, 2, 'int', true, [IP_ANY]);
def('nw_ttl', K.K_NW_TTL, 8, 'int', true, [IP_ANY]);
def('ip_frag', K.K_NW_FRAG, 2, 'frag', false, [IP_ANY]);
def('ip_src', K.K_IP4_SRC, 32, 'ip4', true, [IP4]);
def('ip_dst', K.K_IP4_DST, 32, 'ip4', true, [IP4]);
def('ipv6_src', K.K_IP6_SRC, 128, 'ip6', true, [IP6]);
def('ipv6_dst', K.K_IP6_DST, 128, 'ip6', true, [IP6]);
def('tcp_src', K.K_TP_SRC, 16, 'int', true, [IP_ANY, proto(K.IPPROTO_TCP)]);
def('tcp_dst', K.K_TP_DST, 16, 'int', true, [IP_ANY, proto(K.IPPROTO_TCP)]);
def('tcp_flags', K.K_TCP_FLAGS, 12, 'tcp_flags', false, [IP_ANY, proto(K.IPPROTO_TCP)]);
def('udp_src', K.K_TP_SRC, 16, 'int', true, [IP_ANY, proto(K.IPPROTO_UDP)]);
def('udp_dst', K.K_TP_DST, 16, 'int', true, [IP_ANY, proto(K.IPPROTO_UDP)]);
def('sctp_src', K.K_TP_SRC, 16, 'int', false, [IP_ANY, proto(K.IPPROTO_SCTP)]);
def('sctp_dst', K.K_TP_DST, 16, 'int', false, [IP_ANY, proto(K.IPPROTO_SCTP)]);
def('icmp_type', K.K_TP_SRC, 8, 'int', true, [IP4, proto(K.IPPROTO_ICMP)]);
def('icmp_code', K.K_TP_DST, 8, 'int', true, [IP4, proto(K.IPPROTO_ICMP)]);
def('icmpv6_type', K.K_TP_SRC, 8, 'int', true, [IP6, proto(K.IPPROTO_ICMPV6)]);
def('icmpv6_code', K.K_TP_DST, 8, 'int', true, [IP6, proto(K.IPPROTO_ICMPV6)]);
def('arp_op', K.K_ARP_OP, 16, 'int', true, [ARP]);
def('arp_spa', K.K_ARP_SPA, 32, 'ip4', true, [ARP]);
def('arp_tpa', K.K_ARP_TPA, 32, 'ip4', true, [ARP]);
def('arp_sha', K.K_ARP_SHA, 48, 'mac', true, [ARP]);
def('arp_tha', K.K_ARP_THA, 48, 'mac', true, [ARP]);
const ND = [IP6, proto(K.IPPROTO_ICMPV6)];
def('nd_target', K.K_ND_TARGET, 128, 'ip6', true, [
  ...ND,
  { field: 'icmpv6_type', values: [135, 136] },
]);
def('nd_sll', K.K_ND_SLL, 48, 'mac', true, [...ND, { field: 'icmpv6_type', values: [135] }]);
def('nd_tll', K.K_ND_TLL, 48, 'mac', true, [...ND, { field: 'icmpv6_type', values: [136] }]);
def('ct_state', K.K_CT_STATE, 8, 'ct_state', false);
def('ct_zone', K.K_CT_ZONE, 16, 'int', false);
def('ct_mark', K.K_CT_MARK, 32, 'hex', false);
def('ct_label', K.K_CT_LABEL, 128, 'hex', false);
def('tun_id', K.K_TUN_ID, 64, 'hex', true);
def('tun_metadata0', K.K_TUN_METADATA0, 32, 'hex', true);
def('pkt_mark', K.K_PKT_MARK, 32, 'hex', true);
def('conj_id', K.K_CONJ_ID, 32, 'int', false);
def('ct_nw_proto', K.K_CT_NW_PROTO, 8, 'int', false);
def('ct_nw_src', K.K_CT_NW_SRC, 32, 'ip4', false);
def('ct_nw_dst', K.K_CT_NW_DST, 32, 'ip4', false);
def('ct_ipv6_src', K.K_CT_IPV6_SRC, 128, 'ip6', false);
def('ct_ipv6_dst', K.K_CT_IPV6_DST, 128, 'ip6', false);
def('ct_tp_src', K.K_CT_TP_SRC, 16, 'int', false);
def('ct_tp_dst', K.K_CT_TP_DST, 16, 'int', false);

const byName = new Map<string, FieldDef>(defs.map((d) => [d.name, d]));
// Common aliases (OVS accepts these names too).
const aliases: Record<string, string> = {
  dl_src: 'eth_src',
  dl_dst: 'eth_dst',
  dl_type: 'eth_type',
  nw_src: 'ip_src',
  nw_dst: 'ip_dst',
  nw_proto: 'ip_proto',
  nw_ecn: 'ip_ecn',
  nw_frag: 'ip_frag',
  tp_src: 'tcp_src',
  tp_dst: 'tcp_dst',
  tun_metadata: 'tun_metadata0',
};
for (const [a, n] of Object.entries(aliases)) byName.set(a, byName.get(n)!);

/** All canonical field definitions, in key order. */
export const FIELDS: readonly FieldDef[] = defs;

export function fieldByName(name: string): FieldDef | undefined {
  return byName.get(name);
}

/** The per-word mask covering the whole field (length nWords). */
export function fieldWordMasks(f: FieldDef): number[] {
  if (f.nWords === 1) return [(f.bits === 32 ? 0xffffffff : ((1 << f.bits) - 1) << f.shift) >>> 0];
  const out: number[] = [];
  const topBits = f.bits - 32 * (f.nWords - 1);
  out.push(topBits === 32 ? 0xffffffff : ((1 << topBits) - 1) >>> 0);
  for (let i = 1; i < f.nWords; i++) out.push(0xffffffff);
  return out;
}

/** Reads a field's value from a key as a bigint (slow path: actions, formatting). */
export function readField(key: Uint32Array, f: FieldDef): bigint {
  if (f.nWords === 1) {
    const m = f.bits === 32 ? 0xffffffff : (1 << f.bits) - 1;
    return BigInt(((key[f.word]! >>> f.shift) & m) >>> 0);
  }
  let v = 0n;
  for (let i = 0; i < f.nWords; i++) v = (v << 32n) | BigInt(key[f.word + i]!);
  return v & ((1n << BigInt(f.bits)) - 1n);
}

/** Writes `value` into the bits of `mask` of a field (both in field units, LSB = bit 0). */
export function writeField(key: Uint32Array, f: FieldDef, value: bigint, mask: bigint): void {
  if (f.nWords === 1) {
    const m = Number(mask & 0xffffffffn);
    const v = Number(value & 0xffffffffn);
    const wm = (m << f.shift) >>> 0;
    key[f.word] = ((key[f.word]! & ~wm) | ((v << f.shift) & wm)) >>> 0;
    return;
  }
  for (let i = f.nWords - 1, sh = 0n; i >= 0; i--, sh += 32n) {
    const m = Number((mask >> sh) & 0xffffffffn);
    if (m === 0) continue;
    const v = Number((value >> sh) & 0xffffffffn);
    const w = f.word + i;
    key[w] = ((key[w]! & ~m) | (v & m)) >>> 0;
  }
}

/** Converts a (value, mask) pair in field units into per-word values and masks. */
export function fieldToWords(
  f: FieldDef,
  value: bigint,
  mask: bigint,
): { vals: number[]; masks: number[] } {
  const full = fieldWordMasks(f);
  const vals: number[] = [];
  const masks: number[] = [];
  if (f.nWords === 1) {
    const m = ((Number(mask & 0xffffffffn) << f.shift) & full[0]!) >>> 0;
    vals.push(((Number(value & 0xffffffffn) << f.shift) & m) >>> 0);
    masks.push(m);
    return { vals, masks };
  }
  for (let i = 0; i < f.nWords; i++) {
    const sh = BigInt(32 * (f.nWords - 1 - i));
    const m = (Number((mask >> sh) & 0xffffffffn) & full[i]!) >>> 0;
    masks.push(m);
    vals.push((Number((value >> sh) & 0xffffffffn) & m) >>> 0);
  }
  return { vals, masks };
}

export function fieldMaxValue(f: FieldDef): bigint {
  return (1n << BigInt(f.bits)) - 1n;
}
