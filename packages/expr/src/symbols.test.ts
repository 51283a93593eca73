import { describe, expect, it } from 'vitest';
import { parseExpr } from './match.js';
import {
  composite,
  createSymbolTable,
  type ExprSymbol,
  field,
  ovnSymbolTable,
  predicate,
  resolveSubfield,
  stringField,
  subfield,
  writeScope,
} from './symbols.js';

const segs = (name: string, lo?: number, width?: number) => {
  const r = resolveSubfield(ovnSymbolTable, name, lo, width);
  if (!r.ok) throw new Error(r.error.message);
  return r.value.map((s) => `${s.field.name}[${s.offset}+${s.width}]@${s.at}`);
};

describe('OVN symbol table', () => {
  it('has registers as base storage with xreg/xxreg overlays, most significant first', () => {
    expect(segs('reg5')).toEqual(['reg5[0+32]@0']);
    expect(segs('xreg0')).toEqual(['reg1[0+32]@0', 'reg0[0+32]@32']);
    expect(segs('xxreg1')).toEqual([
      'reg7[0+32]@0',
      'reg6[0+32]@32',
      'reg5[0+32]@64',
      'reg4[0+32]@96',
    ]);
    expect(segs('xxreg0', 20, 21)).toEqual(['reg3[20+12]@0', 'reg2[0+9]@12']);
    expect(segs('flags.loopback')).toEqual(['reg10[0+1]@0']);
    expect(segs('ct.trk')).toEqual(['ct_state[5+1]@0']);
    expect(segs('ct_label.label')).toEqual(['ct_label[96+32]@0']);
    expect(segs('vlan.vid')).toEqual(['vlan.tci[0+12]@0']);
    expect(segs('rarp.sha')).toEqual(['arp.sha[0+48]@0']);
  });

  it('defines the fields, predicates and prerequisites OVN documents', () => {
    const get = (n: string) => ovnSymbolTable.get(n);
    expect(get('tcp.dst')).toMatchObject({ kind: 'field', width: 16, prereqs: 'tcp' });
    expect(get('tcp')).toMatchObject({ kind: 'predicate', expansion: 'ip.proto == 6' });
    expect(get('ip.proto')).toMatchObject({ kind: 'field', level: 'nominal', prereqs: 'ip' });
    expect(get('ip4.dst')).toMatchObject({ width: 32, format: 'ipv4', prereqs: 'ip4' });
    expect(get('ip4')).toMatchObject({ expansion: 'eth.type == 0x800' });
    expect(get('inport')).toMatchObject({ kind: 'string', field: 'reg14' });
    expect(get('outport')).toMatchObject({ kind: 'string', field: 'reg15' });
    expect(get('metadata')).toMatchObject({ kind: 'field', width: 64 });
    expect(get('ct.new')).toMatchObject({ prereqs: 'ct.trk' });
    expect(get('nd.target')).toMatchObject({ prereqs: 'nd' });
    for (const name of [
      'ip4',
      'ip6',
      'ip',
      'tcp',
      'udp',
      'sctp',
      'icmp4',
      'icmp6',
      'icmp',
      'arp',
      'nd',
      'nd_ns',
      'nd_na',
      'nd_rs',
      'nd_ra',
      'eth.bcast',
      'eth.mcast',
      'ip4.mcast',
      'ip6.mcast',
      'vlan.present',
      'ip.is_frag',
      'ip.later_frag',
      'ip.first_frag',
      'ct.new',
      'ct.est',
      'ct.rel',
      'ct.rpl',
      'ct.inv',
      'ct.trk',
      'ct.snat',
      'ct.dnat',
      'ct_mark.blocked',
      'ct_label.blocked',
      'flags.loopback',
      'eth.dst',
      'ip.ttl',
      'arp.op',
      'nd.target',
      'icmp4.type',
    ]) {
      const s = get(name)!;
      expect(s, name).toBeDefined();
      // Each one parses and annotates.
      const text =
        s.kind === 'predicate' || ('width' in s && s.width === 1) ? name : `${name} == 0`;
      const r = parseExpr(text);
      expect(r.ok ? 'ok' : r.error.message, text).toBe('ok');
    }
  });

  it('says where actions may write', () => {
    expect(writeScope(ovnSymbolTable, 'eth.dst')).toBe('any');
    expect(writeScope(ovnSymbolTable, 'reg0')).toBe('any');
    expect(writeScope(ovnSymbolTable, 'xxreg0')).toBe('any');
    expect(writeScope(ovnSymbolTable, 'flags.loopback')).toBe('any');
    expect(writeScope(ovnSymbolTable, 'outport')).toBe('any');
    expect(writeScope(ovnSymbolTable, 'ct_mark.blocked')).toBe('ct_commit');
    expect(writeScope(ovnSymbolTable, 'ct_label')).toBe('ct_commit');
    expect(writeScope(ovnSymbolTable, 'eth.type')).toBeUndefined();
    expect(writeScope(ovnSymbolTable, 'ct.new')).toBeUndefined();
    expect(writeScope(ovnSymbolTable, 'ip4')).toBeUndefined();
  });

  it('maps base fields to Open vSwitch field names', () => {
    const ovs = (n: string) => {
      const s = ovnSymbolTable.get(n);
      return s?.kind === 'field' ? s.ovsName : undefined;
    };
    expect(ovs('eth.src')).toBe('eth_src');
    expect(ovs('ip4.dst')).toBe('ip_dst');
    expect(ovs('ip.ttl')).toBe('nw_ttl');
    expect(ovs('reg14')).toBe('reg14');
    expect(ovs('ct_state')).toBe('ct_state');
  });

  it('orders base fields for compiled matches', () => {
    const order = ovnSymbolTable.baseFieldOrder;
    expect(order.get('metadata')).toBeLessThan(order.get('reg14')!);
    expect(order.get('reg14')).toBeLessThan(order.get('eth.src')!);
    expect(order.get('eth.type')).toBeLessThan(order.get('ip4.src')!);
  });
});

