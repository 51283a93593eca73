import { describe, expect, test } from 'vitest';
import {
  checkInt,
  checkLspAddress,
  checkPortSecurity,
  hasNoHostBits,
  isIp,
  isMac,
  networkOf,
  parseCidr,
} from './net.js';

describe('addresses', () => {
  test('MACs in OVN form only', () => {
    expect(isMac('00:11:22:aa:BB:cc')).toBe(true);
    for (const bad of [
      '00:11:22:33:44',
      '00-11-22-33-44-55',
      '0011.2233.4455',
      'zz:00:00:00:00:01',
    ])
      expect(isMac(bad)).toBe(false);
  });

  test('IPs: dotted quads and IPv6; no shorthand IPv4', () => {
    for (const ok of ['10.0.0.1', '255.255.255.255', 'fd00::1', '::', '2001:db8::ff00:42:8329'])
      expect(isIp(ok)).toBe(true);
    for (const bad of ['10.0.0', '10.0.0.256', '10', '0x0a000001', 'fd00::1::2', ''])
      expect(isIp(bad)).toBe(false);
  });

  test('CIDRs and networks', () => {
    expect(parseCidr('10.0.0.5/24')).toEqual({ ip: '10.0.0.5', prefix: 24, family: 4 });
    expect(parseCidr('10.0.0.5')).toBeUndefined();
    expect(parseCidr('10.0.0.5', true)).toEqual({ ip: '10.0.0.5', prefix: 32, family: 4 });
    expect(parseCidr('10.0.0.0/33')).toBeUndefined();
    expect(parseCidr('fd00::/129')).toBeUndefined();
    expect(networkOf(parseCidr('10.1.2.3/16')!)).toBe('10.1.0.0/16');
    expect(networkOf(parseCidr('fd00::1:2/112')!)).toBe('fd00::1:0/112');
    expect(networkOf(parseCidr('10.1.2.3/32')!)).toBe('10.1.2.3');
    expect(hasNoHostBits(parseCidr('10.1.0.0/16')!)).toBe(true);
    expect(hasNoHostBits(parseCidr('10.1.0.1/16')!)).toBe(false);
  });

  test('switch port addresses and port security entries', () => {
    expect(checkLspAddress('p', '00:00:00:00:00:01   10.0.0.1 fd00::1')).toBe(
      '00:00:00:00:00:01 10.0.0.1 fd00::1',
    );
    expect(checkLspAddress('p', 'router')).toBe('router');
    expect(checkLspAddress('p', 'dynamic 10.0.0.7')).toBe('dynamic 10.0.0.7');
    expect(checkLspAddress('p', 'dynamic')).toBe('dynamic');
    expect(() => checkLspAddress('p', '00:00:00:00:00:01 10.0.0')).toThrow(
      'invalid IP address "10.0.0"',
    );
    expect(() => checkLspAddress('p', 'dynamic nope')).toThrow('expected "dynamic IP"');
    expect(checkPortSecurity('p', '00:00:00:00:00:01 10.0.0.0/24')).toBe(
      '00:00:00:00:00:01 10.0.0.0/24',
    );
    expect(() => checkPortSecurity('p', '10.0.0.1')).toThrow('invalid MAC address "10.0.0.1"');
  });

  test('integers within a range', () => {
    expect(checkInt('o', '32767', 'priority', 0, 32767)).toBe(32767);
    expect(() => checkInt('o', '40000', 'priority', 0, 32767)).toThrow(
      'o: priority 40000 out of range 0..32767',
    );
    expect(() => checkInt('o', '1.5', 'priority', 0, 32767)).toThrow(
      'priority "1.5" is not an integer',
    );
  });
});
