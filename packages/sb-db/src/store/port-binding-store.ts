import { DbError } from '@ovn-ts/db';
import type { PortBinding, PortBindingType } from '../sb-database.js';
import { RowStore } from './row-store.js';
import { anyOf, datapathsWithKeys, guard } from './store-context.js';

export interface PortFilter {
  /** Only ports of datapaths with these tunnel keys. */
  readonly datapathKeys?: readonly number[];
  /** Only ports bound to this chassis (by name). */
  readonly chassis?: string;
  /** Only ports whose requested_chassis is this chassis (by name): the ones it should bind. */
  readonly requestedChassis?: string;
  readonly types?: readonly PortBindingType[];
}

/** Port bindings: northd creates them; a controller claims the ones that live on its chassis. */
export class PortBindingStore extends RowStore<'port_binding'> {
  async byName(logicalPort: string): Promise<PortBinding | undefined> {
    return guard(logicalPort, async () =>
      this.ctx.db
        .selectFrom('port_binding')
        .selectAll()
        .where('logical_port', '=', logicalPort)
        .executeTakeFirst(),
    );
  }

  async listWhere(filter: PortFilter = {}): Promise<PortBinding[]> {
    return guard(undefined, async () => {
      const db = this.ctx.db;
      let q = db.selectFrom('port_binding').selectAll();
      if (filter.datapathKeys)
        q = q.where('datapath', 'in', datapathsWithKeys(db, filter.datapathKeys));
      if (filter.chassis !== undefined) {
        q = q.where(
          'chassis',
          'in',
          db.selectFrom('chassis').select('uuid').where('name', '=', filter.chassis),
        );
      }
      if (filter.requestedChassis !== undefined) {
        const chassis = db
          .selectFrom('chassis')
          .select('uuid')
          .where('name', '=', filter.requestedChassis);
        q = q.where('requested_chassis', 'in', chassis);
      }
      if (filter.types) q = q.where('type', '=', anyOf(filter.types));
      return q.orderBy('datapath').orderBy('tunnel_key').execute();
    });
  }

  /**
   * Binds a port to a chassis and marks it up, as the controller of that chassis does when the
   * port appears locally. Taking a port bound elsewhere is allowed (a VM moved): the newest claim wins.
   */
  async claim(
    logicalPort: string,
    chassisName: string,
    opts: { encap?: string | null; up?: boolean } = {},
  ) {
    return this.ctx.atomic((db) =>
      guard(logicalPort, async () => {
        const chassis = await db
          .selectFrom('chassis')
          .select('uuid')
          .where('name', '=', chassisName)
          .executeTakeFirst();
        if (!chassis)
          throw new DbError(
            'not-found',
            `sb: port_binding ${logicalPort}: chassis ${chassisName} does not exist`,
          );
        const row = await db
          .updateTable('port_binding')
          .set({
            chassis: chassis.uuid,
            up: opts.up ?? true,
            ...(opts.encap === undefined ? {} : { encap: opts.encap }),
          })
          .where('logical_port', '=', logicalPort)
          .returningAll()
          .executeTakeFirst();
        if (!row) throw new DbError('not-found', `sb: port_binding ${logicalPort}: no such port`);
        return row;
      }),
    );
  }

  /**
   * Unbinds a port if `chassisName` holds it (and marks it down). Returns false, changing nothing,
   * when another chassis has claimed it meanwhile: that chassis now owns it.
   */
  async release(logicalPort: string, chassisName: string): Promise<boolean> {
    const r = await guard(logicalPort, async () =>
      this.ctx.db
        .updateTable('port_binding')
        .set({ chassis: null, encap: null, up: false })
        .where('logical_port', '=', logicalPort)
        .where(
          'chassis',
          'in',
          this.ctx.db.selectFrom('chassis').select('uuid').where('name', '=', chassisName),
        )
        .executeTakeFirst(),
    );
    return r.numUpdatedRows > 0n;
  }

  async setUp(logicalPort: string, up: boolean): Promise<void> {
    const r = await guard(logicalPort, async () =>
      this.ctx.db
        .updateTable('port_binding')
        .set({ up })
        .where('logical_port', '=', logicalPort)
        .executeTakeFirst(),
    );
    if (r.numUpdatedRows === 0n)
      throw new DbError('not-found', `sb: port_binding ${logicalPort}: no such port`);
  }

  /** The additional chassis of a port (multi-chassis binding during live migration). */
  async additionalChassis(portUuid: string): Promise<string[]> {
    const rows = await guard(portUuid, async () =>
      this.ctx.db
        .selectFrom('port_binding_additional_chassis')
        .select('chassis')
        .where('port_binding', '=', portUuid)
        .orderBy('chassis')
        .execute(),
    );
    return rows.map((r) => r.chassis);
  }

  async setAdditionalChassis(portUuid: string, chassis: readonly string[]): Promise<void> {
    await this.ctx.atomic((db) =>
      guard(portUuid, async () => {
        await db
          .deleteFrom('port_binding_additional_chassis')
          .where('port_binding', '=', portUuid)
          .execute();
        if (chassis.length > 0) {
          await db
            .insertInto('port_binding_additional_chassis')
            .values(chassis.map((c) => ({ port_binding: portUuid, chassis: c })))
            .execute();
        }
      }),
    );
  }
}
