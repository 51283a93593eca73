import { describe, expect, test } from 'vitest';
import { gatewayRouter, nat } from '../builders/router/test-util.js';
import { Conntrack } from './conntrack.js';
import { formatTrace } from './format-trace.js';
import { arpRequest, describePacket, l4Packet } from './packet.js';
import { simulate } from './simulate.js';
import type { SimPacket } from './types.js';
import { worldFromNb } from './world.js';

// NAT on the gateway router gr0 (see gatewayRouter()): vm1 10.0.0.2 and vm3 10.0.0.3 inside,
// outside 172.16.0.50. Rules: SNAT 10.0.0.0/24 → 172.16.0.100, vm1 ↔ 172.16.0.110
// (dnat_and_snat), 172.16.0.120 → vm3 (dnat). One Conntrack per test carries connections
// from a packet to its reply.
const VM1 = '00:00:00:00:00:01';
const VM3 = '00:00:00:00:00:03';
const OUT = '00:00:00:00:00:50';
const INT = '00:00:00:00:ff:01';
const EXT = '00:00:00:00:ff:ee';

function setup() {
  const f = gatewayRouter();
  nat(f, 'gr0', 'snat', '172.16.0.100', '10.0.0.0/24');
  nat(f, 'gr0', 'dnat_and_snat', '172.16.0.110', '10.0.0.2');
  nat(f, 'gr0', 'dnat', '172.16.0.120', '10.0.0.3');
  const world = worldFromNb(f.model);
  const ct = new Conntrack();
  const send = (datapath: string, inport: string, pkt: SimPacket) => {
    const r = simulate(world, { datapath, inport, packet: pkt }, { conntrack: ct });
    return {
      text: formatTrace(r.steps),
      out: r.outcomes.flatMap((o) =>
        o.kind === 'delivered' ? [{ port: o.port, ...describePacket(o.packet) }] : [],
      ),
    };
  };
  return { send };
}

const tcp = (o: {
  ethSrc: string;
  ethDst: string;
  src: string;
  dst: string;
  sport: number;
  dport: number;
}) => l4Packet({ proto: 'tcp', ...o });

describe('gateway router NAT, simulated', () => {
  test('SNAT: vm3 reaches outside as 172.16.0.100, and the reply comes back to vm3', () => {
    const { send } = setup();
    const go = send(
      'sw0',
      'vm3',
      tcp({
        ethSrc: VM3,
        ethDst: INT,
        src: '10.0.0.3',
        dst: '172.16.0.50',
        sport: 40000,
        dport: 80,
      }),
    );
    expect(go.out).toEqual([
      expect.objectContaining({
        port: 'outside',
        'ip4.src': '172.16.0.100',
        'ip4.dst': '172.16.0.50',
        'tcp.src': '40000',
        'eth.src': EXT,
        'eth.dst': OUT,
      }),
    ]);
    const back = send(
      'ext',
      'outside',
      tcp({
        ethSrc: OUT,
        ethDst: EXT,
        src: '172.16.0.50',
        dst: '172.16.0.100',
        sport: 80,
        dport: 40000,
      }),
    );
    expect(back.out).toEqual([
      expect.objectContaining({
        port: 'vm3',
        'ip4.src': '172.16.0.50',
        'ip4.dst': '10.0.0.3',
        'tcp.dst': '40000',
        'eth.dst': VM3,
      }),
    ]);
  });

  test('an unsolicited packet to the SNAT address reaches no inside VM', () => {
    const { send } = setup();
    const r = send(
      'ext',
      'outside',
      tcp({
        ethSrc: OUT,
        ethDst: EXT,
        src: '172.16.0.50',
        dst: '172.16.0.100',
        sport: 80,
        dport: 40000,
      }),
    );
    // unSNAT finds no connection, so the destination stays 172.16.0.100, which is routed on the
    // external network like any address there: the router asks for it by ARP.
    expect(r.out.filter((o) => o.port === 'vm1' || o.port === 'vm3')).toEqual([]);
    expect(r.out).toEqual([
      expect.objectContaining({ port: 'outside', 'arp.op': '1', 'arp.tpa': '172.16.0.100' }),
    ]);
  });

  test('dnat_and_snat: vm1 leaves as 172.16.0.110 (the /32 rule beats the /24 one)', () => {
    const { send } = setup();
    const go = send(
      'sw0',
      'vm1',
      tcp({
        ethSrc: VM1,
        ethDst: INT,
        src: '10.0.0.2',
        dst: '172.16.0.50',
        sport: 41000,
        dport: 443,
      }),
    );
    expect(go.out).toEqual([
      expect.objectContaining({ port: 'outside', 'ip4.src': '172.16.0.110' }),
    ]);
  });

  test('DNAT: outside reaches vm3 at 172.16.0.120; vm3 answers as 172.16.0.120', () => {
    const { send } = setup();
    const go = send(
      'ext',
      'outside',
      tcp({
        ethSrc: OUT,
        ethDst: EXT,
        src: '172.16.0.50',
        dst: '172.16.0.120',
        sport: 5555,
        dport: 22,
      }),
    );
    expect(go.out).toEqual([
      expect.objectContaining({
        port: 'vm3',
        'ip4.src': '172.16.0.50',
        'ip4.dst': '10.0.0.3',
        'eth.src': INT,
        'eth.dst': VM3,
      }),
    ]);
    const back = send(
      'sw0',
      'vm3',
      tcp({
        ethSrc: VM3,
        ethDst: INT,
        src: '10.0.0.3',
        dst: '172.16.0.50',
        sport: 22,
        dport: 5555,
      }),
    );
    // unDNAT in egress restores the external address; the SNAT rule does not apply to a reply.
    expect(back.out).toEqual([
      expect.objectContaining({
        port: 'outside',
        'ip4.src': '172.16.0.120',
        'ip4.dst': '172.16.0.50',
      }),
    ]);
  });

  test('ARP for an external NAT address is answered with the router port MAC', () => {
    const { send } = setup();
    const r = send(
      'ext',
      'outside',
      arpRequest({ sha: OUT, spa: '172.16.0.50', tpa: '172.16.0.110' }),
    );
    expect(r.out).toEqual([
      expect.objectContaining({
        port: 'outside',
        'arp.op': '2',
        'arp.sha': EXT,
        'arp.spa': '172.16.0.110',
        'arp.tpa': '172.16.0.50',
        'eth.dst': OUT,
      }),
    ]);
  });
});

