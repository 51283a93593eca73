import { DbError } from '@ovn-ts/db';
import { datapathsWithKeys, guard, type StoreContext } from './store-context.js';

export interface DpGroup {
  readonly uuid: string;
  /** Member datapath uuids, sorted. */
  readonly datapaths: string[];
}

/** Logical datapath groups: the sets of datapaths that share a flow. */
export class DpGroupStore {
  constructor(private readonly ctx: StoreContext) {}

  async create(datapaths: readonly string[], uuid?: string): Promise<string> {
    return this.ctx.atomic((db) =>
      guard(uuid, async () => {
        const insert = db.insertInto('logical_dp_group');
        const g = await (uuid ? insert.values({ uuid }) : insert.defaultValues())
          .returning('uuid')
          .executeTakeFirstOrThrow();
        if (datapaths.length > 0) {
          await db
            .insertInto('logical_dp_group_datapath')
            .values(datapaths.map((d) => ({ dp_group: g.uuid, datapath: d })))
            .execute();
        }
        return g.uuid;
      }),
    );
  }

  async setDatapaths(uuid: string, datapaths: readonly string[]): Promise<void> {
    await this.ctx.atomic((db) =>
      guard(uuid, async () => {
        const g = await db
          .selectFrom('logical_dp_group')
          .select('uuid')
          .where('uuid', '=', uuid)
          .executeTakeFirst();
        if (!g) throw new DbError('not-found', `sb: logical_dp_group ${uuid}: no such group`);
        await db.deleteFrom('logical_dp_group_datapath').where('dp_group', '=', uuid).execute();
        if (datapaths.length > 0) {
          await db
            .insertInto('logical_dp_group_datapath')
            .values(datapaths.map((d) => ({ dp_group: uuid, datapath: d })))
            .execute();
        }
      }),
    );
  }

  /** Deletes a group and, by cascade, the flows that use it. */
  async delete(uuid: string): Promise<boolean> {
    const r = await guard(uuid, async () =>
      this.ctx.db.deleteFrom('logical_dp_group').where('uuid', '=', uuid).executeTakeFirst(),
    );
    return r.numDeletedRows > 0n;
  }

  /** All groups, or those with a member among the datapaths with these tunnel keys. */
  async list(datapathKeys?: readonly number[]): Promise<DpGroup[]> {
    return guard(undefined, async () => {
      const db = this.ctx.db;
      let q = db
        .selectFrom('logical_dp_group as g')
        .leftJoin('logical_dp_group_datapath as m', 'm.dp_group', 'g.uuid')
        .select(['g.uuid as uuid', 'm.datapath as datapath']);
      if (datapathKeys) {
        q = q.where(
          'g.uuid',
          'in',
          db
            .selectFrom('logical_dp_group_datapath')
            .select('dp_group')
            .where('datapath', 'in', datapathsWithKeys(db, datapathKeys)),
        );
      }
      const rows = await q.orderBy('g.uuid').orderBy('m.datapath').execute();
      return groupMembers(rows.map((r) => ({ owner: r.uuid, member: r.datapath }))).map(
        ([uuid, datapaths]) => ({
          uuid,
          datapaths,
        }),
      );
    });
  }
}

/** Folds (owner, member|null) rows, sorted by owner, into owner → members. */
export function groupMembers(
  rows: readonly { owner: string; member: string | null }[],
): [string, string[]][] {
  const out = new Map<string, string[]>();
  for (const r of rows) {
    const m = out.get(r.owner) ?? [];
    if (m.length === 0) out.set(r.owner, m);
    if (r.member !== null) m.push(r.member);
  }
  return [...out];
}
