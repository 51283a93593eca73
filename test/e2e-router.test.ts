/**
 * A logical router between two subnets, through the whole stack, with the VMs on two chassis:
 *
 *   ls1 10.31.0.0/24: vm1 (hv1)  ── lr0 (lrp1 .1, lrp2 .1) ──  ls2 10.32.0.0/24: vm2, vm3 (hv2)
 *
 * vm2's address is declared in NB, so the router knows its MAC from the start; vm3's is not
 * ("unknown"), so the router must ARP for it, learn the answer into SB MAC_Binding, and forward
 * later packets with the learnt MAC on every chassis.
 */
import { buildPacket } from '@ovn-ts/datapath';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type E2eStack, eventually, type Hypervisor, received, startE2eStack } from './e2e-kit.js';

interface Host {
  readonly mac: string;
  readonly ip: string;
}
const VM1: Host = { mac: '0a:00:00:31:00:0a', ip: '10.31.0.10' };
const VM2: Host = { mac: '0a:00:00:32:00:0a', ip: '10.32.0.10' };
const VM3: Host = { mac: '0a:00:00:32:00:0b', ip: '10.32.0.11' };
const GW1: Host = { mac: '0a:00:00:31:00:01', ip: '10.31.0.1' };
const GW2: Host = { mac: '0a:00:00:32:00:01', ip: '10.32.0.1' };

const echo = (src: Host, dstMac: string, dstIp: string, ttl = 64, type = 8) =>
  buildPacket({
    eth: { src: src.mac, dst: dstMac },
    ip4: { src: src.ip, dst: dstIp, ttl },
    icmp: { type, code: 0, id: 5, seq: 1 },
  });
const arp = (op: 1 | 2, from: Host, to: Host | string) =>
  buildPacket({
    eth: { src: from.mac, dst: typeof to === 'string' ? 'ff:ff:ff:ff:ff:ff' : to.mac },
    arp: {
      op,
      sha: from.mac,
      spa: from.ip,
      tha: typeof to === 'string' ? '00:00:00:00:00:00' : to.mac,
      tpa: typeof to === 'string' ? to : to.ip,
    },
  });

let stack: E2eStack;
let hv1: Hypervisor;
let hv2: Hypervisor;
const vif = (name: string) => (hv1.vifs.get(name) ?? hv2.vifs.get(name))!;

beforeAll(async () => {
  stack = await startE2eStack('e2e_router');
  await stack.ok(
    ...['lr-add', 'lr0'],
    ...['--', 'lrp-add', 'lr0', 'lrp1', GW1.mac, `${GW1.ip}/24`],
    ...['--', 'lrp-add', 'lr0', 'lrp2', GW2.mac, `${GW2.ip}/24`],
    ...['--', 'ls-add', 'ls1', '--', 'ls-add', 'ls2'],
    ...['--', 'lsp-add', 'ls1', 'ls1-lr0', '--', 'lsp-set-type', 'ls1-lr0', 'router'],
    ...['--', 'lsp-set-addresses', 'ls1-lr0', 'router'],
    ...['--', 'lsp-set-options', 'ls1-lr0', 'router-port=lrp1'],
    ...['--', 'lsp-add', 'ls2', 'ls2-lr0', '--', 'lsp-set-type', 'ls2-lr0', 'router'],
    ...['--', 'lsp-set-addresses', 'ls2-lr0', 'router'],
    ...['--', 'lsp-set-options', 'ls2-lr0', 'router-port=lrp2'],
    ...['--', 'lsp-add', 'ls1', 'vm1', '--', 'lsp-set-addresses', 'vm1', `${VM1.mac} ${VM1.ip}`],
    ...['--', 'lsp-add', 'ls2', 'vm2', '--', 'lsp-set-addresses', 'vm2', `${VM2.mac} ${VM2.ip}`],
    ...['--', 'lsp-add', 'ls2', 'vm3', '--', 'lsp-set-addresses', 'vm3', 'unknown'],
  );
  hv1 = await stack.addHypervisor('hv1', '192.0.2.31', { vifs: ['vm1'] });
  hv2 = await stack.addHypervisor('hv2', '192.0.2.32', { vifs: ['vm2', 'vm3'] });
  await stack.waitUp({ vm1: 'hv1', vm2: 'hv2', vm3: 'hv2' });
  await stack.syncHv();
});

