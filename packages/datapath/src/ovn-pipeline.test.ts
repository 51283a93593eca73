import { describe, expect, it } from 'vitest';
import * as A from './actions.js';
import { Datapath } from './datapath.js';
import type { FlowSpec } from './flow-mod.js';
import { linkMemoryPorts, MemoryPort } from './memory-port.js';
import { TCP_ACK, TCP_SYN } from './packet/build.js';
import type { TunnelMetadata } from './port.js';
import { tcp4 } from './testing/fixtures.js';

/**
 * Two chassis in OVN's physical-pipeline shape: a logical switch (tunnel key 7) with port 1 on
 * chassis A and port 2 on chassis B, joined by a Geneve-like tunnel that carries the datapath key in
 * tun_id and (ingress << 16 | egress) port keys in tun_metadata0, and stateful ACLs on the way in
 * (input port's zone) and out (output port's zone), the zone kept in reg13 as OVN does.
 */
const LS = 7n;
const MAC1 = '00:00:00:00:01:01';
const MAC2 = '00:00:00:00:02:02';

function chassis(
  local: { key: number; mac: string },
  remote: { key: number; mac: string },
): FlowSpec[] {
  return [
    // table 0: classify the input. A VIF sets datapath and inport; the tunnel restores them from metadata.
    {
      table: 0,
      priority: 100,
      match: { in_port: 1 },
      actions: [
        A.setField('metadata', LS),
        A.load('reg14[0..14]', local.key),
        A.load('reg13[0..15]', local.key),
        A.resubmit(5),
      ],
    },
    // tables 5/6: ingress ACL in the input port's zone: commit what leaves the port, pass what returns.
    {
      table: 5,
      priority: 100,
      match: { eth_type: 0x800 },
      actions: [A.ct({ zone: A.ref('reg13[0..15]'), table: 6 })],
    },
    { table: 6, priority: 100, match: { ct_state: '+trk+est' }, actions: [A.resubmit(8)] },
    {
      table: 6,
      priority: 90,
      match: { ct_state: '+trk+new' },
      actions: [A.ct({ commit: true, zone: A.ref('reg13[0..15]') }), A.resubmit(8)],
    },
    { table: 6, priority: 0, actions: [A.drop('ingress acl')] },
    {
      table: 0,
      priority: 100,
      match: { in_port: 10, tun_id: LS },
      actions: [
        A.setField('metadata', LS),
        A.move('tun_metadata0[16..30]', 'reg14[0..14]'),
        A.move('tun_metadata0[0..15]', 'reg15[0..15]'),
        A.resubmit(40),
      ],
    },
    // table 8: L2 lookup sets the outport.
    {
      table: 8,
      priority: 50,
      match: { metadata: LS, eth_dst: remote.mac },
      actions: [A.load('reg15[0..15]', remote.key), A.resubmit(32)],
    },
    {
      table: 8,
      priority: 50,
      match: { metadata: LS, eth_dst: local.mac },
      actions: [A.load('reg15[0..15]', local.key), A.resubmit(32)],
    },
    // table 32: remote outports go into the tunnel with their keys; local ones continue.
    {
      table: 32,
      priority: 100,
      match: { metadata: LS, reg15: remote.key },
      actions: [
        A.setField('tun_id', LS),
        A.move('reg14[0..14]', 'tun_metadata0[16..30]'),
        A.move('reg15[0..15]', 'tun_metadata0[0..15]'),
        A.output(10),
      ],
    },
    { table: 32, priority: 0, actions: [A.resubmit(40)] },
    // table 40: egress ACL in the output port's zone: allow established, commit new TCP to port 22.
    {
      table: 40,
      priority: 100,
      match: { metadata: LS, eth_type: 0x800, reg15: local.key },
      actions: [
        A.load('reg13[0..15]', local.key),
        A.ct({ zone: A.ref('reg13[0..15]'), table: 41 }),
      ],
    },
    { table: 41, priority: 100, match: { ct_state: '+trk+est' }, actions: [A.resubmit(65)] },
    {
      table: 41,
      priority: 90,
      match: { ct_state: '+trk+new', eth_type: 0x800, ip_proto: 6, tcp_dst: 22 },
      actions: [A.ct({ commit: true, zone: A.ref('reg13[0..15]') }), A.resubmit(65)],
    },
    { table: 41, priority: 0, actions: [A.drop('acl')] },
    // table 65: deliver to the local VIF.
    { table: 65, priority: 100, match: { metadata: LS, reg15: local.key }, actions: [A.output(1)] },
  ];
}

describe('an OVN-shaped pipeline across two chassis', () => {
  it('carries datapath and port keys through the tunnel and applies the ACL at the destination', () => {
    const a = new Datapath({ now: () => 0 });
    const b = new Datapath({ now: () => 0 });
    const vifA = new MemoryPort();
    const vifB = new MemoryPort();
    const wire: TunnelMetadata[] = [];
    const [tunA, tunB] = linkMemoryPorts({ kind: 'geneve', tunnel: true });
    a.addPort('vif1', vifA, { port: 1 });
    b.addPort('vif2', vifB, { port: 1 });
    a.addPort('geneve-b', tunA, { port: 10 });
    b.addPort('geneve-a', tunB, { port: 10 });
    b.onPacketIn(() => {});
    a.addFlows(chassis({ key: 1, mac: MAC1 }, { key: 2, mac: MAC2 }));
    b.addFlows(chassis({ key: 2, mac: MAC2 }, { key: 1, mac: MAC1 }));
    // Observe the tunnel metadata as it leaves either chassis.
    for (const tun of [tunA, tunB]) {
      const send = tun.transmit.bind(tun);
      tun.transmit = (frames, meta) => {
        for (const m of meta ?? []) if (m) wire.push(m);
        send(frames, meta);
      };
    }

    // SSH from port 1 to port 2: allowed by the ACL at B, and B's reply is allowed back as established.
    vifA.inject([tcp4({ ethSrc: MAC1, ethDst: MAC2, sport: 4000, dport: 22, flags: TCP_SYN })]);
    expect(vifB.take()).toHaveLength(1);
    expect(wire[0]).toEqual({ tunId: LS, geneveOption: (1 << 16) | 2 });
    vifB.inject([
      tcp4({
        ethSrc: MAC2,
        ethDst: MAC1,
        src: '10.0.0.2',
        dst: '10.0.0.1',
        sport: 22,
        dport: 4000,
        flags: TCP_SYN | TCP_ACK,
      }),
    ]);
    expect(vifA.take()).toHaveLength(1);
    expect(wire[1]).toEqual({ tunId: LS, geneveOption: (2 << 16) | 1 });

    // HTTP from port 1 to port 2 is dropped by B's ACL; the trace at B says why.
    vifA.inject([tcp4({ ethSrc: MAC1, ethDst: MAC2, sport: 4001, dport: 80, flags: TCP_SYN })]);
    expect(vifB.take()).toHaveLength(0);
    const t = b.trace(
      tcp4({ ethSrc: MAC1, ethDst: MAC2, sport: 4001, dport: 80, flags: TCP_SYN }),
      10,
      {
        tunnel: { tunId: LS, geneveOption: (1 << 16) | 2 },
      },
    );
    expect(t.dropReason).toBe('acl');
    expect(t.text).toContain('ct(zone=2): ct_state 0 -> +new+trk');
  });
});
