import type pg from 'pg';
import { DbError } from './errors.js';

/** One schema change. Versions are applied in order, each once, each in its own transaction. */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

export interface MigrationResult {
  readonly schema: string;
  readonly applied: readonly number[];
  readonly current: number;
}

/**
 * Creates or upgrades `schema` to the newest migration. Idempotent: running it again applies
 * nothing. Concurrent callers serialise on an advisory lock, so two `init`s cannot race.
 */
export async function migrate(
  pool: pg.Pool,
  schema: string,
  migrations: readonly Migration[],
): Promise<MigrationResult> {
  checkOrder(migrations);
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock(hashtext($1))', [`ovn-ts-migrate:${schema}`]);
    try {
      await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
      await client.query(
        `CREATE TABLE IF NOT EXISTS ${schema}.schema_migrations (
           version integer PRIMARY KEY,
           name text NOT NULL,
           applied_at timestamptz NOT NULL DEFAULT now())`,
      );
      const done = new Set(
        (
          await client.query<{ version: number }>(`SELECT version FROM ${schema}.schema_migrations`)
        ).rows.map((r) => r.version),
      );
      const newest = Math.max(0, ...done);
      const latest = migrations.at(-1)?.version ?? 0;
      if (newest > latest) {
        throw new DbError(
          'internal',
          `schema ${schema} is at version ${newest}, newer than this program knows (${latest}); upgrade ovn-ts`,
        );
      }
      const applied: number[] = [];
      for (const m of migrations) {
        if (done.has(m.version)) continue;
        await client.query('BEGIN');
        try {
          await client.query(`SET LOCAL search_path TO ${schema}, public`);
          await client.query(m.sql);
          await client.query(
            `INSERT INTO ${schema}.schema_migrations(version, name) VALUES ($1, $2)`,
            [m.version, m.name],
          );
          await client.query('COMMIT');
        } catch (err) {
          await client.query('ROLLBACK');
          throw new DbError(
            'internal',
            `migration ${schema} ${m.version} (${m.name}) failed: ${(err as Error).message}`,
            {
              cause: err,
            },
          );
        }
        applied.push(m.version);
      }
      return { schema, applied, current: latest };
    } finally {
      await client.query('SELECT pg_advisory_unlock(hashtext($1))', [`ovn-ts-migrate:${schema}`]);
    }
  } catch (err) {
    throw DbError.from(err);
  } finally {
    client.release();
  }
}

function checkOrder(migrations: readonly Migration[]): void {
  for (let i = 1; i < migrations.length; i++) {
    const prev = migrations[i - 1]!;
    const cur = migrations[i]!;
    if (cur.version <= prev.version) {
      throw new DbError(
        'internal',
        `migrations out of order: ${prev.version} before ${cur.version}`,
      );
    }
  }
}
