// The symbol table: which names a match or action may use and what they mean.
//
// A symbol is one of
//   field      a base field: real storage in the datapath (eth.src, ip4.dst, reg0, ct_state …).
//              Compiled matches and action writes only ever name base fields.
//   subfield   bits [offset, offset+width) of another field, subfield or composite
//              (ct.trk = ct_state[5], flags = reg10[0..31], vlan.vid = vlan.tci[0..11]).
//   composite  the concatenation of several fields, most significant first
//              (xreg0 = reg0:reg1, xxreg0 = reg0:reg1:reg2:reg3).
//   predicate  a name for a Boolean expression (ip4 = "eth.type == 0x800").
//   string     a string-valued field stored as an integer key in a base field
//              (inport = logical port name, stored as its tunnel key in reg14).
//
// Prerequisites (`prereqs`) are expressions that must hold for a field to be meaningful; the
// annotator ANDs them in wherever the field is used (tcp.dst requires tcp = ip.proto == 6, which
// requires ip). A subfield's prerequisites are its own, not its parent's (as in OVN).
//
// The table is a value: build one with `createSymbolTable`, or use `ovnSymbolTable` (OVN's
// fields, lib/logical-fields.c). Matches, actions and the controller share the same value.

import { attempt, ExprFailure, type Result } from './result.js';
import type { ValueFormat } from './values.js';

/**
 * OVN's measurement levels. Ordinal fields allow masks, bit slices and `<`/`>`; nominal fields
 * (eth.type, ip.proto, strings) only whole-field equality, tested positively.
 */
export type FieldLevel = 'ordinal' | 'nominal';

/** Where actions may assign a field: anywhere, or only inside `ct_commit { … }`. */
export type WriteScope = 'any' | 'ct_commit';

interface SymbolBase {
  readonly name: string;
  /** Expression that must hold wherever this symbol is used, e.g. "ip4". */
  readonly prereqs?: string | undefined;
}

export interface FieldSymbol extends SymbolBase {
  readonly kind: 'field';
  readonly width: number;
  readonly level: FieldLevel;
  /** How values of this field are printed. */
  readonly format: ValueFormat;
  /** Absent: read-only. */
  readonly writable?: WriteScope | undefined;
  /** The Open vSwitch field that stores it (ovs-fields(7)), for datapaths that use those names. */
  readonly ovsName?: string | undefined;
}

export interface SubfieldSymbol extends SymbolBase {
  readonly kind: 'subfield';
  readonly parent: string;
  /** Offset of bit 0 of this subfield within the parent. */
  readonly offset: number;
  readonly width: number;
  readonly level: FieldLevel;
  readonly format: ValueFormat;
  readonly writable?: WriteScope | undefined;
}

export interface CompositeSymbol extends SymbolBase {
  readonly kind: 'composite';
  /** The concatenated fields, most significant first. */
  readonly parts: readonly string[];
  readonly width: number;
  readonly level: FieldLevel;
  readonly format: ValueFormat;
  readonly writable?: WriteScope | undefined;
}

export interface PredicateSymbol extends SymbolBase {
  readonly kind: 'predicate';
  readonly expansion: string;
  /** Predicates behave as 1-bit fields. */
  readonly width: 1;
}

export interface StringSymbol extends SymbolBase {
  readonly kind: 'string';
  /** The base field that holds the key the string maps to. */
  readonly field: string;
  readonly writable?: WriteScope | undefined;
}

export type ExprSymbol =
  | FieldSymbol
  | SubfieldSymbol
  | CompositeSymbol
  | PredicateSymbol
  | StringSymbol;

/** Symbols that denote bits (everything but predicates and strings). */
export type IntegerSymbol = FieldSymbol | SubfieldSymbol | CompositeSymbol;

/** A run of bits of one base field. */
export interface BaseSegment {
  readonly field: FieldSymbol;
  /** Bit offset within the base field. */
  readonly offset: number;
  readonly width: number;
  /** Bit offset of this run within the referenced (sub)field value. */
  readonly at: number;
}

