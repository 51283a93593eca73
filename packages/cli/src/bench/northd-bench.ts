/**
 * pnpm bench:northd [small|medium|large …] [--no-dp-groups]
 *
 * Logical datapath groups are on, as in OVN; --no-dp-groups turns them off
 * (NB_Global options:use_logical_dp_groups=false) before northd starts.
 *
 * For each scale of the deterministic topology: a full compile into an empty SB (NB commit → SB
 * commit, northd process start included), the latency from an NB commit adding one port to the
 * SB commit that includes it (50 additions, over a persistent connection), a forced full
 * recompute, the lflow count, and northd's peak memory. A table for people, then one JSON line.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createPool, databaseUrl, dropDatabase, ensureDatabase } from '@ovn-ts/db';
import { initNb } from '@ovn-ts/nb-db';
import { loadTopology, SCALES, type TopologyScale, vmPort } from '@ovn-ts/northd';
import { initSb } from '@ovn-ts/sb-db';
import pg from 'pg';
import { benchServer, median, percentile, printTable, round } from './bench-kit.js';

const here = dirname(fileURLToPath(import.meta.url));
const OVN_TS = resolve(here, '../../bin/ovn-ts.js');

interface ScaleResult {
  scale: string;
  dpGroups: boolean;
  nbRows: number;
  /** logical_flow rows. */
  lflows: number;
  /** Flows per datapath, summed (a grouped row counts once per member). */
  lflowsPerDatapath: number;
  fullCompileMs: number;
  addPortMedianMs: number;
  addPortP95Ms: number;
  recomputeMs: number;
  peakRssMb: number;
}

/** Waits for SB commits (NOTIFY on a persistent connection) and tells when one satisfies a test. */
class SbWatcher {
  private waiters: Array<{
    test: (seq: number) => Promise<boolean>;
    resolve: (t: number) => void;
  }> = [];
  private constructor(
    readonly client: pg.Client,
    readonly pool: pg.Pool,
  ) {}

  static async open(url: string, pool: pg.Pool): Promise<SbWatcher> {
    const client = new pg.Client({ connectionString: url });
    client.on('error', () => {});
    await client.connect();
    const w = new SbWatcher(client, pool);
    client.on('notification', (n) => void w.onCommit(Number(n.payload), performance.now()));
    await client.query('LISTEN ovn_sb_changes');
    return w;
  }

  /** Resolves with the arrival time of the first SB commit for which `test(seq)` holds. */
  next(test: (seq: number) => Promise<boolean>): Promise<number> {
    return new Promise((resolve) => this.waiters.push({ test, resolve }));
  }

  private async onCommit(seq: number, at: number) {
    for (const w of [...this.waiters]) {
      if (await w.test(seq)) {
        this.waiters = this.waiters.filter((x) => x !== w);
        w.resolve(at);
      }
    }
  }

  async commitHas(seq: number, table: string, key: string, value: string): Promise<boolean> {
    const r = await this.pool.query(
      `SELECT 1 FROM sb.feed_commit c JOIN sb.change_log l ON l.txid = c.txid
        WHERE c.seq = $1 AND l.tbl = $2 AND l.row->>$3 = $4 LIMIT 1`,
      [seq, table, key, value],
    );
    return (r.rowCount ?? 0) > 0;
  }

  close() {
    return this.client.end();
  }
}

