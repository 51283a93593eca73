import { generateTopology, INSERT_ORDER, type TopologyScale } from './topology.js';
import type pg from 'pg';

/** Writes a generated topology into NB in one transaction, in bulk (JSON rows, chunked). */
export async function loadTopology(pool: pg.Pool, scale: TopologyScale): Promise<number> {
  const rows = generateTopology(scale);
  const client = await pool.connect();
  let n = 0;
  try {
    await client.query('BEGIN');
    for (const table of INSERT_ORDER) {
      const list = rows[table] ?? [];
      for (let i = 0; i < list.length; i += 5000) {
        const chunk = list.slice(i, i + 5000);
        const cols = [...new Set(chunk.flatMap((r) => Object.keys(r)))];
        await client.query(
          `INSERT INTO nb.${table} (${cols.join(', ')})
           SELECT ${cols.join(', ')} FROM jsonb_populate_recordset(NULL::nb.${table}, $1::jsonb)`,
          [JSON.stringify(chunk)],
        );
        n += chunk.length;
      }
    }
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK');
    throw err;
  } finally {
    client.release();
  }
  return n;
}
