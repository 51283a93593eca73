import type pg from 'pg';
import type pino from 'pino';
import type { SbDelta } from '../engine/desired.js';

/**
 * Keeps nb.northd_diagnostic equal to the problems of the datapaths each run rebuilt, writing only
 * when they changed, and logs each new problem once.
 */
export class DiagnosticsWriter {
  private readonly digests = new Map<string, string>();

  constructor(private readonly log: pino.Logger) {}

  async write(pool: pg.Pool, delta: SbDelta): Promise<void> {
    const stale: string[] = [...delta.removed];
    const rows: Array<[string, string, string, string, string]> = [];
    if (delta.full)
      for (const dp of this.digests.keys())
        if (!delta.changed.some((r) => r.datapath.nbUuid === dp)) stale.push(dp);
    for (const r of delta.changed) {
      const dp = r.datapath.nbUuid;
      const digest = JSON.stringify(r.diagnostics);
      if ((this.digests.get(dp) ?? '[]') === digest) continue;
      stale.push(dp);
      for (const d of r.diagnostics) {
        rows.push([d.nbTable, d.nbUuid, dp, d.builder, d.problem]);
        this.log.warn({ table: d.nbTable, uuid: d.nbUuid, builder: d.builder }, d.problem);
      }
    }
    if (stale.length === 0 && rows.length === 0) return;
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      if (stale.length)
        await client.query('DELETE FROM nb.northd_diagnostic WHERE datapath = ANY($1::uuid[])', [
          stale,
        ]);
      if (rows.length) {
        await client.query(
          `INSERT INTO nb.northd_diagnostic (nb_table, nb_uuid, datapath, builder, problem)
           SELECT * FROM unnest($1::text[], $2::uuid[], $3::uuid[], $4::text[], $5::text[]) ON CONFLICT DO NOTHING`,
          [0, 1, 2, 3, 4].map((i) => rows.map((r) => r[i])),
        );
      }
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {});
      throw err;
    } finally {
      client.release();
    }
    for (const dp of stale) this.digests.delete(dp);
    for (const r of delta.changed)
      if (r.diagnostics.length) this.digests.set(r.datapath.nbUuid, JSON.stringify(r.diagnostics));
  }
}
