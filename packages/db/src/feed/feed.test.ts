import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { migrate } from '../migrate.js';
import { createPool } from '../pool.js';
import { createTestDatabase, type TestDatabase } from '../testing.js';
import { feedCaptureV2Sql } from './feed-capture-sql.js';
import { followFeed } from './feed-follower.js';
import { FeedReader } from './feed-reader.js';
import { feedSchemaSql } from './feed-sql.js';
import type { Commit } from './feed-types.js';
import { readSnapshot } from './snapshot.js';

const SCHEMA = 'feedtest';
const CHANNEL = 'feedtest_changes';

let db: TestDatabase;
let pool: pg.Pool;
let reader: FeedReader;

beforeAll(async () => {
  db = await createTestDatabase('feed');
  pool = createPool(db.url, { max: 12 });
  await migrate(pool, SCHEMA, [
    { version: 1, name: 'feed', sql: feedSchemaSql(SCHEMA, CHANNEL) },
    {
      version: 2,
      name: 'item',
      sql: `CREATE TABLE item (uuid uuid PRIMARY KEY DEFAULT gen_random_uuid(), name text UNIQUE NOT NULL, n int);
            SELECT feed_attach('item');
            -- Keyed by its columns, without a uuid (like OVN's link tables).
            CREATE TABLE tag (item uuid NOT NULL, label text NOT NULL, PRIMARY KEY (item, label));
            SELECT feed_attach('tag');`,
    },
    // Re-attaches the tables above with the version 2 capture functions.
    { version: 3, name: 'feed capture v2', sql: feedCaptureV2Sql(SCHEMA) },
  ]);
  reader = new FeedReader(pool, SCHEMA);
});

afterAll(async () => {
  await pool.end();
  await db.drop();
});

async function readAll(from: number): Promise<Commit[]> {
  const out: Commit[] = [];
  let cursor = from;
  for (;;) {
    const r = await reader.read(cursor, 7);
    if (r.kind !== 'commits') throw new Error('unexpected resync');
    if (r.commits.length === 0) return out;
    out.push(...r.commits);
    cursor = r.cursor;
  }
}

