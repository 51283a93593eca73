import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { CHECK_PROBLEMS } from './constraint-problems.js';
import { sbError } from './sb-error.js';
import { SB_TABLES } from './sb-tables.js';
import { openSbTestDb, type SbTestDb } from './test-support.js';

let t: SbTestDb;
let dp: string;

beforeAll(async () => {
  t = await openSbTestDb('sbcons');
  dp = (
    await t.pool.query(`INSERT INTO sb.datapath_binding (tunnel_key) VALUES (1) RETURNING uuid`)
  ).rows[0].uuid;
  await t.pool.query(`INSERT INTO sb.chassis (name) VALUES ('hv1')`);
  await t.pool.query(
    `INSERT INTO sb.port_binding (logical_port, datapath, tunnel_key) VALUES ('p1', $1, 1)`,
    [dp],
  );
});

afterAll(() => t.close());

/** Runs plain SQL (as any client could) and returns the constraint that refused it. */
async function refusal(
  sql: string,
  params: unknown[] = [],
): Promise<{ constraint: string; message: string }> {
  const c = await t.pool.connect();
  try {
    await c.query('BEGIN');
    await c.query(sql, params);
    throw new Error(`accepted: ${sql}`);
  } catch (err) {
    const e = err as { constraint?: string; code?: string };
    if (!e.code?.startsWith('23')) throw err;
    return { constraint: e.constraint ?? `(${e.code})`, message: sbError(err).message };
  } finally {
    await c.query('ROLLBACK');
    c.release();
  }
}

