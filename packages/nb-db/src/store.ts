import { createKysely, createPool, DbError } from '@ovn-ts/db';
import { type Kysely, sql, type Transaction } from 'kysely';
import type pg from 'pg';
import { initNb } from './init.js';
import type { NbDatabase, NbGlobal, NbTableName, NewRow, Row, RowPatch } from './types.js';

/** Tables whose rows are entities with a uuid (link tables are handled by their own helpers). */
export type EntityTable = Exclude<
  NbTableName,
  'nb.port_group_port' | 'nb.logical_switch_load_balancer' | 'nb.logical_router_load_balancer'
>;

type AnyDb = Kysely<NbDatabase> | Transaction<NbDatabase>;
// biome-ignore lint/suspicious/noExplicitAny: kysely cannot follow a table name that is a type parameter
type Loose = Kysely<any>;
const loose = (db: AnyDb): Loose => db as unknown as Loose;

/**
 * Typed access to one entity table. Queries fetch only what they are asked for: no caller ever
 * needs to download the whole database to change one row.
 */
export class EntityRepo<T extends EntityTable> {
  constructor(
    private readonly db: AnyDb,
    readonly table: T,
  ) {}

  async get(uuid: string): Promise<Row<T> | undefined> {
    const q = loose(this.db)
      .selectFrom(this.table as string)
      .selectAll()
      .where('uuid', '=', uuid);
    return (await q.executeTakeFirst()) as Row<T> | undefined;
  }

  /** Rows whose column equals value, in a stable order. */
  async where<C extends keyof Row<T> & string>(column: C, value: Row<T>[C]): Promise<Row<T>[]> {
    const q = loose(this.db)
      .selectFrom(this.table as string)
      .selectAll()
      .where(column, '=', value as never)
      .orderBy('uuid');
    return (await q.execute()) as Row<T>[];
  }

  async list(): Promise<Row<T>[]> {
    return (await loose(this.db)
      .selectFrom(this.table as string)
      .selectAll()
      .orderBy('uuid')
      .execute()) as Row<T>[];
  }

  async insert(values: NewRow<T>): Promise<Row<T>> {
    const q = loose(this.db)
      .insertInto(this.table as string)
      .values(encode(values))
      .returningAll();
    return (await q.executeTakeFirstOrThrow()) as Row<T>;
  }

  /**
   * Updates one row. With `revision`, the update happens only if the row is still at that revision
   * (compare-and-set for cloud plugins); otherwise a DbError 'conflict'.
   */
  async update(
    uuid: string,
    patch: RowPatch<T>,
    opts: { revision?: number } = {},
  ): Promise<Row<T>> {
    let q = loose(this.db)
      .updateTable(this.table as string)
      .set(encode(patch))
      .where('uuid', '=', uuid);
    if (opts.revision !== undefined) q = q.where('revision', '=', opts.revision);
    const row = await q.returningAll().executeTakeFirst();
    if (row) return row as Row<T>;
    const exists = await this.get(uuid);
    if (!exists) throw new DbError('not-found', `${bare(this.table)} ${uuid} does not exist`);
    throw new DbError(
      'conflict',
      `${bare(this.table)} ${uuid} is at revision ${(exists as { revision?: number }).revision}, not ${opts.revision}`,
    );
  }

  async delete(uuid: string): Promise<boolean> {
    const r = await loose(this.db)
      .deleteFrom(this.table as string)
      .where('uuid', '=', uuid)
      .executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }
}

/** Many-to-many links (port group members, load balancers on switches and routers). */
export class LinkRepo<
  L extends
    | 'nb.port_group_port'
    | 'nb.logical_switch_load_balancer'
    | 'nb.logical_router_load_balancer',
> {
  constructor(
    private readonly db: AnyDb,
    readonly table: L,
    private readonly owner: string,
    private readonly member: string,
  ) {}

  async members(ownerUuid: string): Promise<string[]> {
    const rows = await loose(this.db)
      .selectFrom(this.table as string)
      .select(this.member)
      .where(this.owner, '=', ownerUuid)
      .orderBy(this.member)
      .execute();
    return rows.map((r: Record<string, string>) => r[this.member]!);
  }

  async add(ownerUuid: string, memberUuids: readonly string[]): Promise<void> {
    if (memberUuids.length === 0) return;
    await loose(this.db)
      .insertInto(this.table as string)
      .values(memberUuids.map((m) => ({ [this.owner]: ownerUuid, [this.member]: m })))
      .onConflict((oc) => oc.doNothing())
      .execute();
  }

  async remove(ownerUuid: string, memberUuids: readonly string[]): Promise<void> {
    if (memberUuids.length === 0) return;
    await loose(this.db)
      .deleteFrom(this.table as string)
      .where(this.owner, '=', ownerUuid)
      .where(this.member, 'in', memberUuids)
      .execute();
  }

  /** Makes the members exactly `memberUuids`. */
  async set(ownerUuid: string, memberUuids: readonly string[]): Promise<void> {
    await loose(this.db)
      .deleteFrom(this.table as string)
      .where(this.owner, '=', ownerUuid)
      .execute();
    await this.add(ownerUuid, [...new Set(memberUuids)]);
  }
}