async function benchScale(
  adminUrl: string,
  scale: TopologyScale,
  dpGroups: boolean,
): Promise<ScaleResult> {
  const name = `northd_bench_${scale.name}`;
  await dropDatabase(adminUrl, name);
  await ensureDatabase(adminUrl, name);
  const url = databaseUrl(adminUrl, name);
  const pool = createPool(url, { max: 4 });
  await initNb(pool);
  await initSb(pool);
  const nbRows = await loadTopology(pool, scale);
  const cfg = (
    await pool.query<{ nb_cfg: number }>(
      `UPDATE nb.nb_global SET nb_cfg = nb_cfg + 1,
              options = options || jsonb_build_object('use_logical_dp_groups', $1::text)
        RETURNING nb_cfg`,
      [String(dpGroups)],
    )
  ).rows[0]!.nb_cfg;

  const child = spawn(process.execPath, [OVN_TS, 'northd', '--nb', url, '--sb', url], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const t0 = performance.now();
  while (
    (await pool.query<{ sb_cfg: number }>('SELECT sb_cfg FROM nb.nb_global')).rows[0]!.sb_cfg < cfg
  ) {
    if (child.exitCode !== null) throw new Error(`northd exited: ${stderr}`);
    await new Promise((r) => setTimeout(r, 5));
  }
  const fullCompileMs = performance.now() - t0;
  const lflows = (await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM sb.logical_flow'))
    .rows[0]!.n;
  const lflowsPerDatapath = (
    await pool.query<{ n: number }>(
      `SELECT ((SELECT count(*) FROM sb.logical_flow WHERE logical_datapath IS NOT NULL)
             + (SELECT count(*) FROM sb.logical_flow f
                  JOIN sb.logical_dp_group_datapath m ON m.dp_group = f.logical_dp_group))::int AS n`,
    )
  ).rows[0]!.n;

  const watcher = await SbWatcher.open(url, pool);
  const nb = new pg.Client({ connectionString: url });
  nb.on('error', () => {});
  await nb.connect();
  const adds: number[] = [];
  for (let i = 0; i < 50; i++) {
    const s = (i * 7) % scale.switches;
    const vm = vmPort(s, 100 + i);
    const seen = watcher.next((seq) =>
      watcher.commitHas(seq, 'port_binding', 'logical_port', vm.name),
    );
    await nb.query(
      `INSERT INTO nb.logical_switch_port (name, switch_uuid, addresses, port_security)
       SELECT $1, uuid, ARRAY[$2], ARRAY[$2] FROM nb.logical_switch WHERE name = $3`,
      [vm.name, vm.address, `ls${s}`],
    );
    const committed = performance.now();
    adds.push((await seen) - committed);
  }

  const recomputes: number[] = [];
  for (let i = 0; i < 3; i++) {
    const r = await nb.query<{ nb_cfg: number }>(
      `UPDATE nb.nb_global SET options = options || jsonb_build_object('bench-recompute', $1::text), nb_cfg = nb_cfg + 1 RETURNING nb_cfg`,
      [String(i)],
    );
    const want = String(r.rows[0]!.nb_cfg);
    const committed = performance.now();
    const seen = await watcher.next((seq) => watcher.commitHas(seq, 'sb_global', 'nb_cfg', want));
    recomputes.push(seen - committed);
  }

  const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
  const peakRssMb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
  await nb.end();
  await watcher.close();
  await pool.end();
  await dropDatabase(adminUrl, name);
  return {
    scale: scale.name,
    dpGroups,
    nbRows,
    lflows,
    lflowsPerDatapath,
    fullCompileMs: round(fullCompileMs),
    addPortMedianMs: round(median(adds), 2),
    addPortP95Ms: round(percentile(adds, 95), 2),
    recomputeMs: round(median(recomputes)),
    peakRssMb: round(peakRssMb),
  };
}

async function main() {
  const args = process.argv.slice(2);
  const dpGroups = !args.includes('--no-dp-groups');
  const wanted = args.filter((a) => !a.startsWith('--'));
  const unknown = wanted.filter((w) => !SCALES.some((s) => s.name === w));
  if (unknown.length) throw new Error(`bench:northd: no scale named ${unknown.join(', ')}`);
  const scales = wanted.length ? SCALES.filter((s) => wanted.includes(s.name)) : SCALES;
  const server = await benchServer();
  const results: ScaleResult[] = [];
  try {
    for (const s of scales) {
      process.stderr.write(`northd bench: ${s.name}${dpGroups ? '' : ' (no datapath groups)'} …\n`);
      results.push(await benchScale(server.adminUrl, s, dpGroups));
    }
  } finally {
    await server.stop();
  }
  printTable(
    [
      'scale',
      'NB rows',
      'lflows',
      'per dp',
      'full compile ms',
      'add port p50 ms',
      'add port p95 ms',
      'recompute ms',
      'peak RSS MB',
    ],
    results.map((r) => [
      r.scale,
      r.nbRows,
      r.lflows,
      r.lflowsPerDatapath,
      r.fullCompileMs,
      r.addPortMedianMs,
      r.addPortP95Ms,
      r.recomputeMs,
      r.peakRssMb,
    ]),
  );
  console.log(JSON.stringify(Object.fromEntries(results.map((r) => [r.scale, r]))));
}

await main();