afterAll(() => stack?.stop());

const macBindings = () =>
  stack.query<{ logical_port: string; ip: string; mac: string }>(
    'SELECT logical_port, host(ip) AS ip, mac::text AS mac FROM sb.mac_binding ORDER BY ip',
  );

describe('across a router between two subnets', () => {
  test('vm1 resolves its gateway and pings the router', () => {
    vif('vm1').inject([arp(1, VM1, GW1.ip)]);
    expect(received(vif('vm1')).map((d) => d.arp)).toEqual([
      { op: 2, sha: GW1.mac, spa: GW1.ip, tha: VM1.mac, tpa: VM1.ip },
    ]);
    vif('vm1').inject([echo(VM1, GW1.mac, GW1.ip)]);
    const [reply, ...rest] = received(vif('vm1'));
    expect(rest).toEqual([]);
    expect(reply).toMatchObject({
      ethSrc: GW1.mac,
      ethDst: VM1.mac,
      ip4: { src: GW1.ip, dst: VM1.ip },
      icmp: { type: 0, code: 0 },
    });
  });

  test('a ping is routed to the other subnet on the other chassis and its reply comes back', () => {
    vif('vm1').inject([echo(VM1, GW1.mac, VM2.ip)]);
    // One router hop: MACs rewritten to the router's port and vm2, TTL decremented.
    expect(
      vif('vm2')
        .take()
        .map((c) => c.frame),
    ).toEqual([echo({ mac: GW2.mac, ip: VM1.ip }, VM2.mac, VM2.ip, 63)]);
    vif('vm2').inject([echo(VM2, GW2.mac, VM1.ip, 64, 0)]);
    expect(
      vif('vm1')
        .take()
        .map((c) => c.frame),
    ).toEqual([echo({ mac: GW1.mac, ip: VM2.ip }, VM1.mac, VM1.ip, 63, 0)]);
    // vm2's MAC came from NB: nothing was learnt, nobody was asked.
    expect(received(vif('vm3'))).toEqual([]);
  });

  test('ARP resolution: the router asks for an unknown host, learns it into SB MAC_Binding, and later traffic uses it', async () => {
    expect(await macBindings()).toEqual([]);
    vif('vm1').inject([echo(VM1, GW1.mac, VM3.ip)]);
    // The router (running on hv1, where the packet entered) asks on ls2; the request crosses to hv2.
    const asked = await eventually(
      'the router ARP request at vm3',
      () => received(vif('vm3')),
      (f) => f.length > 0,
      10_000,
    );
    expect(asked).toEqual([
      {
        ethSrc: GW2.mac,
        ethDst: 'ff:ff:ff:ff:ff:ff',
        ethType: 0x0806,
        arp: { op: 1, sha: GW2.mac, spa: GW2.ip, tha: '00:00:00:00:00:00', tpa: VM3.ip },
      },
    ]);
    // Flooded on ls2: vm2 hears it too, and answers nothing (it is not asked).
    expect(received(vif('vm2')).map((d) => d.arp?.tpa)).toEqual([VM3.ip]);

    // vm3 answers; the router on hv2 takes the answer and hv2's controller stores it in SB.
    vif('vm3').inject([arp(2, VM3, GW2)]);
    await eventually('the learnt MAC binding', macBindings, (rows) => rows.length > 0, 10_000);
    expect(await macBindings()).toEqual([{ logical_port: 'lrp2', ip: VM3.ip, mac: VM3.mac }]);

    // From SB the binding reaches hv1's flows: vm1's pings are routed straight to vm3, with no
    // further ARP (vm3 receives the echo and nothing else).
    await stack.syncHv();
    vif('vm1').inject([echo(VM1, GW1.mac, VM3.ip)]);
    expect(
      vif('vm3')
        .take()
        .map((c) => c.frame),
    ).toEqual([echo({ mac: GW2.mac, ip: VM1.ip }, VM3.mac, VM3.ip, 63)]);
    expect(received(vif('vm2'))).toEqual([]);
    vif('vm3').inject([echo(VM3, GW2.mac, VM1.ip, 64, 0)]);
    expect(
      vif('vm1')
        .take()
        .map((c) => c.frame),
    ).toEqual([echo({ mac: GW1.mac, ip: VM3.ip }, VM1.mac, VM1.ip, 63, 0)]);
    expect(await macBindings()).toHaveLength(1);
  });
});
