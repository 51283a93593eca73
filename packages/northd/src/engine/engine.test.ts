import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { flowKey } from '../lflow.js';
import { NB_TABLES, type NbChange, NbModel } from '../model/nb-model.js';
import { NbFixture } from '../testing/nb-fixture.js';
import type { DatapathResult } from './desired.js';
import { NorthdEngine } from './engine.js';

/** A datapath's result without its tunnel keys (allocation order differs between histories). */
function normalize(r: DatapathResult) {
  return {
    datapath: { nbUuid: r.datapath.nbUuid, kind: r.datapath.kind, name: r.datapath.name },
    ports: r.ports.map(({ key: _k, ...p }) => p).sort((a, b) => a.logicalPort.localeCompare(b.logicalPort)),
    multicastGroups: [...r.multicastGroups].sort((a, b) => a.name.localeCompare(b.name)),
    flows: r.flows.map((f) => `${flowKey(f)} ${f.provenance.builder} ${f.provenance.nbUuid ?? ''}`).sort(),
    diagnostics: r.diagnostics.map((d) => `${d.nbUuid} ${d.problem}`).sort(),
  };
}

function snapshot(engine: NorthdEngine) {
  return [...engine.state().values()].map(normalize).sort((a, b) => a.datapath.nbUuid.localeCompare(b.datapath.nbUuid));
}