describe('the SB schema refuses bad data from plain SQL', () => {
  const cases: [string, string, () => unknown[], string][] = [
    [
      'datapath tunnel key 0',
      `INSERT INTO sb.datapath_binding (tunnel_key) VALUES (0)`,
      () => [],
      'tunnel_key_range',
    ],
    [
      'datapath tunnel key above 24 bits',
      `INSERT INTO sb.datapath_binding (tunnel_key) VALUES (16777216)`,
      () => [],
      'tunnel_key_range',
    ],
    [
      'duplicate datapath tunnel key',
      `INSERT INTO sb.datapath_binding (tunnel_key) VALUES (1)`,
      () => [],
      'datapath_tunnel_key_unique',
    ],
    [
      'unknown datapath type',
      `INSERT INTO sb.datapath_binding (tunnel_key, type) VALUES (9, 'bridge')`,
      () => [],
      'datapath_type_known',
    ],
    [
      'port tunnel key above 15 bits',
      `INSERT INTO sb.port_binding (logical_port, datapath, tunnel_key) VALUES ('p2', $1, 32768)`,
      () => [dp],
      'tunnel_key_range',
    ],
    [
      'duplicate port tunnel key on one datapath',
      `INSERT INTO sb.port_binding (logical_port, datapath, tunnel_key) VALUES ('p2', $1, 1)`,
      () => [dp],
      'port_tunnel_key_unique',
    ],
    [
      'duplicate logical_port',
      `INSERT INTO sb.port_binding (logical_port, datapath, tunnel_key) VALUES ('p1', $1, 2)`,
      () => [dp],
      'port_binding_logical_port_unique',
    ],
    [
      'port on a missing datapath',
      `INSERT INTO sb.port_binding (logical_port, datapath, tunnel_key) VALUES ('p2', gen_random_uuid(), 1)`,
      () => [],
      'port_binding_datapath_fk',
    ],
    [
      'port bound to a missing chassis',
      `UPDATE sb.port_binding SET chassis = gen_random_uuid() WHERE logical_port = 'p1'`,
      () => [],
      'port_binding_chassis_fk',
    ],
    [
      'unknown port type',
      `INSERT INTO sb.port_binding (logical_port, datapath, tunnel_key, type) VALUES ('p2', $1, 2, 'router')`,
      () => [dp],
      'port_type_known',
    ],
    ['VLAN tag 0', `UPDATE sb.port_binding SET tag = 0`, () => [], 'tag_range'],
    ['VLAN tag 4096', `UPDATE sb.port_binding SET tag = 4096`, () => [], 'tag_range'],
    [
      'empty logical_port',
      `INSERT INTO sb.port_binding (logical_port, datapath, tunnel_key) VALUES ('', $1, 3)`,
      () => [dp],
      'logical_port_not_empty',
    ],
    [
      'options with a non-string value',
      `UPDATE sb.port_binding SET options = '{"a": 1}'`,
      () => [],
      'options_is_string_map',
    ],
    [
      'external_ids that is not an object',
      `UPDATE sb.chassis SET external_ids = '["x"]'`,
      () => [],
      'external_ids_is_string_map',
    ],
    [
      'flow with neither datapath nor group',
      `INSERT INTO sb.logical_flow (pipeline, table_id, stage, priority, match, actions) VALUES ('ingress', 0, 'ls_in_check_port_sec', 100, '1', 'next;')`,
      () => [],
      'one_datapath_or_group',
    ],
    [
      'flow with both datapath and group',
      `WITH g AS (INSERT INTO sb.logical_dp_group DEFAULT VALUES RETURNING uuid)
       INSERT INTO sb.logical_flow (logical_datapath, logical_dp_group, pipeline, table_id, stage, priority, match, actions)
       SELECT $1, g.uuid, 'ingress', 0, 'ls_in_check_port_sec', 100, '1', 'next;' FROM g`,
      () => [dp],
      'one_datapath_or_group',
    ],
    [
      'flow with a bad pipeline',
      `INSERT INTO sb.logical_flow (logical_datapath, pipeline, table_id, stage, priority, match, actions) VALUES ($1, 'sideways', 0, 'ls_in_check_port_sec', 100, '1', 'next;')`,
      () => [dp],
      'pipeline_known',
    ],
    [
      'flow table 255',
      `INSERT INTO sb.logical_flow (logical_datapath, pipeline, table_id, stage, priority, match, actions) VALUES ($1, 'ingress', 255, 'ls_in_check_port_sec', 100, '1', 'next;')`,
      () => [dp],
      'table_id_range',
    ],
    [
      'flow priority 65536',
      `INSERT INTO sb.logical_flow (logical_datapath, pipeline, table_id, stage, priority, match, actions) VALUES ($1, 'ingress', 0, 'ls_in_check_port_sec', 65536, '1', 'next;')`,
      () => [dp],
      'priority_range',
    ],
    [
      'flow with a stage that is not a stage name',
      `INSERT INTO sb.logical_flow (logical_datapath, pipeline, table_id, stage, priority, match, actions) VALUES ($1, 'ingress', 0, 'port_security', 1, '1', 'next;')`,
      () => [dp],
      'stage_matches_pipeline',
    ],
    [
      'egress flow in an ingress stage',
      `INSERT INTO sb.logical_flow (logical_datapath, pipeline, table_id, stage, priority, match, actions) VALUES ($1, 'egress', 0, 'ls_in_check_port_sec', 1, '1', 'next;')`,
      () => [dp],
      'stage_matches_pipeline',
    ],
    [
      'flow naming an NB row without its table',
      `INSERT INTO sb.logical_flow (logical_datapath, pipeline, table_id, stage, priority, match, actions, nb_uuid) VALUES ($1, 'ingress', 0, 'ls_in_acl', 1, '1', 'next;', gen_random_uuid())`,
      () => [dp],
      'nb_uuid_needs_table',
    ],
    [
      'multicast key in the unicast range',
      `INSERT INTO sb.multicast_group (datapath, name, tunnel_key) VALUES ($1, '_MC_flood', 32767)`,
      () => [dp],
      'tunnel_key_range',
    ],
    [
      'encap type gre',
      `INSERT INTO sb.encap (type, ip, chassis_name) VALUES ('gre', '192.0.2.1', 'hv1')`,
      () => [],
      'encap_type_known',
    ],
    [
      'encap of a missing chassis',
      `INSERT INTO sb.encap (type, ip, chassis_name) VALUES ('geneve', '192.0.2.1', 'nope')`,
      () => [],
      'encap_chassis_fk',
    ],
    [
      'encap ip that is a prefix',
      `INSERT INTO sb.encap (type, ip, chassis_name) VALUES ('geneve', '192.0.2.0/24', 'hv1')`,
      () => [],
      'ip_is_host',
    ],
    [
      'duplicate chassis name',
      `INSERT INTO sb.chassis (name) VALUES ('hv1')`,
      () => [],
      'chassis_name_unique',
    ],
    [
      'second sb_global row',
      `INSERT INTO sb.sb_global DEFAULT VALUES`,
      () => [],
      'sb_global_singleton',
    ],
    ['negative nb_cfg', `UPDATE sb.sb_global SET nb_cfg = -1`, () => [], 'nb_cfg_not_negative'],
    [
      'mac_binding of a missing port',
      `INSERT INTO sb.mac_binding (logical_port, ip, mac, datapath) VALUES ('nope', '10.0.0.1', '00:00:00:00:00:01', $1)`,
      () => [dp],
      'mac_binding_port_fk',
    ],
    [
      'fdb on a datapath key that does not exist',
      `INSERT INTO sb.fdb (mac, dp_key, port_key) VALUES ('00:00:00:00:00:01', 77, 1)`,
      () => [],
      'fdb_datapath_fk',
    ],
    [
      'dhcp option of an unknown type',
      `INSERT INTO sb.dhcp_options (name, code, type) VALUES ('x', 200, 'float')`,
      () => [],
      'dhcp_type_known',
    ],
    [
      'dhcp option code 255',
      `INSERT INTO sb.dhcp_options (name, code, type) VALUES ('x', 255, 'str')`,
      () => [],
      'code_range',
    ],
    [
      'load balancer protocol icmp',
      `INSERT INTO sb.load_balancer (name, protocol) VALUES ('lb', 'icmp')`,
      () => [],
      'lb_protocol_known',
    ],
    [
      'gateway chassis priority 32768',
      `INSERT INTO sb.gateway_chassis (name, port_binding, priority) SELECT 'gw', uuid, 32768 FROM sb.port_binding`,
      () => [],
      'priority_range',
    ],
    [
      'meter unit bps',
      `INSERT INTO sb.meter (name, unit) VALUES ('m', 'bps')`,
      () => [],
      'meter_unit_known',
    ],
    [
      'meter band rate 0',
      `WITH m AS (INSERT INTO sb.meter (name, unit) VALUES ('m', 'pktps') RETURNING uuid)
       INSERT INTO sb.meter_band (meter, rate) SELECT uuid, 0 FROM m`,
      () => [],
      'rate_range',
    ],
    [
      'BFD source port below the dynamic range',
      `INSERT INTO sb.bfd (src_port, disc, logical_port, dst_ip, min_tx, min_rx, detect_mult) VALUES (4000, 1, 'p1', '10.0.0.1', 1000, 1000, 3)`,
      () => [],
      'src_port_range',
    ],
    [
      'BFD status unknown',
      `INSERT INTO sb.bfd (src_port, disc, logical_port, dst_ip, min_tx, min_rx, detect_mult, status) VALUES (49152, 1, 'p1', '10.0.0.1', 1000, 1000, 3, 'flapping')`,
      () => [],
      'bfd_status_known',
    ],
    [
      'IPv6 querier address in ip4_src',
      `INSERT INTO sb.ip_multicast (datapath, ip4_src) VALUES ($1, 'fe80::1')`,
      () => [dp],
      'ip4_src_is_ipv4_host',
    ],
    [
      'two ip_multicast rows for one datapath',
      `INSERT INTO sb.ip_multicast (datapath) VALUES ($1), ($1)`,
      () => [dp],
      'ip_multicast_datapath_unique',
    ],
    [
      'controller event of an unknown type',
      `INSERT INTO sb.controller_event (event_type, seq_num) VALUES ('port_down', 1)`,
      () => [],
      'event_type_known',
    ],
    [
      'static MAC binding of a missing port',
      `INSERT INTO sb.static_mac_binding (logical_port, ip, mac, datapath) VALUES ('nope', '10.0.0.1', '0a:00:00:00:00:01', $1)`,
      () => [dp],
      'static_mac_binding_port_fk',
    ],
  ];
  test.each(cases)('%s', async (_what, sql, params, constraint) => {
    const r = await refusal(sql, params());
    expect(r.constraint).toBe(constraint);
  });

  test('plain-SQL types refuse malformed addresses', async () => {
    await expect(
      t.pool.query(
        `INSERT INTO sb.mac_binding (logical_port, ip, mac, datapath) VALUES ('p1', '10.0.0.1', 'zz', $1)`,
        [dp],
      ),
    ).rejects.toThrow(/macaddr/);
    await expect(
      t.pool.query(
        `INSERT INTO sb.encap (type, ip, chassis_name) VALUES ('geneve', '10.0.0.300', 'hv1')`,
      ),
    ).rejects.toThrow(/inet/);
  });

  test('every check constraint of the schema has words for its problem', async () => {
    const r = await t.pool.query<{ key: string }>(
      `SELECT c.conrelid::regclass::text AS tbl, c.conname, regexp_replace(c.conrelid::regclass::text, '^sb\\.', '') || '.' || c.conname AS key
         FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
        WHERE n.nspname = 'sb' AND c.contype = 'c' AND c.conrelid::regclass::text = ANY($1)`,
      [SB_TABLES.map((x) => `sb.${x}`)],
    );
    const missing = r.rows.map((x) => x.key).filter((k) => !(k in CHECK_PROBLEMS));
    expect(missing).toEqual([]);
    const stale = Object.keys(CHECK_PROBLEMS).filter((k) => !r.rows.some((x) => x.key === k));
    expect(stale).toEqual([]);
  });
});

