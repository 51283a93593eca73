import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type NbctlKit, startNbctlKit } from './test-kit.js';

let kit: NbctlKit;
beforeAll(async () => {
  kit = await startNbctlKit();
});
afterAll(() => kit.close());

describe('logical switches', () => {
  test('ls-add creates, ls-list lists sorted by name with UUIDs', async () => {
    await kit.ok('ls-add', 'sw1', '--', 'ls-add', 'sw0');
    const rows = await kit.query<{ uuid: string; name: string }>(
      'SELECT uuid::text, name FROM nb.logical_switch ORDER BY name',
    );
    expect(rows.map((r) => r.name)).toEqual(['sw0', 'sw1']);
    expect(await kit.ok('ls-list')).toEqual(rows.map((r) => `${r.uuid} (${r.name})`));
  });

  test('a duplicate name is refused unless --may-exist (no-op) or --add-duplicate', async () => {
    const dup = await kit.nbctl('ls-add', 'sw0');
    expect(dup.code).toBe(1);
    expect(dup.err).toBe('nbctl: ls-add: sw0: a switch with this name already exists\n');
    await kit.ok('--may-exist', 'ls-add', 'sw0');
    expect(await kit.query("SELECT 1 FROM nb.logical_switch WHERE name = 'sw0'")).toHaveLength(1);
    await kit.ok('--add-duplicate', 'ls-add', 'sw0');
    expect(await kit.query("SELECT 1 FROM nb.logical_switch WHERE name = 'sw0'")).toHaveLength(2);
    const both = await kit.nbctl('--may-exist', '--add-duplicate', 'ls-add', 'x');
    expect(both.err).toBe(
      'nbctl: ls-add: --may-exist and --add-duplicate may not be used together\n',
    );
  });

  test('a name shared by two switches is ambiguous: the error names both UUIDs; a UUID works', async () => {
    const uuids = (
      await kit.query<{ uuid: string }>(
        "SELECT uuid::text FROM nb.logical_switch WHERE name = 'sw0' ORDER BY uuid",
      )
    ).map((r) => r.uuid);
    const r = await kit.nbctl('ls-del', 'sw0');
    expect(r.code).toBe(1);
    expect(r.err).toBe(
      `nbctl: ls-del: sw0: 2 switches are named "sw0": use a UUID (candidates: ${uuids.join(', ')})\n`,
    );
    await kit.ok('ls-del', uuids[1]!);
    expect(await kit.query("SELECT uuid::text FROM nb.logical_switch WHERE name = 'sw0'")).toEqual([
      { uuid: uuids[0] },
    ]);
  });

  test('ls-del of a missing switch fails unless --if-exists', async () => {
    const r = await kit.nbctl('ls-del', 'nope');
    expect(r.err).toBe('nbctl: ls-del: nope: switch not found\n');
    expect(r.code).toBe(1);
    expect((await kit.nbctl('--if-exists', 'ls-del', 'nope')).code).toBe(0);
  });

  test('an unnamed switch can be added and is listed with an empty name', async () => {
    await kit.ok('ls-add');
    const lines = await kit.ok('ls-list');
    expect(lines.filter((l) => l.endsWith(' ()'))).toHaveLength(1);
  });

  test('ls-list --format json and csv give the same rows', async () => {
    const json = JSON.parse((await kit.ok('--format=json', 'ls-list')).join('\n'));
    expect(json.headings).toEqual(['uuid', 'name']);
    const csv = await kit.ok('--format', 'csv', 'ls-list');
    expect(csv[0]).toBe('uuid,name');
    expect(csv.slice(1)).toEqual(json.data.map((row: string[]) => row.join(',')));
  });
});
