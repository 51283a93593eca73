import { DbError } from '@ovn-ts/db';
import type { Insertable, Kysely, Selectable, Updateable } from 'kysely';
import type { SbDatabase } from '../sb-database.js';
import { anyOf, guard, type StoreContext } from './store-context.js';

/** SB tables that have a uuid primary key (link tables do not). */
export type UuidTable = {
  [K in keyof SbDatabase]: SbDatabase[K] extends { uuid: unknown } ? K : never;
}[keyof SbDatabase];

/** Rows per INSERT statement: well under PostgreSQL's 65535 bind parameters for our widest table. */
const CHUNK = 2000;

type Row<T extends UuidTable> = Selectable<SbDatabase[T]>;

/** The query builder without table types, for code generic over the table name. */
// biome-ignore lint/suspicious/noExplicitAny: kysely cannot follow a table name held in a type parameter
export type UntypedDb = Kysely<any>;

/**
 * Plain row operations by uuid for one table; entity stores add what their callers need. The
 * query builder is untyped inside (kysely cannot follow a table name held in a type parameter);
 * the signatures carry the types.
 */
export class RowStore<T extends UuidTable> {
  constructor(
    protected readonly ctx: StoreContext,
    readonly table: T,
  ) {}

  protected get q(): UntypedDb {
    return this.ctx.db as unknown as UntypedDb;
  }

  /** The table name as the untyped builder takes it. */
  protected get t(): string {
    return this.table;
  }

  async get(uuid: string): Promise<Row<T> | undefined> {
    return guard(
      uuid,
      async () =>
        this.q
          .selectFrom(this.t)
          .selectAll()
          .where('uuid', '=', uuid)
          .executeTakeFirst() as Promise<Row<T> | undefined>,
    );
  }

  /** Like get, but a missing row is a 'not-found' error naming the table and uuid. */
  async require(uuid: string): Promise<Row<T>> {
    const row = await this.get(uuid);
    if (!row) throw new DbError('not-found', `sb: ${this.table} ${uuid}: no such row`);
    return row;
  }

  async list(): Promise<Row<T>[]> {
    return guard(
      undefined,
      async () =>
        this.q.selectFrom(this.t).selectAll().orderBy('uuid').execute() as Promise<Row<T>[]>,
    );
  }

  async insert(row: Insertable<SbDatabase[T]>): Promise<Row<T>> {
    return guard(
      describeRow(row),
      async () =>
        this.q.insertInto(this.t).values(row).returningAll().executeTakeFirstOrThrow() as Promise<
          Row<T>
        >,
    );
  }

  /** Inserts many rows (in one transaction) and returns their uuids in order. */
  async insertMany(rows: readonly Insertable<SbDatabase[T]>[]): Promise<string[]> {
    if (rows.length === 0) return [];
    return this.ctx.atomic((db) => this.insertManyIn(db, rows));
  }

  protected async insertManyIn(
    db: Kysely<SbDatabase>,
    rows: readonly Insertable<SbDatabase[T]>[],
  ): Promise<string[]> {
    const out: string[] = [];
    for (let i = 0; i < rows.length; i += CHUNK) {
      const part = rows.slice(i, i + CHUNK);
      const got = await guard(part.length === 1 ? describeRow(part[0]) : undefined, async () =>
        (db as unknown as UntypedDb).insertInto(this.t).values(part).returning('uuid').execute(),
      );
      for (const r of got) out.push(r.uuid as string);
    }
    return out;
  }

  async update(uuid: string, patch: Updateable<SbDatabase[T]>): Promise<Row<T>> {
    const row = await guard(
      uuid,
      async () =>
        this.q
          .updateTable(this.t)
          .set(patch as object)
          .where('uuid', '=', uuid)
          .returningAll()
          .executeTakeFirst() as Promise<Row<T> | undefined>,
    );
    if (!row) throw new DbError('not-found', `sb: ${this.table} ${uuid}: no such row`);
    return row;
  }

  /** Deletes one row; false if it did not exist. */
  async delete(uuid: string): Promise<boolean> {
    const r = await guard(uuid, async () =>
      this.q.deleteFrom(this.t).where('uuid', '=', uuid).executeTakeFirst(),
    );
    return r.numDeletedRows > 0n;
  }

  /** Deletes the rows with these uuids in one statement; returns how many existed. */
  async deleteMany(uuids: readonly string[]): Promise<number> {
    return this.deleteManyIn(this.ctx.db, uuids);
  }

  protected async deleteManyIn(db: Kysely<SbDatabase>, uuids: readonly string[]): Promise<number> {
    if (uuids.length === 0) return 0;
    const r = await guard(undefined, async () =>
      (db as unknown as UntypedDb)
        .deleteFrom(this.t)
        .where('uuid', '=', anyOf(uuids))
        .executeTakeFirst(),
    );
    return Number(r.numDeletedRows);
  }
}

/** A short name for a row in error messages: its name-like column, else its uuid. */
export function describeRow(row: unknown): string | undefined {
  const r = row as Record<string, unknown> | undefined;
  for (const k of ['logical_port', 'name', 'uuid']) {
    const v = r?.[k];
    if (typeof v === 'string' && v !== '') return v;
  }
  return undefined;
}
