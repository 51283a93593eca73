import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { FlowRows, flowRowUuid } from './flow-rows.js';

const UUID_V8 = /^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('flow row uuids', () => {
  test('are version-8 uuids, distinct for distinct keys of one owner and for distinct owners', () => {
    fc.assert(
      fc.property(
        fc.uuid(),
        fc.uuid(),
        fc.nat(Number.MAX_SAFE_INTEGER),
        fc.nat(Number.MAX_SAFE_INTEGER),
        (o1, o2, k1, k2) => {
          expect(flowRowUuid(o1, k1)).toMatch(UUID_V8);
          expect(flowRowUuid(o1, k1)).toBe(flowRowUuid(o1, k1));
          if (k1 !== k2) expect(flowRowUuid(o1, k1)).not.toBe(flowRowUuid(o1, k2));
          if (o1 !== o2) expect(flowRowUuid(o1, k1)).not.toBe(flowRowUuid(o2, k1));
        },
      ),
    );
  });

  test('rows of one owner differ in their first 32 bits (what lflow-list -u shows)', () => {
    const owner = '5b0c3a52-4ad0-4f43-9a55-8e3e9b8f2b11';
    const prefixes = new Set<string>();
    for (let k = 0; k < 1000; k++) prefixes.add(flowRowUuid(owner, k * 7919 + 2 ** 40).slice(0, 8));
    expect(prefixes.size).toBe(1000);
  });

  test('owners that differ only late in their uuid (as test fixtures do) get different names', () => {
    const names = new Set<string>();
    for (let i = 0; i < 1000; i++)
      names.add(flowRowUuid(`00000000-0000-4000-8000-${String(i).padStart(12, '0')}`, 42));
    expect(names.size).toBe(1000);
  });
});

describe('FlowRows', () => {
  test('keeps keys only for rows with derived names, and the uuid of others', () => {
    const owner = '5b0c3a52-4ad0-4f43-9a55-8e3e9b8f2b11';
    const rows = new FlowRows(owner);
    rows.set(1);
    rows.set(2, flowRowUuid(owner, 2));
    rows.set(3, '11111111-2222-4333-8444-555555555555');
    expect(rows.size).toBe(3);
    expect(rows.get(1)).toBe(flowRowUuid(owner, 1));
    expect(rows.get(2)).toBe(flowRowUuid(owner, 2));
    expect(rows.get(3)).toBe('11111111-2222-4333-8444-555555555555');
    expect(rows.get(4)).toBeUndefined();
    rows.delete(3);
    expect(rows.has(3)).toBe(false);
    expect([...rows.keys()].sort()).toEqual([1, 2]);
    rows.set(3);
    expect(rows.get(3)).toBe(flowRowUuid(owner, 3));
  });
});
