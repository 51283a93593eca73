/**
 * One logical switch through the whole stack (nbctl → NB → northd → SB → controllers → datapaths):
 * VMs on the same chassis, VMs on two chassis through Geneve, ARP answered by the switch, floods,
 * and ports reported up (SB Port_Binding.up, carried back to NB Logical_Switch_Port.up).
 *
 *   hv1: vm1, vm2        hv2: vm3        (vm4 exists in NB but is attached nowhere)
 */
import { buildPacket, MemoryPort } from '@ovn-ts/datapath';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type E2eStack, type Hypervisor, received, startE2eStack } from './e2e-kit.js';

interface Vm {
  readonly name: string;
  readonly mac: string;
  readonly ip: string;
}
const vm = (n: number): Vm => ({ name: `vm${n}`, mac: `0a:00:00:88:00:0${n}`, ip: `10.88.0.${n}` });
const [VM1, VM2, VM3, VM4] = [vm(1), vm(2), vm(3), vm(4)] as const;

const echo = (from: Vm, to: Vm, type = 8) =>
  buildPacket({
    eth: { src: from.mac, dst: to.mac },
    ip4: { src: from.ip, dst: to.ip },
    icmp: { type, code: 0, id: 1, seq: 1 },
  });
const whoHas = (from: Vm, ip: string) =>
  buildPacket({
    eth: { src: from.mac, dst: 'ff:ff:ff:ff:ff:ff' },
    arp: { op: 1, sha: from.mac, spa: from.ip, tha: '00:00:00:00:00:00', tpa: ip },
  });

let stack: E2eStack;
let hv1: Hypervisor;
let hv2: Hypervisor;
const vif = (name: string) => {
  const port = hv1.vifs.get(name) ?? hv2.vifs.get(name);
  if (!port) throw new Error(`${name}: no such VIF`);
  return port;
};

beforeAll(async () => {
  stack = await startE2eStack('e2e_switching');
  const args = ['ls-add', 'sw0'];
  for (const v of [VM1, VM2, VM3, VM4])
    args.push(
      '--',
      'lsp-add',
      'sw0',
      v.name,
      '--',
      'lsp-set-addresses',
      v.name,
      `${v.mac} ${v.ip}`,
    );
  await stack.ok(...args);
  hv1 = await stack.addHypervisor('hv1', '192.0.2.81', { vifs: ['vm1', 'vm2'] });
  hv2 = await stack.addHypervisor('hv2', '192.0.2.82', { vifs: ['vm3'] });
  await stack.waitUp({ vm1: 'hv1', vm2: 'hv1', vm3: 'hv2' });
  await stack.syncHv();
  stack.underlay.take();
});

afterAll(() => stack?.stop());

describe('same switch, same chassis', () => {
  test('a ping and its reply go VM to VM inside the chassis, never to the tunnel', () => {
    vif('vm1').inject([echo(VM1, VM2)]);
    expect(
      vif('vm2')
        .take()
        .map((c) => c.frame),
    ).toEqual([echo(VM1, VM2)]);
    vif('vm2').inject([echo(VM2, VM1, 0)]);
    expect(
      vif('vm1')
        .take()
        .map((c) => c.frame),
    ).toEqual([echo(VM2, VM1, 0)]);
    expect(received(vif('vm3'))).toEqual([]);
    expect(stack.underlay.take()).toEqual([]);
  });

  test('ARP for a known address is answered by the switch, as NB declared the address', () => {
    vif('vm1').inject([whoHas(VM1, VM2.ip)]);
    expect(received(vif('vm1'))).toEqual([
      {
        ethSrc: VM2.mac,
        ethDst: VM1.mac,
        ethType: 0x0806,
        arp: { op: 2, sha: VM2.mac, spa: VM2.ip, tha: VM1.mac, tpa: VM1.ip },
      },
    ]);
    // Answered locally: nobody else saw the request.
    expect(received(vif('vm2'))).toEqual([]);
    expect(received(vif('vm3'))).toEqual([]);
    expect(stack.underlay.take()).toEqual([]);
  });
});