export interface SymbolTable {
  /** Symbols in definition order. */
  readonly symbols: ReadonlyMap<string, ExprSymbol>;
  /** Base fields in definition order: the canonical order of fields in compiled matches. */
  readonly baseFields: readonly FieldSymbol[];
  /** Index of each base field in `baseFields`. */
  readonly baseFieldOrder: ReadonlyMap<string, number>;
  get(name: string): ExprSymbol | undefined;
}

/** Validates definitions and builds a table. Fails on duplicates and dangling references. */
export function createSymbolTable(defs: readonly ExprSymbol[]): Result<SymbolTable> {
  return attempt(() => buildSymbolTable(defs));
}

function buildSymbolTable(defs: readonly ExprSymbol[]): SymbolTable {
  const fail = (message: string): never => {
    throw new ExprFailure(message, 0);
  };
  const symbols = new Map<string, ExprSymbol>();
  for (const d of defs) {
    if (symbols.has(d.name)) fail(`Duplicate symbol ${d.name}.`);
    if (!/^[A-Za-z_][A-Za-z0-9_.]*$/.test(d.name)) fail(`Invalid symbol name ${d.name}.`);
    symbols.set(d.name, d);
  }
  const widthOf = (name: string, user: string): number => {
    const s = symbols.get(name);
    if (!s) return fail(`Symbol ${user} refers to unknown symbol ${name}.`);
    if (s.kind === 'predicate' || s.kind === 'string') {
      return fail(`Symbol ${user} refers to ${s.kind} symbol ${name}, which has no bits.`);
    }
    return s.width;
  };
  for (const d of defs) {
    if (d.kind === 'field' && (d.width < 1 || d.width > 128)) {
      fail(`Field ${d.name} has invalid width ${d.width}.`);
    }
    if (d.kind === 'subfield') {
      const pw = widthOf(d.parent, d.name);
      if (d.offset < 0 || d.width < 1 || d.offset + d.width > pw) {
        fail(`Subfield ${d.name} does not fit in ${d.parent}.`);
      }
    }
    if (d.kind === 'composite') {
      const total = d.parts.reduce((n, p) => n + widthOf(p, d.name), 0);
      if (total !== d.width) fail(`Composite ${d.name} has width ${d.width}, parts ${total}.`);
    }
    if (d.kind === 'string') {
      const base = symbols.get(d.field);
      if (base?.kind !== 'field') fail(`String field ${d.name} needs a base field.`);
    }
  }
  const baseFields = defs.filter((d): d is FieldSymbol => d.kind === 'field');
  const baseFieldOrder = new Map(baseFields.map((f, i) => [f.name, i]));
  const table: SymbolTable = {
    symbols,
    baseFields,
    baseFieldOrder,
    get: (name) => symbols.get(name),
  };
  // Reject cycles among subfields and composites.
  for (const d of defs) {
    if (d.kind === 'subfield' || d.kind === 'composite') {
      resolveBits(table, d.name, 0, d.width, new Set());
    }
  }
  return table;
}

function resolveBits(
  table: SymbolTable,
  name: string,
  lo: number,
  width: number,
  visiting: Set<string>,
): BaseSegment[] {
  const s = table.get(name);
  if (!s || s.kind === 'predicate' || s.kind === 'string') {
    throw new ExprFailure(`Symbol ${name} has no bits.`, 0);
  }
  if (visiting.has(name)) throw new ExprFailure(`Recursive definition of symbol ${name}.`, 0);
  if (s.kind === 'field') return [{ field: s, offset: lo, width, at: 0 }];
  visiting.add(name);
  try {
    if (s.kind === 'subfield') return resolveBits(table, s.parent, s.offset + lo, width, visiting);
    // Composite: walk the parts from least significant, keeping the bits in [lo, lo+width).
    const out: BaseSegment[] = [];
    let partLo = 0;
    for (let i = s.parts.length - 1; i >= 0; i--) {
      const part = s.parts[i]!;
      const pw = (table.get(part) as IntegerSymbol).width;
      const from = Math.max(lo, partLo);
      const to = Math.min(lo + width, partLo + pw);
      if (from < to) {
        for (const seg of resolveBits(table, part, from - partLo, to - from, visiting)) {
          out.push({ ...seg, at: seg.at + (from - lo) });
        }
      }
      partLo += pw;
    }
    return out;
  } finally {
    visiting.delete(name);
  }
}

