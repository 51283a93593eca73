import { DbError } from '@ovn-ts/db';
import type { Kysely } from 'kysely';
import type { LoadBalancer, NewLoadBalancer, SbDatabase } from '../sb-database.js';
import { groupMembers } from './dp-group-store.js';
import { RowStore } from './row-store.js';
import { datapathsWithKeys, guard } from './store-context.js';

export interface LoadBalancerWithDatapaths extends LoadBalancer {
  /** The datapath uuids the load balancer applies to directly, sorted. */
  readonly datapaths: string[];
}

/** Load balancers as controllers need them (VIPs, protocol, the datapaths that use them). */
export class LoadBalancerStore extends RowStore<'load_balancer'> {
  async create(
    lb: NewLoadBalancer,
    datapaths: readonly string[] = [],
  ): Promise<LoadBalancerWithDatapaths> {
    return this.ctx.atomic((db) =>
      guard(lb.name || undefined, async () => {
        const row = await db
          .insertInto('load_balancer')
          .values(lb)
          .returningAll()
          .executeTakeFirstOrThrow();
        await putDatapaths(db, row.uuid, datapaths);
        return { ...row, datapaths: [...datapaths].sort() };
      }),
    );
  }

  async setDatapaths(uuid: string, datapaths: readonly string[]): Promise<void> {
    await this.ctx.atomic((db) =>
      guard(uuid, async () => {
        const lb = await db
          .selectFrom('load_balancer')
          .select('uuid')
          .where('uuid', '=', uuid)
          .executeTakeFirst();
        if (!lb) throw new DbError('not-found', `sb: load_balancer ${uuid}: no such load balancer`);
        await db.deleteFrom('load_balancer_datapath').where('load_balancer', '=', uuid).execute();
        await putDatapaths(db, uuid, datapaths);
      }),
    );
  }

  /** All load balancers, or those applied directly to datapaths with these tunnel keys. */
  async listWithDatapaths(datapathKeys?: readonly number[]): Promise<LoadBalancerWithDatapaths[]> {
    return guard(undefined, async () => {
      const db = this.ctx.db;
      let q = db.selectFrom('load_balancer').selectAll();
      if (datapathKeys) {
        q = q.where(
          'uuid',
          'in',
          db
            .selectFrom('load_balancer_datapath')
            .select('load_balancer')
            .where('datapath', 'in', datapathsWithKeys(db, datapathKeys)),
        );
      }
      const lbs = await q.orderBy('name').orderBy('uuid').execute();
      if (lbs.length === 0) return [];
      const links = await db
        .selectFrom('load_balancer_datapath')
        .select(['load_balancer as owner', 'datapath as member'])
        .where(
          'load_balancer',
          'in',
          lbs.map((l) => l.uuid),
        )
        .orderBy('load_balancer')
        .orderBy('datapath')
        .execute();
      const dps = new Map(groupMembers(links));
      return lbs.map((l) => ({ ...l, datapaths: dps.get(l.uuid) ?? [] }));
    });
  }
}

async function putDatapaths(
  db: Kysely<SbDatabase>,
  lb: string,
  datapaths: readonly string[],
): Promise<void> {
  if (datapaths.length === 0) return;
  await db
    .insertInto('load_balancer_datapath')
    .values(datapaths.map((d) => ({ load_balancer: lb, datapath: d })))
    .execute();
}
