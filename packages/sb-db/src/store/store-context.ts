import { type Kysely, sql } from 'kysely';
import type { SbDatabase } from '../sb-database.js';
import { sbError } from '../sb-error.js';

/**
 * What every entity store works with: the query builder (the pool's, or an open transaction's)
 * and `atomic`, which runs several statements in one transaction: the enclosing one if there is
 * one, else a new one.
 */
export interface StoreContext {
  readonly db: Kysely<SbDatabase>;
  readonly inTransaction: boolean;
  atomic<T>(fn: (db: Kysely<SbDatabase>) => Promise<T>): Promise<T>;
}

/** Runs `fn`, turning whatever it throws into a DbError that names `object`. */
export async function guard<T>(object: string | undefined, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw sbError(err, object);
  }
}

/** Tunnel keys as a uuid subquery filter: the datapaths whose key is in `keys`. */
export function datapathsWithKeys(db: Kysely<SbDatabase>, keys: readonly number[]) {
  return db.selectFrom('datapath_binding').select('uuid').where('tunnel_key', '=', anyOf(keys));
}

/** `= ANY($1)` with one array parameter, so long lists do not become thousands of parameters. */
export function anyOf<T>(values: readonly T[]) {
  return sql<T>`ANY(${values as T[]})`;
}
