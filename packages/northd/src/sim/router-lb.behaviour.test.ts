import { describe, expect, test } from 'vitest';
import { gatewayRouter } from '../builders/router/test-util.js';
import { Conntrack } from './conntrack.js';
import { describePacket, l4Packet } from './packet.js';
import { simulate } from './simulate.js';
import type { SimPacket } from './types.js';
import { worldFromNb } from './world.js';

// A load balancer on the gateway router gr0 (see gatewayRouter()): VIP 172.16.0.200:80/tcp
// → vm1 10.0.0.2:8080 and vm3 10.0.0.3:8080, reached from outside (172.16.0.50).
const OUT = '00:00:00:00:00:50';
const EXT = '00:00:00:00:ff:ee';
const INT = '00:00:00:00:ff:01';

function setup() {
  const f = gatewayRouter();
  const row = f.insert('load_balancer', {
    name: 'web',
    vips: { '172.16.0.200:80': '10.0.0.2:8080,10.0.0.3:8080' },
    protocol: 'tcp',
  });
  f.insert('logical_router_load_balancer', {
    router_uuid: f.id('gr0'),
    load_balancer_uuid: row.uuid,
  });
  const world = worldFromNb(f.model);
  const ct = new Conntrack();
  return (datapath: string, inport: string, pkt: SimPacket) =>
    simulate(world, { datapath, inport, packet: pkt }, { conntrack: ct }).outcomes.flatMap(
      (o): Record<string, string>[] =>
        o.kind === 'delivered' ? [{ port: o.port, ...describePacket(o.packet) }] : [],
    );
}

const fromOutside = (sport: number) =>
  l4Packet({
    proto: 'tcp',
    ethSrc: OUT,
    ethDst: EXT,
    src: '172.16.0.50',
    dst: '172.16.0.200',
    sport,
    dport: 80,
  });

describe('gateway router load balancing, simulated', () => {
  test('a new connection goes to a backend, stays there, and the reply comes from the VIP', () => {
    const send = setup();
    const first = send('ext', 'outside', fromOutside(33000));
    expect(first).toHaveLength(1);
    const backend = first[0]!;
    expect(['10.0.0.2', '10.0.0.3']).toContain(backend['ip4.dst']);
    expect(backend).toMatchObject({
      'tcp.dst': '8080',
      'ip4.src': '172.16.0.50',
      'eth.src': INT,
      port: backend['ip4.dst'] === '10.0.0.2' ? 'vm1' : 'vm3',
    });
    // The same connection again: the same backend (defrag's ct_dnat applies the recorded NAT).
    expect(send('ext', 'outside', fromOutside(33000))).toEqual(first);
    const vm = backend.port!;
    const mac = vm === 'vm1' ? '00:00:00:00:00:01' : '00:00:00:00:00:03';
    const reply = send(
      'sw0',
      vm,
      l4Packet({
        proto: 'tcp',
        ethSrc: mac,
        ethDst: INT,
        src: backend['ip4.dst']!,
        dst: '172.16.0.50',
        sport: 8080,
        dport: 33000,
      }),
    );
    expect(reply).toEqual([
      expect.objectContaining({
        port: 'outside',
        'ip4.src': '172.16.0.200',
        'tcp.src': '80',
        'ip4.dst': '172.16.0.50',
      }),
    ]);
  });

  test('different connections spread over the backends', () => {
    const send = setup();
    const backends = new Set<string | undefined>();
    for (let sport = 40000; sport < 40024; sport++)
      backends.add(send('ext', 'outside', fromOutside(sport))[0]?.['ip4.dst']);
    expect([...backends].sort()).toEqual(['10.0.0.2', '10.0.0.3']);
  });
});

describe('load balancing with lb_force_snat_ip=router_ip, simulated', () => {
  test('the backend sees the router address as the source; its answer goes back to the client from the VIP', () => {
    const f = gatewayRouter();
    f.update('logical_router', f.id('gr0'), {
      options: { chassis: 'hv1', lb_force_snat_ip: 'router_ip' },
    });
    const row = f.insert('load_balancer', {
      name: 'web',
      vips: { '172.16.0.200:80': '10.0.0.2:8080' },
      protocol: 'tcp',
    });
    f.insert('logical_router_load_balancer', {
      router_uuid: f.id('gr0'),
      load_balancer_uuid: row.uuid,
    });
    const world = worldFromNb(f.model);
    const ct = new Conntrack();
    const send = (datapath: string, inport: string, pkt: SimPacket) =>
      simulate(world, { datapath, inport, packet: pkt }, { conntrack: ct }).outcomes.flatMap(
        (o): Record<string, string>[] =>
          o.kind === 'delivered' ? [{ port: o.port, ...describePacket(o.packet) }] : [],
      );
    expect(send('ext', 'outside', fromOutside(35000))).toEqual([
      expect.objectContaining({
        port: 'vm1',
        'ip4.src': '10.0.0.1',
        'ip4.dst': '10.0.0.2',
        'tcp.dst': '8080',
      }),
    ]);
    const srcPort = send('ext', 'outside', fromOutside(35000))[0]!['tcp.src']!;
    const reply = send(
      'sw0',
      'vm1',
      l4Packet({
        proto: 'tcp',
        ethSrc: '00:00:00:00:00:01',
        ethDst: INT,
        src: '10.0.0.2',
        dst: '10.0.0.1',
        sport: 8080,
        dport: Number(srcPort),
      }),
    );
    expect(reply).toEqual([
      expect.objectContaining({
        port: 'outside',
        'ip4.src': '172.16.0.200',
        'tcp.src': '80',
        'ip4.dst': '172.16.0.50',
        'tcp.dst': '35000',
      }),
    ]);
  });
});
