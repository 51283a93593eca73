import { createPool } from '@ovn-ts/db';
import { createTestDatabase, type TestDatabase } from '@ovn-ts/db/testing';
import { initSb } from '@ovn-ts/sb-db';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { main } from './main.js';

let db: TestDatabase;
let pool: pg.Pool;

/** Runs sbctl in-process, returning its exit code and what it printed. */
async function sbctl(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const o = process.stdout.write.bind(process.stdout);
  const e = process.stderr.write.bind(process.stderr);
  process.stdout.write = ((s: string) => {
    out += s;
    return true;
  }) as typeof process.stdout.write;
  process.stderr.write = ((s: string) => {
    err += s;
    return true;
  }) as typeof process.stderr.write;
  try {
    const code = await main(['--db', db.url, ...args]);
    return { code, out, err };
  } finally {
    process.stdout.write = o;
    process.stderr.write = e;
  }
}

beforeAll(async () => {
  db = await createTestDatabase('sbctl');
  pool = createPool(db.url);
  await initSb(pool);
  // A small SB as northd and a controller would leave it.
  await pool.query(`
    INSERT INTO sb.chassis (uuid, name, hostname) VALUES ('00000000-0000-4000-8000-000000000001', 'hv1', 'host-1');
    INSERT INTO sb.encap (type, ip, options, chassis_name) VALUES ('geneve', '127.0.0.2', '{"csum": "true"}', 'hv1');
    INSERT INTO sb.datapath_binding (uuid, tunnel_key, type, external_ids)
      VALUES ('00000000-0000-4000-8000-0000000000d1', 5, 'logical-switch', '{"name": "sw0"}');
    INSERT INTO sb.port_binding (logical_port, datapath, tunnel_key, mac, chassis)
      VALUES ('vm1', '00000000-0000-4000-8000-0000000000d1', 1, '{"0a:00:00:00:00:01 10.0.0.1"}', '00000000-0000-4000-8000-000000000001'),
             ('vm2', '00000000-0000-4000-8000-0000000000d1', 2, '{"0a:00:00:00:00:02 10.0.0.2"}', NULL);
    INSERT INTO sb.logical_flow (logical_datapath, pipeline, table_id, stage, priority, match, actions, builder)
      VALUES ('00000000-0000-4000-8000-0000000000d1', 'ingress', 0, 'ls_in_port_sec_l2', 100, 'eth.src[40]', 'drop;', 'ls-port-security'),
             ('00000000-0000-4000-8000-0000000000d1', 'ingress', 0, 'ls_in_port_sec_l2', 50, 'inport == "vm1"', 'next;', 'ls-port-security'),
             ('00000000-0000-4000-8000-0000000000d1', 'egress', 9, 'ls_out_port_sec_l2', 50, 'outport == "vm1"', 'output;', 'ls-port-security');
  `);
});

afterAll(async () => {
  await pool.end();
  await db.drop();
});

describe('sbctl', () => {
  test('show lists chassis, encaps and bound ports', async () => {
    const r = await sbctl('show');
    expect(r.code).toBe(0);
    expect(r.out).toBe(
      [
        'Chassis "hv1"',
        '    hostname: host-1',
        '    Encap geneve',
        '        ip: "127.0.0.2"',
        '        options: {csum="true"}',
        '    Port_Binding vm1',
        '',
      ].join('\n'),
    );
  });

  test('lflow-list prints flows per datapath and pipeline with stage names, high priority first', async () => {
    const r = await sbctl('lflow-list', 'sw0', '--provenance');
    expect(r.code).toBe(0);
    const lines = r.out.trim().split('\n');
    expect(lines[0]).toBe(
      'Datapath: "sw0" (00000000-0000-4000-8000-0000000000d1)  Pipeline: ingress',
    );
    expect(lines[1]).toMatch(
      /^ {2}table=0 \(ls_in_port_sec_l2 {0,}\), priority=100 {2}, match=\(eth\.src\[40\]\), action=\(drop;\) \[ls-port-security\]$/,
    );
    expect(lines[2]).toMatch(/priority=50 .*match=\(inport == "vm1"\)/);
    expect(lines[3]).toBe(
      'Datapath: "sw0" (00000000-0000-4000-8000-0000000000d1)  Pipeline: egress',
    );
    expect((await sbctl('lflow-list', 'nope')).err).toBe(
      'sbctl: lflow-list: nope: no datapath of that name or uuid\n',
    );
  });

  test('count-flows counts per stage and in total', async () => {
    const r = await sbctl('count-flows');
    expect(r.out).toContain('Datapath: sw0 (logical-switch): 3 flows');
    expect(r.out).toMatch(/ls_in_port_sec_l2 +2/);
    expect(r.out.trim().split('\n').at(-1)).toBe('Total number of logical flows = 3');
  });

  test('list, find and get work on any table by OVN name', async () => {
    const listed = await sbctl('list', 'Port_Binding', 'vm1');
    expect(listed.code).toBe(0);
    expect(listed.out).toMatch(/^logical_port +: vm1$/m);
    expect(listed.out).toMatch(/^tunnel_key +: 1$/m);
    const found = await sbctl('find', 'port_binding', 'tunnel_key=2');
    expect(found.out).toMatch(/^logical_port +: vm2$/m);
    expect(found.out).not.toMatch(/vm1/);
    const got = await sbctl('get', 'Port_Binding', 'vm1', 'mac');
    expect(got.out).toBe('["0a:00:00:00:00:01 10.0.0.1"]\n');
  });

  test('errors name the object and the problem', async () => {
    expect((await sbctl('list', 'Bogus')).err).toBe('sbctl: list: Bogus: no such table\n');
    expect((await sbctl('get', 'Port_Binding', 'vm1', 'nope')).err).toBe(
      'sbctl: get: Port_Binding: no column nope\n',
    );
    const r = await main(['--db', 'postgres://postgres:x@127.0.0.1:1/none', 'show']);
    expect(r).toBe(1);
  });
});
