import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { routerFlows } from '../builders/router/test-util.js';
import { flowKey } from '../lflow.js';
import { NbFixture } from '../testing/nb-fixture.js';
import { describePacket, icmp4Packet } from './packet.js';
import { simulate } from './simulate.js';
import { worldFromNb } from './world.js';

// Random routers: 2–5 subnets 10.<i>.0.0/24, each a switch with 1–3 VMs, joined by lr0; some
// static routes (some sharing a prefix: ECMP) to next hops on those subnets, inserted in random
// order. Properties: every flow validates (routerFlows checks), the flows do not depend on row
// order, and any VM reaches any VM on another subnet in one routed hop.
const topology = fc.record({
  vms: fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 2, maxLength: 5 }),
  routes: fc.array(
    fc.record({
      prefix: fc.integer({ min: 0, max: 3 }),
      via: fc.nat(),
      host: fc.integer({ min: 100, max: 102 }),
    }),
    { maxLength: 6 },
  ),
  order: fc.array(fc.nat(), { maxLength: 6 }),
});
type Topology = typeof topology extends fc.Arbitrary<infer T> ? T : never;

const mac = (a: number, b: number) =>
  `00:00:00:00:${a.toString(16).padStart(2, '0')}:${b.toString(16).padStart(2, '0')}`;

function build(t: Topology, permute: boolean): NbFixture {
  const f = new NbFixture();
  f.router('lr0');
  t.vms.forEach((n, i) => {
    f.switch(`sw${i}`);
    f.routerPort('lr0', `lrp${i}`, mac(0xff, i + 1), [`10.${i}.0.1/24`]);
    f.connect(`sw${i}`, `sw${i}-lr0`, `lrp${i}`);
    for (let v = 0; v < n; v++)
      f.port(`sw${i}`, `vm${i}-${v}`, { addresses: [`${mac(i + 1, v + 2)} 10.${i}.0.${v + 2}`] });
  });
  const routes = t.routes.map((r) => ({
    prefix: `99.${r.prefix}.0.0/16`,
    nexthop: `10.${r.via % t.vms.length}.0.${r.host}`,
  }));
  if (permute) {
    // A different insertion order of the same rows.
    for (const k of t.order)
      if (routes.length > 1) routes.push(...routes.splice(k % routes.length, 1));
  }
  for (const r of routes) f.route('lr0', r.prefix, r.nexthop);
  return f;
}

describe('router properties', () => {
  test('flows validate and do not depend on the order of route rows', () => {
    fc.assert(
      fc.property(topology, (t) => {
        const a = routerFlows(build(t, false), 'lr0').flows.map(flowKey).sort();
        const b = routerFlows(build(t, true), 'lr0').flows.map(flowKey).sort();
        expect(b).toEqual(a);
      }),
      { numRuns: 30 },
    );
  });

  test('any VM reaches any VM on another subnet: one hop, MACs rewritten', () => {
    fc.assert(
      fc.property(topology, fc.nat(), fc.nat(), (t, x, y) => {
        const f = build(t, false);
        const from = x % t.vms.length;
        const to = (from + 1 + (y % (t.vms.length - 1))) % t.vms.length;
        const fromVm = x % t.vms[from]!;
        const toVm = y % t.vms[to]!;
        const pkt = icmp4Packet({
          ethSrc: mac(from + 1, fromVm + 2),
          ethDst: mac(0xff, from + 1),
          src: `10.${from}.0.${fromVm + 2}`,
          dst: `10.${to}.0.${toVm + 2}`,
          ttl: 10,
        });
        const r = simulate(worldFromNb(f.model), {
          datapath: `sw${from}`,
          inport: `vm${from}-${fromVm}`,
          packet: pkt,
        });
        expect(r.outcomes).toHaveLength(1);
        const o = r.outcomes[0]!;
        expect(o.kind).toBe('delivered');
        if (o.kind !== 'delivered') return;
        expect(o.port).toBe(`vm${to}-${toVm}`);
        expect(describePacket(o.packet)).toMatchObject({
          'eth.src': mac(0xff, to + 1),
          'eth.dst': mac(to + 1, toVm + 2),
          'ip.ttl': '9',
        });
      }),
      { numRuns: 25 },
    );
  });
});
