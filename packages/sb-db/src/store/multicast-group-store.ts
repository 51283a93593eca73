import { DbError } from '@ovn-ts/db';
import type { Kysely } from 'kysely';
import type { MulticastGroup, SbDatabase } from '../sb-database.js';
import { groupMembers } from './dp-group-store.js';
import { RowStore } from './row-store.js';
import { datapathsWithKeys, guard } from './store-context.js';

export interface MulticastGroupWithPorts extends MulticastGroup {
  /** Member port binding uuids, sorted. */
  readonly ports: string[];
}

/** Multicast groups (flooding domains such as _MC_flood) and their member ports. */
export class MulticastGroupStore extends RowStore<'multicast_group'> {
  async create(group: {
    datapath: string;
    name: string;
    tunnelKey: number;
    ports?: readonly string[];
  }) {
    return this.ctx.atomic((db) =>
      guard(group.name, async () => {
        const row = await db
          .insertInto('multicast_group')
          .values({ datapath: group.datapath, name: group.name, tunnel_key: group.tunnelKey })
          .returningAll()
          .executeTakeFirstOrThrow();
        await putPorts(db, row.uuid, group.ports ?? []);
        return { ...row, ports: [...(group.ports ?? [])].sort() } satisfies MulticastGroupWithPorts;
      }),
    );
  }

  async setPorts(uuid: string, ports: readonly string[]): Promise<void> {
    await this.ctx.atomic((db) =>
      guard(uuid, async () => {
        const g = await db
          .selectFrom('multicast_group')
          .select('uuid')
          .where('uuid', '=', uuid)
          .executeTakeFirst();
        if (!g) throw new DbError('not-found', `sb: multicast_group ${uuid}: no such group`);
        await db.deleteFrom('multicast_group_port').where('multicast_group', '=', uuid).execute();
        await putPorts(db, uuid, ports);
      }),
    );
  }

  /** All groups, or those of the datapaths with these tunnel keys, with their ports. */
  async listWithPorts(datapathKeys?: readonly number[]): Promise<MulticastGroupWithPorts[]> {
    return guard(undefined, async () => {
      const db = this.ctx.db;
      let q = db.selectFrom('multicast_group').selectAll();
      if (datapathKeys) q = q.where('datapath', 'in', datapathsWithKeys(db, datapathKeys));
      const groups = await q.orderBy('datapath').orderBy('tunnel_key').execute();
      if (groups.length === 0) return [];
      const members = await db
        .selectFrom('multicast_group_port')
        .select(['multicast_group as owner', 'port_binding as member'])
        .where(
          'multicast_group',
          'in',
          groups.map((g) => g.uuid),
        )
        .orderBy('multicast_group')
        .orderBy('port_binding')
        .execute();
      const ports = new Map(groupMembers(members));
      return groups.map((g) => ({ ...g, ports: ports.get(g.uuid) ?? [] }));
    });
  }
}

async function putPorts(
  db: Kysely<SbDatabase>,
  group: string,
  ports: readonly string[],
): Promise<void> {
  if (ports.length === 0) return;
  await db
    .insertInto('multicast_group_port')
    .values(ports.map((p) => ({ multicast_group: group, port_binding: p })))
    .execute();
}