/** Every NB entity and link, over one connection or one transaction. */
export class NbAccess {
  readonly switches;
  readonly switchPorts;
  readonly routers;
  readonly routerPorts;
  readonly gatewayChassis;
  readonly staticRoutes;
  readonly portGroups;
  readonly addressSets;
  readonly acls;
  readonly nats;
  readonly loadBalancers;
  readonly dhcpOptions;
  readonly portGroupPorts;
  readonly switchLoadBalancers;
  readonly routerLoadBalancers;

  constructor(readonly db: AnyDb) {
    this.switches = new EntityRepo(db, 'nb.logical_switch');
    this.switchPorts = new EntityRepo(db, 'nb.logical_switch_port');
    this.routers = new EntityRepo(db, 'nb.logical_router');
    this.routerPorts = new EntityRepo(db, 'nb.logical_router_port');
    this.gatewayChassis = new EntityRepo(db, 'nb.gateway_chassis');
    this.staticRoutes = new EntityRepo(db, 'nb.logical_router_static_route');
    this.portGroups = new EntityRepo(db, 'nb.port_group');
    this.addressSets = new EntityRepo(db, 'nb.address_set');
    this.acls = new EntityRepo(db, 'nb.acl');
    this.nats = new EntityRepo(db, 'nb.nat');
    this.loadBalancers = new EntityRepo(db, 'nb.load_balancer');
    this.dhcpOptions = new EntityRepo(db, 'nb.dhcp_options');
    this.portGroupPorts = new LinkRepo(db, 'nb.port_group_port', 'port_group_uuid', 'port_uuid');
    this.switchLoadBalancers = new LinkRepo(
      db,
      'nb.logical_switch_load_balancer',
      'switch_uuid',
      'load_balancer_uuid',
    );
    this.routerLoadBalancers = new LinkRepo(
      db,
      'nb.logical_router_load_balancer',
      'router_uuid',
      'load_balancer_uuid',
    );
  }

  async global(): Promise<NbGlobal> {
    return await this.db.selectFrom('nb.nb_global').selectAll().executeTakeFirstOrThrow();
  }

  /** Increments nb_cfg (what `nbctl --wait` does in its transaction) and returns the new value. */
  async bumpNbCfg(nowMs: number): Promise<number> {
    const r = await this.db
      .updateTable('nb.nb_global')
      .set((eb) => ({ nb_cfg: eb('nb_cfg', '+', 1), nb_cfg_timestamp: nowMs }))
      .returning('nb_cfg')
      .executeTakeFirstOrThrow();
    return r.nb_cfg;
  }
}

/** The NB database: a pool, a typed query builder, and transactions spanning many operations. */
export class NbStore extends NbAccess {
  private constructor(
    readonly pool: pg.Pool,
    readonly kysely: Kysely<NbDatabase>,
    readonly url: string,
  ) {
    super(kysely);
  }

  static open(url: string, opts: { max?: number; applicationName?: string } = {}): NbStore {
    const pool = createPool(url, {
      max: opts.max ?? 4,
      applicationName: opts.applicationName ?? 'ovn-ts nb',
    });
    return new NbStore(pool, createKysely<NbDatabase>(pool), url);
  }

  /** Creates or upgrades the schema. */
  init() {
    return initNb(this.pool);
  }

  /** Runs `fn` in one transaction: all of its changes commit together, or none do. */
  async transaction<R>(fn: (tx: NbAccess) => Promise<R>): Promise<R> {
    try {
      return await this.kysely.transaction().execute((trx) => fn(new NbAccess(trx)));
    } catch (err) {
      throw DbError.from(err);
    }
  }

  async close(): Promise<void> {
    await this.kysely.destroy();
  }
}

function bare(table: string): string {
  return table.replace(/^nb\./, '');
}

/** jsonb columns need their JS objects serialised; pg sends arrays as arrays already. */
function encode<V extends object>(values: V): V {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(values)) {
    out[k] =
      v !== null && typeof v === 'object' && !Array.isArray(v)
        ? sql`${JSON.stringify(v)}::jsonb`
        : v;
  }
  return out as V;
}
