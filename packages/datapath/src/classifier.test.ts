import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { conjunction, output } from './actions.js';
import { FlowTable } from './classifier.js';
import { compileActions } from './compile-actions.js';
import type { Flow } from './flow.js';
import * as K from './key-layout.js';
import { type CompiledMatch, compileMatch, matchesKey } from './match.js';

let seq = 0;
function flow(priority: number, match: CompiledMatch, conj?: [number, number, number][]): Flow {
  const actions = conj ? conj.map(([id, k, n]) => conjunction(id, k, n)) : [output(priority)];
  return {
    table: 0,
    priority,
    cookie: 0n,
    match,
    actions,
    cactions: compileActions(actions),
    conj: !!conj,
    packets: 0,
    bytes: 0,
    seq: seq++,
  };
}

/** Small value domains so random flows and packets overlap often. */
// Addresses above 128.0.0.0 catch signed/unsigned 32-bit mistakes.
const ipArb = fc.integer({ min: 0, max: 7 }).map((i) => `200.0.0.${i}`);
const matchArb = fc
  .record(
    {
      in_port: fc.integer({ min: 1, max: 3 }),
      ip_src: fc.oneof(
        ipArb,
        fc.constantFrom('200.0.0.0/30', '200.0.0.4/30', '200.0.0.0/29', '128.0.0.0/1'),
      ),
      ip_dst: ipArb,
      reg0: fc.oneof(fc.integer({ min: 0, max: 3 }), fc.constant({ value: 1, mask: 1 })),
      tcp_dst: fc.integer({ min: 79, max: 81 }),
    },
    { requiredKeys: [] },
  )
  .map((m) => ({
    ...m,
    ...(m.ip_src !== undefined || m.ip_dst !== undefined || m.tcp_dst !== undefined
      ? { eth_type: 0x800 }
      : {}),
    ...(m.tcp_dst !== undefined ? { ip_proto: 6 } : {}),
  }));

const keyArb = fc.record({
  in_port: fc.integer({ min: 1, max: 3 }),
  src: fc.integer({ min: 0, max: 7 }),
  dst: fc.integer({ min: 0, max: 7 }),
  reg0: fc.integer({ min: 0, max: 3 }),
  tcp: fc.boolean(),
  dport: fc.integer({ min: 79, max: 81 }),
});

function makeKey(k: {
  in_port: number;
  src: number;
  dst: number;
  reg0: number;
  tcp: boolean;
  dport: number;
}): Uint32Array {
  const key = new Uint32Array(K.KEY_WORDS);
  key[K.K_IN_PORT] = k.in_port;
  key[K.K_ETH_TYPE] = 0x800;
  key[K.K_IP4_SRC] = 0xc8000000 + k.src;
  key[K.K_IP4_DST] = 0xc8000000 + k.dst;
  key[K.K_REG0] = k.reg0;
  if (k.tcp) {
    key[K.K_NW_PROTO] = 6;
    key[K.K_TP_DST] = k.dport;
  }
  return key;
}

describe('classifier against a brute-force reference', () => {
  it('finds the highest-priority matching flow', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 0, max: 1000 }), { minLength: 1, maxLength: 40 }),
        fc.array(matchArb, { minLength: 40, maxLength: 40 }),
        fc.array(keyArb, { minLength: 1, maxLength: 30 }),
        (prios, matches, keys) => {
          const t = new FlowTable(0);
          const flows = prios.map((p, i) => flow(p, compileMatch(matches[i]!)));
          for (const f of flows) t.insert(f);
          // Remove a few to exercise subtable bookkeeping.
          for (let i = 0; i < flows.length; i += 5) t.remove(flows[i]!);
          const live = flows.filter((_, i) => i % 5 !== 0);
          for (const k of keys) {
            const key = makeKey(k);
            const expected = live
              .filter((f) => matchesKey(f.match, key))
              .sort((a, b) => b.priority - a.priority)[0];
            expect(t.lookup(key)).toBe(expected);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('replaces a flow with the same priority and match', () => {
    const t = new FlowTable(0);
    const a = flow(5, compileMatch({ in_port: 1 }));
    const b = flow(5, compileMatch({ in_port: 1 }));
    expect(t.insert(a)).toBeUndefined();
    expect(t.insert(b)).toBe(a);
    expect(t.size).toBe(1);
    const key = new Uint32Array(K.KEY_WORDS);
    key[K.K_IN_PORT] = 1;
    expect(t.lookup(key)).toBe(b);
  });

  it('conjunctive matches agree with the cross product they replace', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 0, max: 7 }), { minLength: 1, maxLength: 5 }),
        fc.uniqueArray(fc.integer({ min: 0, max: 7 }), { minLength: 1, maxLength: 5 }),
        fc.array(keyArb, { minLength: 1, maxLength: 20 }),
        fc.boolean(),
        (srcs, dsts, keys, withLower) => {
          const conjT = new FlowTable(0);
          const crossT = new FlowTable(0);
          for (const s of srcs)
            conjT.insert(flow(100, compileMatch({ ip_src: `200.0.0.${s}` }), [[7, 1, 2]]));
          for (const d of dsts)
            conjT.insert(flow(100, compileMatch({ ip_dst: `200.0.0.${d}` }), [[7, 2, 2]]));
          const hit = flow(100, compileMatch({ conj_id: 7 }));
          conjT.insert(hit);
          const crossHits = new Set<Flow>();
          for (const s of srcs) {
            for (const d of dsts) {
              const f = flow(100, compileMatch({ ip_src: `200.0.0.${s}`, ip_dst: `200.0.0.${d}` }));
              crossT.insert(f);
              crossHits.add(f);
            }
          }
          const low = flow(1, compileMatch({}));
          if (withLower) {
            conjT.insert(low);
            crossT.insert(low);
          }
          for (const k of keys) {
            const key = makeKey(k);
            const a = conjT.lookup(key);
            const b = crossT.lookup(key);
            if (b && crossHits.has(b)) expect(a).toBe(hit);
            else expect(a).toBe(b);
            expect(key[K.K_CONJ_ID]).toBe(0);
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
