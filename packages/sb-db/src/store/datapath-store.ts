import type { DatapathBinding } from '../sb-database.js';
import { RowStore } from './row-store.js';
import { anyOf, guard } from './store-context.js';

/** Datapath bindings: one per logical switch or router, with its tunnel key. */
export class DatapathStore extends RowStore<'datapath_binding'> {
  /** All datapaths, or those with the given tunnel keys (what one controller cares about). */
  async listByKeys(keys?: readonly number[]): Promise<DatapathBinding[]> {
    return guard(undefined, async () => {
      let q = this.ctx.db.selectFrom('datapath_binding').selectAll();
      if (keys) q = q.where('tunnel_key', '=', anyOf(keys));
      return q.orderBy('tunnel_key').execute();
    });
  }

  async byKey(key: number): Promise<DatapathBinding | undefined> {
    return guard(`key ${key}`, async () =>
      this.ctx.db
        .selectFrom('datapath_binding')
        .selectAll()
        .where('tunnel_key', '=', key)
        .executeTakeFirst(),
    );
  }

  /** The datapath that implements NB row `nbUuid` (a logical switch or router). */
  async byNbUuid(nbUuid: string): Promise<DatapathBinding | undefined> {
    return guard(nbUuid, async () =>
      this.ctx.db
        .selectFrom('datapath_binding')
        .selectAll()
        .where('nb_uuid', '=', nbUuid)
        .executeTakeFirst(),
    );
  }
}
