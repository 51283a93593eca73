import type { MacBinding } from '../sb-database.js';
import { RowStore } from './row-store.js';
import { datapathsWithKeys, guard } from './store-context.js';

export interface MacBindingInput {
  readonly logicalPort: string;
  readonly ip: string;
  readonly mac: string;
  readonly datapath: string;
  /** When it was learned, ms since the epoch (passed in: the caller owns the clock). */
  readonly timestamp: number;
}

/** IP-to-MAC bindings that controllers learn on router ports. */
export class MacBindingStore extends RowStore<'mac_binding'> {
  /** Inserts or refreshes the binding of (logical port, ip); returns the stored row. */
  async put(b: MacBindingInput): Promise<MacBinding> {
    return guard(`${b.logicalPort} ${b.ip}`, async () =>
      this.ctx.db
        .insertInto('mac_binding')
        .values({
          logical_port: b.logicalPort,
          ip: b.ip,
          mac: b.mac,
          datapath: b.datapath,
          timestamp: b.timestamp,
        })
        .onConflict((oc) =>
          oc
            .columns(['logical_port', 'ip'])
            .doUpdateSet({ mac: b.mac, datapath: b.datapath, timestamp: b.timestamp }),
        )
        .returningAll()
        .executeTakeFirstOrThrow(),
    );
  }

  async find(logicalPort: string, ip: string): Promise<MacBinding | undefined> {
    return guard(`${logicalPort} ${ip}`, async () =>
      this.ctx.db
        .selectFrom('mac_binding')
        .selectAll()
        .where('logical_port', '=', logicalPort)
        .where('ip', '=', ip)
        .executeTakeFirst(),
    );
  }

  async listWhere(datapathKeys?: readonly number[]): Promise<MacBinding[]> {
    return guard(undefined, async () => {
      let q = this.ctx.db.selectFrom('mac_binding').selectAll();
      if (datapathKeys) q = q.where('datapath', 'in', datapathsWithKeys(this.ctx.db, datapathKeys));
      return q.orderBy('logical_port').orderBy('ip').execute();
    });
  }
}