function rowsOf(model: NbModel): NbChange[] {
  return NB_TABLES.flatMap((t) => [...model.table(t).values()].map((row) => ({ table: t, op: 'insert' as const, row: row as never })));
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

type Op =
  | { kind: 'switch' }
  | { kind: 'router' }
  | { kind: 'port'; sw: number; mac: number; unknown: boolean; ps: boolean }
  | { kind: 'routerPort'; lr: number; net: number }
  | { kind: 'connect'; sw: number; lrp: number }
  | { kind: 'route'; lr: number; net: number }
  | { kind: 'acl'; sw: number; pri: number; bad: boolean }
  | { kind: 'portGroup'; ports: number[] }
  | { kind: 'pgAcl'; pg: number }
  | { kind: 'addressSet'; n: number }
  | { kind: 'updatePort'; port: number; mac: number; enabled: boolean }
  | { kind: 'movePort'; port: number; sw: number }
  | { kind: 'renameRouterPort'; lrp: number }
  | { kind: 'delete'; table: 'logical_switch' | 'logical_router' | 'logical_switch_port' | 'logical_router_port' | 'acl' | 'port_group_port'; i: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.constant({ kind: 'switch' as const }),
  fc.constant({ kind: 'router' as const }),
  fc.record({ kind: fc.constant('port' as const), sw: fc.nat(9), mac: fc.nat(20), unknown: fc.boolean(), ps: fc.boolean() }),
  fc.record({ kind: fc.constant('routerPort' as const), lr: fc.nat(9), net: fc.nat(5) }),
  fc.record({ kind: fc.constant('connect' as const), sw: fc.nat(9), lrp: fc.nat(9) }),
  fc.record({ kind: fc.constant('route' as const), lr: fc.nat(9), net: fc.nat(5) }),
  fc.record({ kind: fc.constant('acl' as const), sw: fc.nat(9), pri: fc.nat(32767), bad: fc.boolean() }),
  fc.record({ kind: fc.constant('portGroup' as const), ports: fc.array(fc.nat(20), { maxLength: 3 }) }),
  fc.record({ kind: fc.constant('pgAcl' as const), pg: fc.nat(5) }),
  fc.record({ kind: fc.constant('addressSet' as const), n: fc.nat(4) }),
  fc.record({ kind: fc.constant('updatePort' as const), port: fc.nat(20), mac: fc.nat(20), enabled: fc.boolean() }),
  fc.record({ kind: fc.constant('movePort' as const), port: fc.nat(20), sw: fc.nat(9) }),
  fc.record({ kind: fc.constant('renameRouterPort' as const), lrp: fc.nat(9) }),
  fc.record({
    kind: fc.constant('delete' as const),
    table: fc.constantFrom('logical_switch', 'logical_router', 'logical_switch_port', 'logical_router_port', 'acl', 'port_group_port'),
    i: fc.nat(20),
  }),
);

const mac = (n: number) => `0a:00:00:00:00:${n.toString(16).padStart(2, '0')}`;

/** Plays one op on the fixture, returning the changes it made (as the feed would report them). */
function play(fx: NbFixture, o: Op, n: number): NbChange[] {
  const changes: NbChange[] = [];
  const model = fx.model;
  const orig = model.apply.bind(model);
  model.apply = (c: NbChange) => {
    changes.push(c);
    return orig(c);
  };
  try {
    const pick = <T>(xs: readonly T[], i: number): T | undefined => (xs.length ? xs[i % xs.length] : undefined);
    const switches = [...model.table('logical_switch').values()];
    const routers = [...model.table('logical_router').values()];
    const ports = [...model.table('logical_switch_port').values()];
    const lrps = [...model.table('logical_router_port').values()];
    switch (o.kind) {
      case 'switch':
        fx.switch(`ls${n}`);
        break;
      case 'router':
        fx.router(`lr${n}`);
        break;
      case 'port': {
        const sw = pick(switches, o.sw);
        if (!sw) break;
        const addresses = [`${mac(o.mac)} 10.0.${o.mac}.${n % 250}`, ...(o.unknown ? ['unknown'] : [])];
        fx.insert('logical_switch_port', {
          name: `p${n}`,
          switch_uuid: sw.uuid,
          addresses,
          port_security: o.ps ? [`${mac(o.mac)} 10.0.${o.mac}.${n % 250}`] : [],
        });
        break;
      }
      case 'routerPort': {
        const lr = pick(routers, o.lr);
        if (lr) fx.insert('logical_router_port', { name: `lrp${n}`, router_uuid: lr.uuid, mac: mac(100 + (n % 100)), networks: [`192.168.${o.net}.1/24`] });
        break;
      }
      case 'connect': {
        const sw = pick(switches, o.sw);
        const lrp = pick(lrps, o.lrp);
        if (sw && lrp) fx.insert('logical_switch_port', { name: `rp${n}`, switch_uuid: sw.uuid, type: 'router', addresses: ['router'], options: { 'router-port': lrp.name } });
        break;
      }
      case 'route': {
        const lr = pick(routers, o.lr);
        if (lr) fx.insert('logical_router_static_route', { router_uuid: lr.uuid, ip_prefix: `172.16.${o.net}.0/24`, nexthop: `192.168.${o.net}.254` });
        break;
      }
      case 'acl': {
        const sw = pick(switches, o.sw);
        if (sw) fx.insert('acl', { switch_uuid: sw.uuid, direction: o.pri % 2 ? 'to-lport' : 'from-lport', priority: o.pri, match: o.bad ? 'ip4.src == ' : `ip4.src == 10.0.0.${o.pri % 250}`, action: o.pri % 3 ? 'allow-related' : 'drop' });
        break;
      }
      case 'portGroup': {
        const pg = fx.insert('port_group', { name: `pg${n}` });
        for (const i of new Set(o.ports)) {
          const p = pick(ports, i);
          if (p) fx.insert('port_group_port', { port_group_uuid: pg.uuid, port_uuid: p.uuid });
        }
        break;
      }
      case 'pgAcl': {
        const pg = pick([...model.table('port_group').values()], o.pg);
        if (pg) fx.insert('acl', { port_group_uuid: pg.uuid, direction: 'to-lport', priority: 1000, match: `outport == @${pg.name} && ip4`, action: 'allow-related' });
        break;
      }
      case 'addressSet':
        fx.insert('address_set', { name: `as${n}`, addresses: Array.from({ length: o.n }, (_, i) => `10.1.0.${i}`) });
        break;
      case 'updatePort': {
        const p = pick(ports, o.port);
        if (p && p.type !== 'router') fx.update('logical_switch_port', p.uuid, { addresses: [`${mac(o.mac)} 10.0.${o.mac}.9`], enabled: o.enabled });
        break;
      }
      case 'movePort': {
        const p = pick(ports, o.port);
        const sw = pick(switches, o.sw);
        if (p && sw) fx.update('logical_switch_port', p.uuid, { switch_uuid: sw.uuid });
        break;
      }
      case 'renameRouterPort': {
        const lrp = pick(lrps, o.lrp);
        if (lrp) fx.update('logical_router_port', lrp.uuid, { name: `lrp${n}`, mac: mac(200 + (n % 50)) });
        break;
      }
      case 'delete': {
        const rows = [...model.table(o.table).values()] as Record<string, unknown>[];
        const row = pick(rows, o.i);
        if (!row) break;
        // The database cascades; the feed reports the children's deletions too, before the parent's.
        cascade(fx, o.table, row);
        break;
      }
    }
  } finally {
    model.apply = orig;
  }
  return changes;
}

function cascade(fx: NbFixture, table: string, row: Record<string, unknown>): void {
  const m = fx.model;
  const del = (t: Parameters<NbFixture['delete']>[0], r: unknown) => cascade(fx, t, r as Record<string, unknown>);
  if (table === 'logical_switch') {
    for (const k of m.children('portsBySwitch', row.uuid as string)) del('logical_switch_port', m.get('logical_switch_port', k));
    for (const k of m.children('aclsBySwitch', row.uuid as string)) del('acl', m.get('acl', k));
  }
  if (table === 'logical_switch_port') {
    for (const g of m.children('portGroupsByPort', row.uuid as string)) del('port_group_port', { port_group_uuid: g, port_uuid: row.uuid });
  }
  if (table === 'logical_router') {
    for (const k of m.children('routerPortsByRouter', row.uuid as string)) del('logical_router_port', m.get('logical_router_port', k));
    for (const k of m.children('routesByRouter', row.uuid as string)) del('logical_router_static_route', m.get('logical_router_static_route', k));
  }
  fx.delete(table as never, row);
}

describe('northd engine', () => {
  test('incremental runs equal a full compile of the final NB, for random change sequences', () => {
    fc.assert(
      fc.property(fc.array(op, { minLength: 1, maxLength: 60 }), fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 1, maxLength: 10 }), (ops, batchSizes) => {
        const fx = new NbFixture();
        const engine = new NorthdEngine();
        engine.recomputeAll();
        let pending: NbChange[] = [];
        let b = 0;
        let opsInBatch = 0;
        ops.forEach((o, i) => {
          pending.push(...play(fx, o, i));
          if (++opsInBatch >= batchSizes[b % batchSizes.length]!) {
            const before = new Map([...engine.state().values()].map((r) => [r.datapath.nbUuid, r.datapath.key]));
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
      }),
      { numRuns: 150 },
    );
  });

  test('changes to tables northd does not read are ignored', () => {
    const engine = new NorthdEngine();
    engine.recomputeAll();
    const delta = engine.apply([{ table: 'northd_diagnostic', op: 'insert', row: { nb_uuid: 'x', problem: 'y' } }]);
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
      datapaths: [...first.state().values()].map((r) => ({ nbUuid: r.datapath.nbUuid, key: r.datapath.key + 100 })),
      ports: [...first.state().values()].flatMap((r) => r.ports.map((p) => ({ datapathNbUuid: p.datapath, logicalPort: p.logicalPort, key: p.key + 7 }))),
    };
    const restarted = new NorthdEngine(known);
    restarted.load(rowsOf(fx.model));
    restarted.recomputeAll();
    for (const r of restarted.state().values()) {
      expect(r.datapath.key).toBe(known.datapaths.find((d) => d.nbUuid === r.datapath.nbUuid)!.key);
      for (const p of r.ports) expect(p.key).toBe(known.ports.find((k) => k.logicalPort === p.logicalPort)!.key);
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
    expect(sw.ports.find((p) => p.logicalPort === 'sw0-lr0')).toMatchObject({ type: 'patch', options: { peer: 'lr0-sw0' } });
    expect(lr.ports).toMatchObject([{ logicalPort: 'lr0-sw0', type: 'patch', options: { peer: 'sw0-lr0' }, mac: ['0a:00:00:00:01:00 10.0.0.254/24'] }]);
    expect(sw.multicastGroups).toEqual([
      { datapath: fx.id('sw0'), name: '_MC_flood', key: 32768, ports: ['sw0-lr0', 'vm1'] },
      { datapath: fx.id('sw0'), name: '_MC_unknown', key: 32769, ports: ['vm1'] },
    ]);
    expect(new Set([sw.datapath.key, lr.datapath.key]).size).toBe(2);
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
    expect(engine.diagnostics().map((d) => d.problem)).toContain('router port same: a switch port has the same name; the router port is not bound');
  });
});