/**
 * Maps bits [lo, lo+width) of an integer symbol to runs of base-field bits, least significant
 * run first. `width` defaults to the rest of the symbol. Used by matches and actions alike.
 */
export function resolveSubfield(
  table: SymbolTable,
  name: string,
  lo = 0,
  width?: number,
): Result<BaseSegment[]> {
  return attempt(() => {
    const s = table.get(name);
    if (!s || s.kind === 'predicate' || s.kind === 'string') {
      throw new ExprFailure(`Symbol ${name} has no bits.`, 0);
    }
    const w = width ?? s.width - lo;
    if (lo < 0 || w < 1 || lo + w > s.width) {
      throw new ExprFailure(
        `Cannot select bits ${lo} to ${lo + w - 1} of ${s.width}-bit field ${name}.`,
        0,
      );
    }
    return resolveBits(table, name, lo, w, new Set());
  });
}

/** Write scope of a symbol (subfields and composites inherit from what they cover). */
export function writeScope(table: SymbolTable, name: string): WriteScope | undefined {
  const s = table.get(name);
  if (!s || s.kind === 'predicate') return undefined;
  if (s.kind === 'field' || s.kind === 'string') return s.writable;
  if (s.writable) return s.writable;
  if (s.kind === 'subfield') return writeScope(table, s.parent);
  let scope: WriteScope | undefined = 'any';
  for (const p of s.parts) {
    const ps = writeScope(table, p);
    if (!ps) return undefined;
    if (ps === 'ct_commit') scope = 'ct_commit';
  }
  return scope;
}

// ------------------------------------------------------------------------------------------
// Definition helpers.

export function field(
  name: string,
  width: number,
  opts: {
    level?: FieldLevel;
    format?: ValueFormat;
    prereqs?: string;
    writable?: WriteScope;
  } = {},
): FieldSymbol {
  return {
    kind: 'field',
    name,
    width,
    level: opts.level ?? 'ordinal',
    format: opts.format ?? 'hex',
    prereqs: opts.prereqs,
    writable: opts.writable,
  };
}

export function subfield(
  name: string,
  parent: string,
  lo: number,
  hi: number = lo,
  opts: { prereqs?: string; level?: FieldLevel; format?: ValueFormat; writable?: WriteScope } = {},
): SubfieldSymbol {
  return {
    kind: 'subfield',
    name,
    parent,
    offset: lo,
    width: hi - lo + 1,
    level: opts.level ?? 'ordinal',
    format: opts.format ?? 'hex',
    prereqs: opts.prereqs,
    writable: opts.writable,
  };
}

export function composite(
  name: string,
  parts: readonly string[],
  width: number,
  opts: { format?: ValueFormat; prereqs?: string } = {},
): CompositeSymbol {
  return {
    kind: 'composite',
    name,
    parts,
    width,
    level: 'ordinal',
    format: opts.format ?? 'hex',
    prereqs: opts.prereqs,
  };
}

export function predicate(name: string, expansion: string): PredicateSymbol {
  return { kind: 'predicate', name, expansion, width: 1 };
}

export function stringField(
  name: string,
  base: string,
  opts: { prereqs?: string; writable?: WriteScope } = {},
): StringSymbol {
  return { kind: 'string', name, field: base, prereqs: opts.prereqs, writable: opts.writable };
}

// ------------------------------------------------------------------------------------------
// OVN's logical fields.

