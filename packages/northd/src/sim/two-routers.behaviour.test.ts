import { describe, expect, test } from 'vitest';
import { NbFixture } from '../testing/nb-fixture.js';
import { describePacket, icmp4Packet } from './packet.js';
import { simulate } from './simulate.js';
import { worldFromNb } from './world.js';

// vm1 (sw0, 10.0.0.2) — lr0 — [join 100.64.0.0/24 | or peered ports 172.16.0.0/30] — lr1 — vm2
// (sw1, 20.0.0.2); static routes point each router at the other for the far subnet.
function twoRouters(how: 'switch' | 'peer'): NbFixture {
  const f = new NbFixture();
  for (const s of ['sw0', 'sw1']) f.switch(s);
  f.router('lr0');
  f.router('lr1');
  f.routerPort('lr0', 'lr0-sw0', '00:00:00:00:ff:01', ['10.0.0.1/24']);
  f.routerPort('lr1', 'lr1-sw1', '00:00:00:00:ff:02', ['20.0.0.1/24']);
  f.connect('sw0', 'sw0-lr0', 'lr0-sw0');
  f.connect('sw1', 'sw1-lr1', 'lr1-sw1');
  f.port('sw0', 'vm1', { addresses: ['00:00:00:00:00:01 10.0.0.2'] });
  f.port('sw1', 'vm2', { addresses: ['00:00:00:00:00:02 20.0.0.2'] });
  if (how === 'switch') {
    f.switch('join');
    f.routerPort('lr0', 'lr0-join', '00:00:00:00:aa:01', ['100.64.0.1/24']);
    f.routerPort('lr1', 'lr1-join', '00:00:00:00:aa:02', ['100.64.0.2/24']);
    f.connect('join', 'join-lr0', 'lr0-join');
    f.connect('join', 'join-lr1', 'lr1-join');
    f.route('lr0', '20.0.0.0/24', '100.64.0.2');
    f.route('lr1', '10.0.0.0/24', '100.64.0.1');
  } else {
    f.routerPort('lr0', 'lr0-lr1', '00:00:00:00:bb:01', ['172.16.0.1/30'], { peer: 'lr1-lr0' });
    f.routerPort('lr1', 'lr1-lr0', '00:00:00:00:bb:02', ['172.16.0.2/30'], { peer: 'lr0-lr1' });
    f.route('lr0', '20.0.0.0/24', '172.16.0.2');
    f.route('lr1', '10.0.0.0/24', '172.16.0.1');
  }
  return f;
}

describe('two routers, simulated', () => {
  test.each(['switch', 'peer'] as const)(
    'vm1 → vm2 across two routers (%s): two hops, the neighbour router resolved statically',
    (how) => {
      const f = twoRouters(how);
      const pkt = icmp4Packet({
        ethSrc: '00:00:00:00:00:01',
        ethDst: '00:00:00:00:ff:01',
        src: '10.0.0.2',
        dst: '20.0.0.2',
      });
      const r = simulate(worldFromNb(f.model), { datapath: 'sw0', inport: 'vm1', packet: pkt });
      expect(r.outcomes).toHaveLength(1);
      const o = r.outcomes[0]!;
      expect(o.kind === 'delivered' && { port: o.port, ...describePacket(o.packet) }).toMatchObject(
        {
          port: 'vm2',
          'eth.src': '00:00:00:00:ff:02',
          'eth.dst': '00:00:00:00:00:02',
          'ip.ttl': '62',
        },
      );
      const routers = r.steps
        .filter((s) => s.kind === 'pipeline' && s.pipeline === 'ingress')
        .map((s) => (s.kind === 'pipeline' ? s.datapath : ''));
      expect(routers).toEqual(
        how === 'switch' ? ['sw0', 'lr0', 'join', 'lr1', 'sw1'] : ['sw0', 'lr0', 'lr1', 'sw1'],
      );
    },
  );
});
