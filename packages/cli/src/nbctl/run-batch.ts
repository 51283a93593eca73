/**
 * Applies a planned batch in one transaction: every command runs in order against the same
 * transaction (so `ls-add sw0 -- lsp-add sw0 p1` sees its own switch), and the first failure rolls
 * everything back. With --wait, nb_cfg is bumped in the same transaction.
 */

import type { Output, RunContext } from './command.js';
import type { GlobalOptions } from './command-line.js';
import { CommandFailure, NbctlError } from './errors.js';
import type { Planned } from './plan.js';
import { runPortAdds } from './port-add-fusion.js';
import { classifyDatabaseError, connectionMessage } from './report.js';
import type { Session } from './session.js';
import { describeUrl } from './url.js';

export interface BatchResult {
  readonly outputs: readonly Output[];
  /** The nb_cfg to wait for, when --wait asked for it and there is something to wait for. */
  readonly waitFor: number | undefined;
}

export async function runBatch(
  session: Session,
  planned: readonly Planned[],
  global: GlobalOptions,
): Promise<BatchResult> {
  const ctx: RunContext = { tx: session, global, memo: new Map(), finalChecks: new Map() };
  const outputs: Output[] = [];
  let waitFor: number | undefined;
  await session.query('BEGIN');
  try {
    const runOne = async ({ spec, plan, raw }: Planned): Promise<Output> => {
      try {
        return (await spec.run(ctx, plan)) ?? [];
      } catch (err) {
        throw new CommandFailure(raw.name, err);
      }
    };
    for (let i = 0; i < planned.length; ) {
      // Runs of lsp-add (with the setters of their ports) are loaded in one statement.
      const done =
        planned[i]!.spec.name === 'lsp-add'
          ? await runPortAdds(ctx, planned, i, runOne)
          : [await runOne(planned[i]!)];
      outputs.push(...done);
      i += done.length;
    }
    for (const check of ctx.finalChecks.values()) await check();
    const wantsWait =
      global.wait !== 'none' && planned.some((p) => p.spec.writes || p.spec.forcesWait);
    if (wantsWait && !global.dryRun) waitFor = await bumpNbCfg(session);
  } catch (err) {
    await session.query('ROLLBACK').catch(() => {});
    const db = err instanceof CommandFailure ? undefined : classifyDatabaseError(err);
    if (db?.kind === 'connection')
      throw new NbctlError('connection', connectionMessage(session.url, db.message, true));
    throw err;
  }
  try {
    await session.query(global.dryRun ? 'ROLLBACK' : 'COMMIT');
  } catch (err) {
    const db = classifyDatabaseError(err);
    if (db?.kind === 'connection') {
      // The server may or may not have committed before the connection went: say so.
      throw new NbctlError(
        'connection',
        `lost connection to ${describeUrl(session.url)} while committing: ${db.message} (the outcome is unknown)`,
      );
    }
    await session.query('ROLLBACK').catch(() => {});
    throw err;
  }
  return { outputs, waitFor };
}

async function bumpNbCfg(session: Session): Promise<number> {
  const rows = await session.query<{ nb_cfg: number }>(
    `UPDATE nb_global SET nb_cfg = nb_cfg + 1,
       nb_cfg_timestamp = (extract(epoch FROM clock_timestamp()) * 1000)::bigint
     RETURNING nb_cfg`,
  );
  if (!rows[0])
    throw new NbctlError('not-found', 'NB_Global: no row to count nb_cfg in (run "nbctl init")');
  return rows[0].nb_cfg;
}
