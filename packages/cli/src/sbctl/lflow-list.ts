import type pg from 'pg';

interface FlowRow {
  dp_uuid: string;
  dp_name: string;
  dp_type: string;
  pipeline: 'ingress' | 'egress';
  table_id: number;
  stage: string;
  priority: number;
  match: string;
  actions: string;
  uuid: string;
  builder: string;
  nb_table: string | null;
  nb_uuid: string | null;
}

/**
 * The logical flows of one datapath (by name, NB uuid or SB uuid) or of all, in ovn-sbctl
 * lflow-list's format: a header per datapath and pipeline, then one line per flow with its stage.
 */
export async function lflowList(
  pool: pg.Pool,
  datapath: string | undefined,
  opts: { provenance?: boolean; uuid?: boolean } = {},
): Promise<string[]> {
  const rows = await flowRows(pool, datapath);
  if (datapath && rows.length === 0) {
    const exists = await pool.query(
      `SELECT 1 FROM sb.datapath_binding WHERE uuid::text = $1 OR nb_uuid::text = $1 OR external_ids->>'name' = $1`,
      [datapath],
    );
    if (!exists.rowCount)
      throw new Error(`lflow-list: ${datapath}: no datapath of that name or uuid`);
  }
  const out: string[] = [];
  let header = '';
  const stageWidth = Math.max(0, ...rows.map((r) => r.stage.length));
  for (const r of rows) {
    const h = `Datapath: "${r.dp_name}" (${r.dp_uuid})  Pipeline: ${r.pipeline}`;
    if (h !== header) {
      out.push(h);
      header = h;
    }
    const uuid = opts.uuid ? `uuid=0x${r.uuid.slice(0, 8)}, ` : '';
    let line = `  ${uuid}table=${String(r.table_id).padEnd(2)}(${r.stage.padEnd(stageWidth)}), priority=${String(r.priority).padEnd(5)}, match=(${r.match}), action=(${r.actions})`;
    if (opts.provenance)
      line += ` [${r.builder}${r.nb_table ? ` ${r.nb_table} ${r.nb_uuid}` : ''}]`;
    out.push(line);
  }
  return out;
}

/** Flow counts per datapath and stage, then the total (ovn-sbctl count-flows). */
export async function countFlows(pool: pg.Pool, datapath: string | undefined): Promise<string[]> {
  const rows = await flowRows(pool, datapath);
  const byDp = new Map<string, Map<string, number>>();
  for (const r of rows) {
    const k = `${r.dp_name} (${r.dp_type})`;
    const m = byDp.get(k) ?? new Map<string, number>();
    byDp.set(k, m);
    m.set(r.stage, (m.get(r.stage) ?? 0) + 1);
  }
  const out: string[] = [];
  for (const [dp, stages] of byDp) {
    out.push(`Datapath: ${dp}: ${[...stages.values()].reduce((a, b) => a + b, 0)} flows`);
    for (const [stage, n] of stages) out.push(`  ${stage.padEnd(24)} ${n}`);
  }
  out.push(`Total number of logical flows = ${rows.length}`);
  return out;
}

async function flowRows(pool: pg.Pool, datapath: string | undefined): Promise<FlowRow[]> {
  // Flows reach a datapath directly or through a datapath group.
  const r = await pool.query<FlowRow>(
    `SELECT d.uuid AS dp_uuid, coalesce(d.external_ids->>'name', '') AS dp_name, coalesce(d.type, '') AS dp_type,
            f.pipeline, f.table_id, f.stage, f.priority, f.match, f.actions, f.uuid, f.builder, f.nb_table, f.nb_uuid
       FROM sb.logical_flow f
       JOIN sb.datapath_binding d ON d.uuid = f.logical_datapath
         OR d.uuid IN (SELECT datapath FROM sb.logical_dp_group_datapath g WHERE g.dp_group = f.logical_dp_group)
      WHERE $1::text IS NULL OR d.uuid::text = $1 OR d.nb_uuid::text = $1 OR d.external_ids->>'name' = $1
      ORDER BY dp_name, d.uuid, f.pipeline DESC, f.table_id, f.priority DESC, f.match, f.actions`,
    [datapath ?? null],
  );
  return r.rows;
}