/** Bits of `flags` (reg10), from OVN's include/ovn/logical-fields.h. */
export const LOGICAL_FLAG_BITS = {
  loopback: 0,
  force_snat_for_dnat: 2,
  force_snat_for_lb: 3,
  skip_snat_for_lb: 9,
  use_snat_zone: 11,
  localnet: 15,
  tunnel_rx: 16,
  icmp_snat: 17,
  from_ctrl: 19,
  unsnat_new: 20,
  unsnat_not_tracked: 21,
  igmp_loopback: 22,
  pkt_sampled: 23,
} as const;

/** Bits of ct_state (OVS CS_*). */
export const CT_STATE_BITS = {
  new: 0,
  est: 1,
  rel: 2,
  rpl: 3,
  inv: 4,
  trk: 5,
  snat: 6,
  dnat: 7,
} as const;

/** Registers holding logical metadata (OVN's MFF_LOG_*). */
export const LOGICAL_REGISTERS = {
  flags: 'reg10',
  dnatZone: 'reg11',
  snatZone: 'reg12',
  ctZone: 'reg13',
  inport: 'reg14',
  outport: 'reg15',
  datapath: 'metadata',
} as const;

function ovnSymbolDefs(): ExprSymbol[] {
  const d: ExprSymbol[] = [];
  const W: { writable: WriteScope } = { writable: 'any' };

  // Logical metadata. Registers are the base storage; xregs and xxregs are views over them
  // (in OVS, xregN is reg2N:reg2N+1 and xxregN is reg4N:…:reg4N+3, most significant first).
  d.push(field('metadata', 64, W));
  for (let i = 0; i < 16; i++) d.push(field(`reg${i}`, 32, W));
  for (let i = 0; i < 8; i++) d.push(composite(`xreg${i}`, [`reg${2 * i}`, `reg${2 * i + 1}`], 64));
  for (let i = 0; i < 4; i++) {
    const parts = [0, 1, 2, 3].map((k) => `reg${4 * i + k}`);
    d.push(composite(`xxreg${i}`, parts, 128));
  }
  d.push(stringField('inport', LOGICAL_REGISTERS.inport, W));
  d.push(stringField('outport', LOGICAL_REGISTERS.outport, W));
  d.push(subfield('flags', LOGICAL_REGISTERS.flags, 0, 31));
  for (const [name, bit] of Object.entries(LOGICAL_FLAG_BITS)) {
    d.push(subfield(`flags.${name}`, 'flags', bit));
  }
  d.push(subfield('flags.network_id', 'flags', 28, 31));

  // Connection tracking.
  d.push(field('ct_state', 8));
  for (const [name, bit] of Object.entries(CT_STATE_BITS)) {
    d.push(
      subfield(`ct.${name}`, 'ct_state', bit, bit, name === 'trk' ? {} : { prereqs: 'ct.trk' }),
    );
  }
  d.push(field('ct_mark', 32, { writable: 'ct_commit' }));
  d.push(subfield('ct_mark.blocked', 'ct_mark', 0));
  d.push(subfield('ct_mark.natted', 'ct_mark', 1));
  d.push(subfield('ct_mark.skip_snat', 'ct_mark', 2));
  d.push(subfield('ct_mark.force_snat', 'ct_mark', 3));
  d.push(subfield('ct_mark.obs_stage', 'ct_mark', 4, 5));
  d.push(subfield('ct_mark.allow_established', 'ct_mark', 6));
  d.push(subfield('ct_mark.ecmp_reply_port', 'ct_mark', 16, 31));
  d.push(subfield('ct_mark.obs_collector_id', 'ct_mark', 16, 23));
  d.push(field('ct_label', 128, { writable: 'ct_commit' }));
  d.push(subfield('ct_label.blocked', 'ct_label', 0));
  d.push(subfield('ct_label.natted', 'ct_label', 1));
  d.push(subfield('ct_label.ecmp_reply_eth', 'ct_label', 32, 79, { format: 'mac' }));
  d.push(subfield('ct_label.ecmp_reply_port', 'ct_label', 80, 95));
  d.push(subfield('ct_label.acl_id', 'ct_label', 80, 95));
  d.push(subfield('ct_label.label', 'ct_label', 96, 127));
  d.push(subfield('ct_label.obs_point_id', 'ct_label', 96, 127));

  // Ethernet and VLAN.
  d.push(field('eth.src', 48, { format: 'mac', ...W }));
  d.push(field('eth.dst', 48, { format: 'mac', ...W }));
  d.push(field('eth.type', 16, { level: 'nominal' }));
  d.push(predicate('eth.bcast', 'eth.dst == ff:ff:ff:ff:ff:ff'));
  d.push(subfield('eth.mcast', 'eth.dst', 40));
  d.push(predicate('eth.mcastv6', 'eth.dst[32..47] == 0x3333'));
  d.push(field('vlan.tci', 16, W));
  d.push(predicate('vlan.present', 'vlan.tci[12]'));
  d.push(subfield('vlan.pcp', 'vlan.tci', 13, 15, { prereqs: 'vlan.present', format: 'decimal' }));
  d.push(subfield('vlan.vid', 'vlan.tci', 0, 11, { prereqs: 'vlan.present', format: 'decimal' }));

  // IP.
  d.push(predicate('ip4', 'eth.type == 0x800'));
  d.push(predicate('ip6', 'eth.type == 0x86dd'));
  d.push(predicate('ip', 'ip4 || ip6'));
  d.push(field('ip.proto', 8, { level: 'nominal', format: 'decimal', prereqs: 'ip' }));
  d.push(field('ip.dscp', 6, { level: 'nominal', format: 'decimal', prereqs: 'ip', ...W }));
  d.push(field('ip.ecn', 2, { level: 'nominal', format: 'decimal', prereqs: 'ip', ...W }));
  d.push(field('ip.ttl', 8, { level: 'nominal', format: 'decimal', prereqs: 'ip', ...W }));
  d.push(field('ip.frag', 2, { prereqs: 'ip' }));
  d.push(predicate('ip.is_frag', 'ip.frag[0]'));
  d.push(predicate('ip.later_frag', 'ip.frag[1]'));
  d.push(predicate('ip.first_frag', 'ip.is_frag && !ip.later_frag'));

  d.push(field('ip4.src', 32, { format: 'ipv4', prereqs: 'ip4', ...W }));
  d.push(field('ip4.dst', 32, { format: 'ipv4', prereqs: 'ip4', ...W }));
  d.push(predicate('ip4.src_mcast', 'ip4.src[28..31] == 0xe'));
  d.push(predicate('ip4.mcast', 'eth.mcast && ip4.dst[28..31] == 0xe'));

  d.push(predicate('icmp4', 'ip4 && ip.proto == 1'));
  d.push(field('icmp4.type', 8, { level: 'nominal', format: 'decimal', prereqs: 'icmp4', ...W }));
  d.push(field('icmp4.code', 8, { level: 'nominal', format: 'decimal', prereqs: 'icmp4', ...W }));
  d.push(predicate('igmp', 'ip4.mcast && ip.proto == 2'));

  d.push(field('ip6.src', 128, { format: 'ipv6', prereqs: 'ip6', ...W }));
  d.push(field('ip6.dst', 128, { format: 'ipv6', prereqs: 'ip6', ...W }));
  d.push(field('ip6.label', 20, { prereqs: 'ip6', ...W }));
  d.push(
    predicate(
      'ip6.mcast_rsvd',
      'ip6.dst == {ff00::0, ff01::0, ff02::0, ff03::0, ff04::0, ff05::0, ff06::0, ff07::0, ' +
        'ff08::0, ff09::0, ff0a::0, ff0b::0, ff0c::0, ff0d::0, ff0e::0, ff0f::0}',
    ),
  );
  d.push(predicate('ip6.mcast_all_nodes', 'ip6.dst == ff01::1 || ip6.dst == ff02::1'));
  d.push(
    predicate(
      'ip6.mcast_all_rtrs',
      'ip6.dst == ff01::2 || ip6.dst == ff02::2 || ip6.dst == ff05::2',
    ),
  );
  d.push(predicate('ip6.mcast_sol_node', 'ip6.dst == ff02::1:ff00:0000/104'));
  d.push(
    predicate(
      'ip6.mcast_flood',
      'eth.mcastv6 && (ip6.mcast_rsvd || ip6.mcast_all_nodes || ip6.mcast_all_rtrs || ' +
        'ip6.mcast_sol_node)',
    ),
  );
  d.push(predicate('ip6.mcast', 'eth.mcastv6 && ip6.dst[120..127] == 0xff'));

  d.push(predicate('icmp6', 'ip6 && ip.proto == 58'));
  d.push(field('icmp6.type', 8, { level: 'nominal', format: 'decimal', prereqs: 'icmp6', ...W }));
  d.push(field('icmp6.code', 8, { level: 'nominal', format: 'decimal', prereqs: 'icmp6', ...W }));
  d.push(predicate('icmp', 'icmp4 || icmp6'));

  // ARP (RARP shares the ARP fields, under its own prerequisite).
  d.push(predicate('arp', 'eth.type == 0x806'));
  d.push(field('arp.op', 16, { level: 'nominal', format: 'decimal', prereqs: 'arp', ...W }));
  d.push(field('arp.spa', 32, { format: 'ipv4', prereqs: 'arp', ...W }));
  d.push(field('arp.sha', 48, { format: 'mac', prereqs: 'arp', ...W }));
  d.push(field('arp.tpa', 32, { format: 'ipv4', prereqs: 'arp', ...W }));
  d.push(field('arp.tha', 48, { format: 'mac', prereqs: 'arp', ...W }));
  d.push(predicate('rarp', 'eth.type == 0x8035'));
  const rarp = { prereqs: 'rarp', ...W };
  d.push(subfield('rarp.op', 'arp.op', 0, 15, { ...rarp, level: 'nominal', format: 'decimal' }));
  d.push(subfield('rarp.spa', 'arp.spa', 0, 31, { ...rarp, format: 'ipv4' }));
  d.push(subfield('rarp.sha', 'arp.sha', 0, 47, { ...rarp, format: 'mac' }));
  d.push(subfield('rarp.tpa', 'arp.tpa', 0, 31, { ...rarp, format: 'ipv4' }));
  d.push(subfield('rarp.tha', 'arp.tha', 0, 47, { ...rarp, format: 'mac' }));

  // Neighbour discovery.
  d.push(predicate('nd', 'icmp6.type == {135, 136} && icmp6.code == 0 && ip.ttl == 255'));
  d.push(predicate('nd_ns', 'icmp6.type == 135 && icmp6.code == 0 && ip.ttl == 255'));
  d.push(
    predicate('nd_ns_mcast', 'ip6.mcast && icmp6.type == 135 && icmp6.code == 0 && ip.ttl == 255'),
  );
  d.push(predicate('nd_na', 'icmp6.type == 136 && icmp6.code == 0 && ip.ttl == 255'));
  d.push(predicate('nd_rs', 'icmp6.type == 133 && icmp6.code == 0 && ip.ttl == 255'));
  d.push(predicate('nd_ra', 'icmp6.type == 134 && icmp6.code == 0 && ip.ttl == 255'));
  d.push(field('nd.target', 128, { format: 'ipv6', prereqs: 'nd', ...W }));
  d.push(field('nd.sll', 48, { format: 'mac', prereqs: 'nd_ns', ...W }));
  d.push(field('nd.tll', 48, { format: 'mac', prereqs: 'nd_na', ...W }));
  d.push(
    predicate('mldv1', 'eth.mcastv6 && ip6.src == fe80::/10 && icmp6.type == {130, 131, 132}'),
  );
  d.push(predicate('mldv2', 'eth.mcastv6 && ip6.dst == ff02::16 && icmp6.type == 143'));

  // Transport.
  d.push(predicate('tcp', 'ip.proto == 6'));
  d.push(field('tcp.src', 16, { format: 'decimal', prereqs: 'tcp', ...W }));
  d.push(field('tcp.dst', 16, { format: 'decimal', prereqs: 'tcp', ...W }));
  d.push(field('tcp.flags', 12, { prereqs: 'tcp' }));
  d.push(predicate('udp', 'ip.proto == 17'));
  d.push(field('udp.src', 16, { format: 'decimal', prereqs: 'udp', ...W }));
  d.push(field('udp.dst', 16, { format: 'decimal', prereqs: 'udp', ...W }));
  d.push(predicate('sctp', 'ip.proto == 132'));
  d.push(field('sctp.src', 16, { format: 'decimal', prereqs: 'sctp', ...W }));
  d.push(field('sctp.dst', 16, { format: 'decimal', prereqs: 'sctp', ...W }));

  d.push(field('pkt.mark', 32, W));

  // Fields only actions write (OVN's "ovn fields", carried in the packet-in to the controller).
  d.push(field('icmp4.frag_mtu', 16, { level: 'nominal', format: 'decimal', ...W }));
  d.push(field('icmp6.frag_mtu', 32, { level: 'nominal', format: 'decimal', ...W }));
  d.push(field('icmp4.inner_ip4.src', 32, { level: 'nominal', format: 'ipv4' }));
  return d.map((s) => {
    if (s.kind !== 'field') return s;
    const ovsName =
      OVS_NAMES[s.name] ?? (/^(reg\d+|metadata|ct_\w+)$/.test(s.name) ? s.name : undefined);
    return ovsName ? { ...s, ovsName } : s;
  });
}

