import type pg from 'pg';
import { DbError } from '../errors.js';

/**
 * Runs `read` inside one REPEATABLE READ transaction and returns its result with the feed number
 * that the snapshot corresponds to: every commit up to that number is in it and none after.
 * A reader follows the feed from that number.
 */
export async function readSnapshot<T>(
  pool: pg.Pool,
  schema: string,
  read: (client: pg.PoolClient) => Promise<T>,
): Promise<{ seq: number; value: T }> {
  const client = await pool.connect().catch((err) => {
    throw DbError.from(err);
  });
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const r = await client.query<{ last_seq: number }>(`SELECT last_seq FROM ${schema}.feed_state`);
    const value = await read(client);
    await client.query('COMMIT');
    return { seq: r.rows[0]!.last_seq, value };
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw DbError.from(err);
  } finally {
    client.release();
  }
}
