import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { flowKey } from '../lflow.js';
import { NB_TABLES, type NbChange, type NbModel } from '../model/nb-model.js';
import { NbFixture } from '../testing/nb-fixture.js';
import { nbOp, playOp } from '../testing/random-ops.js';
import type { DatapathResult } from './desired.js';
import { NorthdEngine } from './engine.js';

/** A datapath's result without its tunnel keys (allocation order differs between histories). */
function normalize(r: DatapathResult) {
  return {
    datapath: { nbUuid: r.datapath.nbUuid, kind: r.datapath.kind, name: r.datapath.name },
    ports: r.ports
      .map(({ key: _k, ...p }) => p)
      .sort((a, b) => a.logicalPort.localeCompare(b.logicalPort)),
    multicastGroups: [...r.multicastGroups].sort((a, b) => a.name.localeCompare(b.name)),
    flows: r.flows
      .map((f) => `${flowKey(f)} ${f.provenance.builder} ${f.provenance.nbUuid ?? ''}`)
      .sort(),
    diagnostics: r.diagnostics.map((d) => `${d.nbUuid} ${d.problem}`).sort(),
  };
}

function snapshot(engine: NorthdEngine) {
  return [...engine.state().values()]
    .map(normalize)
    .sort((a, b) => a.datapath.nbUuid.localeCompare(b.datapath.nbUuid));
}

function rowsOf(model: NbModel): NbChange[] {
  return NB_TABLES.flatMap((t) =>
    [...model.table(t).values()].map((row) => ({
      table: t,
      op: 'insert' as const,
      row: row as never,
    })),
  );
}

/** Checks the invariants of keys: unique per scope, in range, stable for survivors. */
function checkKeys(engine: NorthdEngine, before: Map<string, number>) {
  const dpKeys = new Set<number>();
  for (const r of engine.state().values()) {
    expect(dpKeys.has(r.datapath.key)).toBe(false);
    dpKeys.add(r.datapath.key);
    const prev = before.get(r.datapath.nbUuid);
    if (prev !== undefined) expect(r.datapath.key).toBe(prev);
    const portKeys = new Set(r.ports.map((p) => p.key));
    expect(portKeys.size).toBe(r.ports.length);
    for (const k of portKeys) expect(k >= 1 && k <= 32767).toBe(true);
  }
}