describe('same switch across chassis through Geneve', () => {
  test('a ping crosses the tunnel with the switch key as VNI and the port keys as option', async () => {
    const keys = await stack.portKeys();
    vif('vm1').inject([echo(VM1, VM3)]);
    expect(
      vif('vm3')
        .take()
        .map((c) => c.frame),
    ).toEqual([echo(VM1, VM3)]);
    vif('vm3').inject([echo(VM3, VM1, 0)]);
    expect(
      vif('vm1')
        .take()
        .map((c) => c.frame),
    ).toEqual([echo(VM3, VM1, 0)]);
    const option = (a: string, b: string) => (keys[a]!.port << 16) | keys[b]!.port;
    expect(stack.underlay.take()).toEqual([
      { from: hv1.encapIp, to: hv2.encapIp, vni: keys.vm1!.datapath, option: option('vm1', 'vm3') },
      { from: hv2.encapIp, to: hv1.encapIp, vni: keys.vm3!.datapath, option: option('vm3', 'vm1') },
    ]);
    expect(received(vif('vm2'))).toEqual([]);
  });

  test('a broadcast reaches every other VM of the switch, one tunnel copy per remote chassis', async () => {
    const unknown = '10.88.0.99';
    vif('vm1').inject([whoHas(VM1, unknown)]);
    for (const name of ['vm2', 'vm3']) {
      const got = received(vif(name));
      expect(got.map((d) => [d.ethSrc, d.ethDst, d.arp?.tpa])).toEqual([
        [VM1.mac, 'ff:ff:ff:ff:ff:ff', unknown],
      ]);
    }
    expect(received(vif('vm1'))).toEqual([]);
    const sent = stack.underlay.take();
    expect(sent.map((p) => [p.from, p.to])).toEqual([[hv1.encapIp, hv2.encapIp]]);
    // The egress key of a flood is a multicast group's (32768 and above), not a port's.
    expect(sent[0]!.option! & 0xffff).toBeGreaterThanOrEqual(32768);
  });

  test('a VM attached nowhere is not reached', () => {
    vif('vm1').inject([echo(VM1, VM4)]);
    for (const name of ['vm1', 'vm2', 'vm3']) expect(received(vif(name))).toEqual([]);
    expect(stack.underlay.take()).toEqual([]);
  });
});

describe('port up', () => {
  test('attached ports are up in SB and NB; a port attached nowhere is down', async () => {
    for (const name of ['vm1', 'vm2', 'vm3']) {
      await expect
        .poll(async () => (await stack.ok('lsp-get-up', name))[0], { timeout: 20_000 })
        .toBe('up');
    }
    expect(await stack.ok('lsp-get-up', 'vm4')).toEqual(['down']);
  });

  test('a port attached later comes up on its chassis; detached, it goes down', async () => {
    const port = new MemoryPort();
    hv2.dp.addPort('vif-vm4', port, { port: 4 });
    hv2.ctl.attach('vm4', 4);
    await stack.waitUp({ vm1: 'hv1', vm2: 'hv1', vm3: 'hv2', vm4: 'hv2' });
    await expect
      .poll(async () => (await stack.ok('lsp-get-up', 'vm4'))[0], { timeout: 20_000 })
      .toBe('up');
    // Up means its flows are in: once every chassis has the binding, vm1 reaches it.
    await stack.syncHv();
    vif('vm1').inject([echo(VM1, VM4)]);
    expect(port.take().map((c) => c.frame)).toEqual([echo(VM1, VM4)]);

    hv2.ctl.detach('vm4');
    await stack.waitUp({ vm1: 'hv1', vm2: 'hv1', vm3: 'hv2' });
    await expect
      .poll(async () => (await stack.ok('lsp-get-up', 'vm4'))[0], { timeout: 20_000 })
      .toBe('down');
  });
});