const OVS_NAMES: Readonly<Record<string, string>> = {
  'eth.src': 'eth_src',
  'eth.dst': 'eth_dst',
  'eth.type': 'eth_type',
  'vlan.tci': 'vlan_tci',
  'ip.proto': 'ip_proto',
  'ip.dscp': 'ip_dscp',
  'ip.ecn': 'ip_ecn',
  'ip.ttl': 'nw_ttl',
  'ip.frag': 'ip_frag',
  'ip4.src': 'ip_src',
  'ip4.dst': 'ip_dst',
  'ip6.src': 'ipv6_src',
  'ip6.dst': 'ipv6_dst',
  'ip6.label': 'ipv6_label',
  'icmp4.type': 'icmp_type',
  'icmp4.code': 'icmp_code',
  'icmp6.type': 'icmpv6_type',
  'icmp6.code': 'icmpv6_code',
  'arp.op': 'arp_op',
  'arp.spa': 'arp_spa',
  'arp.sha': 'arp_sha',
  'arp.tpa': 'arp_tpa',
  'arp.tha': 'arp_tha',
  'nd.target': 'nd_target',
  'nd.sll': 'nd_sll',
  'nd.tll': 'nd_tll',
  'tcp.src': 'tcp_src',
  'tcp.dst': 'tcp_dst',
  'tcp.flags': 'tcp_flags',
  'udp.src': 'udp_src',
  'udp.dst': 'udp_dst',
  'sctp.src': 'sctp_src',
  'sctp.dst': 'sctp_dst',
  'pkt.mark': 'pkt_mark',
};

function mustBuild(defs: readonly ExprSymbol[]): SymbolTable {
  const r = createSymbolTable(defs);
  if (!r.ok) throw new Error(`built-in symbol table is invalid: ${r.error.message}`);
  return r.value;
}

/** OVN's symbol table (lib/logical-fields.c), with registers reg0..reg15 as base storage. */
export const ovnSymbolTable: SymbolTable = mustBuild(ovnSymbolDefs());

/** The definitions behind `ovnSymbolTable`, to extend into a custom table. */
export function ovnSymbolDefinitions(): ExprSymbol[] {
  return ovnSymbolDefs();
}
