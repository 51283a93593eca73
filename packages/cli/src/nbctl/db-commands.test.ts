import { nbCatalog } from '@ovn-ts/nb-db';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type NbctlKit, startNbctlKit } from './test-kit.js';

let kit: NbctlKit;
let sw0: string;
beforeAll(async () => {
  kit = await startNbctlKit();
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
  sw0 = (
    await kit.query<{ uuid: string }>("SELECT uuid::text FROM nb.logical_switch WHERE name = 'sw0'")
  )[0]!.uuid;
});
afterAll(() => kit.close());

describe('generic database commands', () => {
  test('list in OVSDB record format, table names case-insensitive, with --columns', async () => {
    const p1 = (
      await kit.query<{ uuid: string }>(
        "SELECT uuid::text FROM nb.logical_switch_port WHERE name = 'p1'",
      )
    )[0]!.uuid;
    expect(await kit.ok('list', 'logical_switch')).toEqual(
      [
        `_uuid        : ${sw0}`,
        'name         : "sw0"',
        `ports        : [${p1}]`,
        'acls         : []',
        'load_balancer : []',
        'other_config : {}',
        'external_ids : {}',
      ].map((l) => l.replace(/^(\S+)\s*:/, (_, h: string) => `${h.padEnd(13)} :`)),
    );
    expect(await kit.ok('--columns=name,addresses', 'list', 'Logical_Switch_Port', 'p1')).toEqual([
      'name      : "p1"',
      'addresses : ["00:00:00:00:00:01 10.0.0.1"]',
    ]);
  });

  test('get, set (column and map key), add and remove on sets and maps, clear', async () => {
    await kit.ok(
      'set',
      'Logical_Switch',
      'sw0',
      'external_ids:owner=alice',
      'other_config:mcast_snoop=true',
    );
    expect(
      await kit.ok('get', 'Logical_Switch', 'sw0', 'external_ids:owner', 'other_config'),
    ).toEqual(['alice', '{mcast_snoop="true"}']);
    await kit.ok('add', 'Logical_Switch', 'sw0', 'external_ids', 'owner=bob', 'team=net');
    expect(await kit.ok('get', 'Logical_Switch', 'sw0', 'external_ids')).toEqual([
      '{owner=alice, team=net}',
    ]);
    await kit.ok('remove', 'Logical_Switch', 'sw0', 'external_ids', 'owner');
    expect(await kit.ok('get', 'Logical_Switch', 'sw0', 'external_ids')).toEqual(['{team=net}']);
    await kit.ok('add', 'Logical_Switch_Port', 'p1', 'addresses', '"00:00:00:00:00:02 10.0.0.2"');
    expect(await kit.ok('get', 'Logical_Switch_Port', 'p1', 'addresses')).toEqual([
      '["00:00:00:00:00:01 10.0.0.1", "00:00:00:00:00:02 10.0.0.2"]',
    ]);
    await kit.ok(
      'remove',
      'Logical_Switch_Port',
      'p1',
      'addresses',
      '"00:00:00:00:00:01 10.0.0.1"',
    );
    expect(await kit.ok('--bare', 'get', 'Logical_Switch_Port', 'p1', 'addresses')).toEqual([
      '00:00:00:00:00:02 10.0.0.2',
    ]);
    await kit.ok('set', 'Logical_Switch_Port', 'p1', 'tag_request=7', 'parent_name=vm');
    expect(await kit.ok('get', 'Logical_Switch_Port', 'p1', 'tag_request', 'parent_name')).toEqual([
      '7',
      'vm',
    ]);
    await kit.ok('clear', 'Logical_Switch_Port', 'p1', 'addresses', 'tag_request');
    expect(await kit.ok('get', 'Logical_Switch_Port', 'p1', 'addresses', 'tag_request')).toEqual([
      '[]',
      '[]',
    ]);
  });

  test('find by column, by map key, with !=', async () => {
    await kit.ok('ls-add', 'sw1');
    expect(
      await kit.ok('--bare', '--columns=name', 'find', 'Logical_Switch', 'external_ids:team=net'),
    ).toEqual(['sw0']);
    expect(await kit.ok('--bare', '--columns=name', 'find', 'Logical_Switch', 'name!=sw0')).toEqual(
      ['sw1'],
    );
    expect(await kit.ok('--columns=_uuid', 'find', 'logical_switch', 'name=sw0')).toEqual([
      `_uuid : ${sw0}`,
    ]);
  });

  test('create prints the UUID; destroy; NB_Global is "."', async () => {
    const [uuid] = await kit.ok(
      'create',
      'DHCP_Options',
      'cidr=10.1.0.0/16',
      'options:lease_time=60',
    );
    // A string value that looks like a number is quoted, as OVSDB prints it.
    expect(await kit.ok('get', 'DHCP_Options', uuid!, 'options:lease_time')).toEqual(['"60"']);
    await kit.ok('destroy', 'DHCP_Options', uuid!);
    expect(await kit.query('SELECT 1 FROM nb.dhcp_options')).toEqual([]);
    expect(await kit.ok('get', 'NB_Global', '.', 'nb_cfg')).toEqual(['0']);
    // How the README turns datapath groups off.
    await kit.ok('set', 'NB_Global', '.', 'options:use_logical_dp_groups=false');
    // (A string that reads as a boolean is quoted, as OVSDB prints it.)
    expect(await kit.ok('get', 'NB_Global', '.', 'options:use_logical_dp_groups')).toEqual([
      '"false"',
    ]);
    await kit.ok(
      'create',
      'DHCP_Options',
      'cidr=10.2.0.0/16',
      '--',
      'create',
      'DHCP_Options',
      'cidr=10.3.0.0/16',
    );
    await kit.ok('--all', 'destroy', 'DHCP_Options');
    expect(await kit.query('SELECT 1 FROM nb.dhcp_options')).toEqual([]);
  });

  test('UUID abbreviations work; errors name the table, column or row', async () => {
    expect(await kit.ok('get', 'Logical_Switch', sw0.slice(0, 8), 'name')).toEqual(['"sw0"']);
    const err = async (...args: string[]) => (await kit.nbctl(...args)).err;
    expect(await err('list', 'Bogus_Table')).toBe(
      'nbctl: list: Bogus_Table: no table of that name in the NB database\n',
    );
    expect(await err('get', 'Logical_Switch', 'sw0', 'colour')).toBe(
      'nbctl: get: colour: no column of that name in table Logical_Switch\n',
    );
    expect(await err('get', 'Logical_Switch', 'sw9', 'name')).toBe(
      'nbctl: get: sw9: no row in table Logical_Switch\n',
    );
    expect(await err('set', 'Logical_Switch_Port', 'p1', 'tag_request=ten')).toBe(
      'nbctl: set: Logical_Switch_Port.tag_request: "ten" is not an integer\n',
    );
    expect(await err('set', 'Logical_Switch', 'sw0', 'ports=[]')).toBe(
      'nbctl: set: Logical_Switch.ports: this column is read-only here (change it with the command that owns the relation, e.g. lsp-add)\n',
    );
  });

  test('the database constraints are the backstop: a refused value is reported, not a crash', async () => {
    const r = await kit.nbctl('set', 'Logical_Switch_Port', 'p1', 'tag_request=5000');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^nbctl: set: the database refused the change: .*tag_request_range/);
    const bad = await kit.nbctl('set', 'Logical_Switch_Port', 'p1', 'addresses="zz:zz"');
    expect(bad.err).toMatch(/^nbctl: set: the database refused the change: .*lsp_addresses_valid/);
  });
});

