import { NbFixture } from '@ovn-ts/northd';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { testUuid, viewFromNorthd } from '../testing/northd-view.js';
import {
  type CompileResult,
  ControllerCompiler,
  compileView,
  LflowCompileCache,
} from './compiler.js';
import type { LocalContext, SbView, ViewFlow } from './sb-view.js';

const base = (() => {
  const fx = new NbFixture();
  fx.switch('sw0');
  fx.switch('sw1');
  fx.port('sw0', 'vm1', { addresses: ['0a:00:00:00:00:01 10.0.0.1'] });
  fx.port('sw0', 'vm2', { addresses: ['0a:00:00:00:00:02 10.0.0.2'] });
  fx.port('sw1', 'vm3', { addresses: ['0a:00:00:00:01:03 10.1.0.3'] });
  fx.router('lr0');
  fx.routerPort('lr0', 'lr0-sw0', '0a:00:00:00:ff:00', ['10.0.0.254/24']);
  fx.routerPort('lr0', 'lr0-sw1', '0a:00:00:00:ff:01', ['10.1.0.254/24']);
  fx.connect('sw0', 'sw0-lr0', 'lr0-sw0');
  fx.connect('sw1', 'sw1-lr0', 'lr0-sw1');
  return viewFromNorthd(fx, {
    bindings: { vm1: 'hv1' },
    chassis: [
      { name: 'hv1', encaps: [{ type: 'geneve', ip: '192.0.2.1' }] },
      { name: 'hv2', encaps: [{ type: 'geneve', ip: '192.0.2.2' }] },
    ],
  });
})();

const MATCHES = [
  'ip4.src == $as1 && tcp.dst == {80, 443}',
  'inport == "vm2" && ip4',
  'outport == @pg1 && ip4.dst == $as1',
  'is_chassis_resident("vm2")',
  'eth.src == 0a:00:00:00:00:02',
  'ip4.src == $as1 && ip4.dst == $as2',
];
const ACTIONS = [
  'next;',
  'drop;',
  'reg0 = 1; next;',
  'ct_next;',
  'outport = "vm3"; output;',
  'arp { eth.dst = ff:ff:ff:ff:ff:ff; output; };',
];
const PORTS = ['vm1', 'vm2', 'vm3'];
const SWITCHES = ['sw0', 'sw1', 'lr0'];

type Op =
  | { kind: 'addFlow'; dp: number; match: number; actions: number; priority: number }
  | { kind: 'deleteFlow'; i: number }
  | { kind: 'bind'; port: number; chassis: 'hv1' | 'hv2' | null }
  | { kind: 'attach'; port: number; on: boolean }
  | { kind: 'addressSet'; name: 'as1' | 'as2'; n: number }
  | { kind: 'portGroup'; ports: boolean[] }
  | { kind: 'macBinding'; ip: number; mac: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    kind: fc.constant('addFlow' as const),
    dp: fc.nat(2),
    match: fc.nat(MATCHES.length - 1),
    actions: fc.nat(ACTIONS.length - 1),
    priority: fc.nat(3),
  }),
  fc.record({ kind: fc.constant('deleteFlow' as const), i: fc.nat(1000) }),
  fc.record({
    kind: fc.constant('bind' as const),
    port: fc.nat(2),
    chassis: fc.constantFrom('hv1' as const, 'hv2' as const, null),
  }),
  fc.record({ kind: fc.constant('attach' as const), port: fc.nat(2), on: fc.boolean() }),
  fc.record({
    kind: fc.constant('addressSet' as const),
    name: fc.constantFrom('as1' as const, 'as2' as const),
    n: fc.nat(4),
  }),
  fc.record({
    kind: fc.constant('portGroup' as const),
    ports: fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }),
  }),
  fc.record({ kind: fc.constant('macBinding' as const), ip: fc.nat(3), mac: fc.nat(3) }),
);

interface State {
  view: SbView;
  cx: LocalContext;
  n: number;
}

