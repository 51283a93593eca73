import type { Fdb } from '../sb-database.js';
import { RowStore } from './row-store.js';
import { anyOf, guard } from './store-context.js';

/** MAC-to-port bindings that controllers learn on switches (keys, not uuids, as in OVN). */
export class FdbStore extends RowStore<'fdb'> {
  /** Inserts or refreshes the entry for (mac, datapath key). */
  async put(e: { mac: string; dpKey: number; portKey: number; timestamp: number }): Promise<Fdb> {
    return guard(`${e.mac} on datapath ${e.dpKey}`, async () =>
      this.ctx.db
        .insertInto('fdb')
        .values({ mac: e.mac, dp_key: e.dpKey, port_key: e.portKey, timestamp: e.timestamp })
        .onConflict((oc) =>
          oc
            .columns(['mac', 'dp_key'])
            .doUpdateSet({ port_key: e.portKey, timestamp: e.timestamp }),
        )
        .returningAll()
        .executeTakeFirstOrThrow(),
    );
  }

  async listWhere(datapathKeys?: readonly number[]): Promise<Fdb[]> {
    return guard(undefined, async () => {
      let q = this.ctx.db.selectFrom('fdb').selectAll();
      if (datapathKeys) q = q.where('dp_key', '=', anyOf(datapathKeys));
      return q.orderBy('dp_key').orderBy('mac').execute();
    });
  }
}
