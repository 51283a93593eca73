/**
 * Port security through the whole stack (hv1: vm1 with port security, hv2: vm2): a VM that
 * changes its IP address on its own is cut off (its packets and ARPs from the new address are
 * dropped where they enter, packets to the new address are dropped where they leave), until the
 * operator declares the new address with nbctl; then the old one is refused.
 */
import { buildPacket } from '@ovn-ts/datapath';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type E2eStack, type Hypervisor, received, startE2eStack } from './e2e-kit.js';

interface Vm {
  readonly mac: string;
  readonly ip: string;
}
const VM1: Vm = { mac: '0a:00:00:55:00:01', ip: '10.55.0.1' };
const VM1_MOVED: Vm = { mac: VM1.mac, ip: '10.55.0.11' };
const VM2: Vm = { mac: '0a:00:00:55:00:02', ip: '10.55.0.2' };

const echo = (from: Vm, to: Vm) =>
  buildPacket({
    eth: { src: from.mac, dst: to.mac },
    ip4: { src: from.ip, dst: to.ip },
    icmp: { type: 8, code: 0, id: 3, seq: 1 },
  });
const whoHas = (from: Vm, ip: string) =>
  buildPacket({
    eth: { src: from.mac, dst: 'ff:ff:ff:ff:ff:ff' },
    arp: { op: 1, sha: from.mac, spa: from.ip, tha: '00:00:00:00:00:00', tpa: ip },
  });

let stack: E2eStack;
let hv1: Hypervisor;
let hv2: Hypervisor;
const at1 = () => hv1.vifs.get('vm1')!;
const at2 = () => hv2.vifs.get('vm2')!;
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
  stack = await startE2eStack('e2e_port_sec');
  await stack.ok(
    ...['ls-add', 'sw0'],
    ...['--', 'lsp-add', 'sw0', 'vm1', '--', 'lsp-set-addresses', 'vm1', `${VM1.mac} ${VM1.ip}`],
    ...['--', 'lsp-set-port-security', 'vm1', `${VM1.mac} ${VM1.ip}`],
    ...['--', 'lsp-add', 'sw0', 'vm2', '--', 'lsp-set-addresses', 'vm2', `${VM2.mac} ${VM2.ip}`],
  );
  hv1 = await stack.addHypervisor('hv1', '192.0.2.51', { vifs: ['vm1'] });
  hv2 = await stack.addHypervisor('hv2', '192.0.2.52', { vifs: ['vm2'] });
  await stack.waitUp({ vm1: 'hv1', vm2: 'hv2' });
  await stack.syncHv();
});

afterAll(() => stack?.stop());

describe('port security', () => {
  test('with its declared address, vm1 talks both ways', () => {
    expect(from1(echo(VM1, VM2))).toEqual([echo(VM1, VM2)]);
    expect(from2(echo(VM2, VM1))).toEqual([echo(VM2, VM1)]);
    // Its ARP request for vm2 is answered by the switch.
    at1().inject([whoHas(VM1, VM2.ip)]);
    expect(received(at1()).map((d) => d.arp)).toEqual([
      { op: 2, sha: VM2.mac, spa: VM2.ip, tha: VM1.mac, tpa: VM1.ip },
    ]);
  });

  test('after vm1 changes its IP on its own, its traffic is dropped', () => {
    expect(from1(echo(VM1_MOVED, VM2))).toEqual([]);
    // ARP from the new address is refused too: no answer, nothing flooded.
    at1().inject([whoHas(VM1_MOVED, VM2.ip)]);
    expect(received(at1())).toEqual([]);
    expect(received(at2())).toEqual([]);
    // And traffic towards the undeclared address does not leave towards vm1.
    expect(from2(echo(VM2, VM1_MOVED))).toEqual([]);
    // A forged source MAC is refused as well.
    expect(from1(echo({ mac: '0a:00:00:55:00:66', ip: VM1.ip }, VM2))).toEqual([]);
    // vm2, without port security, is not restricted.
    expect(from2(echo({ mac: VM2.mac, ip: '10.55.0.22' }, VM1))).toEqual([
      echo({ mac: VM2.mac, ip: '10.55.0.22' }, VM1),
    ]);
  });

  test('once the operator declares the new address, it passes and the old one is dropped', async () => {
    await stack.ok(
      ...['--wait=hv', '--timeout=30'],
      ...['lsp-set-addresses', 'vm1', `${VM1.mac} ${VM1_MOVED.ip}`],
      ...['--', 'lsp-set-port-security', 'vm1', `${VM1.mac} ${VM1_MOVED.ip}`],
    );
    expect(from1(echo(VM1_MOVED, VM2))).toEqual([echo(VM1_MOVED, VM2)]);
    expect(from2(echo(VM2, VM1_MOVED))).toEqual([echo(VM2, VM1_MOVED)]);
    expect(from1(echo(VM1, VM2))).toEqual([]);
    expect(from2(echo(VM2, VM1))).toEqual([]);
  });
});
