import { type Kysely, sql } from 'kysely';
import type { CatalogColumn, CatalogTable } from './column-catalog.js';
import { SB_SCHEMA } from './names.js';
import type { SbDatabase } from './sb-database.js';
import { sbError } from './sb-error.js';

/** A row in OVN's shape: OVN column names, sets as arrays, maps as objects, refs as uuids. */
export type OvnRow = Record<string, unknown> & { _uuid: string };

const ident = (s: string) => sql.id(s);
const tbl = (t: string) => sql.id(SB_SCHEMA, t);

function columnValue(c: CatalogColumn) {
  const s = c.source;
  switch (s.kind) {
    case 'column':
      // No cast: inet's output form is "192.0.2.1" where ::text would give "192.0.2.1/32".
      return sql`t.${ident(s.column)}`;
    case 'link':
      return sql`ARRAY(SELECT l.${ident(s.other)}::text FROM ${tbl(s.table)} l WHERE l.${ident(s.self)} = t.uuid ORDER BY 1)`;
    case 'children':
      return sql`ARRAY(SELECT c.uuid::text FROM ${tbl(s.table)} c WHERE c.${ident(s.parent)} = t.${ident(s.key ?? 'uuid')} ORDER BY 1)`;
  }
}

/**
 * Reads rows of one catalog table in OVN's shape (what `sbctl list` prints). `records` narrows
 * to rows whose uuid, or name (the table's name column or name key), is among them.
 */
export async function readOvnRows(
  db: Kysely<SbDatabase>,
  table: CatalogTable,
  opts: { records?: readonly string[] } = {},
): Promise<OvnRow[]> {
  const cols = sql.join(table.columns.map((c) => sql`${columnValue(c)} AS ${ident(c.ovn)}`));
  const name = table.nameColumn
    ? sql`t.${ident(table.nameColumn)}`
    : table.nameMapKey
      ? sql`t.${ident(table.nameMapKey[0])} ->> ${table.nameMapKey[1]}`
      : sql`NULL::text`;
  const where = opts.records
    ? sql`WHERE t.uuid::text = ANY(${[...opts.records]}::text[]) OR ${name} = ANY(${[...opts.records]}::text[])`
    : sql``;
  try {
    const r =
      await sql<OvnRow>`SELECT ${cols} FROM ${tbl(table.table)} t ${where} ORDER BY ${name}, t.uuid`.execute(
        db,
      );
    return r.rows;
  } catch (err) {
    throw sbError(err);
  }
}
