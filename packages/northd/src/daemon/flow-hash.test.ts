import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { flowHash } from './flow-hash.js';

describe('flowHash', () => {
  test('is a safe integer, the same for the same flow', () => {
    fc.assert(
      fc.property(fc.string(), fc.nat(65535), fc.string(), fc.string(), (m, p, a, b) => {
        const h = flowHash('ls_in_acl', p, m, a, b, undefined);
        expect(Number.isSafeInteger(h) && h >= 0).toBe(true);
        expect(flowHash('ls_in_acl', p, m, a, b, undefined)).toBe(h);
      }),
    );
  });

  test('field boundaries count: moving text from one field to the next changes the hash', () => {
    expect(flowHash('ls_in_acl', 1, 'ab', 'c', 'x', undefined)).not.toBe(
      flowHash('ls_in_acl', 1, 'a', 'bc', 'x', undefined),
    );
    expect(flowHash('ls_in_acl', 11, 'a', 'b', 'x', undefined)).not.toBe(
      flowHash('ls_in_acl', 1, '1a', 'b', 'x', undefined),
    );
    expect(flowHash('ls_in_acl', 1, 'a', 'b', 'x', 'u')).not.toBe(
      flowHash('ls_in_acl', 1, 'a', 'b', 'xu', undefined),
    );
  });

  test('no collisions among the flows of a large switch', () => {
    const seen = new Set<number>();
    for (let p = 0; p < 20_000; p++) {
      seen.add(
        flowHash(
          'ls_in_port_sec_ip',
          90,
          `inport == "vm${p}" && ip4.src == 10.${p >> 8}.${p & 255}.1`,
          'next;',
          'ls-port-security-ip',
          undefined,
        ),
      );
    }
    expect(seen.size).toBe(20_000);
  });
});
