import type pg from 'pg';
import { generateTopology, INSERT_ORDER, type TopologyScale } from './topology.js';

/** Writes a generated topology into NB in one transaction, in bulk (JSON rows, chunked). */
export async function loadTopology(pool: pg.Pool, scale: TopologyScale): Promise<number> {
  const rows = generateTopology(scale);
  const client = await pool.connect();
  let n = 0;
  try {
    await client.query('BEGIN');
    for (const table of INSERT_ORDER) {
      // Rows with the same columns go together: a column missing from a row must get its default.
      const groups = new Map<string, Array<Record<string, unknown>>>();
      for (const r of (rows[table] ?? []) as Array<Record<string, unknown>>) {
        const sig = Object.keys(r).sort().join(',');
        if (!groups.has(sig)) groups.set(sig, []);
        groups.get(sig)!.push(r);
      }
      for (const [sig, list] of groups)
        for (let i = 0; i < list.length; i += 5000) {
          const chunk = list.slice(i, i + 5000);
          const cols = sig.split(',');
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
