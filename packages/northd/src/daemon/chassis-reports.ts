import { followFeed } from '@ovn-ts/db';
import type pg from 'pg';
import type pino from 'pino';

/** Port types whose `up` a chassis reports (patch ports and the like are northd's own). */
const VIF_TYPES = new Set(['', 'localport', 'virtual', 'external']);

/**
 * Carries what chassis report in SB back to NB: hv_cfg (the nb_cfg every chassis has installed;
 * with no chassis, what northd processed) and each port's `up`.
 */
export async function syncChassisReports(
  nbPool: pg.Pool,
  sbPool: pg.Pool,
  sbUrl: string,
  log: pino.Logger,
  signal: AbortSignal,
) {
  const sync = async (changedPorts?: ReadonlyArray<{ logical_port: string; up: boolean }>) => {
    const hv = await sbPool.query<{ cfg: number | null; ts: number | null; sb: number }>(
      `SELECT min(nb_cfg) AS cfg, max(nb_cfg_timestamp) AS ts, (SELECT nb_cfg FROM sb.sb_global) AS sb
         FROM sb.chassis_private`,
    );
    const { cfg, ts, sb } = hv.rows[0]!;
    const hvCfg = cfg ?? sb;
    await nbPool.query(
      'UPDATE nb.nb_global SET hv_cfg = $1, hv_cfg_timestamp = $2 WHERE hv_cfg <> $1',
      [hvCfg, ts ?? Date.now()],
    );
    const ups = changedPorts
      ? { rows: changedPorts }
      : await sbPool.query<{ logical_port: string; up: boolean }>(
          `SELECT logical_port, up FROM sb.port_binding WHERE type IN ('', 'localport', 'virtual', 'external')`,
        );
    if (ups.rows.length) {
      await nbPool.query(
        `UPDATE nb.logical_switch_port p SET up = x.up
           FROM unnest($1::text[], $2::boolean[]) AS x(name, up)
          WHERE p.name = x.name AND p.up IS DISTINCT FROM x.up`,
        [ups.rows.map((r) => r.logical_port), ups.rows.map((r) => r.up)],
      );
    }
  };
  // The cursor first, then the sync: a commit landing in between is then both seen and re-read.
  const cursor = (await sbPool.query<{ last_seq: number }>('SELECT last_seq FROM sb.feed_state'))
    .rows[0]!.last_seq;
  await sync();
  await followFeed(
    {
      url: sbUrl,
      pool: sbPool,
      schema: 'sb',
      channel: 'ovn_sb_changes',
      cursor,
      signal,
      // Not the flows: a full compile's hundreds of thousands of rows would come back to northd.
      read: { tables: ['port_binding', 'chassis_private', 'sb_global'] },
    },
    async (read) => {
      if (read.kind === 'resync') {
        await sync();
        return (await sbPool.query<{ last_seq: number }>('SELECT last_seq FROM sb.feed_state'))
          .rows[0]!.last_seq;
      }
      // Only what changed: the chassis counters (a small aggregate) and the ports whose row changed.
      const ports = read.commits.flatMap((c) =>
        c.changes.flatMap((ch) =>
          ch.table === 'port_binding' && ch.op !== 'delete' && VIF_TYPES.has(String(ch.row.type))
            ? [{ logical_port: String(ch.row.logical_port), up: ch.row.up === true }]
            : [],
        ),
      );
      const relevant =
        ports.length > 0 ||
        read.commits.some((c) =>
          c.changes.some((ch) => ch.table === 'chassis_private' || ch.table === 'sb_global'),
        );
      if (relevant) {
        try {
          await sync(ports);
        } catch (err) {
          log.warn({ err: (err as Error).message }, 'could not carry chassis reports to NB');
        }
      }
    },
  );
}
