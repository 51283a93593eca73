// End-to-end behaviour of the switch pipeline with the logical pipeline simulator: a packet enters
// at a port, runs through every ingress and egress stage, and is delivered or dropped.
import { describe, expect, test } from 'vitest';
import { Conntrack } from '../../sim/conntrack.js';
import { formatTrace } from '../../sim/format-trace.js';
import { arpRequest, describePacket, icmp4Packet, l4Packet, packet } from '../../sim/packet.js';
import { simulate } from '../../sim/simulate.js';
import type { Outcome, SimPacket, TraceStep } from '../../sim/types.js';
import { worldFromNb } from '../../sim/world.js';
import { NbFixture } from '../../testing/nb-fixture.js';
import { twoSubnets } from '../router/test-util.js';

const M1 = '00:00:00:00:00:01';
const M2 = '00:00:00:00:00:02';
const M3 = '00:00:00:00:00:03';
const MU = '00:00:00:00:00:0a';

/** sw0: p1 (port security), p2 (web server), p3 (disabled), pu (takes unknown MACs). */
function lan(acls: (fx: NbFixture) => void = () => {}): NbFixture {
  const fx = new NbFixture();
  fx.switch('sw0');
  fx.port('sw0', 'p1', { addresses: [`${M1} 10.0.0.1`], port_security: [`${M1} 10.0.0.1`] });
  fx.port('sw0', 'p2', { addresses: [`${M2} 10.0.0.2`] });
  fx.port('sw0', 'p3', { addresses: [`${M3} 10.0.0.3`], enabled: false });
  fx.port('sw0', 'pu', { addresses: ['unknown'] });
  acls(fx);
  return fx;
}

/** Stateful policy: p2 takes HTTP only (telnet rejected); p1 takes no new IP connections. */
const policy = (fx: NbFixture) => {
  fx.acl({ switch: 'sw0' }, 'to-lport', 1000, 'outport == "p2" && tcp.dst == 80', 'allow-related');
  fx.acl({ switch: 'sw0' }, 'to-lport', 950, 'outport == "p2" && tcp.dst == 23', 'reject');
  fx.acl({ switch: 'sw0' }, 'to-lport', 900, 'outport == "p2" && ip4', 'drop');
  fx.acl({ switch: 'sw0' }, 'to-lport', 800, 'outport == "p1" && ip4', 'drop');
};

function run(fx: NbFixture, inport: string, pkt: SimPacket, conntrack = new Conntrack()) {
  const r = simulate(
    worldFromNb(fx.model),
    { datapath: 'sw0', inport, packet: pkt },
    { conntrack },
  );
  const delivered = r.outcomes.filter(
    (o): o is Extract<Outcome, { kind: 'delivered' }> => o.kind === 'delivered',
  );
  const dropped = r.outcomes.filter(
    (o): o is Extract<Outcome, { kind: 'dropped' }> => o.kind === 'dropped',
  );
  return {
    to: delivered.map((o) => o.port).sort(),
    delivered,
    droppedAt: dropped.map((o) => o.at?.stage ?? o.reason),
    trace: formatTrace(r.steps),
    steps: r.steps,
  };
}

/** Flows matched in `stage` along the trace (all branches). */
function matched(steps: readonly TraceStep[], stage: string): string[] {
  const out: string[] = [];
  for (const s of steps) {
    if (s.kind === 'flow' && s.at.stage === stage) out.push(`${s.flow.priority} ${s.flow.match}`);
    if (s.kind === 'branch') out.push(...matched(s.steps, stage));
  }
  return out;
}

const tcp = (
  from: { mac: string; ip: string },
  to: { mac: string; ip: string },
  sport: number,
  dport: number,
) =>
  l4Packet({
    proto: 'tcp',
    ethSrc: from.mac,
    ethDst: to.mac,
    src: from.ip,
    dst: to.ip,
    sport,
    dport,
  });
const H1 = { mac: M1, ip: '10.0.0.1' };
const H2 = { mac: M2, ip: '10.0.0.2' };

