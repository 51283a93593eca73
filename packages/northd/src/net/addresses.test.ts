import { describe, expect, test } from 'vitest';
import { parseIp, parseLportAddresses } from './addresses.js';

describe('address parsing (cached)', () => {
  test('a second parse of the same text gives the same answer, shared', () => {
    const a = parseLportAddresses('0A:00:00:00:00:01 10.0.0.5 fd00::5');
    expect(a).toEqual({
      mac: '0a:00:00:00:00:01',
      ipv4: [{ family: 4, addr: '10.0.0.5', plen: 32, network: '10.0.0.5', bcast: '10.0.0.5' }],
      ipv6: [{ family: 6, addr: 'fd00::5', plen: 128, network: 'fd00::5' }],
    });
    expect(parseLportAddresses('0A:00:00:00:00:01 10.0.0.5 fd00::5')).toBe(a);
    expect(parseIp('10.1.2.3/24')).toBe(parseIp('10.1.2.3/24'));
    expect(parseIp('10.1.2.3/24')?.network).toBe('10.1.2.0');
  });

  test('bad text stays bad on every parse', () => {
    for (let i = 0; i < 2; i++) {
      expect(parseIp('10.0.0.300')).toBeUndefined();
      expect(parseIp('10.0.0.1/33')).toBeUndefined();
      expect(parseLportAddresses('0a:00:00:00:00:01 nonsense')).toBeUndefined();
    }
  });
});
