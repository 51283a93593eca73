import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { output } from './actions.js';
import { compileGroup, selectBucket } from './group.js';

const group = (weights: number[]) =>
  compileGroup({
    id: 1,
    type: 'select',
    buckets: weights.map((weight, i) => ({ weight, actions: [output(i + 1)] })),
  });

describe('select groups', () => {
  it('removing a bucket moves only the flows that were on it (rendezvous hashing)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 10 }), { minLength: 2, maxLength: 8 }),
        fc.nat(),
        fc.array(fc.integer({ min: 0, max: 0xffffffff }), { minLength: 50, maxLength: 50 }),
        (weights, drop, hashes) => {
          const gone = drop % weights.length;
          const before = group(weights);
          // Weight 0 takes a bucket out while keeping the others' indexes (and so their scores).
          const after = group(weights.map((w, i) => (i === gone ? 0 : w)));
          for (const h of hashes) {
            const a = selectBucket(before, h);
            const b = selectBucket(after, h);
            if (a !== gone) expect(b).toBe(a);
            else expect(b).not.toBe(gone);
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('spreads flows in proportion to the weights', () => {
    const g = group([1, 3]);
    const counts = [0, 0];
    for (let h = 0; h < 20000; h++) counts[selectBucket(g, Math.imul(h, 0x9e3779b1) >>> 0)]!++;
    // Expected 5000 : 15000; allow a few percent.
    expect(counts[0]).toBeGreaterThan(4500);
    expect(counts[0]).toBeLessThan(5500);
  });

  it('refuses bad groups with the group named', () => {
    expect(() => compileGroup({ id: 3, type: 'indirect', buckets: [] })).toThrow(
      /group 3: indirect needs exactly one bucket/,
    );
    expect(() =>
      compileGroup({ id: 4, type: 'all', buckets: [{ weight: -1, actions: [] }] }),
    ).toThrow(/group 4: bucket 0: bad weight/);
  });
});
