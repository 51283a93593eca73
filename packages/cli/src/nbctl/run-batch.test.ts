import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type NbctlKit, startNbctlKit } from './test-kit.js';

let kit: NbctlKit;
beforeAll(async () => {
  kit = await startNbctlKit();
});
afterAll(() => kit.close());

/** Everything nbctl could have written, to compare before and after a failed batch. */
const snapshot = async () =>
  kit.query(`SELECT (SELECT count(*) FROM nb.logical_switch)::int AS switches,
                    (SELECT count(*) FROM nb.logical_switch_port)::int AS ports,
                    (SELECT count(*) FROM nb.acl)::int AS acls,
                    (SELECT nb_cfg FROM nb.nb_global) AS nb_cfg`);

describe('one transaction per invocation', () => {
  test('commands separated by -- see each other and commit together', async () => {
    await kit.ok(
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
    );
    expect(await kit.ok('lsp-get-addresses', 'p1')).toEqual(['00:00:00:00:00:01 10.0.0.1']);
  });

  test('a failing last command leaves the database unchanged (run-time failure)', async () => {
    const before = await snapshot();
    const r = await kit.nbctl(
      'ls-add',
      'sw1',
      '--',
      'lsp-add',
      'sw1',
      'p2',
      '--',
      'acl-add',
      'sw1',
      'to-lport',
      '1',
      'ip',
      'drop',
      '--',
      'lsp-add',
      'sw9',
      'p3',
    );
    expect(r).toMatchObject({ code: 1, err: 'nbctl: lsp-add: sw9: switch not found\n', out: '' });
    expect(await snapshot()).toEqual(before);
  });

  test('a failing last command leaves the database unchanged (refused by a database constraint)', async () => {
    const before = await snapshot();
    const r = await kit.nbctl(
      'ls-add',
      'sw1',
      '--',
      'lsp-add',
      'sw1',
      'p2',
      'vm',
      '1',
      '--',
      'set',
      'Logical_Switch_Port',
      'p2',
      'tag_request=9999',
    );
    expect(r.code).toBe(1);
    expect(r.err).toBe(
      'nbctl: set: the database refused the change: new row for relation "logical_switch_port" violates check constraint "tag_request_range" [constraint tag_request_range on logical_switch_port]\n',
    );
    expect(await snapshot()).toEqual(before);
  });

  test('a malformed value in the last command is caught before connecting: nothing written', async () => {
    const before = await snapshot();
    const r = await kit.nbctl(
      'ls-add',
      'sw1',
      '--',
      'lsp-add',
      'sw1',
      'p2',
      '--',
      'lsp-set-addresses',
      'p2',
      'zz:00:00:00:00:01',
    );
    expect(r.err).toBe(
      'nbctl: lsp-set-addresses: p2: invalid MAC address "zz:00:00:00:00:01" in "zz:00:00:00:00:01"\n',
    );
    expect(await snapshot()).toEqual(before);
  });

  test('outputs are printed in command order after the commit', async () => {
    const r = await kit.ok(
      'lsp-get-addresses',
      'p1',
      '--',
      'lsp-set-addresses',
      'p1',
      'unknown',
      '--',
      'lsp-get-addresses',
      'p1',
      '--',
      'ls-list',
    );
    expect(r.slice(0, 2)).toEqual(['00:00:00:00:00:01 10.0.0.1', 'unknown']);
    expect(r[2]).toMatch(/ \(sw0\)$/);
  });

  test('--dry-run runs the commands and then rolls back', async () => {
    const before = await snapshot();
    expect(await kit.ok('--dry-run', 'ls-add', 'dry', '--', 'ls-list')).toHaveLength(2);
    expect(await snapshot()).toEqual(before);
  });
});

describe('names resolved earlier in a batch', () => {
  test('a switch renamed by a generic set is not found under its old name later in the batch', async () => {
    await kit.ok('ls-add', 'old');
    const r = await kit.nbctl(
      'lsp-add',
      'old',
      'q1',
      '--',
      'set',
      'Logical_Switch',
      'old',
      'name=new',
      '--',
      'lsp-add',
      'old',
      'q2',
    );
    expect(r.err).toBe('nbctl: lsp-add: old: switch not found\n');
    expect(await kit.query("SELECT name FROM nb.logical_switch_port WHERE name LIKE 'q%'")).toEqual(
      [],
    );
  });
});
