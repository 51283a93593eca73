import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type NbctlKit, startNbctlKit } from './test-kit.js';

let kit: NbctlKit;
beforeAll(async () => {
  kit = await startNbctlKit();
  await kit.ok(
    'ls-add',
    'sw0',
    '--',
    'ls-add',
    'sw1',
    '--',
    'set',
    'Logical_Switch',
    'sw1',
    'external_ids:note="a, b"',
  );
});
afterAll(() => kit.close());

describe('command line', () => {
  test('usage errors name the command and the problem', async () => {
    const err = async (...args: string[]) => {
      const r = await kit.nbctl(...args);
      expect(r.code).toBe(1);
      return r.err;
    };
    expect(await err('ls-frobnicate')).toBe(
      "nbctl: unknown command 'ls-frobnicate'; use --help for help\n",
    );
    expect(await err('lsp-add', 'sw0')).toBe(
      'nbctl: lsp-add: expects 2 to 4 arguments (usage: lsp-add SWITCH PORT [PARENT TAG]), got 1\n',
    );
    expect(await err('--frob', 'ls-add', 'x')).toBe(
      "nbctl: ls-add: 'ls-add' command has no '--frob' option\n",
    );
    expect(await err('--wait=always', 'ls-list')).toBe(
      'nbctl: --wait: "always" is not one of none, sb, hv\n',
    );
    expect(await err('--may-exist')).toBe('nbctl: missing command name after --may-exist\n');
    expect((await kit.raw([])).err).toBe('nbctl: missing command name (use --help for help)\n');
  });

  test('--help lists every command group and the global options; --version', async () => {
    const help = await kit.raw(['--help']);
    expect(help.code).toBe(0);
    for (const s of [
      'ls-add',
      'lsp-set-port-security',
      'lr-route-add',
      'acl-add',
      'as-add',
      'create Address_Set',
      '--wait=none|sb|hv',
    ]) {
      expect(help.out).toContain(s);
    }
    expect((await kit.raw(['--version'])).out).toMatch(/^nbctl \(ovn-ts\) \d+\.\d+\.\d+\n$/);
  });

  test('--format: table, json (OVSDB shape for generic lists), csv with quoting', async () => {
    const table = await kit.ok('--format=table', 'ls-list');
    expect(table.join('\n')).toMatch(/uuid.*name/);
    expect(table.filter((l) => / sw0 | sw1 /.test(l))).toHaveLength(2);

    const json = JSON.parse(
      (
        await kit.ok(
          '--format=json',
          '--columns=name,external_ids,ports',
          'list',
          'Logical_Switch',
          'sw1',
        )
      ).join(''),
    );
    expect(json).toEqual({
      headings: ['name', 'external_ids', 'ports'],
      data: [['sw1', ['map', [['note', 'a, b']]], ['set', []]]],
    });

    const csv = await kit.ok(
      '--format=csv',
      '--columns=name,external_ids',
      'find',
      'Logical_Switch',
      'name=sw1',
    );
    expect(csv).toEqual(['name,external_ids', '"""sw1""","{note=""a, b""}"']);
  });

  test('--oneline: one line per command, an empty one for a command without output', async () => {
    const r = await kit.nbctl(
      '--oneline',
      'ls-list',
      '--',
      'ls-add',
      'sw2',
      '--',
      'lsp-add',
      'sw2',
      'o1',
      '--',
      'lsp-set-addresses',
      'o1',
      'unknown',
      'dynamic',
      '--',
      'lsp-get-addresses',
      'o1',
    );
    const lines = r.out.split('\n');
    expect(lines.slice(1)).toEqual(['', '', '', 'unknown\\ndynamic', '']);
    expect(lines[0]).toMatch(/^[0-9a-f-]{36} \(sw0\)\\n[0-9a-f-]{36} \(sw1\)$/);
  });

  test('--bare prints values only', async () => {
    expect(await kit.ok('--bare', '--columns=name', 'find', 'Logical_Switch', 'name=sw0')).toEqual([
      'sw0',
    ]);
  });
});