describe('switching', () => {
  test('unicast to a known MAC reaches that port only', () => {
    const r = run(lan(), 'p1', tcp(H1, H2, 40000, 22));
    expect(r.to).toEqual(['p2']);
    expect(matched(r.steps, 'ls_in_l2_lkup')).toEqual([`50 eth.dst == ${M2}`]);
  });

  test('broadcast floods to every enabled port but the sender', () => {
    const r = run(lan(), 'p1', arpRequest({ sha: M1, spa: '10.0.0.1', tpa: '10.0.0.99' }));
    expect(r.to).toEqual(['p2', 'pu']);
  });

  test('an unknown destination goes to the port taking unknown MACs', () => {
    const r = run(lan(), 'p1', tcp(H1, { mac: '00:00:00:00:00:99', ip: '10.0.0.99' }, 40000, 80));
    expect(r.to).toEqual(['pu']);
    expect(matched(r.steps, 'ls_in_l2_unknown')).toEqual(['50 outport == "none"']);
  });

  test('spoofed sources and disabled ports are dropped at admission', () => {
    expect(run(lan(), 'p1', tcp({ mac: M2, ip: '10.0.0.1' }, H2, 1, 2)).droppedAt).toEqual([
      'ls_in_port_sec_l2',
    ]);
    expect(run(lan(), 'p1', tcp({ mac: M1, ip: '10.0.0.7' }, H2, 1, 2)).droppedAt).toEqual([
      'ls_in_port_sec_ip',
    ]);
    expect(run(lan(), 'p3', tcp({ mac: M3, ip: '10.0.0.3' }, H2, 1, 2)).droppedAt).toEqual([
      'ls_in_port_sec_l2',
    ]);
  });

  test('a frame to a disabled port is not delivered', () => {
    const r = run(lan(), 'p1', tcp(H1, { mac: M3, ip: '10.0.0.3' }, 1, 2));
    expect(r.to).toEqual([]);
    expect(r.droppedAt).toEqual(['ls_out_port_sec_l2']);
  });

  test('ARP for a known address is answered by the switch, back to the asker', () => {
    const r = run(lan(), 'p1', arpRequest({ sha: M1, spa: '10.0.0.1', tpa: '10.0.0.2' }));
    expect(r.to).toEqual(['p1']);
    expect(describePacket(r.delivered[0]!.packet)).toEqual(
      expect.objectContaining({
        'eth.src': M2,
        'eth.dst': M1,
        'arp.op': '2',
        'arp.sha': M2,
        'arp.spa': '10.0.0.2',
        'arp.tpa': '10.0.0.1',
      }),
    );
  });
});

describe('IPv6 neighbour discovery', () => {
  const ns = (from: string, src: string, target: string) =>
    packet({
      'eth.src': from,
      'eth.dst': '33:33:ff:00:00:02',
      'eth.type': 0x86dd,
      'ip6.src': src,
      'ip6.dst': 'ff02::1:ff00:2',
      'ip.proto': 58,
      'ip.ttl': 255,
      'icmp6.type': 135,
      'icmp6.code': 0,
      'nd.target': target,
      'nd.sll': from,
    });

  test('a solicitation for a known address is answered by the switch; IPv4-only port security blocks it', () => {
    const fx = new NbFixture();
    fx.switch('sw0');
    fx.port('sw0', 'v1', { addresses: [`${M1} fd00::1`], port_security: [`${M1} fd00::1`] });
    fx.port('sw0', 'v2', { addresses: [`${M2} fd00::2`] });
    const r = run(fx, 'v1', ns(M1, 'fd00::1', 'fd00::2'));
    expect(r.to).toEqual(['v1']);
    expect(describePacket(r.delivered[0]!.packet)).toEqual(
      expect.objectContaining({
        'eth.src': M2,
        'eth.dst': M1,
        'ip6.src': 'fd00::2',
        'ip6.dst': 'fd00::1',
        'icmp6.type': '136',
        'nd.target': 'fd00::2',
        'nd.tll': M2,
      }),
    );
    // An IPv4-only port security entry allows no IPv6 at all from that port, ND included: the
    // IP stage's priority-80 drop covers every IP packet from the MAC (OVN's rule).
    const v4only = new NbFixture();
    v4only.switch('sw0');
    v4only.port('sw0', 'v1', {
      addresses: [`${M1} 10.0.0.1 fd00::1`],
      port_security: [`${M1} 10.0.0.1`],
    });
    v4only.port('sw0', 'v2', { addresses: [`${M2} fd00::2`] });
    expect(run(v4only, 'v1', ns(M1, 'fd00::1', 'fd00::2')).droppedAt).toEqual([
      'ls_in_port_sec_ip',
    ]);
  });
});

