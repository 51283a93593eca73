import { describe, expect, it } from 'vitest';
import { formatFieldValue, parseFieldValue } from './field-value.js';
import { fieldByName } from './fields.js';
import * as K from './key-layout.js';
import { compileMatch, formatMatch, matchesKey } from './match.js';

describe('match fields', () => {
  it('adds single-valued prerequisites and refuses ambiguous or conflicting ones', () => {
    const m = compileMatch({ ip_src: '10.0.0.0/8' });
    expect(formatMatch(m)).toBe('eth_type=0x800,ip_src=10.0.0.0/8');
    expect(formatMatch(compileMatch({ icmp_type: 8 }))).toBe(
      'eth_type=0x800,ip_proto=1,icmp_type=8',
    );
    expect(formatMatch(compileMatch({ eth_type: 0x86dd, tcp_dst: 443 }))).toBe(
      'eth_type=0x86dd,ip_proto=6,tcp_dst=443',
    );
    expect(() => compileMatch({ tcp_dst: 80 })).toThrow(
      /tcp_dst: requires eth_type 0x800 or 0x86dd/,
    );
    expect(() => compileMatch({ eth_type: 0x806, ip_src: '1.2.3.4' })).toThrow(/requires eth_type/);
    expect(() => compileMatch({ eth_type: 0x800, ip_proto: 17, tcp_dst: 80 })).toThrow(
      /requires ip_proto/,
    );
    expect(() => compileMatch({ eth_type: 0x800, tcp_src: 1, udp_src: 2 })).toThrow();
    expect(formatMatch(compileMatch({ nd_target: 'fe80::1', icmpv6_type: 135 }))).toBe(
      'eth_type=0x86dd,ip_proto=58,icmpv6_type=135,nd_target=fe80::1',
    );
  });

  it('parses and prints values in their usual notations', () => {
    const f = (n: string) => fieldByName(n)!;
    expect(parseFieldValue(f('eth_dst'), '01:00:00:00:00:00/01:00:00:00:00:00')).toEqual({
      value: 1n << 40n,
      mask: 1n << 40n,
    });
    expect(parseFieldValue(f('ct_state'), '+trk-new')).toEqual({
      value: BigInt(K.CS_TRK),
      mask: BigInt(K.CS_TRK | K.CS_NEW),
    });
    expect(parseFieldValue(f('ip_frag'), 'later')).toEqual({ value: 3n, mask: 3n });
    expect(parseFieldValue(f('ipv6_src'), 'fd00::/8')).toEqual({
      value: 0xfdn << 120n,
      mask: 0xffn << 120n,
    });
    expect(parseFieldValue(f('reg0'), { value: 0x10, mask: 0xf0 })).toEqual({
      value: 0x10n,
      mask: 0xf0n,
    });
    expect(() => parseFieldValue(f('reg0'), 1n << 32n)).toThrow(/does not fit in 32 bits/);
    expect(formatFieldValue(f('ip_dst'), 0x0a000000n, 0xffffff00n)).toBe('10.0.0.0/24');
    expect(formatFieldValue(f('reg1'), 0x10n, 0xf0n)).toBe('0x10/0xf0');
    expect(formatFieldValue(f('ct_state'), 0x22n, 0x23n)).toBe('-new+est+trk');
  });

  it('views: xreg and xxreg cover consecutive registers; vlan_vid includes the present bit', () => {
    const m = compileMatch({ xreg0: 0x1_0000_0002n });
    expect(m.value[K.K_REG0]).toBe(1);
    expect(m.value[K.K_REG0 + 1]).toBe(2);
    const x = compileMatch({ xxreg1: 5n });
    expect(x.mask[K.K_REG0 + 4]).toBe(0xffffffff);
    expect(x.value[K.K_REG0 + 7]).toBe(5);
    const v = compileMatch({ vlan_vid: 0x1000 | 10, vlan_pcp: 3 });
    expect(v.value[K.K_VLAN_TCI]).toBe(0x1000 | 10 | (3 << 13));
    const key = new Uint32Array(K.KEY_WORDS);
    key[K.K_VLAN_TCI] = 0x1000 | 10 | (3 << 13);
    expect(matchesKey(v, key)).toBe(true);
    key[K.K_VLAN_TCI] = 10 | (3 << 13); // same vid but no tag present
    expect(matchesKey(v, key)).toBe(false);
  });

  it('rejects unknown fields with the field named', () => {
    expect(() => compileMatch({ eth_dts: '00:00:00:00:00:01' })).toThrow(
      /unknown match field "eth_dts"/,
    );
    expect(() => compileMatch({ ip_dst: '10.0.0.300' })).toThrow(/ip_dst.*bad IPv4 address/);
  });
});
