import { createPool } from '@ovn-ts/db';
import { createTestDatabase, type TestDatabase } from '@ovn-ts/db/testing';
import fc from 'fast-check';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { CopyRows, copyInto, copyText } from './copy-rows.js';

let db: TestDatabase;
let pool: pg.Pool;

beforeAll(async () => {
  db = await createTestDatabase('copyrows');
  pool = createPool(db.url, { max: 1 });
  await pool.query('CREATE TABLE t (id int, s text, n int)');
});

afterAll(async () => {
  await pool.end();
  await db.drop();
});

describe('COPY rows', () => {
  test('escapes what COPY text format treats specially', () => {
    expect(copyText('a\tb\nc\rd\\e')).toBe('a\\tb\\nc\\rd\\\\e');
    expect(copyText('ip4.src == {10.0.0.1, "x"}')).toBe('ip4.src == {10.0.0.1, "x"}');
  });

  test('any text, number and NULL reaches the table unchanged', async () => {
    const text = fc.string({ unit: 'binary', maxLength: 40 }).filter((s) => !s.includes('\0'));
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.option(text), fc.option(fc.integer())), { maxLength: 30 }),
        async (rows) => {
          const client = await pool.connect();
          try {
            await client.query('TRUNCATE t');
            const copy = new CopyRows();
            for (const [id, [s, n]] of rows.entries()) copy.add([id, s, n]);
            await copyInto(client, 'COPY t (id, s, n) FROM STDIN', copy);
            const back = await client.query<{ s: string | null; n: number | null }>(
              'SELECT s, n FROM t ORDER BY id',
            );
            expect(back.rows.map((r) => [r.s, r.n])).toEqual(rows);
          } finally {
            client.release();
          }
        },
      ),
      { numRuns: 50 },
    );
  });

  test('rows spanning many buffers, and a field larger than one, arrive whole', async () => {
    const client = await pool.connect();
    try {
      await client.query('TRUNCATE t');
      const copy = new CopyRows();
      const big = 'é\\x'.repeat(120_000);
      const rows: Array<[number, string, number]> = [];
      for (let i = 0; i < 60_000; i++) rows.push([i, i === 7777 ? big : `row ${i}\tnext`, i]);
      for (const r of rows) copy.add(r);
      expect(copy.chunks().length).toBeGreaterThan(3);
      await copyInto(client, 'COPY t (id, s, n) FROM STDIN', copy);
      const back = await client.query<{ id: number; s: string; n: number }>(
        'SELECT id, s, n FROM t ORDER BY id',
      );
      expect(back.rows.map((r) => [r.id, r.s, r.n])).toEqual(rows);
    } finally {
      client.release();
    }
  });

  test('a refused row fails the whole COPY and the connection stays usable', async () => {
    const client = await pool.connect();
    try {
      await client.query('TRUNCATE t');
      const copy = new CopyRows();
      copy.add([1, 'fine', 1]);
      copy.add(['not a number', 'bad', 2]);
      await expect(copyInto(client, 'COPY t (id, s, n) FROM STDIN', copy)).rejects.toThrow(
        /invalid input syntax for type integer/,
      );
      expect((await client.query('SELECT count(*)::int AS n FROM t')).rows[0].n).toBe(0);
    } finally {
      client.release();
    }
  });
});