describe('stateful ACLs', () => {
  test('an allowed connection is delivered and its reply comes back through a dropping ACL', () => {
    const fx = lan(policy);
    const ct = new Conntrack();
    const there = run(fx, 'p1', tcp(H1, H2, 40000, 80), ct);
    expect(there.to).toEqual(['p2']);
    // Committed in the egress stateful stage.
    expect(matched(there.steps, 'ls_out_stateful')).toEqual(['100 reg0[1] == 1 && reg0[13] == 0']);
    const back = run(fx, 'p2', tcp(H2, H1, 80, 40000), ct);
    expect(back.to).toEqual(['p1']);
    expect(matched(back.steps, 'ls_out_acl')).toEqual([
      '65532 ct.est && !ct.rel && !ct.new && !ct.inv && ct.rpl && ct_mark.blocked == 0',
    ]);
  });

  test("the same packet without a connection is dropped by p1's ACL", () => {
    const r = run(lan(policy), 'p2', tcp(H2, H1, 80, 40000));
    expect(r.to).toEqual([]);
    expect(r.droppedAt).toEqual(['ls_out_acl']);
  });

  test('other traffic to p2 is dropped; telnet is rejected: the answer goes back through ingress L2 lookup', () => {
    expect(run(lan(policy), 'p1', tcp(H1, H2, 40000, 22)).droppedAt).toEqual(['ls_out_acl']);
    const r = run(lan(policy), 'p1', tcp(H1, H2, 40000, 23));
    // A new connection on a stateful switch: the drop/reject hint (reg0[9]) guards the reject.
    expect(matched(r.steps, 'ls_out_acl')).toEqual([
      '1950 reg0[9] == 1 && (outport == "p2" && tcp.dst == 23)',
    ]);
    // The reset re-enters the ingress pipeline at L2 lookup (table 24), with in/out ports swapped.
    // (`reject` swaps Ethernet and IP addresses itself, ovn-sb(5); the simulator's generator does
    // not yet, so where the reset is delivered is not asserted here.)
    const branch = r.steps.find(
      (s): s is Extract<TraceStep, { kind: 'branch' }> => s.kind === 'branch',
    );
    expect(branch?.steps.find((s) => s.kind === 'flow')).toEqual(
      expect.objectContaining({
        at: expect.objectContaining({ stage: 'ls_in_l2_lkup', table: 24 }),
      }),
    );
  });

  test('a port taking unknown MACs without port security has its source MAC learnt (put_fdb)', () => {
    const r = run(
      lan(),
      'pu',
      packet({
        'eth.src': MU,
        'eth.dst': M1,
        'eth.type': 0x800,
        'ip4.src': '10.0.0.10',
        'ip4.dst': '10.0.0.1',
      }),
    );
    expect(r.to).toEqual(['p1']);
    expect(matched(r.steps, 'ls_in_put_fdb')).toEqual(['100 inport == "pu" && reg0[11] == 0']);
  });
});

describe('policy change on an established connection', () => {
  test('a connection a new drop ACL covers is marked blocked: its requests and replies stop', () => {
    const ct = new Conntrack();
    const allow = lan((fx) =>
      fx.acl(
        { switch: 'sw0' },
        'to-lport',
        100,
        'outport == "p2" && tcp.dst == 80',
        'allow-related',
      ),
    );
    expect(run(allow, 'p1', tcp(H1, H2, 40000, 80), ct).to).toEqual(['p2']);
    // The policy now drops HTTP to p2 (the switch stays stateful through another ACL).
    const deny = lan((fx) => {
      fx.acl({ switch: 'sw0' }, 'to-lport', 100, 'outport == "p2" && tcp.dst == 80', 'drop');
      fx.acl(
        { switch: 'sw0' },
        'to-lport',
        50,
        'outport == "p2" && tcp.dst == 443',
        'allow-related',
      );
    });
    const request = run(deny, 'p1', tcp(H1, H2, 40000, 80), ct);
    expect(request.to).toEqual([]);
    expect(matched(request.steps, 'ls_out_acl')).toEqual([
      '1100 reg0[10] == 1 && (outport == "p2" && tcp.dst == 80)',
    ]);
    const reply = run(deny, 'p2', tcp(H2, H1, 80, 40000), ct);
    expect(reply.to).toEqual([]);
    expect(matched(reply.steps, 'ls_in_acl')).toEqual([
      '65532 ct.inv || (ct.est && ct.rpl && ct_mark.blocked == 1)',
    ]);
  });
});

