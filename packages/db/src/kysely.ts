import { Kysely, PostgresDialect } from 'kysely';
import type pg from 'pg';

/** A typed query builder over a pool; the pool's owner closes it. */
export function createKysely<DB>(pool: pg.Pool): Kysely<DB> {
  return new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
}
