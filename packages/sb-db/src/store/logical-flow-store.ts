import type { LogicalFlow, NewLogicalFlow, Pipeline } from '../sb-database.js';
import { RowStore } from './row-store.js';
import { datapathsWithKeys, guard } from './store-context.js';

export interface FlowFilter {
  /** Flows that apply to datapaths with these tunnel keys, directly or through a datapath group. */
  readonly datapathKeys?: readonly number[];
  readonly pipeline?: Pipeline;
  readonly stage?: string;
}

/** The change northd computed: flows to remove (by uuid) and flows to add. */
export interface FlowChanges {
  readonly delete: readonly string[];
  readonly insert: readonly NewLogicalFlow[];
}

/** Logical flows: written in bulk by northd, read per datapath by controllers. */
export class LogicalFlowStore extends RowStore<'logical_flow'> {
  async listWhere(filter: FlowFilter = {}): Promise<LogicalFlow[]> {
    return guard(undefined, async () => {
      const db = this.ctx.db;
      let q = db.selectFrom('logical_flow').selectAll();
      if (filter.datapathKeys) {
        const dps = datapathsWithKeys(db, filter.datapathKeys);
        q = q.where((eb) =>
          eb.or([
            eb('logical_datapath', 'in', dps),
            eb(
              'logical_dp_group',
              'in',
              db
                .selectFrom('logical_dp_group_datapath')
                .select('dp_group')
                .where('datapath', 'in', dps),
            ),
          ]),
        );
      }
      if (filter.pipeline) q = q.where('pipeline', '=', filter.pipeline);
      if (filter.stage) q = q.where('stage', '=', filter.stage);
      return q
        .orderBy('pipeline', 'desc') // ingress before egress
        .orderBy('table_id')
        .orderBy('priority', 'desc')
        .orderBy('match')
        .orderBy('uuid')
        .execute();
    });
  }

  /** Flows made from one NB row (what `lflow-list` shows for an object, and what trace explains). */
  async byNbUuid(nbUuid: string): Promise<LogicalFlow[]> {
    return guard(nbUuid, async () =>
      this.ctx.db
        .selectFrom('logical_flow')
        .selectAll()
        .where('nb_uuid', '=', nbUuid)
        .orderBy('uuid')
        .execute(),
    );
  }

  /** Applies northd's diff in one transaction (one feed commit); returns the new flows' uuids. */
  async apply(changes: FlowChanges): Promise<string[]> {
    return this.ctx.atomic(async (db) => {
      await this.deleteManyIn(db, changes.delete);
      return this.insertManyIn(db, changes.insert);
    });
  }
}
