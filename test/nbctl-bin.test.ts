/**
 * nbctl through its compiled bin, as users run it (`pnpm build` first; `pnpm test` does that):
 * exit codes, stdout and stderr of a real child process.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { freePort } from '@ovn-ts/db/embedded';
import { createTestDatabase, type TestDatabase } from '@ovn-ts/db/testing';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

const BIN = fileURLToPath(new URL('../packages/cli/bin/nbctl.js', import.meta.url));
const DIST = fileURLToPath(new URL('../packages/cli/dist/nbctl/main.js', import.meta.url));

function nbctl(
  args: readonly string[],
  env: Record<string, string> = {},
): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: { PATH: process.env.PATH ?? '', ...env },
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out, err }));
  });
}

let db: TestDatabase;
beforeAll(async () => {
  if (!existsSync(DIST)) throw new Error(`${DIST} is missing: run "pnpm build" before this test`);
  db = await createTestDatabase('nbctl_bin');
});
afterAll(() => db.drop());

describe('the nbctl bin', () => {
  test('init, a batch, show; OVN_NB_DB from the environment', async () => {
    expect(await nbctl(['--db', db.url, 'init'])).toEqual({ code: 0, out: '', err: '' });
    const batch = await nbctl(
      [
        'ls-add',
        'sw0',
        '--',
        'lsp-add',
        'sw0',
        'p1',
        '--',
        'lsp-set-addresses',
        'p1',
        '00:00:00:00:00:01 10.0.0.1',
      ],
      {
        OVN_NB_DB: db.url,
      },
    );
    expect(batch).toEqual({ code: 0, out: '', err: '' });
    const show = await nbctl(['--db', db.url, 'show']);
    expect(show.code).toBe(0);
    expect(show.out).toMatch(
      /^switch [0-9a-f-]{36} \(sw0\)\n {4}port p1\n {8}addresses: \["00:00:00:00:00:01 10.0.0.1"\]\n$/,
    );
  });

  test('a validation error: message on stderr, exit status 1, nothing on stdout', async () => {
    const r = await nbctl(['--db', db.url, 'acl-add', 'sw0', 'to-lport', '40000', 'ip4', 'drop']);
    expect(r).toEqual({
      code: 1,
      out: '',
      err: 'nbctl: acl-add: sw0: priority 40000 out of range 0..32767\n',
    });
  });

  test('an unreachable database: exit status 1 and a message naming it without the password', async () => {
    const port = await freePort();
    const r = await nbctl(['--db', `postgres://admin:hunter2@127.0.0.1:${port}/nb`, 'ls-list']);
    expect(r.code).toBe(1);
    expect(r.err).toBe(
      `nbctl: cannot connect to postgres://admin@127.0.0.1:${port}/nb: connect ECONNREFUSED 127.0.0.1:${port}\n`,
    );
  });

  test('--help exits 0 and documents the address set commands', async () => {
    const r = await nbctl(['--help']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('as-add');
  });
});
