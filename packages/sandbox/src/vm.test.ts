import { linkMemoryPorts, MemoryPort } from '@ovn-ts/datapath';
import { describe, expect, test } from 'vitest';
import { Vm } from './vm.js';

/** Two VMs on one wire: each VM's port is fed by the other's transmissions, as a cable would. */
function wire(a: Vm, b: Vm): void {
  const [ea, eb] = linkMemoryPorts();
  // What a VM sends arrives at its port's deliver function; hand it to the cable end.
  a.port.start((frames) => ea.transmit(frames));
  b.port.start((frames) => eb.transmit(frames));
  ea.start((frames) => a.port.transmit(frames));
  eb.start((frames) => b.port.transmit(frames));
}

const vm1 = () => new Vm({ name: 'vm1', mac: '0a:00:00:00:00:01', ip: '10.0.0.1', prefix: 24 });
const vm2 = () => new Vm({ name: 'vm2', mac: '0a:00:00:00:00:02', ip: '10.0.0.2', prefix: 24 });

describe('Vm (shell) on a wire', () => {
  test('pings resolve the peer by ARP and are answered', async () => {
    const a = vm1();
    const b = vm2();
    wire(a, b);
    const r = await a.ping('10.0.0.2', { count: 2, intervalMs: 1, timeoutMs: 500 });
    expect(r.received).toBe(2);
    expect(r.probes.map((p) => p.replied)).toEqual([true, true]);
    expect(a.arpCache().get('10.0.0.2')).toBe('0a:00:00:00:00:02');
  });

  test('a ping to an address nobody has times out, naming the unresolved next hop', async () => {
    const a = vm1();
    const b = vm2();
    wire(a, b);
    const r = await a.ping('10.0.0.3', { timeoutMs: 60 });
    expect(r.received).toBe(0);
    expect(r.probes[0]!.error).toBe('vm1: 10.0.0.3: no ARP reply');
  });

  test('off-subnet without a gateway: no route', async () => {
    const a = vm1();
    const r = await a.ping('192.168.1.1', { timeoutMs: 50 });
    expect(r.probes[0]!.error).toBe('vm1: no route to 192.168.1.1');
  });

  test('TCP connect: established to a listener, reset otherwise; UDP arrives', async () => {
    const a = vm1();
    const b = vm2();
    wire(a, b);
    b.listen(80);
    expect(await a.connect('10.0.0.2', 80, 500)).toBe('established');
    expect(await a.connect('10.0.0.2', 81, 500)).toBe('reset');
    const got: string[] = [];
    b.onUdp((d) => got.push(`${d.from}:${d.dport}:${[...d.payload].join(',')}`));
    expect(await a.sendUdp('10.0.0.2', 53, Uint8Array.of(1, 2))).toBe(true);
    await new Promise((r) => setTimeout(r, 10));
    expect(got).toEqual(['10.0.0.1:53:1,2']);
  });

  test('RTT comes from the injected clock', async () => {
    let t = 0;
    const a = new Vm(
      { name: 'vm1', mac: '0a:00:00:00:00:01', ip: '10.0.0.1', prefix: 24 },
      { now: () => (t += 5) },
    );
    const b = vm2();
    wire(a, b);
    const r = await a.ping('10.0.0.2', { timeoutMs: 500 });
    // One clock read when the request leaves and one when the reply arrives: 5 ms apart.
    expect(r.probes[0]!.rttMs).toBe(5);
  });

  test('a VM on no datapath sends nothing', async () => {
    const a = vm1();
    expect(a.port).toBeInstanceOf(MemoryPort);
    const r = await a.ping('10.0.0.2', { timeoutMs: 30 });
    expect(r.received).toBe(0);
    expect(a.tx).toBe(3); // three ARP tries, dropped by the unplugged port
  });
});