function apply(s: State, o: Op): State {
  const v = s.view;
  const dpOf = (name: string) => [...v.datapaths.values()].find((d) => d.name === name)!;
  switch (o.kind) {
    case 'addFlow': {
      const dp = dpOf(SWITCHES[o.dp]!);
      const uuid = testUuid(0x9000 + s.n, 5);
      const f: ViewFlow = {
        uuid,
        datapaths: [dp.uuid],
        pipeline: 'ingress',
        tableId: 3,
        priority: 100 + o.priority,
        match: MATCHES[o.match]!,
        actions: ACTIONS[o.actions]!,
        stage: 'test',
      };
      return { ...s, n: s.n + 1, view: { ...v, flows: new Map([...v.flows, [uuid, f]]) } };
    }
    case 'deleteFlow': {
      const keys = [...v.flows.keys()];
      const flows = new Map(v.flows);
      flows.delete(keys[o.i % keys.length]!);
      return { ...s, view: { ...v, flows } };
    }
    case 'bind': {
      const ports = new Map(v.ports);
      for (const [k, p] of ports)
        if (p.name === PORTS[o.port]) ports.set(k, { ...p, chassis: o.chassis });
      return { ...s, view: { ...v, ports } };
    }
    case 'attach': {
      const localPorts = new Map(s.cx.localPorts);
      if (o.on) localPorts.set(PORTS[o.port]!, o.port + 1);
      else localPorts.delete(PORTS[o.port]!);
      return { ...s, cx: { ...s.cx, localPorts } };
    }
    case 'addressSet': {
      const values = Array.from({ length: o.n }, (_, i) => `10.9.${o.name === 'as1' ? 1 : 2}.${i}`);
      return { ...s, view: { ...v, addressSets: new Map([...v.addressSets, [o.name, values]]) } };
    }
    case 'portGroup': {
      const members = PORTS.filter((_, i) => o.ports[i]);
      return { ...s, view: { ...v, portGroups: new Map([...v.portGroups, ['pg1', members]]) } };
    }
    case 'macBinding': {
      const uuid = testUuid(0xa000 + o.ip, 6);
      const row = {
        uuid,
        datapath: dpOf('lr0').uuid,
        logicalPort: 'lr0-sw1',
        ip: `10.1.0.${10 + o.ip}`,
        mac: `0a:00:00:00:aa:0${o.mac}`,
      };
      return { ...s, view: { ...v, macBindings: new Map([...v.macBindings, [uuid, row]]) } };
    }
  }
}

function comparable(r: CompileResult) {
  const json = (x: unknown) =>
    JSON.stringify(x, (_k, y) =>
      typeof y === 'bigint' ? `${y}n` : y instanceof Uint8Array ? [...y] : y,
    );
  return {
    flows: [...r.flows].map(([k, f]) => `${k} ${f.source} ${json(f.actions)}`).sort(),
    groups: [...r.groups].map(([id, g]) => `${id} ${json(g)}`).sort(),
    problems: r.problems.map((p) => p.problem).sort(),
  };
}

const start: State = {
  view: {
    ...base,
    addressSets: new Map([
      ['as1', ['10.9.1.1']],
      ['as2', []],
    ]),
    portGroups: new Map([['pg1', ['vm2']]]),
  },
  cx: {
    chassis: 'hv1',
    localPorts: new Map([['vm1', 1]]),
    tunnels: new Map([['hv2', 9]]),
    zones: new Map(),
  },
  n: 0,
};

/** Runs `ops` from the start state; after each, the incremental result must equal a full compile. */
function check(ops: readonly Op[]): ControllerCompiler {
  const inc = new ControllerCompiler();
  let s = start;
  inc.update(s.view, s.cx);
  for (const o of ops) {
    s = apply(s, o);
    expect(comparable(inc.update(s.view, s.cx))).toEqual(comparable(compileView(s.view, s.cx)));
  }
  return inc;
}

describe('incremental compile', () => {
  test('equals a full compile after every step of random SB change sequences', () => {
    fc.assert(
      fc.property(fc.array(op, { minLength: 1, maxLength: 8 }), (ops) => {
        expect(check(ops).stats.lflowsReused).toBeGreaterThan(0);
      }),
      { numRuns: 10 },
    );
  });

  test('two chassis sharing a compile cache each equal their own full compile', () => {
    fc.assert(
      fc.property(fc.array(op, { minLength: 1, maxLength: 8 }), (ops) => {
        const cache = new LflowCompileCache();
        const hv1 = new ControllerCompiler(cache);
        const hv2 = new ControllerCompiler(cache);
        const other = (cx: LocalContext): LocalContext => ({
          ...cx,
          chassis: 'hv2',
          localPorts: new Map([['vm3', 1]]),
          tunnels: new Map([['hv1', 9]]),
        });
        let s = start;
        for (const o of ops) {
          s = apply(s, o);
          expect(comparable(hv1.update(s.view, s.cx))).toEqual(
            comparable(compileView(s.view, s.cx)),
          );
          const cx2 = other(s.cx);
          expect(comparable(hv2.update(s.view, cx2))).toEqual(comparable(compileView(s.view, cx2)));
        }
        // Both chassis have the routers and both switches local: the second found them compiled.
        expect(cache.hits).toBeGreaterThan(0);
      }),
      { numRuns: 10 },
    );
  });

  test('a flow testing residency of a port on another datapath follows that port (found by the property)', () => {
    check([
      { kind: 'addFlow', dp: 1, match: 3, actions: 0, priority: 0 },
      { kind: 'attach', port: 1, on: true },
      { kind: 'attach', port: 0, on: false },
    ]);
  });
});
