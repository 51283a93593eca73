import { readSnapshot } from '@ovn-ts/db';
import type pg from 'pg';
import { NB_TABLES, type NbChange } from '../model/nb-model.js';

/**
 * The whole NB database as row changes (inserts), in the same JSON form the change feed uses, and
 * the feed number it corresponds to: northd follows the feed from there.
 */
export async function loadNbSnapshot(pool: pg.Pool): Promise<{ seq: number; rows: NbChange[] }> {
  const { seq, value } = await readSnapshot(pool, 'nb', async (client) => {
    const rows: NbChange[] = [];
    for (const t of NB_TABLES) {
      const r = await client.query<{ row: Record<string, unknown> }>(
        `SELECT to_jsonb(x) AS row FROM nb.${t} x`,
      );
      for (const { row } of r.rows) rows.push({ table: t, op: 'insert', row });
    }
    return rows;
  });
  return { seq, rows: value };
}
