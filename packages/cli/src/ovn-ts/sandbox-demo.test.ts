import { openStackDb, type StackDb } from '@ovn-ts/northd/testing';
import { Sandbox } from '@ovn-ts/sandbox';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { runDemo } from './sandbox-demo.js';
import { executeVmRequest } from './vm-requests.js';

let stack: StackDb;
let sandbox: Sandbox;

beforeAll(async () => {
  stack = await openStackDb('sandbox_demo');
  sandbox = await Sandbox.start({ nbUrl: stack.db.url, sbUrl: stack.db.url, pollMs: 100 });
});
afterAll(async () => {
  await sandbox?.stop();
  await stack.close();
});

describe('the sandbox demo and VM requests, in process', () => {
  test('the demo passes on a fresh sandbox, and fails (naming the step) when NB already has its network', async () => {
    const lines: string[] = [];
    expect(await runDemo(sandbox, stack.db.url, (l) => lines.push(l))).toBe(true);
    expect(lines.at(-1)).toBe('demo: every outcome was as expected (11 steps)');

    // A second run cannot create sw0 again: the first check fails and the demo stops there.
    const again: string[] = [];
    expect(await runDemo(sandbox, stack.db.url, (l) => again.push(l))).toBe(false);
    expect(again.find((l) => l.includes('UNEXPECTED'))).toMatch(
      /expected: exit 0; outcome: exit 1 \(.*sw0.*\) … UNEXPECTED$/,
    );
  });

  test('requests name the object and the problem', async () => {
    const run = (req: Parameters<typeof executeVmRequest>[1]) => executeVmRequest(sandbox, req);
    expect(
      await run({
        op: 'attach',
        hypervisor: 'hv9',
        name: 'x',
        mac: '0a:00:00:00:00:09',
        ip: '10.0.0.9/24',
      }),
    ).toEqual({ lines: [], error: 'vm attach: hv9: no such hypervisor', code: 1 });
    expect(
      await run({
        op: 'attach',
        hypervisor: 'hv1',
        name: 'vm1',
        mac: '0a:00:00:00:00:09',
        ip: '10.0.0.9/24',
      }),
    ).toEqual({ lines: [], error: 'vm attach: vm1: VM already exists', code: 1 });
    expect(await run({ op: 'set-ip', name: 'vm1', ip: '10.0.0.300/24' })).toEqual({
      lines: [],
      error: 'vm set-ip: vm1: bad IPv4 address "10.0.0.300"',
      code: 2,
    });
    expect(await run({ op: 'detach', name: 'nope' })).toEqual({
      lines: [],
      error: 'vm detach: nope: no such VM',
      code: 1,
    });
    expect(
      (await run({ op: 'list' })).lines.map((l) => l.split(/\s+/).slice(0, 2).join(' ')),
    ).toEqual(['hv1 vm1', 'hv1 vm3', 'hv1 vm4', 'hv2 vm2']);
  });

  test('a VM without a logical port is attached, and told how to create one', async () => {
    const r = await executeVmRequest(sandbox, {
      op: 'attach',
      hypervisor: 'hv2',
      name: 'vm7',
      mac: '0a:00:00:00:00:07',
      ip: '10.0.0.7/24',
    });
    expect(r.code).toBe(0);
    expect(r.lines).toEqual([
      'vm7 attached to hv2 (0a:00:00:00:00:07 10.0.0.7/24), but logical port vm7 is not up:',
      '  create it: nbctl lsp-add SWITCH vm7 -- lsp-set-addresses vm7 "0a:00:00:00:00:07 10.0.0.7"',
    ]);
    // Once NB has the port, the controller binds it and vm7 talks.
    await stack.nb.transaction(async (tx) => {
      const [sw0] = await tx.switches.where('name', 'sw0');
      await tx.switchPorts.insert({
        name: 'vm7',
        switch_uuid: sw0!.uuid,
        addresses: ['0a:00:00:00:00:07 10.0.0.7'],
      });
    });
    await sandbox.waitUp(['vm7']);
    await sandbox.sync();
    const ping = await executeVmRequest(sandbox, {
      op: 'ping',
      name: 'vm7',
      dst: '10.0.0.11',
      count: 1,
      intervalMs: 10,
      timeoutMs: 2000,
    });
    expect(ping.code).toBe(0);
    expect(ping.lines.at(-1)).toBe('1 packets transmitted, 1 received, 0% packet loss');
  }, 30_000);
});