describe('constraint errors name the table, the object and the problem', () => {
  test('a check violation', async () => {
    const r = await refusal(
      `UPDATE sb.port_binding SET tunnel_key = 40000 WHERE logical_port = 'p1'`,
    );
    expect(r.message).toMatch(
      /^sb: port_binding [0-9a-f-]{36}: tunnel_key must be between 1 and 32767 \(constraint tunnel_key_range\)$/,
    );
  });

  test('a duplicate', async () => {
    const r = await refusal(
      `INSERT INTO sb.port_binding (logical_port, datapath, tunnel_key) VALUES ('p1', $1, 5)`,
      [dp],
    );
    expect(r.message).toBe(
      'sb: port_binding p1: logical_port p1 already exists (constraint port_binding_logical_port_unique)',
    );
  });

  test('a missing referenced row', async () => {
    const r = await refusal(
      `INSERT INTO sb.port_binding (logical_port, datapath, tunnel_key) VALUES ('p9', '00000000-0000-0000-0000-000000000009', 5)`,
    );
    expect(r.message).toBe(
      'sb: port_binding: datapath 00000000-0000-0000-0000-000000000009 does not exist in datapath_binding (constraint port_binding_datapath_fk)',
    );
  });

  test('a flow on a missing datapath or group (checked once per statement)', async () => {
    const flow = (col: string) =>
      `INSERT INTO sb.logical_flow (${col}, pipeline, table_id, stage, priority, match, actions)
       SELECT x, 'ingress', 0, 'ls_in_check_port_sec', 100, '1', 'next;'
         FROM unnest($1::uuid[]) x`;
    const gone = '00000000-0000-0000-0000-000000000009';
    // One good reference and one missing in the same statement: the whole statement is refused.
    const r = await refusal(flow('logical_datapath'), [[dp, dp, gone]]);
    expect(r.message).toBe(
      `sb: logical_flow: logical_datapath ${gone} does not exist in datapath_binding (constraint logical_flow_datapath_fk)`,
    );
    const g = await refusal(flow('logical_dp_group'), [[gone]]);
    expect(g.message).toBe(
      `sb: logical_flow: logical_dp_group ${gone} does not exist in logical_dp_group (constraint logical_flow_dp_group_fk)`,
    );
    // Moving an existing flow to a missing datapath.
    const c = await t.pool.connect();
    try {
      await c.query('BEGIN');
      await c.query(flow('logical_datapath'), [[dp]]);
      await expect(
        c.query('UPDATE sb.logical_flow SET logical_datapath = $1', [gone]),
      ).rejects.toMatchObject({ constraint: 'logical_flow_datapath_fk' });
    } finally {
      await c.query('ROLLBACK');
      c.release();
    }
  });

  test('a referenced datapath keeps its uuid', async () => {
    const c = await t.pool.connect();
    try {
      await expect(
        c.query(`UPDATE sb.datapath_binding SET uuid = gen_random_uuid() WHERE uuid = $1`, [dp]),
      ).rejects.toThrow(/uuid of datapath_binding .* cannot change/);
    } finally {
      c.release();
    }
  });

  test('a datapath that an open transaction gave flows cannot be deleted under it', async () => {
    const other = (
      await t.pool.query(`INSERT INTO sb.datapath_binding (tunnel_key) VALUES (77) RETURNING uuid`)
    ).rows[0].uuid;
    const [a, b] = [await t.pool.connect(), await t.pool.connect()];
    try {
      await a.query('BEGIN');
      await a.query(
        `INSERT INTO sb.logical_flow (logical_datapath, pipeline, table_id, stage, priority, match, actions)
         VALUES ($1, 'ingress', 0, 'ls_in_check_port_sec', 100, '1', 'next;')`,
        [other],
      );
      // The insert holds the datapath FOR KEY SHARE, as a foreign key does: a delete must wait.
      await b.query('BEGIN');
      await b.query(`SET LOCAL lock_timeout = '200ms'`);
      await expect(
        b.query('DELETE FROM sb.datapath_binding WHERE uuid = $1', [other]),
      ).rejects.toMatchObject({ code: '55P03' });
      await b.query('ROLLBACK');
      await a.query('COMMIT');
      // Once committed, deleting the datapath takes its flows along.
      await b.query('DELETE FROM sb.datapath_binding WHERE uuid = $1', [other]);
      const left = await b.query('SELECT 1 FROM sb.logical_flow WHERE logical_datapath = $1', [
        other,
      ]);
      expect(left.rowCount).toBe(0);
    } finally {
      a.release();
      b.release();
    }
  });
});
