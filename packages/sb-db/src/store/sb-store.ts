import { createKysely } from '@ovn-ts/db';
import { type Kysely, sql } from 'kysely';
import { SB_SCHEMA } from '../names.js';
import type { SbPool } from '../pool.js';
import type { SbDatabase } from '../sb-database.js';
import { sbError } from '../sb-error.js';
import { ChassisStore } from './chassis-store.js';
import { DatapathStore } from './datapath-store.js';
import { DpGroupStore } from './dp-group-store.js';
import { FdbStore } from './fdb-store.js';
import { LoadBalancerStore } from './load-balancer-store.js';
import { LogicalFlowStore } from './logical-flow-store.js';
import { MacBindingStore } from './mac-binding-store.js';
import { MulticastGroupStore } from './multicast-group-store.js';
import { NamedSetStore } from './named-set-store.js';
import { PortBindingStore } from './port-binding-store.js';
import { RowStore } from './row-store.js';
import { SbGlobalStore } from './sb-global-store.js';
import type { StoreContext } from './store-context.js';

/** A kysely instance over the SB tables (schema `sb`) of a pool. */
export function createSbKysely(pool: SbPool): Kysely<SbDatabase> {
  return createKysely<SbDatabase>(pool).withSchema(SB_SCHEMA);
}

/**
 * The SB data-access API. Each method runs on its own, or, inside `transaction`, as part of one
 * transaction (and so one change-feed commit):
 *
 *   await sb.transaction(async (tx) => {
 *     await tx.flows.apply({ delete: stale, insert: fresh });
 *     await tx.global.setNbCfg(7, now);
 *   });
 *
 * `db` is the typed query builder for anything the stores do not cover.
 */
export class SbStore {
  readonly global: SbGlobalStore;
  readonly chassis: ChassisStore;
  readonly chassisPrivate: RowStore<'chassis_private'>;
  readonly encaps: RowStore<'encap'>;
  readonly datapaths: DatapathStore;
  readonly ports: PortBindingStore;
  readonly gatewayChassis: RowStore<'gateway_chassis'>;
  readonly haChassisGroups: RowStore<'ha_chassis_group'>;
  readonly haChassis: RowStore<'ha_chassis'>;
  readonly flows: LogicalFlowStore;
  readonly dpGroups: DpGroupStore;
  readonly multicastGroups: MulticastGroupStore;
  readonly macBindings: MacBindingStore;
  readonly fdb: FdbStore;
  readonly addressSets: NamedSetStore<'address_set'>;
  readonly portGroups: NamedSetStore<'port_group'>;
  readonly dhcpOptions: RowStore<'dhcp_options'>;
  readonly dhcpv6Options: RowStore<'dhcpv6_options'>;
  readonly dns: RowStore<'dns'>;
  readonly loadBalancers: LoadBalancerStore;
  readonly meters: RowStore<'meter'>;
  readonly meterBands: RowStore<'meter_band'>;
  readonly controllerEvents: RowStore<'controller_event'>;
  readonly ipMulticast: RowStore<'ip_multicast'>;
  readonly bfd: RowStore<'bfd'>;
  readonly staticMacBindings: RowStore<'static_mac_binding'>;

  private constructor(
    readonly db: Kysely<SbDatabase>,
    readonly inTransaction: boolean,
  ) {
    const ctx: StoreContext = {
      db,
      inTransaction,
      atomic: (fn) => (inTransaction ? fn(db) : db.transaction().execute(fn)),
    };
    this.global = new SbGlobalStore(ctx);
    this.chassis = new ChassisStore(ctx, 'chassis');
    this.chassisPrivate = new RowStore(ctx, 'chassis_private');
    this.encaps = new RowStore(ctx, 'encap');
    this.datapaths = new DatapathStore(ctx, 'datapath_binding');
    this.ports = new PortBindingStore(ctx, 'port_binding');
    this.gatewayChassis = new RowStore(ctx, 'gateway_chassis');
    this.haChassisGroups = new RowStore(ctx, 'ha_chassis_group');
    this.haChassis = new RowStore(ctx, 'ha_chassis');
    this.flows = new LogicalFlowStore(ctx, 'logical_flow');
    this.dpGroups = new DpGroupStore(ctx);
    this.multicastGroups = new MulticastGroupStore(ctx, 'multicast_group');
    this.macBindings = new MacBindingStore(ctx, 'mac_binding');
    this.fdb = new FdbStore(ctx, 'fdb');
    this.addressSets = new NamedSetStore(ctx, 'address_set');
    this.portGroups = new NamedSetStore(ctx, 'port_group');
    this.dhcpOptions = new RowStore(ctx, 'dhcp_options');
    this.dhcpv6Options = new RowStore(ctx, 'dhcpv6_options');
    this.dns = new RowStore(ctx, 'dns');
    this.loadBalancers = new LoadBalancerStore(ctx, 'load_balancer');
    this.meters = new RowStore(ctx, 'meter');
    this.meterBands = new RowStore(ctx, 'meter_band');
    this.controllerEvents = new RowStore(ctx, 'controller_event');
    this.ipMulticast = new RowStore(ctx, 'ip_multicast');
    this.bfd = new RowStore(ctx, 'bfd');
    this.staticMacBindings = new RowStore(ctx, 'static_mac_binding');
  }

  /** The store over a pool (which its owner closes). */
  static open(pool: SbPool): SbStore {
    return new SbStore(createSbKysely(pool), false);
  }

  /** The store over an existing kysely instance or transaction (already scoped to schema sb). */
  static over(db: Kysely<SbDatabase>, inTransaction = db.isTransaction): SbStore {
    return new SbStore(db, inTransaction);
  }

  /**
   * Runs `fn` over one consistent, read-only view of SB and returns, with its result, the number of
   * the last feed commit in that view: a controller loads its state here and then follows the
   * feed from `seq` without missing or repeating a change.
   */
  async snapshot<T>(fn: (view: SbStore) => Promise<T>): Promise<{ seq: number; value: T }> {
    try {
      return await this.db
        .transaction()
        .setIsolationLevel('repeatable read')
        .setAccessMode('read only')
        .execute(async (trx) => {
          // The first statement fixes the snapshot; feed_state is read in it.
          const r = await sql<{
            last_seq: number;
          }>`SELECT last_seq FROM ${sql.id(SB_SCHEMA, 'feed_state')}`.execute(trx);
          return { seq: r.rows[0]!.last_seq, value: await fn(new SbStore(trx, true)) };
        });
    } catch (err) {
      throw fromDatabase(err);
    }
  }

  /**
   * Runs `fn` in one transaction: all its operations commit together or not at all. Inside a
   * transaction this simply runs `fn` in the enclosing one.
   */
  async transaction<T>(fn: (tx: SbStore) => Promise<T>): Promise<T> {
    if (this.inTransaction) return fn(this);
    try {
      return await this.db.transaction().execute((trx) => fn(new SbStore(trx, true)));
    } catch (err) {
      throw fromDatabase(err);
    }
  }
}

/**
 * Errors from the database (pg errors and socket errors carry a string `code`) become DbErrors;
 * anything else the caller's function threw passes through untouched.
 */
function fromDatabase(err: unknown): unknown {
  return typeof (err as { code?: unknown } | null)?.code === 'string' ? sbError(err) : err;
}
