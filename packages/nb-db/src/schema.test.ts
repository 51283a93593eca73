import { FeedReader } from '@ovn-ts/db';
import { createTestDatabase, type TestDatabase } from '@ovn-ts/db/testing';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { NB_SCHEMA } from './migrations/index.js';
import { NbStore } from './store.js';

let db: TestDatabase;
let nb: NbStore;

beforeAll(async () => {
  db = await createTestDatabase('nb');
  nb = NbStore.open(db.url);
  await nb.init();
});

afterAll(async () => {
  await nb.close();
  await db.drop();
});

/** Runs plain SQL as an outside client would, returning the error message or 'ok'. */
async function plain(sqlText: string, params: unknown[] = []): Promise<string> {
  try {
    await nb.pool.query(sqlText, params);
    return 'ok';
  } catch (err) {
    return (err as Error).message;
  }
}

async function newSwitch(name: string): Promise<string> {
  return (await nb.switches.insert({ name })).uuid;
}

describe('NB schema', () => {
  test('init is idempotent and leaves one NB_Global row', async () => {
    const again = await nb.init();
    expect(again.applied).toEqual([]);
    const rows = await nb.pool.query('SELECT count(*)::int AS n FROM nb.nb_global');
    expect(rows.rows[0].n).toBe(1);
    expect(await plain('INSERT INTO nb.nb_global DEFAULT VALUES')).toMatch(/unique/);
  });

  test.each([
    [
      'malformed MAC in addresses',
      `INSERT INTO nb.logical_switch_port(name, switch_uuid, addresses) VALUES ('p-mac', $1, '{"zz:00:00:00:00:01 10.0.0.1"}')`,
      /lsp_addresses_valid/,
    ],
    [
      'malformed IP in addresses',
      `INSERT INTO nb.logical_switch_port(name, switch_uuid, addresses) VALUES ('p-ip', $1, '{"00:00:00:00:00:01 10.0.0.300"}')`,
      /lsp_addresses_valid/,
    ],
    [
      'bad port security',
      `INSERT INTO nb.logical_switch_port(name, switch_uuid, port_security) VALUES ('p-ps', $1, '{"00:00:00:00:00:01 10.0.0.0/33"}')`,
      /lsp_port_security_valid/,
    ],
    [
      'unknown port type',
      `INSERT INTO nb.logical_switch_port(name, switch_uuid, type) VALUES ('p-type', $1, 'bogus')`,
      /lsp_type_known/,
    ],
    [
      'VLAN tag out of range',
      `INSERT INTO nb.logical_switch_port(name, switch_uuid, parent_name, tag_request) VALUES ('p-tag', $1, 'vm', 4096)`,
      /tag_request_range/,
    ],
    [
      'option value not a string',
      `INSERT INTO nb.logical_switch_port(name, switch_uuid, options) VALUES ('p-opt', $1, '{"a": 1}')`,
      /options_is_string_map/,
    ],
    [
      'ACL priority out of range',
      `INSERT INTO nb.acl(switch_uuid, direction, priority, match, action) VALUES ($1, 'to-lport', 32768, 'ip4', 'drop')`,
      /acl_priority_range/,
    ],
    [
      'ACL unknown action',
      `INSERT INTO nb.acl(switch_uuid, direction, priority, match, action) VALUES ($1, 'to-lport', 1, 'ip4', 'permit')`,
      /acl_action_known/,
    ],
    [
      'ACL unknown direction',
      `INSERT INTO nb.acl(switch_uuid, direction, priority, match, action) VALUES ($1, 'inbound', 1, 'ip4', 'drop')`,
      /acl_direction_known/,
    ],
  ])('plain SQL is refused: %s', async (_what, statement, expected) => {
    const ls = await newSwitch('refuse');
    expect(await plain(statement, [ls])).toMatch(expected);
  });

  test('plain SQL is refused: ACL with no owner, bad address set, bad router port, bad NAT, bad LB', async () => {
    expect(
      await plain(
        `INSERT INTO nb.acl(direction, priority, match, action) VALUES ('to-lport', 1, 'ip4', 'drop')`,
      ),
    ).toMatch(/acl_has_one_owner/);
    expect(
      await plain(
        `INSERT INTO nb.address_set(name, addresses) VALUES ('as1', '{"10.0.0.1", "nope"}')`,
      ),
    ).toMatch(/address_set_addresses_valid/);
    expect(await plain(`INSERT INTO nb.address_set(name) VALUES ('bad name')`)).toMatch(
      /address_set_name_identifier/,
    );
    const lr = (await nb.routers.insert({ name: 'lr0' })).uuid;
    expect(
      await plain(
        `INSERT INTO nb.logical_router_port(name, router_uuid, mac, networks) VALUES ('lrp', $1, '00:00:00:00:00:zz', '{10.0.0.1/24}')`,
        [lr],
      ),
    ).toMatch(/macaddr/);
    expect(
      await plain(
        `INSERT INTO nb.logical_router_port(name, router_uuid, mac, networks) VALUES ('lrp', $1, '00:00:00:00:00:01', '{}')`,
        [lr],
      ),
    ).toMatch(/lrp_networks_not_empty/);
    expect(
      await plain(
        `INSERT INTO nb.nat(router_uuid, type, external_ip, logical_ip) VALUES ($1, 'masquerade', '1.1.1.1', '10.0.0.5')`,
        [lr],
      ),
    ).toMatch(/nat_type_known/);
    expect(
      await plain(
        `INSERT INTO nb.nat(router_uuid, type, external_ip, logical_ip) VALUES ($1, 'dnat', '1.1.1.1', '10.0.0.0/24')`,
        [lr],
      ),
    ).toMatch(/nat_logical_ip_host/);
    expect(
      await plain(
        `INSERT INTO nb.load_balancer(name, vips) VALUES ('lb', '{"10.0.0.10:80": "10.0.0.2"}')`,
      ),
    ).toMatch(/load_balancer_vips_valid/);
    expect(
      await plain(
        `INSERT INTO nb.load_balancer(name, vips) VALUES ('lb', '{"10.0.0.10:80": "10.0.0.2:8080,10.0.0.3:8080"}')`,
      ),
    ).toBe('ok');
    expect(
      await plain(
        `INSERT INTO nb.load_balancer(name, vips) VALUES ('lb6', '{"[fd00::10]:80": "[fd00::2]:8080"}')`,
      ),
    ).toBe('ok');
    expect(
      await plain(
        `INSERT INTO nb.logical_router_static_route(router_uuid, ip_prefix, nexthop) VALUES ($1, '10.0.0.0/24', '10.0.0.0/8')`,
        [lr],
      ),
    ).toMatch(/nexthop_valid/);
  });

  test('port names are unique across switches', async () => {
    const a = await newSwitch('a');
    const b = await newSwitch('b');
    await nb.switchPorts.insert({ name: 'dup', switch_uuid: a });
    expect(
      await plain(`INSERT INTO nb.logical_switch_port(name, switch_uuid) VALUES ('dup', $1)`, [b]),
    ).toMatch(/logical_switch_port_name_unique/);
  });

  test('valid addresses are accepted in every OVN form', async () => {
    const ls = await newSwitch('forms');
    const p = await nb.switchPorts.insert({
      name: 'forms-p',
      switch_uuid: ls,
      addresses: [
        'unknown',
        'router',
        'dynamic',
        '0a:00:00:00:00:01',
        '0a:00:00:00:00:02 10.0.0.2 fd00::2',
        '0a:00:00:00:00:03 dynamic',
      ],
      port_security: ['0a:00:00:00:00:02 10.0.0.2/32 fd00::/64'],
    });
    expect(p.addresses).toHaveLength(6);
    expect(p.port_security).toEqual(['0a:00:00:00:00:02 10.0.0.2/32 fd00::/64']);
  });

  test('deleting a switch deletes its ports, ACLs and port group memberships', async () => {
    const ls = await newSwitch('cascade');
    const p = await nb.switchPorts.insert({ name: 'cascade-p', switch_uuid: ls });
    await nb.acls.insert({
      switch_uuid: ls,
      direction: 'to-lport',
      priority: 100,
      match: 'ip4',
      action: 'allow',
    });
    const pg = await nb.portGroups.insert({ name: 'pg_cascade' });
    await nb.portGroupPorts.add(pg.uuid, [p.uuid]);
    await nb.switches.delete(ls);
    expect(await nb.switchPorts.get(p.uuid)).toBeUndefined();
    expect(await nb.acls.where('switch_uuid', ls)).toEqual([]);
    expect(await nb.portGroupPorts.members(pg.uuid)).toEqual([]);
    expect(await nb.portGroups.get(pg.uuid)).toBeDefined();
  });

  test('revision supports compare-and-set', async () => {
    const ls = await nb.switches.insert({ name: 'cas' });
    expect(ls.revision).toBe(0);
    const v1 = await nb.switches.update(
      ls.uuid,
      { external_ids: { 'neutron:name': 'net1' } },
      { revision: 0 },
    );
    expect(v1.revision).toBe(1);
    expect(v1.external_ids).toEqual({ 'neutron:name': 'net1' });
    await expect(
      nb.switches.update(ls.uuid, { name: 'late' }, { revision: 0 }),
    ).rejects.toMatchObject({ code: 'conflict' });
    expect((await nb.switches.get(ls.uuid))!.name).toBe('cas');
  });

  test('a transaction spanning many operations commits together or not at all', async () => {
    await expect(
      nb.transaction(async (tx) => {
        const ls = await tx.switches.insert({ name: 'tx-ls' });
        await tx.switchPorts.insert({ name: 'tx-p1', switch_uuid: ls.uuid });
        await tx.switchPorts.insert({ name: 'tx-p1', switch_uuid: ls.uuid });
      }),
    ).rejects.toMatchObject({ code: 'constraint' });
    expect(await nb.switches.where('name', 'tx-ls')).toEqual([]);
    const made = await nb.transaction(async (tx) => {
      const ls = await tx.switches.insert({ name: 'tx-ok' });
      await tx.switchPorts.insert({ name: 'tx-ok-p', switch_uuid: ls.uuid });
      return tx.bumpNbCfg(1234);
    });
    expect(made).toBeGreaterThan(0);
    expect((await nb.global()).nb_cfg_timestamp).toBe(1234);
  });

  test('the feed records NB changes, one commit per transaction', async () => {
    const reader = new FeedReader(nb.pool, NB_SCHEMA);
    const head = await reader.head();
    await nb.transaction(async (tx) => {
      const ls = await tx.switches.insert({ name: 'feed-ls' });
      await tx.switchPorts.insert({
        name: 'feed-p',
        switch_uuid: ls.uuid,
        addresses: ['0a:00:00:00:00:09 10.0.0.9'],
      });
    });
    const r = await reader.read(head);
    expect(r.kind).toBe('commits');
    if (r.kind !== 'commits') return;
    expect(r.commits).toHaveLength(1);
    expect(r.commits[0]!.changes.map((c) => [c.table, c.op, c.row.name])).toEqual([
      ['logical_switch', 'insert', 'feed-ls'],
      ['logical_switch_port', 'insert', 'feed-p'],
    ]);
  });
});
