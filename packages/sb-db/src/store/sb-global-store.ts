import { DbError } from '@ovn-ts/db';
import type { Updateable } from 'kysely';
import type { SbGlobal, SbGlobalTable } from '../sb-database.js';
import { guard, type StoreContext } from './store-context.js';

/** The one sb_global row: northd's progress counter and the global options. */
export class SbGlobalStore {
  constructor(private readonly ctx: StoreContext) {}

  async get(): Promise<SbGlobal> {
    const row = await guard(undefined, async () =>
      this.ctx.db.selectFrom('sb_global').selectAll().executeTakeFirst(),
    );
    if (!row) throw new DbError('not-found', 'sb: sb_global: the row is missing (run sbctl init)');
    return row;
  }

  async getNbCfg(): Promise<number> {
    return (await this.get()).nb_cfg;
  }

  /** Records the nb_cfg that northd has written into SB (and when, in ms since the epoch). */
  async setNbCfg(nbCfg: number, timestamp?: number): Promise<void> {
    await this.update({
      nb_cfg: nbCfg,
      ...(timestamp === undefined ? {} : { nb_cfg_timestamp: timestamp }),
    });
  }

  async update(patch: Updateable<SbGlobalTable>): Promise<SbGlobal> {
    const row = await guard(undefined, async () =>
      this.ctx.db.updateTable('sb_global').set(patch).returningAll().executeTakeFirst(),
    );
    if (!row) throw new DbError('not-found', 'sb: sb_global: the row is missing (run sbctl init)');
    return row;
  }
}
