import { DbError } from '@ovn-ts/db';
import { sql } from 'kysely';
import type { Chassis, ChassisPrivate, Encap, EncapType, StringMap } from '../sb-database.js';
import { RowStore } from './row-store.js';
import { guard } from './store-context.js';

export interface ChassisRegistration {
  readonly name: string;
  readonly hostname?: string;
  /** The chassis's tunnel endpoints; registration replaces the previous set. */
  readonly encaps: readonly {
    readonly type: EncapType;
    readonly ip: string;
    readonly options?: StringMap;
  }[];
  readonly otherConfig?: StringMap;
  readonly externalIds?: StringMap;
  readonly transportZones?: readonly string[];
}

export interface RegisteredChassis {
  readonly chassis: Chassis;
  readonly private: ChassisPrivate;
  readonly encaps: readonly Encap[];
}

/** Chassis, their encaps and their private rows, which a controller registers together. */
export class ChassisStore extends RowStore<'chassis'> {
  /**
   * Creates or refreshes a chassis, its encaps and its chassis_private row in one transaction, as a
   * controller does at start-up. The chassis keeps its uuid (port bindings refer to it) and its
   * private row keeps the nb_cfg it last reported.
   */
  async register(reg: ChassisRegistration): Promise<RegisteredChassis> {
    return this.ctx.atomic((db) =>
      guard(reg.name, async () => {
        const fields = {
          hostname: reg.hostname ?? '',
          other_config: reg.otherConfig ?? {},
          external_ids: reg.externalIds ?? {},
          transport_zones: [...(reg.transportZones ?? [])],
        };
        const chassis = await db
          .insertInto('chassis')
          .values({ name: reg.name, ...fields })
          .onConflict((oc) => oc.column('name').doUpdateSet(fields))
          .returningAll()
          .executeTakeFirstOrThrow();
        const priv = await db
          .insertInto('chassis_private')
          .values({ name: reg.name, chassis: chassis.uuid })
          .onConflict((oc) => oc.column('name').doUpdateSet({ chassis: chassis.uuid }))
          .returningAll()
          .executeTakeFirstOrThrow();
        // Compared in SQL, so that addresses match however they were spelled.
        const types = reg.encaps.map((e) => e.type);
        const ips = reg.encaps.map((e) => e.ip);
        await db
          .deleteFrom('encap')
          .where('chassis_name', '=', reg.name)
          .where(
            sql<boolean>`(type, ip) NOT IN (SELECT t, i FROM unnest(${types}::text[], ${ips}::inet[]) AS u(t, i))`,
          )
          .execute();
        const encaps: Encap[] = [];
        for (const e of reg.encaps) {
          encaps.push(
            await db
              .insertInto('encap')
              .values({ type: e.type, ip: e.ip, options: e.options ?? {}, chassis_name: reg.name })
              .onConflict((oc) =>
                oc
                  .columns(['chassis_name', 'type', 'ip'])
                  .doUpdateSet({ options: e.options ?? {} }),
              )
              .returningAll()
              .executeTakeFirstOrThrow(),
          );
        }
        return { chassis, private: priv, encaps };
      }),
    );
  }

  /** Removes a chassis with its encaps and private row; its port bindings become unbound. */
  async unregister(name: string): Promise<boolean> {
    return this.ctx.atomic((db) =>
      guard(name, async () => {
        await db.deleteFrom('chassis_private').where('name', '=', name).execute();
        const r = await db.deleteFrom('chassis').where('name', '=', name).executeTakeFirst();
        return r.numDeletedRows > 0n;
      }),
    );
  }

  async byName(name: string): Promise<Chassis | undefined> {
    return guard(name, async () =>
      this.ctx.db.selectFrom('chassis').selectAll().where('name', '=', name).executeTakeFirst(),
    );
  }

  async encaps(name?: string): Promise<Encap[]> {
    return guard(name, async () => {
      let q = this.ctx.db.selectFrom('encap').selectAll();
      if (name !== undefined) q = q.where('chassis_name', '=', name);
      return q.orderBy('chassis_name').orderBy('type').orderBy('ip').execute();
    });
  }

  async listPrivate(): Promise<ChassisPrivate[]> {
    return guard(undefined, async () =>
      this.ctx.db.selectFrom('chassis_private').selectAll().orderBy('name').execute(),
    );
  }

  /** A controller's report: it has installed everything up to nbCfg (at timestamp, ms). */
  async setNbCfg(name: string, nbCfg: number, timestamp: number): Promise<void> {
    const r = await guard(name, async () =>
      this.ctx.db
        .updateTable('chassis_private')
        .set({ nb_cfg: nbCfg, nb_cfg_timestamp: timestamp })
        .where('name', '=', name)
        .executeTakeFirst(),
    );
    if (r.numUpdatedRows === 0n)
      throw new DbError('not-found', `sb: chassis_private ${name}: no such chassis`);
  }
}
