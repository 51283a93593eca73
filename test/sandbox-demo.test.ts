/**
 * `ovn-ts sandbox` through its compiled bin, as users run it (`pnpm build` first; `pnpm test` does
 * that): the demo's exit code and printed outcomes, and a running sandbox driven from "another
 * terminal" with nbctl and `ovn-ts vm`.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

const OVN_TS = fileURLToPath(new URL('../packages/cli/bin/ovn-ts.js', import.meta.url));
const NBCTL = fileURLToPath(new URL('../packages/cli/bin/nbctl.js', import.meta.url));

interface Run {
  code: number | null;
  out: string;
  err: string;
}

function collect(child: ChildProcessWithoutNullStreams): Promise<Run> {
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out, err }));
  });
}

function run(bin: string, args: readonly string[], env: Record<string, string> = {}): Promise<Run> {
  return collect(
    spawn(process.execPath, [bin, ...args], { env: { PATH: process.env.PATH ?? '', ...env } }),
  );
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ovn-ts-sandbox-'));
  await chmod(dir, 0o755); // embedded PostgreSQL runs as its own user when we are root
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('ovn-ts sandbox', () => {
  test('--demo prints each step with its outcome and exits 0 when all are as expected', async () => {
    const r = await run(OVN_TS, ['sandbox', '--demo', '--data-dir', join(dir, 'demo')]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const lines = r.out.split('\n');
    // Each check line follows its step's title.
    const outcomeOf = (title: string) => {
      const i = lines.findIndex((l) => l.includes(title));
      expect(i, `step "${title}" is printed`).toBeGreaterThanOrEqual(0);
      return lines.slice(i + 1).find((l) => l.includes('expected:'));
    };
    for (const title of [
      'same switch, same hypervisor: vm3 → vm4',
      'same switch, across hypervisors (Geneve): vm1 → vm2',
      'across the router, same hypervisor: vm1 → vm3',
      'across the router and hypervisors: vm2 → vm4',
      'vm2 with its own IP again: vm2 → vm1',
    ])
      expect(outcomeOf(title)).toMatch(/expected: replies; outcome: replies \(3\/3 replies.*… ok$/);
    expect(outcomeOf('vm2 with its new IP: vm2 → vm1')).toMatch(
      /expected: no reply; outcome: no reply \(0\/2 replies.*… ok$/,
    );
    // The drop is port security's: the trace of vm2's last packet ends in one of its stages.
    expect(outcomeOf("why: vm2's last packet traced")).toMatch(
      /expected: dropped by port security; outcome: dropped by port security \(\d+: ls_in_port_sec_(l2|ip|nd) .*actions=\(drop;\)\) … ok$/,
    );
    expect(r.out).not.toContain('UNEXPECTED');
    expect(lines.filter((l) => l.endsWith('… ok'))).toHaveLength(9);
    expect(r.out).toContain('ovn-ts sandbox --demo: passed');
  }, 120_000);

  test('--demo needs two hypervisors', async () => {
    const r = await run(OVN_TS, ['sandbox', '--demo', '--hypervisors', '1', '--data-dir', dir]);
    expect(r).toEqual({
      code: 2,
      out: '',
      err: 'ovn-ts: sandbox: --hypervisors 1: expected a number from 2 to 254\n',
    });
  });

  test('while it runs, VMs are attached and ping each other from another terminal', async () => {
    const dataDir = join(dir, 'live');
    const child = spawn(process.execPath, [OVN_TS, 'sandbox', '--data-dir', dataDir], {
      env: { PATH: process.env.PATH ?? '' },
    });
    const done = collect(child);
    try {
      let out = '';
      child.stdout.on('data', (d) => (out += d));
      await expect.poll(() => out, { timeout: 60_000, interval: 100 }).toContain('Press Ctrl-C');
      expect(out).toContain('hypervisor hv1 is up');
      expect(out).toContain('hypervisor hv2 is up');
      const env = Object.fromEntries(
        [...(await readFile(join(dataDir, 'env'), 'utf8')).matchAll(/export (\w+)='([^']*)'/g)].map(
          (m) => [m[1]!, m[2]!],
        ),
      );
      expect(Object.keys(env).sort()).toEqual(['OVN_NB_DB', 'OVN_SB_DB']);
      const vm = (...args: string[]) => run(OVN_TS, ['vm', '--data-dir', dataDir, ...args]);
      expect(
        await run(
          NBCTL,
          [
            '--wait=sb',
            'ls-add',
            'sw0',
            '--',
            'lsp-add',
            'sw0',
            'vm1',
            '--',
            'lsp-set-addresses',
            'vm1',
            '0a:00:00:00:00:01 10.0.0.1',
            '--',
            'lsp-add',
            'sw0',
            'vm2',
            '--',
            'lsp-set-addresses',
            'vm2',
            '0a:00:00:00:00:02 10.0.0.2',
          ],
          env,
        ),
      ).toMatchObject({ code: 0, err: '' });
      expect(
        await vm('attach', 'hv1', 'vm1', '--mac', '0a:00:00:00:00:01', '--ip', '10.0.0.1/24'),
      ).toEqual({
        code: 0,
        out: 'vm1 attached to hv1 (0a:00:00:00:00:01 10.0.0.1/24); port up\n',
        err: '',
      });
      expect(
        await vm('attach', 'hv2', 'vm2', '--mac', '0a:00:00:00:00:02', '--ip', '10.0.0.2/24'),
      ).toMatchObject({ code: 0 });
      expect(
        await vm('attach', 'hv9', 'vm3', '--mac', '0a:00:00:00:00:03', '--ip', '10.0.0.3/24'),
      ).toEqual({ code: 1, out: '', err: 'ovn-ts: vm attach: hv9: no such hypervisor\n' });
      const ping = await vm('ping', 'vm1', '10.0.0.2', '-c', '2', '-i', '10');
      expect(ping.code).toBe(0);
      expect(ping.out).toContain('2 packets transmitted, 2 received, 0% packet loss');
      const list = await vm('list');
      expect(list.out.split('\n').map((l) => l.split(/\s+/).slice(0, 2).join(' '))).toEqual([
        'hv1 vm1',
        'hv2 vm2',
        '',
      ]);
      // Without telling NB the address moves: nothing stops it (no port security here) …
      expect((await vm('set-ip', 'vm2', '10.0.0.7/24')).out).toBe(
        'vm2: 10.0.0.2/24 → 10.0.0.7/24 (NB not told)\n',
      );
      // … but vm1 asks for 10.0.0.2, which vm2 no longer answers: no reply, exit 1 like ping(8).
      const lost = await vm('ping', 'vm1', '10.0.0.2', '-c', '1', '-W', '300');
      expect(lost.code).toBe(1);
      expect(lost.out).toContain('1 packets transmitted, 0 received, 100% packet loss');
      expect(await vm('detach', 'vm2')).toEqual({ code: 0, out: 'vm2 detached\n', err: '' });
      expect(await vm('ping', 'vm9', '10.0.0.1')).toEqual({
        code: 1,
        out: '',
        err: 'ovn-ts: vm ping: vm9: no such VM\n',
      });
    } finally {
      child.kill('SIGTERM');
    }
    const r = await done;
    expect(r.code).toBe(0);
    expect(r.out).toContain('ovn-ts sandbox: stopping');
  }, 120_000);

  test('ovn-ts vm without a running sandbox says so', async () => {
    const r = await run(OVN_TS, ['vm', '--data-dir', join(dir, 'none'), 'list']);
    expect(r.code).toBe(1);
    expect(r.err).toBe(
      `ovn-ts: vm list: no sandbox is running (no ${join(dir, 'none', 'control.sock')}); start one with: ovn-ts sandbox\n`,
    );
  });
});
