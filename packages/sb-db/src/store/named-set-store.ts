import type { AddressSet, PortGroup } from '../sb-database.js';
import { RowStore } from './row-store.js';
import { guard } from './store-context.js';

type NamedSetTable = 'address_set' | 'port_group';
type Row<T extends NamedSetTable> = T extends 'address_set' ? AddressSet : PortGroup;
const MEMBERS = { address_set: 'addresses', port_group: 'ports' } as const;

/**
 * Address sets and port groups: a unique name and a list of members that the match language
 * refers to ($name, @name). northd keeps them in step with NB by name.
 */
export class NamedSetStore<T extends NamedSetTable> extends RowStore<T> {
  /** Creates the set or replaces its members. */
  async put(name: string, members: readonly string[]): Promise<Row<T>> {
    const col = MEMBERS[this.table];
    return guard(
      name,
      async () =>
        this.q
          .insertInto(this.t)
          .values({ name, [col]: [...members] })
          .onConflict((oc) => oc.column('name').doUpdateSet({ [col]: [...members] }))
          .returningAll()
          .executeTakeFirstOrThrow() as Promise<Row<T>>,
    );
  }

  async byName(name: string): Promise<Row<T> | undefined> {
    return guard(
      name,
      async () =>
        this.q
          .selectFrom(this.t)
          .selectAll()
          .where('name', '=', name)
          .executeTakeFirst() as Promise<Row<T> | undefined>,
    );
  }

  async deleteByName(name: string): Promise<boolean> {
    const r = await guard(name, async () =>
      this.q.deleteFrom(this.t).where('name', '=', name).executeTakeFirst(),
    );
    return r.numDeletedRows > 0n;
  }
}