describe('stateless NAT, simulated', () => {
  test('addresses are rewritten both ways without connection state', () => {
    const f = gatewayRouter();
    f.insert('nat', {
      router_uuid: f.id('gr0'),
      type: 'dnat_and_snat',
      external_ip: '172.16.0.110',
      logical_ip: '10.0.0.2',
      options: { stateless: 'true' },
    });
    const world = worldFromNb(f.model);
    const send = (datapath: string, inport: string, pkt: SimPacket) =>
      simulate(world, { datapath, inport, packet: pkt }).outcomes.flatMap(
        (o): Record<string, string>[] =>
          o.kind === 'delivered' ? [{ port: o.port, ...describePacket(o.packet) }] : [],
      );
    // Each packet in its own run (a fresh conntrack): no state is needed either way.
    expect(
      send(
        'sw0',
        'vm1',
        tcp({ ethSrc: VM1, ethDst: INT, src: '10.0.0.2', dst: '172.16.0.50', sport: 1, dport: 2 }),
      ),
    ).toEqual([expect.objectContaining({ port: 'outside', 'ip4.src': '172.16.0.110' })]);
    expect(
      send(
        'ext',
        'outside',
        tcp({
          ethSrc: OUT,
          ethDst: EXT,
          src: '172.16.0.50',
          dst: '172.16.0.110',
          sport: 2,
          dport: 1,
        }),
      ),
    ).toEqual([expect.objectContaining({ port: 'vm1', 'ip4.dst': '10.0.0.2' })]);
  });
});

describe('router NAT with stateful switch ACLs, simulated', () => {
  test('allow-related on the inside switch lets SNATed replies back in, and nothing else', () => {
    const f = gatewayRouter();
    nat(f, 'gr0', 'snat', '172.16.0.100', '10.0.0.0/24');
    // vm3 accepts only what it started: everything towards it is dropped, except replies.
    f.acl({ switch: 'sw0' }, 'from-lport', 1000, 'inport == "vm3" && ip4', 'allow-related');
    f.acl({ switch: 'sw0' }, 'to-lport', 900, 'outport == "vm3" && ip4', 'drop');
    const world = worldFromNb(f.model);
    const ct = new Conntrack();
    const send = (datapath: string, inport: string, pkt: SimPacket) =>
      simulate(world, { datapath, inport, packet: pkt }, { conntrack: ct }).outcomes.flatMap(
        (o): Record<string, string>[] =>
          o.kind === 'delivered' ? [{ port: o.port, ...describePacket(o.packet) }] : [],
      );
    expect(
      send(
        'sw0',
        'vm3',
        tcp({
          ethSrc: VM3,
          ethDst: INT,
          src: '10.0.0.3',
          dst: '172.16.0.50',
          sport: 40001,
          dport: 80,
        }),
      ),
    ).toEqual([expect.objectContaining({ port: 'outside', 'ip4.src': '172.16.0.100' })]);
    expect(
      send(
        'ext',
        'outside',
        tcp({
          ethSrc: OUT,
          ethDst: EXT,
          src: '172.16.0.50',
          dst: '172.16.0.100',
          sport: 80,
          dport: 40001,
        }),
      ),
    ).toEqual([expect.objectContaining({ port: 'vm3', 'ip4.dst': '10.0.0.3' })]);
    // A connection vm3 did not start is refused by the to-lport ACL, even through the NAT.
    const f2 = gatewayRouter();
    nat(f2, 'gr0', 'dnat', '172.16.0.120', '10.0.0.3');
    f2.acl({ switch: 'sw0' }, 'from-lport', 1000, 'inport == "vm3" && ip4', 'allow-related');
    f2.acl({ switch: 'sw0' }, 'to-lport', 900, 'outport == "vm3" && ip4', 'drop');
    const r = simulate(worldFromNb(f2.model), {
      datapath: 'ext',
      inport: 'outside',
      packet: tcp({
        ethSrc: OUT,
        ethDst: EXT,
        src: '172.16.0.50',
        dst: '172.16.0.120',
        sport: 5,
        dport: 22,
      }),
    });
    expect(r.outcomes).toEqual([expect.objectContaining({ kind: 'dropped', datapath: 'sw0' })]);
  });
});
