import { readSnapshot } from '@ovn-ts/db';
import { SB_SCHEMA } from '@ovn-ts/sb-db';
import type pg from 'pg';
import { type RowChange, VIEW_TABLES } from '../view/sb-view-model.js';

/**
 * The SB tables a controller follows, as row inserts in the change feed's JSON form, with the feed
 * number of that snapshot: apply them to an empty SbViewModel, then follow the feed from `seq`.
 */
export async function loadSbRows(pool: pg.Pool): Promise<{ seq: number; rows: RowChange[] }> {
  const { seq, value } = await readSnapshot(pool, SB_SCHEMA, async (client) => {
    const rows: RowChange[] = [];
    for (const t of VIEW_TABLES) {
      const r = await client.query<{ row: Record<string, unknown> }>(
        `SELECT to_jsonb(x) AS row FROM ${SB_SCHEMA}.${t} x`,
      );
      for (const { row } of r.rows) rows.push({ table: t, op: 'insert', row });
    }
    return rows;
  });
  return { seq, rows: value };
}
