import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, test } from 'vitest';

const BIN = resolve(import.meta.dirname, '../../bin/ovn-ts.js');

/** Runs the compiled CLI as an operator would (pnpm test builds before vitest runs). */
function ovnTs(args: string[], stdin?: string) {
  if (!existsSync(resolve(import.meta.dirname, '../../dist/ovn-ts/main.js')))
    throw new Error('build first');
  const r = spawnSync(process.execPath, [BIN, ...args], { input: stdin ?? '', encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('ovn-ts expr', () => {
  test('parse prints the normalized match, or the error, and sets the exit code', () => {
    const ok = ovnTs(['expr', 'parse', 'tcp.dst == 80']);
    // tcp.dst needs tcp, which needs ip: IPv4 or IPv6.
    expect(ok).toMatchObject({
      code: 0,
      out: 'ok eth.type == {0x800, 0x86dd} && ip.proto == 6 && tcp.dst == 80\n',
    });
    const bad = ovnTs(['expr', 'parse', 'ip4.src == 10.0.0.1 && tcp || udp']);
    expect(bad).toMatchObject({
      code: 1,
      out: 'error && and || must be parenthesized when used together.\n',
    });
  });

  test('flows resolves ports and address sets, one line per datapath match', () => {
    const r = ovnTs([
      'expr',
      'flows',
      '--port',
      'p1=5',
      '--address-set',
      'as=10.0.0.1,10.0.1.2',
      'inport == "p1" && ip4.src == $as',
    ]);
    expect(r.code).toBe(0);
    const lines = r.out.trim().split('\n');
    expect(lines).toHaveLength(2);
    for (const l of lines) expect(l).toMatch(/reg14=0x5/);
    expect(lines.some((l) => l.includes('10.0.0.1'))).toBe(true);
    expect(lines.some((l) => l.includes('10.0.1.2'))).toBe(true);
  });

  test('actions prints canonical text and, on request, the prerequisites', () => {
    expect(ovnTs(['expr', 'actions', '--prereqs', 'ip.ttl--;next;']).out).toBe(
      'ok ip.ttl--; next; [prereqs: ip]\n',
    );
    expect(ovnTs(['expr', 'actions', 'reg0 = 00:00:00:00:00:01;']).out).toBe(
      'error 48-bit constant is not compatible with 32-bit field reg0.\n',
    );
  });

  test('--batch answers each input line with exactly one line', () => {
    const r = ovnTs(['expr', 'parse', '--batch'], 'ip4\nbogus ==\n\ntcp\n');
    const lines = r.out.split('\n').slice(0, -1);
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatch(/^ok /);
    expect(lines[1]).toMatch(/^error /);
    expect(lines[2]).toMatch(/^error /);
    expect(lines[3]).toMatch(/^ok /);
    expect(r.code).toBe(1);
  });

  test('bad environment options are usage errors', () => {
    const r = ovnTs(['expr', 'flows', '--port', 'p1', 'inport == "p1"']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^ovn-ts: expr: --port p1: expecting NAME=KEY/);
  });
});
