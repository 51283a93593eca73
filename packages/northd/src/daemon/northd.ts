import { type Commit, createPool, DbError, followFeed } from '@ovn-ts/db';
import type pg from 'pg';
import pino from 'pino';
import type { SbDelta, StreamedDelta } from '../engine/desired.js';
import { NorthdEngine } from '../engine/engine.js';
import type { NbChange } from '../model/nb-model.js';
import { syncChassisReports } from './chassis-reports.js';
import { DiagnosticsWriter } from './diagnostics-writer.js';
import { acquireLeadership, sleep } from './leader.js';
import { loadNbSnapshot } from './nb-snapshot.js';
import { SbMirror } from './sb-mirror.js';
import { type WriteStats, writeSbResults } from './sb-writer.js';

export interface NorthdOptions {
  readonly nbUrl: string;
  readonly sbUrl: string;
  readonly signal?: AbortSignal;
  /** How often a standby tries the lock (it takes over within this time of the active's death). */
  readonly lockPollMs?: number;
  readonly log?: pino.Logger;
  /** Called after each SB write, for tests and the benchmark. */
  readonly onWrite?: (info: {
    nbCfg: number;
    full: boolean;
    stats: WriteStats;
    engineMs: number;
    writeMs: number;
  }) => void;
}

/**
 * The northd daemon: waits to be the active instance, then keeps SB equal to the compiled NB.
 * Returns when the signal aborts.
 */
export async function runNorthd(opts: NorthdOptions): Promise<void> {
  const log = opts.log ?? pino({ name: 'northd' }, pino.destination(2));
  const nbPool = createPool(opts.nbUrl, { max: 3, applicationName: 'ovn-ts northd' });
  const sbPool = createPool(opts.sbUrl, { max: 3, applicationName: 'ovn-ts northd' });
  try {
    while (!opts.signal?.aborted) {
      const lock = await acquireLeadership(opts.sbUrl, {
        pollMs: opts.lockPollMs ?? 200,
        ...(opts.signal && { signal: opts.signal }),
        onWaiting: () => log.info('standby: another northd is active'),
      });
      if (!lock) break;
      const lost = new AbortController();
      const stop = () => lost.abort();
      opts.signal?.addEventListener('abort', stop, { once: true });
      lock.on('error', stop);
      lock.on('end', stop);
      log.info('active');
      try {
        await Promise.all([
          runActive(nbPool, sbPool, opts, log, lost.signal),
          syncChassisReports(nbPool, sbPool, opts.sbUrl, log, lost.signal),
        ]);
      } catch (err) {
        log.error({ err: DbError.from(err).message }, 'active northd failed; retrying');
        await sleep(500, opts.signal);
      } finally {
        lost.abort();
        opts.signal?.removeEventListener('abort', stop);
        await lock.end().catch(() => {});
      }
    }
  } finally {
    await Promise.all([nbPool.end(), sbPool.end()]);
  }
}

async function runActive(
  nbPool: pg.Pool,
  sbPool: pg.Pool,
  opts: NorthdOptions,
  log: pino.Logger,
  signal: AbortSignal,
) {
  let mirror = await SbMirror.load(sbPool);
  let engine = new NorthdEngine(mirror.knownKeys(), { retainFlows: false });
  const snap = await loadNbSnapshot(nbPool);
  engine.load(snap.rows);

  // A full recompute is streamed: its engine time is spent inside the write (engineMs is 0).
  const write = async (delta: SbDelta | StreamedDelta, engineMs: number) => {
    const nbCfg = engine.nb.globals()?.nb_cfg ?? 0;
    const t0 = performance.now();
    let stats: WriteStats;
    let written: SbDelta;
    try {
      const w = await writeSbResults(sbPool, mirror, delta, nbCfg, Date.now(), writeOptions());
      stats = w.stats;
      written = { ...delta, changed: w.results };
    } catch (err) {
      // The mirror may be off now: reload it and write everything against it.
      log.warn({ err: (err as Error).message }, 'SB write failed; resyncing');
      mirror = await SbMirror.load(sbPool);
      const again = engine.recomputeAllStreaming();
      const w = await writeSbResults(sbPool, mirror, again, nbCfg, Date.now(), writeOptions());
      stats = w.stats;
      written = { ...again, changed: w.results };
    }
    const writeMs = performance.now() - t0;
    // Diagnostics before sb_cfg, so that whoever waited for sb_cfg (nbctl --wait=sb) sees them.
    await diagnostics.write(nbPool, written);
    // Reported before sb_cfg moves, so that whoever waits on sb_cfg also sees the report.
    opts.onWrite?.({ nbCfg, full: delta.full, stats, engineMs, writeMs });
    await nbPool.query(
      'UPDATE nb.nb_global SET sb_cfg = $1, sb_cfg_timestamp = $2 WHERE sb_cfg <> $1',
      [nbCfg, Date.now()],
    );
    if (delta.full || stats.flowsInserted + stats.flowsDeleted > 1000) {
      log.info(
        { nbCfg, ...stats, engineMs: Math.round(engineMs), writeMs: Math.round(writeMs) },
        'SB updated',
      );
    }
  };
  const diagnostics = new DiagnosticsWriter(log);
  // OVN's option name, and its default since OVN 21.09 (later releases dropped the option and
  // always group): on unless set to "false". Changing it changes nb_global options, hence a full
  // recompute, which regroups (or ungroups) every flow.
  const writeOptions = () => ({
    dpGroups: engine.nb.globals()?.options?.use_logical_dp_groups !== 'false',
  });

  let t0 = performance.now();
  await write(engine.recomputeAllStreaming(), 0);

  let lastCfg = engine.nb.globals()?.nb_cfg ?? 0;
  await followFeed(
    {
      url: opts.nbUrl,
      pool: nbPool,
      schema: 'nb',
      channel: 'ovn_nb_changes',
      cursor: snap.seq,
      signal,
    },
    async (read) => {
      if (read.kind === 'resync') {
        const again = await loadNbSnapshot(nbPool);
        engine = new NorthdEngine(mirror.knownKeys(), { retainFlows: false });
        engine.load(again.rows);
        await write(engine.recomputeAllStreaming(), 0);
        return again.seq;
      }
      const changes = toChanges(read.commits);
      t0 = performance.now();
      const delta = engine.applyStreaming(changes);
      const engineMs = performance.now() - t0;
      const cfg = engine.nb.globals()?.nb_cfg ?? 0;
      if (
        delta.full ||
        (delta.changed as readonly unknown[]).length ||
        delta.removed.length ||
        delta.addressSets.upsert.size ||
        delta.addressSets.remove.length ||
        delta.portGroups.upsert.size ||
        delta.portGroups.remove.length ||
        cfg !== lastCfg
      ) {
        await write(delta, engineMs);
        lastCfg = cfg;
      }
    },
  );
}

function toChanges(commits: readonly Commit[]): NbChange[] {
  const out: NbChange[] = [];
  for (const c of commits)
    for (const ch of c.changes) out.push({ table: ch.table, op: ch.op, row: ch.row });
  return out;
}
