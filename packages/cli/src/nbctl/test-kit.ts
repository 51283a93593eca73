/**
 * For nbctl's tests: a fresh NB database (real PostgreSQL, from the suite's server) and a way to
 * run nbctl's main() in-process with its output captured.
 */
import { createPool } from '@ovn-ts/db';
import { createTestDatabase, type TestDatabase } from '@ovn-ts/db/testing';
import type pg from 'pg';
import { main } from './main.js';

export interface RunResult {
  readonly code: number;
  readonly out: string;
  readonly err: string;
  /** stdout split into lines, without the final empty one. */
  readonly lines: string[];
}

export interface NbctlKit {
  readonly db: TestDatabase;
  readonly url: string;
  readonly pool: pg.Pool;
  /** nbctl --db URL ARGS… */
  nbctl(...args: string[]): Promise<RunResult>;
  /** nbctl with exactly these arguments (no --db added). */
  raw(args: readonly string[], env?: Record<string, string | undefined>): Promise<RunResult>;
  /** Runs nbctl and fails the test unless it succeeded. */
  ok(...args: string[]): Promise<string[]>;
  query<R = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<R[]>;
  close(): Promise<void>;
}

export async function startNbctlKit(prefix = 'nbctl'): Promise<NbctlKit> {
  const db = await createTestDatabase(prefix);
  const pool = createPool(db.url, { max: 2 });
  const raw = async (
    args: readonly string[],
    env: Record<string, string | undefined> = {},
  ): Promise<RunResult> => {
    let out = '';
    let err = '';
    const code = await main(args, { out: (t) => (out += t), err: (t) => (err += t) }, env);
    const lines = out === '' ? [] : out.replace(/\n$/, '').split('\n');
    return { code, out, err, lines };
  };
  const nbctl = (...args: string[]) => raw(['--db', db.url, ...args]);
  const kit: NbctlKit = {
    db,
    url: db.url,
    pool,
    nbctl,
    raw,
    async ok(...args) {
      const r = await nbctl(...args);
      if (r.code !== 0) throw new Error(`nbctl ${args.join(' ')} failed (${r.code}): ${r.err}`);
      return r.lines;
    },
    async query<R>(sql: string, params?: unknown[]) {
      return (await pool.query(sql, params)).rows as R[];
    },
    async close() {
      await pool.end();
      await db.drop();
    },
  };
  await kit.ok('init');
  return kit;
}
