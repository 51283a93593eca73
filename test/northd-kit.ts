/**
 * For end-to-end tests: a fresh database with NB and SB, an in-process northd compiling one into
 * the other, and nbctl run in-process against it.
 */
import { runNorthd } from '@ovn-ts/northd';
import { initSb } from '@ovn-ts/sb-db';
import pino from 'pino';
import { type NbctlKit, startNbctlKit } from '../packages/cli/src/nbctl/test-kit.js';

export interface NorthdKit extends NbctlKit {
  /** Stops northd and drops the database. */
  stop(): Promise<void>;
}

export async function startNorthdKit(prefix: string): Promise<NorthdKit> {
  const kit = await startNbctlKit(prefix);
  await kit.ok('init');
  await initSb(kit.pool);
  const ac = new AbortController();
  const northd = runNorthd({
    nbUrl: kit.url,
    sbUrl: kit.url,
    signal: ac.signal,
    log: pino({ level: 'silent' }),
    lockPollMs: 50,
  });
  return {
    ...kit,
    async stop() {
      ac.abort();
      await northd;
      await kit.close();
    },
  };
}
