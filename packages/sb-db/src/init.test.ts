import { createPool } from '@ovn-ts/db';
import { createTestDatabase, type TestDatabase } from '@ovn-ts/db/testing';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DHCPV4_CATALOG, DHCPV6_CATALOG } from './dhcp-catalog.js';
import { initSb } from './init.js';
import { feedSql } from './migrations/001-feed.js';
import { SB_MIGRATIONS } from './migrations/index.js';
import type { SbPool } from './pool.js';
import { SB_TABLES } from './sb-tables.js';

let db: TestDatabase;
let pool: SbPool;

beforeAll(async () => {
  db = await createTestDatabase('sbinit');
  pool = createPool(db.url);
});

afterAll(async () => {
  await pool.end();
  await db.drop();
});

describe('initSb', () => {
  test('applies every migration once; a second run applies nothing and changes nothing', async () => {
    const first = await initSb(pool);
    expect(first.applied).toEqual(SB_MIGRATIONS.map((m) => m.version));
    const count = async () =>
      (await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM sb.dhcp_options`)).rows[0]!
        .n;
    const before = await count();
    const second = await initSb(pool);
    expect(second.applied).toEqual([]);
    expect(second.current).toBe(first.current);
    expect(await count()).toBe(before);
    const globals = await pool.query(`SELECT * FROM sb.sb_global`);
    expect(globals.rowCount).toBe(1);
  });

  test('init recreates a deleted sb_global row without touching the rest', async () => {
    await pool.query(`DELETE FROM sb.sb_global`);
    await initSb(pool);
    const g = await pool.query(`SELECT nb_cfg FROM sb.sb_global`);
    expect(g.rows).toEqual([{ nb_cfg: 0 }]);
  });

  test('concurrent runs serialise: the schema is created exactly once', async () => {
    const other = await createTestDatabase('sbinit2');
    const p = createPool(other.url, { max: 6 });
    try {
      const results = await Promise.all([initSb(p), initSb(p), initSb(p)]);
      expect(results.map((r) => r.applied.length).sort()).toEqual([0, 0, SB_MIGRATIONS.length]);
    } finally {
      await p.end();
      await other.drop();
    }
  });

  test('every SB table is under the change feed', async () => {
    const r = await pool.query<{ tbl: string }>(
      `SELECT DISTINCT c.relname AS tbl FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
         JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'sb' AND t.tgname LIKE 'feed_capture%'`,
    );
    expect(r.rows.map((x) => x.tbl).sort()).toEqual([...SB_TABLES].sort());
    // The feed's own tables (whatever @ovn-ts/db names them) and the migration log are not captured.
    const infra = [
      'schema_migrations',
      ...[...feedSql.matchAll(/CREATE TABLE sb\.(\w+)/g)].map((m) => m[1]!),
    ];
    const all = await pool.query<{ tbl: string }>(
      `SELECT tablename AS tbl FROM pg_tables WHERE schemaname = 'sb' AND NOT tablename = ANY($1)`,
      [infra],
    );
    expect(all.rows.map((x) => x.tbl).sort()).toEqual([...SB_TABLES].sort());
  });

  test('the DHCP catalogs hold exactly OVN standard options of dhcp-catalog.ts', async () => {
    const v4 = await pool.query(`SELECT name, code, type FROM sb.dhcp_options ORDER BY code, name`);
    const v6 = await pool.query(
      `SELECT name, code, type FROM sb.dhcpv6_options ORDER BY code, name`,
    );
    const sorted = <T extends { code: number; name: string }>(xs: readonly T[]) =>
      [...xs].sort((a, b) => a.code - b.code || a.name.localeCompare(b.name));
    expect(v4.rows).toEqual(sorted(DHCPV4_CATALOG).map((o) => ({ ...o })));
    expect(v6.rows).toEqual(sorted(DHCPV6_CATALOG).map((o) => ({ ...o })));
    const mtu = v4.rows.find((r) => r.name === 'mtu');
    expect(mtu).toEqual({ name: 'mtu', code: 26, type: 'uint16' });
  });
});
