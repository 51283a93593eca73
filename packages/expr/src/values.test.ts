import { describe, expect, it } from 'vitest';
import {
  formatIpv6,
  formatMasked,
  parseIpv4,
  parseIpv6,
  parseMac,
  prefixLength,
  prefixMask,
} from './values.js';

describe('addresses', () => {
  it.each([
    ['::', '::'],
    ['::1', '::1'],
    ['1::', '1::'],
    ['fe80::1:2', 'fe80::1:2'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
    ['2001:0db8:0000:0000:0000:0000:0002:0001', '2001:db8::2:1'],
    ['1:0:1:1:1:1:1:1', '1:0:1:1:1:1:1:1'],
    ['::ffff:10.0.0.1', '::ffff:10.0.0.1'],
    ['::10.0.0.1', '::10.0.0.1'],
    ['FF02::1:FF00:0', 'ff02::1:ff00:0'],
  ])('IPv6 %s → %s', (input, want) => {
    const v = parseIpv6(input);
    expect(v).toBeDefined();
    expect(formatIpv6(v!)).toBe(want);
  });

  it.each(['1:2:3:4:5:6:7:8:9', '1::2::3', ':::', '12345::', '1:2:3:4:5:6:7::8', 'g::'])(
    'rejects IPv6 %s',
    (input) => expect(parseIpv6(input)).toBeUndefined(),
  );

  it('parses IPv4 strictly and MACs with two digits per octet', () => {
    expect(parseIpv4('192.168.0.1')).toBe(0xc0a80001n);
    expect(parseIpv4('01.2.3.4')).toBeUndefined();
    expect(parseIpv4('1.2.3')).toBeUndefined();
    expect(parseMac('0a:0b:0c:0d:0e:0f')).toBe(0x0a0b0c0d0e0fn);
    expect(parseMac('a:b:c:d:e:f')).toBeUndefined();
  });

  it('prefix masks', () => {
    expect(prefixMask(8, 32)).toBe(0xff000000n);
    expect(prefixLength(0xffffff00n, 32)).toBe(24);
    expect(prefixLength(0xff00ff00n, 32)).toBe(-1);
    expect(prefixLength(0n, 32)).toBe(0);
    expect(formatMasked(0x0a000000n, 0xff000000n, 'ipv4')).toBe('10.0.0.0/8');
    expect(formatMasked(0x0a000000n, 0xff00ff00n, 'ipv4')).toBe('10.0.0.0/255.0.255.0');
    expect(formatMasked(0x10n, 0xf0n, 'hex')).toBe('0x10/0xf0');
  });
});