describe('every table of the catalog', () => {
  test('lists, with every column readable, under its OVN name in any case', async () => {
    for (const t of nbCatalog) {
      const r = await kit.nbctl('--format=json', 'list', t.name.toUpperCase());
      expect(r.err).toBe('');
      expect(JSON.parse(r.out).headings).toEqual(['_uuid', ...t.columns.map((c) => c.name)]);
    }
  });
});

describe('wait-until', () => {
  test('returns once another client makes the condition true', async () => {
    await kit.ok('lsp-add', 'sw0', 'w1');
    const run = kit.nbctl('--timeout=20', 'wait-until', 'Logical_Switch_Port', 'w1', 'up=true');
    await new Promise((r) => setTimeout(r, 300));
    await kit.query("UPDATE nb.logical_switch_port SET up = true WHERE name = 'w1'");
    expect(await run).toMatchObject({ code: 0, err: '' });
  });

  test('waits for the record to exist; times out naming what it waited for', async () => {
    const run = kit.nbctl('--timeout=20', 'wait-until', 'Logical_Switch', 'late');
    await new Promise((r) => setTimeout(r, 300));
    await kit.query("INSERT INTO nb.logical_switch (name) VALUES ('late')");
    expect((await run).code).toBe(0);
    const r = await kit.nbctl(
      '--timeout=1',
      'wait-until',
      'Logical_Switch_Port',
      'w1',
      'external_ids:ready=yes',
    );
    expect(r).toMatchObject({
      code: 1,
      err: 'nbctl: timed out after 1s waiting until Logical_Switch_Port w1 external_ids:ready=yes\n',
    });
  });
});
