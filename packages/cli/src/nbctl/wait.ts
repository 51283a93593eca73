/**
 * --wait=sb|hv: after the commit, wait until northd (sb_cfg) or every chassis (hv_cfg) has caught up
 * with the nb_cfg this run wrote. Woken by the NB change feed's NOTIFY (northd writes sb_cfg into
 * NB_Global, which the feed records), with a slow poll as a backstop.
 */
import type { WaitMode } from './command-line.js';
import { NbctlError } from './errors.js';
import { classifyDatabaseError } from './report.js';
import type { Session } from './session.js';
import { describeUrl } from './url.js';

export const NB_FEED_CHANNEL = 'ovn_nb_changes';
const POLL_MS = 500;

export async function waitForCfg(
  session: Session,
  mode: Exclude<WaitMode, 'none'>,
  target: number,
  timeoutSeconds: number | undefined,
): Promise<void> {
  try {
    await waitLoop(session, mode, target, timeoutSeconds);
  } catch (err) {
    const db = classifyDatabaseError(err);
    if (db?.kind !== 'connection') throw err;
    throw new NbctlError(
      'connection',
      `lost connection to ${describeUrl(session.url)} while waiting for nb_cfg ${target}: ${db.message} (the changes were committed)`,
    );
  }
}

async function waitLoop(
  session: Session,
  mode: Exclude<WaitMode, 'none'>,
  target: number,
  timeoutSeconds: number | undefined,
): Promise<void> {
  const column = mode === 'sb' ? 'sb_cfg' : 'hv_cfg';
  let wake: (() => void) | undefined;
  const unlisten = await session.listen(NB_FEED_CHANNEL, () => wake?.());
  const deadline = timeoutSeconds === undefined ? undefined : Date.now() + timeoutSeconds * 1000;
  try {
    for (;;) {
      const rows = await session.query<{ cfg: number }>(`SELECT ${column} AS cfg FROM nb_global`);
      const current = rows[0]?.cfg ?? 0;
      if (current >= target) return;
      const left = deadline === undefined ? POLL_MS : deadline - Date.now();
      if (left <= 0) {
        const who = mode === 'sb' ? 'northd' : 'all chassis';
        throw new NbctlError(
          'timeout',
          `timed out after ${timeoutSeconds}s waiting for ${who} to process nb_cfg ${target} (${column} is ${current})`,
        );
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, POLL_MS));
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wake = undefined;
    }
  } finally {
    await unlisten();
  }
}