describe('custom symbol tables', () => {
  it('refuses invalid definitions', () => {
    const msg = (defs: ExprSymbol[]) => {
      const r = createSymbolTable(defs);
      return r.ok ? 'ok' : r.error.message;
    };
    expect(msg([field('a', 8), field('a', 8)])).toBe('Duplicate symbol a.');
    expect(msg([field('a', 0)])).toBe('Field a has invalid width 0.');
    expect(msg([subfield('s', 'nope', 0)])).toBe('Symbol s refers to unknown symbol nope.');
    expect(msg([field('a', 8), subfield('s', 'a', 4, 9)])).toBe('Subfield s does not fit in a.');
    expect(msg([field('a', 8), composite('c', ['a', 'a'], 8)])).toBe(
      'Composite c has width 8, parts 16.',
    );
    expect(msg([stringField('p', 'nope')])).toBe('String field p needs a base field.');
    expect(msg([subfield('x', 'y', 0), subfield('y', 'x', 0)])).toMatch(/refers to|Recursive/);
    expect(msg([field('1a', 8)])).toBe('Invalid symbol name 1a.');
  });

  it('reports bad predicates and recursion when used', () => {
    const r = createSymbolTable([
      field('a', 8),
      predicate('bad', 'a == '),
      predicate('loop', 'loop2'),
      predicate('loop2', 'loop'),
      field('b', 8, { prereqs: 'bad' }),
    ]);
    if (!r.ok) throw new Error(r.error.message);
    const err = (text: string) => {
      const e = parseExpr(text, {}, r.value);
      return e.ok ? 'ok' : e.error.message;
    };
    expect(err('bad')).toBe(
      "Error parsing expression `a == ' encountered as prerequisite or predicate of initial expression: Syntax error at end of input expecting constant.",
    );
    expect(err('b == 1')).toBe(
      "Error parsing expression `bad' encountered as prerequisite or predicate of initial expression: " +
        "Error parsing expression `a == ' encountered as prerequisite or predicate of initial expression: Syntax error at end of input expecting constant.",
    );
    expect(err('loop')).toMatch(/Recursive expansion of symbol `loop'\./);
  });
});