describe('northd engine', () => {
  test('incremental runs equal a full compile of the final NB, for random change sequences', () => {
    fc.assert(
      fc.property(
        fc.array(nbOp, { minLength: 1, maxLength: 60 }),
        fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 1, maxLength: 10 }),
        (ops, batchSizes) => {
          const fx = new NbFixture();
          const engine = new NorthdEngine();
          engine.recomputeAll();
          let pending: NbChange[] = [];
          let b = 0;
          let opsInBatch = 0;
          ops.forEach((o, i) => {
            pending.push(...playOp(fx, o, i));
            if (++opsInBatch >= batchSizes[b % batchSizes.length]!) {
              const before = new Map(
                [...engine.state().values()].map((r) => [r.datapath.nbUuid, r.datapath.key]),
              );
              engine.apply(pending);
              checkKeys(engine, before);
              pending = [];
              opsInBatch = 0;
              b++;
            }
          });
          engine.apply(pending);

          const fresh = new NorthdEngine();
          fresh.load(rowsOf(fx.model));
          fresh.recomputeAll();
          expect(snapshot(engine)).toEqual(snapshot(fresh));
        },
      ),
      { numRuns: 150 },
    );
  });

  test('without retainFlows, deltas carry the flows but the kept state does not', () => {
    const fx = new NbFixture();
    fx.switch('sw0');
    fx.port('sw0', 'vm1', { addresses: ['0a:00:00:00:00:01 10.0.0.1'] });
    const engine = new NorthdEngine(undefined, { retainFlows: false });
    engine.load(rowsOf(fx.model));
    const delta = engine.recomputeAll();
    expect(delta.changed[0]!.flows.length).toBeGreaterThan(0);
    expect(engine.state().get(fx.id('sw0'))!.flows).toEqual([]);
    expect(
      engine
        .state()
        .get(fx.id('sw0'))!
        .ports.map((p) => p.logicalPort),
    ).toEqual(['vm1']);
  });

  test('changes to tables northd does not read are ignored', () => {
    const engine = new NorthdEngine();
    engine.recomputeAll();
    const delta = engine.apply([
      { table: 'northd_diagnostic', op: 'insert', row: { nb_uuid: 'x', problem: 'y' } },
    ]);
    expect(delta.changed).toEqual([]);
  });

  test('a restarted engine keeps the tunnel keys SB already holds', () => {
    const fx = new NbFixture();
    fx.switch('a');
    fx.switch('b');
    fx.port('a', 'a1', { addresses: ['0a:00:00:00:00:01 10.0.0.1'] });
    fx.port('b', 'b1');
    const first = new NorthdEngine();
    first.load(rowsOf(fx.model));
    first.recomputeAll();
    const known = {
      datapaths: [...first.state().values()].map((r) => ({
        nbUuid: r.datapath.nbUuid,
        key: r.datapath.key + 100,
      })),
      ports: [...first.state().values()].flatMap((r) =>
        r.ports.map((p) => ({
          datapathNbUuid: p.datapath,
          logicalPort: p.logicalPort,
          key: p.key + 7,
        })),
      ),
    };
    const restarted = new NorthdEngine(known);
    restarted.load(rowsOf(fx.model));
    restarted.recomputeAll();
    for (const r of restarted.state().values()) {
      expect(r.datapath.key).toBe(known.datapaths.find((d) => d.nbUuid === r.datapath.nbUuid)!.key);
      for (const p of r.ports)
        expect(p.key).toBe(known.ports.find((k) => k.logicalPort === p.logicalPort)!.key);
    }
  });

  test('patch ports join router ports to switches, with multicast groups for flood and unknown', () => {
    const fx = new NbFixture();
    fx.switch('sw0');
    fx.port('sw0', 'vm1', { addresses: ['0a:00:00:00:00:01 10.0.0.1', 'unknown'] });
    fx.port('sw0', 'vm2', { addresses: ['0a:00:00:00:00:02 10.0.0.2'], enabled: false });
    fx.router('lr0');
    fx.routerPort('lr0', 'lr0-sw0', '0a:00:00:00:01:00', ['10.0.0.254/24']);
    fx.connect('sw0', 'sw0-lr0', 'lr0-sw0');
    const engine = new NorthdEngine();
    engine.load(rowsOf(fx.model));
    engine.recomputeAll();
    const sw = engine.state().get(fx.id('sw0'))!;
    const lr = engine.state().get(fx.id('lr0'))!;
    expect(sw.ports.find((p) => p.logicalPort === 'sw0-lr0')).toMatchObject({
      type: 'patch',
      options: { peer: 'lr0-sw0' },
    });
    expect(lr.ports).toMatchObject([
      {
        logicalPort: 'lr0-sw0',
        type: 'patch',
        options: { peer: 'sw0-lr0' },
        mac: ['0a:00:00:00:01:00 10.0.0.254/24'],
      },
    ]);
    expect(sw.multicastGroups).toEqual([
      { datapath: fx.id('sw0'), name: '_MC_flood', key: 32768, ports: ['sw0-lr0', 'vm1'] },
      { datapath: fx.id('sw0'), name: '_MC_unknown', key: 32769, ports: ['vm1'] },
    ]);
    expect(new Set([sw.datapath.key, lr.datapath.key]).size).toBe(2);
  });

  test('when a datapath runs out of port keys, the ports left over are reported, not bound', () => {
    const fx = new NbFixture();
    fx.switch('sw0');
    for (const n of ['a', 'b', 'c', 'd'])
      fx.port('sw0', n, {
        addresses: [`0a:00:00:00:00:0${n.charCodeAt(0) - 96} 10.0.0.${n.charCodeAt(0) - 96}`],
      });
    const engine = new NorthdEngine(undefined, { portKeys: { min: 1, max: 3 } });
    engine.load(rowsOf(fx.model));
    engine.recomputeAll();
    const sw = engine.state().get(fx.id('sw0'))!;
    expect(sw.ports.map((p) => [p.logicalPort, p.key])).toEqual([
      ['a', 1],
      ['b', 2],
      ['c', 3],
    ]);
    expect(sw.diagnostics.map((d) => [d.nbUuid, d.problem])).toEqual([
      [
        fx.id('d'),
        'port d: no free port tunnel key on its datapath (all of 1..3 are in use); the port is not bound',
      ],
    ]);
    expect(sw.multicastGroups[0]!.ports).not.toContain('d');
    // Deleting a port frees its key for the one left over.
    engine.apply([
      {
        table: 'logical_switch_port',
        op: 'delete',
        row: fx.model.get('logical_switch_port', fx.id('b'))! as never,
      },
    ]);
    const after = engine.state().get(fx.id('sw0'))!;
    expect(after.ports.map((p) => [p.logicalPort, p.key])).toEqual([
      ['a', 1],
      ['c', 3],
      ['d', 2],
    ]);
    expect(after.diagnostics).toEqual([]);
  });

  test('a router port whose name a switch port uses is not bound, and says why', () => {
    const fx = new NbFixture();
    fx.switch('sw0');
    fx.port('sw0', 'same');
    fx.router('lr0');
    fx.routerPort('lr0', 'same', '0a:00:00:00:01:00', ['10.0.0.254/24']);
    const engine = new NorthdEngine();
    engine.load(rowsOf(fx.model));
    engine.recomputeAll();
    expect(engine.state().get(fx.id('lr0'))!.ports).toEqual([]);
    expect(engine.diagnostics().map((d) => d.problem)).toContain(
      'router port same: a switch port has the same name; the router port is not bound',
    );
  });
});
