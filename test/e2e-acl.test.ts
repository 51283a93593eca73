/**
 * ACLs through the whole stack, across two chassis (hv1: vm1, hv2: vm2), set with nbctl
 * --wait=hv: vm1 may open connections (allow-related), nothing new may reach vm1 (drop), and one
 * destination port is dropped even for vm1. Replies to vm1's connections pass the drop because
 * conntrack on both chassis knows them; new inbound connections do not.
 */
import { buildPacket, TCP_ACK, TCP_SYN } from '@ovn-ts/datapath';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type E2eStack, type Hypervisor, startE2eStack } from './e2e-kit.js';

interface Vm {
  readonly mac: string;
  readonly ip: string;
}
const VM1: Vm = { mac: '0a:00:00:99:00:01', ip: '10.99.0.1' };
const VM2: Vm = { mac: '0a:00:00:99:00:02', ip: '10.99.0.2' };

const tcp = (
  from: Vm,
  to: Vm,
  t: { sport: number; dport: number; flags: number; seq: number; ack?: number },
) =>
  buildPacket({
    eth: { src: from.mac, dst: to.mac },
    ip4: { src: from.ip, dst: to.ip },
    tcp: { window: 1000, ack: 0, ...t },
  });
const icmp = (from: Vm, to: Vm, type: number) =>
  buildPacket({
    eth: { src: from.mac, dst: to.mac },
    ip4: { src: from.ip, dst: to.ip },
    icmp: { type, code: 0, id: 9, seq: 1 },
  });

let stack: E2eStack;
let hv1: Hypervisor;
let hv2: Hypervisor;
const at1 = () => hv1.vifs.get('vm1')!;
const at2 = () => hv2.vifs.get('vm2')!;
/** Sends `frame` in at one VIF and returns what came out at the other. */
const from1 = (frame: Uint8Array) => {
  at1().inject([frame]);
  return at2()
    .take()
    .map((c) => c.frame);
};
const from2 = (frame: Uint8Array) => {
  at2().inject([frame]);
  return at1()
    .take()
    .map((c) => c.frame);
};

beforeAll(async () => {
  stack = await startE2eStack('e2e_acl');
  await stack.ok(
    ...['ls-add', 'sw0'],
    ...['--', 'lsp-add', 'sw0', 'vm1', '--', 'lsp-set-addresses', 'vm1', `${VM1.mac} ${VM1.ip}`],
    ...['--', 'lsp-add', 'sw0', 'vm2', '--', 'lsp-set-addresses', 'vm2', `${VM2.mac} ${VM2.ip}`],
  );
  hv1 = await stack.addHypervisor('hv1', '192.0.2.91', { vifs: ['vm1'] });
  hv2 = await stack.addHypervisor('hv2', '192.0.2.92', { vifs: ['vm2'] });
  await stack.waitUp({ vm1: 'hv1', vm2: 'hv2' });
  await stack.syncHv();
});

afterAll(() => stack?.stop());

describe('ACL drop and allow-related', () => {
  test('without ACLs, vm2 may open a connection to vm1', () => {
    const syn = tcp(VM2, VM1, { sport: 30000, dport: 22, flags: TCP_SYN, seq: 100 });
    expect(from2(syn)).toEqual([syn]);
  });

  test('with the ACLs: vm1 connects and the replies pass; vm2 cannot open anything to vm1', async () => {
    await stack.ok(
      ...['--wait=hv', '--timeout=30'],
      ...['acl-add', 'sw0', 'from-lport', '1000', 'inport == "vm1" && ip4', 'allow-related'],
      ...['--', 'acl-add', 'sw0', 'to-lport', '1000', 'outport == "vm1" && ip4', 'drop'],
      ...['--', 'acl-add', 'sw0', 'from-lport', '1001', 'inport == "vm1" && tcp.dst == 23', 'drop'],
    );

    // vm1 → vm2:80, a full handshake: the SYN-ACK and the data coming back pass the drop.
    const c = { a: 40000, b: 80 };
    const syn = tcp(VM1, VM2, { sport: c.a, dport: c.b, flags: TCP_SYN, seq: 1000 });
    expect(from1(syn)).toEqual([syn]);
    const synAck = tcp(VM2, VM1, {
      sport: c.b,
      dport: c.a,
      flags: TCP_SYN | TCP_ACK,
      seq: 5000,
      ack: 1001,
    });
    expect(from2(synAck)).toEqual([synAck]);
    const ack = tcp(VM1, VM2, { sport: c.a, dport: c.b, flags: TCP_ACK, seq: 1001, ack: 5001 });
    expect(from1(ack)).toEqual([ack]);
    const data = tcp(VM2, VM1, { sport: c.b, dport: c.a, flags: TCP_ACK, seq: 5001, ack: 1001 });
    expect(from2(data)).toEqual([data]);

    // vm1 pings vm2: the echo reply is related to the echo, so it passes too.
    expect(from1(icmp(VM1, VM2, 8))).toEqual([icmp(VM1, VM2, 8)]);
    expect(from2(icmp(VM2, VM1, 0))).toEqual([icmp(VM2, VM1, 0)]);

    // New inbound connections are dropped: a SYN to vm1, a SYN from vm2's side of the open
    // connection's ports reversed to another port, an unsolicited ping.
    expect(from2(tcp(VM2, VM1, { sport: 30001, dport: 22, flags: TCP_SYN, seq: 100 }))).toEqual([]);
    expect(from2(tcp(VM2, VM1, { sport: c.b, dport: 22, flags: TCP_SYN, seq: 7 }))).toEqual([]);
    expect(from2(icmp(VM2, VM1, 8))).toEqual([]);

    // The higher-priority drop beats allow-related even for vm1's own connections.
    expect(from1(tcp(VM1, VM2, { sport: 40001, dport: 23, flags: TCP_SYN, seq: 1 }))).toEqual([]);

    // The established connection keeps working after all that.
    const more = tcp(VM2, VM1, { sport: c.b, dport: c.a, flags: TCP_ACK, seq: 5001, ack: 1001 });
    expect(from2(more)).toEqual([more]);
  });

  test('removing the drop lets new inbound connections through again', async () => {
    await stack.ok(
      '--wait=hv',
      '--timeout=30',
      'acl-del',
      'sw0',
      'to-lport',
      '1000',
      'outport == "vm1" && ip4',
    );
    const syn = tcp(VM2, VM1, { sport: 30002, dport: 22, flags: TCP_SYN, seq: 100 });
    expect(from2(syn)).toEqual([syn]);
  });
});