describe('change feed', () => {
  test('records each committed transaction once, with its row changes in order', async () => {
    const start = await reader.head();
    const c = await pool.connect();
    await c.query('BEGIN');
    await c.query(`INSERT INTO ${SCHEMA}.item(name, n) VALUES ('a', 1), ('b', 2)`);
    await c.query(`UPDATE ${SCHEMA}.item SET n = 3 WHERE name = 'a'`);
    await c.query('COMMIT');
    await pool.query(`DELETE FROM ${SCHEMA}.item WHERE name = 'b'`);
    // A rolled-back transaction leaves no trace.
    await c.query('BEGIN');
    await c.query(`INSERT INTO ${SCHEMA}.item(name) VALUES ('ghost')`);
    await c.query('ROLLBACK');
    c.release();

    const commits = await readAll(start);
    expect(commits.map((x) => x.seq)).toEqual([start + 1, start + 2]);
    expect(commits[0]!.changes.map((ch) => [ch.op, ch.row.name, ch.row.n])).toEqual([
      ['insert', 'a', 1],
      ['insert', 'b', 2],
      ['update', 'a', 3],
    ]);
    expect(commits[1]!.changes).toHaveLength(1);
    expect(commits[1]!.changes[0]).toMatchObject({
      table: 'item',
      op: 'delete',
      row: { name: 'b' },
    });
    expect(commits[1]!.changes[0]!.uuid).toBe(commits[0]!.changes[1]!.uuid);
  });

  test('a reader limited to some tables still sees every commit, with only those changes', async () => {
    const start = await reader.head();
    const items = new FeedReader(pool, SCHEMA, { tables: ['item'] });
    const tags = new FeedReader(pool, SCHEMA, { tables: ['tag'] });
    const c = await pool.connect();
    await c.query('BEGIN');
    const u = (await c.query(`INSERT INTO ${SCHEMA}.item(name) VALUES ('tagged') RETURNING uuid`))
      .rows[0]!.uuid;
    await c.query(`INSERT INTO ${SCHEMA}.tag VALUES ($1, 'x'), ($1, 'y')`, [u]);
    await c.query('COMMIT');
    c.release();
    await pool.query(`DELETE FROM ${SCHEMA}.tag WHERE label = 'x'`);

    const seen = await items.read(start);
    const tagged = await tags.read(start);
    if (seen.kind !== 'commits' || tagged.kind !== 'commits') throw new Error('unexpected resync');
    expect(seen.commits.map((x) => x.seq)).toEqual([start + 1, start + 2]);
    expect(seen.commits.map((x) => x.changes.map((ch) => ch.table))).toEqual([['item'], []]);
    expect(
      tagged.commits.map((x) => x.changes.map((ch) => [ch.op, ch.row.label, ch.uuid])),
    ).toEqual([
      [
        ['insert', 'x', null],
        ['insert', 'y', null],
      ],
      [['delete', 'x', null]],
    ]);
    expect(seen.cursor).toBe(start + 2);
  });

  test('numbers commits in commit order even when transactions commit out of start order', async () => {
    const start = await reader.head();
    const clients = await Promise.all([pool.connect(), pool.connect(), pool.connect()]);
    const [t1, t2, t3] = clients as [pg.PoolClient, pg.PoolClient, pg.PoolClient];
    for (const c of clients) await c.query('BEGIN');
    // t1 writes first but commits last; t3 writes last and commits first.
    await t1.query(`INSERT INTO ${SCHEMA}.item(name) VALUES ('first-written')`);
    await t2.query(`INSERT INTO ${SCHEMA}.item(name) VALUES ('second-written')`);
    await t3.query(`INSERT INTO ${SCHEMA}.item(name) VALUES ('third-written')`);
    await t3.query('COMMIT');
    // While t1 and t2 are still open, a reader sees t3 alone, and nothing is numbered for the others.
    const mid = await readAll(start);
    expect(mid.map((x) => x.changes[0]!.row.name)).toEqual(['third-written']);
    await t2.query('COMMIT');
    await t1.query('COMMIT');
    for (const c of clients) c.release();

    const after = await readAll(mid.at(-1)!.seq);
    expect(after.map((x) => x.changes[0]!.row.name)).toEqual(['second-written', 'first-written']);
    expect([...mid, ...after].map((x) => x.seq)).toEqual([start + 1, start + 2, start + 3]);
  });

  test('many concurrent writers: every change seen exactly once, numbers without gaps', async () => {
    const start = await reader.head();
    const writers = 8;
    const perWriter = 15;
    const seen: string[] = [];
    let cursor = start;
    let done = false;
    // Read while the writers run, as a live follower would.
    const readLoop = (async () => {
      while (!done || cursor < (await reader.head())) {
        const r = await reader.read(cursor, 5);
        if (r.kind !== 'commits') throw new Error('unexpected resync');
        for (const c of r.commits) {
          expect(c.seq).toBe(cursor + 1);
          cursor = c.seq;
          for (const ch of c.changes) seen.push(String(ch.row.name));
        }
      }
    })();
    await Promise.all(
      Array.from({ length: writers }, async (_, w) => {
        const c = await pool.connect();
        try {
          for (let i = 0; i < perWriter; i++) {
            await c.query('BEGIN');
            await c.query(`INSERT INTO ${SCHEMA}.item(name) VALUES ($1)`, [`w${w}-${i}-x`]);
            // Hold the transaction open a random moment so commits interleave out of order.
            await new Promise((r) => setTimeout(r, Math.random() * 4));
            await c.query(`INSERT INTO ${SCHEMA}.item(name) VALUES ($1)`, [`w${w}-${i}-y`]);
            await c.query(i % 5 === 4 ? 'ROLLBACK' : 'COMMIT');
          }
        } finally {
          c.release();
        }
      }),
    );
    done = true;
    await readLoop;
    const expected = [];
    for (let w = 0; w < writers; w++)
      for (let i = 0; i < perWriter; i++)
        if (i % 5 !== 4) expected.push(`w${w}-${i}-x`, `w${w}-${i}-y`);
    expect([...seen].sort()).toEqual(expected.sort());
    // Both rows of a transaction arrive together, x before y.
    for (let k = 0; k < seen.length; k += 2) {
      expect(seen[k]!.replace(/-x$/, '')).toBe(seen[k + 1]!.replace(/-y$/, ''));
    }
  });

  test('a reader resumes from its saved cursor after a restart', async () => {
    await reader.saveCursor('northd', await reader.head());
    await pool.query(`INSERT INTO ${SCHEMA}.item(name) VALUES ('after-restart')`);
    const restarted = new FeedReader(pool, SCHEMA);
    const cursor = await restarted.loadCursor('northd');
    expect(cursor).toBeDefined();
    const r = await restarted.read(cursor!);
    expect(r.kind === 'commits' && r.commits.map((c) => c.changes[0]!.row.name)).toEqual([
      'after-restart',
    ]);
  });

  test('a reader far behind the retained log is told to resync from a snapshot', async () => {
    const old = await reader.head();
    for (let i = 0; i < 5; i++)
      await pool.query(`INSERT INTO ${SCHEMA}.item(name) VALUES ($1)`, [`p${i}`]);
    await pool.query(`UPDATE ${SCHEMA}.feed_state SET retain = 100`);
    await reader.prune(2);
    const r = await reader.read(old);
    expect(r.kind).toBe('resync');
    const snap = await readSnapshot(
      pool,
      SCHEMA,
      async (c) => (await c.query(`SELECT count(*)::int AS n FROM ${SCHEMA}.item`)).rows[0].n,
    );
    expect(snap.seq).toBe(await reader.head());
    expect(snap.value).toBeGreaterThan(5);
    // From the snapshot's number the reader continues normally.
    await pool.query(`INSERT INTO ${SCHEMA}.item(name) VALUES ('post-snapshot')`);
    const next = await reader.read(snap.seq);
    expect(next.kind === 'commits' && next.commits[0]!.changes[0]!.row.name).toBe('post-snapshot');
  });

  test('a follower is woken by NOTIFY and hands over commits in order', async () => {
    const ac = new AbortController();
    const got: string[] = [];
    const follower = followFeed(
      {
        url: db.url,
        pool,
        schema: SCHEMA,
        channel: CHANNEL,
        cursor: await reader.head(),
        signal: ac.signal,
        pollMs: 60_000,
      },
      async (read) => {
        if (read.kind !== 'commits') throw new Error('unexpected resync');
        for (const c of read.commits) for (const ch of c.changes) got.push(String(ch.row.name));
        if (got.length >= 3) ac.abort();
      },
    );
    await new Promise((r) => setTimeout(r, 100));
    for (const n of ['n1', 'n2', 'n3'])
      await pool.query(`INSERT INTO ${SCHEMA}.item(name) VALUES ($1)`, [n]);
    await follower;
    expect(got).toEqual(['n1', 'n2', 'n3']);
  });
});