describe('load balancing', () => {
  test('a connection to the VIP is DNATed to the backend, and the reply comes back from the VIP', () => {
    const fx = lan();
    const lb = fx.insert('load_balancer', {
      name: 'web',
      vips: { '10.0.0.100:80': '10.0.0.2:8080' },
      protocol: 'tcp',
    });
    fx.insert('logical_switch_load_balancer', {
      switch_uuid: fx.id('sw0'),
      load_balancer_uuid: lb.uuid,
    });
    const ct = new Conntrack();
    // The client addresses the VIP; L2 lookup (after LB) still goes by eth.dst, here the backend's.
    const there = run(fx, 'p1', tcp(H1, { mac: M2, ip: '10.0.0.100' }, 40000, 80), ct);
    expect(there.to).toEqual(['p2']);
    expect(describePacket(there.delivered[0]!.packet)).toEqual(
      expect.objectContaining({ 'ip4.dst': '10.0.0.2', 'tcp.dst': '8080' }),
    );
    expect(matched(there.steps, 'ls_in_lb')).toEqual([
      '120 ct.new && ip4.dst == 10.0.0.100 && tcp.dst == 80',
    ]);
    const back = run(fx, 'p2', tcp(H2, H1, 8080, 40000), ct);
    expect(back.to).toEqual(['p1']);
    expect(describePacket(back.delivered[0]!.packet)).toEqual(
      expect.objectContaining({ 'ip4.src': '10.0.0.100', 'tcp.src': '80' }),
    );
  });
});

describe('stateful ACLs across a router', () => {
  // twoSubnets: vm1 10.0.0.2 on sw0, vm2 20.0.0.2 on sw1, lr0 between (lrp0 …:ff:01 on sw0).
  const LRP0 = '00:00:00:00:ff:01';
  const LRP1 = '00:00:00:00:ff:02';
  function guarded(): NbFixture {
    const fx = twoSubnets();
    // vm1 may start connections; nothing may start one towards vm1.
    fx.acl({ switch: 'sw0' }, 'from-lport', 100, 'inport == "vm1" && ip4', 'allow-related');
    fx.acl({ switch: 'sw0' }, 'to-lport', 100, 'outport == "vm1" && ip4', 'drop');
    return fx;
  }
  const sim = (
    fx: NbFixture,
    datapath: string,
    inport: string,
    pkt: SimPacket,
    conntrack: Conntrack,
  ) => {
    const r = simulate(worldFromNb(fx.model), { datapath, inport, packet: pkt }, { conntrack });
    return r.outcomes.map((o) =>
      o.kind === 'delivered' ? `delivered ${o.port}` : `dropped ${o.at?.stage ?? o.reason}`,
    );
  };

  test('vm1 pings vm2 through the router and gets the echo reply; vm2 cannot ping vm1', () => {
    const fx = guarded();
    const ct = new Conntrack();
    const request = icmp4Packet({ ethSrc: M1, ethDst: LRP0, src: '10.0.0.2', dst: '20.0.0.2' });
    expect(sim(fx, 'sw0', 'vm1', request, ct)).toEqual(['delivered vm2']);
    const reply = icmp4Packet({
      ethSrc: M2,
      ethDst: LRP1,
      src: '20.0.0.2',
      dst: '10.0.0.2',
      type: 0,
    });
    expect(sim(fx, 'sw1', 'vm2', reply, ct)).toEqual(['delivered vm1']);
    // Unsolicited: no connection in sw0's conntrack, so the to-lport drop applies.
    const ping = icmp4Packet({ ethSrc: M2, ethDst: LRP1, src: '20.0.0.2', dst: '10.0.0.2' });
    expect(sim(fx, 'sw1', 'vm2', ping, new Conntrack())).toEqual(['dropped ls_out_acl']);
  });
});
