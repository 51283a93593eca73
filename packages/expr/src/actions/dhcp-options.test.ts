import { describe, expect, it } from 'vitest';
import {
  CONTROLLER_EVENTS,
  DHCPV4_OPTIONS,
  DHCPV6_OPTIONS,
  ND_RA_OPTIONS,
  optionTakesString,
} from './dhcp-options.js';

describe('option catalogs', () => {
  for (const [name, catalog] of [
    ['DHCPv4', DHCPV4_OPTIONS],
    ['DHCPv6', DHCPV6_OPTIONS],
    ['ND RA', ND_RA_OPTIONS],
    ['empty_lb_backends', CONTROLLER_EVENTS.empty_lb_backends!],
  ] as const) {
    it(`${name}: names and codes are unique`, () => {
      expect(new Set(catalog.map((o) => o.name)).size).toBe(catalog.length);
      expect(new Set(catalog.map((o) => o.code)).size).toBe(catalog.length);
    });
  }

  it('DHCPv4 codes are one octet and the well-known ones are right (RFC 2132)', () => {
    const code = (n: string) => DHCPV4_OPTIONS.find((o) => o.name === n)?.code;
    for (const o of DHCPV4_OPTIONS) expect(o.code).toBeLessThan(256);
    expect([code('netmask'), code('router'), code('dns_server'), code('mtu')]).toEqual([
      1, 3, 6, 26,
    ]);
    expect([code('lease_time'), code('server_id'), code('classless_static_route')]).toEqual([
      51, 54, 121,
    ]);
  });

  it('uses only the value types ovn-sb(5) allows', () => {
    const v4 = [
      'bool',
      'uint8',
      'uint16',
      'uint32',
      'ipv4',
      'static_routes',
      'str',
      'host_id',
      'domains',
    ];
    const v6 = ['ipv6', 'str', 'mac', 'domain'];
    for (const o of DHCPV4_OPTIONS) expect(v4).toContain(o.type);
    for (const o of DHCPV6_OPTIONS) expect(v6).toContain(o.type);
  });

  it('says which types take strings', () => {
    expect(['str', 'domains', 'domain'].every(optionTakesString)).toBe(true);
    expect(
      ['ipv4', 'uint8', 'bool', 'static_routes', 'mac', 'host_id'].some(optionTakesString),
    ).toBe(false);
  });

  it('is immutable', () => {
    expect(Object.isFrozen(DHCPV4_OPTIONS)).toBe(true);
    expect(Object.isFrozen(DHCPV4_OPTIONS[0])).toBe(true);
  });
});
