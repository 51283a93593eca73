import { openStackDb, type StackDb } from '@ovn-ts/northd/testing';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { Sandbox } from './sandbox.js';

let stack: StackDb;

beforeAll(async () => {
  stack = await openStackDb('sandbox');
});
afterAll(() => stack.close());

const VM1 = { name: 'vm1', mac: '0a:00:00:00:00:01', ip: '10.0.0.1/24' };
const VM2 = { name: 'vm2', mac: '0a:00:00:00:00:02', ip: '10.0.0.2/24' };

describe.each(['memory', 'udp'] as const)('a sandbox over a %s underlay', (underlay) => {
  test('VMs on one switch, on two hypervisors, ping each other across the tunnel', async () => {
    const { db, nb } = stack;
    const sw = `sw-${underlay}`;
    const vm1 = { ...VM1, name: `${VM1.name}-${underlay}` };
    const vm2 = { ...VM2, name: `${VM2.name}-${underlay}` };
    // Both runs share the database: the second one's ports live on a switch of their own.
    await nb.transaction(async (tx) => {
      const ls = await tx.switches.insert({ name: sw });
      for (const v of [vm1, vm2])
        await tx.switchPorts.insert({
          name: v.name,
          switch_uuid: ls.uuid,
          addresses: [`${v.mac} ${v.ip.split('/')[0]}`],
        });
    });
    const s = await Sandbox.start({
      nbUrl: db.url,
      sbUrl: db.url,
      hypervisors: [`${underlay}-hv1`, `${underlay}-hv2`],
      underlay,
      pollMs: 100,
    });
    try {
      const a = await s.attachVm(`${underlay}-hv1`, vm1);
      const b = await s.attachVm(`${underlay}-hv2`, vm2);
      expect(s.vm(vm1.name)).toBe(a);
      const r = await a.ping('10.0.0.2', { count: 3, intervalMs: 10, timeoutMs: 2000 });
      expect(r.probes.map((p) => p.replied)).toEqual([true, true, true]);
      const back = await b.ping('10.0.0.1', { timeoutMs: 2000 });
      expect(back.received).toBe(1);
      expect(s.vms().map((v) => `${v.hypervisor}/${v.vm.name}`)).toEqual([
        `${underlay}-hv1/${vm1.name}`,
        `${underlay}-hv2/${vm2.name}`,
      ]);
      if (underlay === 'udp') expect(s.hypervisor('udp-hv1').encapIp).toMatch(/^127\.\d+\.\d+\.1$/);
      // A restarted controller adopts the installed flows: traffic keeps flowing.
      await s.hypervisor(`${underlay}-hv1`).restartController();
      expect((await a.ping('10.0.0.2', { timeoutMs: 2000 })).received).toBe(1);
      // Detached, vm2 stops answering.
      await s.detachVm(vm2.name);
      expect((await a.ping('10.0.0.2', { timeoutMs: 300 })).received).toBe(0);
      expect(() => s.vm(vm2.name)).toThrow(`${vm2.name}: no such VM`);
    } finally {
      await s.stop();
    }
  });
});
