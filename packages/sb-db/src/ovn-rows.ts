import { type Kysely, sql } from 'kysely';
import type { CatalogColumn, CatalogTable } from './column-catalog.js';
import type { SbDatabase } from './sb-database.js';
import { sbError } from './sb-error.js';

/** A row in OVN's shape: `_uuid`, OVN column names, sets as arrays, maps as objects, refs as uuids. */
export type OvnRow = Record<string, unknown> & { _uuid: string };

const ident = (s: string) => sql.id(s);
/** A schema-qualified table name from the catalog (sb.port_binding). */
const qualified = (t: string) => sql.id(...t.split('.'));

function columnValue(c: CatalogColumn) {
  const d = c.derived;
  if (d) {
    return sql`ARRAY(SELECT d.${ident(d.pick ?? 'uuid')}::text FROM ${qualified(d.table)} d
                      WHERE d.${ident(d.fk)} = t.${ident(d.key ?? 'uuid')} ORDER BY 1)`;
  }
  // No cast: inet's output form is "192.0.2.1" where ::text would give "192.0.2.1/32".
  return sql`t.${ident(c.column ?? c.name)}`;
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
  const cols = sql.join([
    sql`t.uuid::text AS _uuid`,
    ...table.columns.map((c) => sql`${columnValue(c)} AS ${ident(c.name)}`),
  ]);
  const name = table.nameColumn
    ? sql`t.${ident(table.nameColumn)}`
    : table.nameMapKey
      ? sql`t.${ident(table.nameMapKey[0])} ->> ${table.nameMapKey[1]}`
      : sql`NULL::text`;
  const records = opts.records ? [...opts.records] : undefined;
  const where = records
    ? sql`WHERE t.uuid::text = ANY(${records}::text[]) OR ${name} = ANY(${records}::text[])`
    : sql``;
  try {
    const r =
      await sql<OvnRow>`SELECT ${cols} FROM ${qualified(table.table)} t ${where} ORDER BY ${name}, t.uuid`.execute(
        db,
      );
    return r.rows;
  } catch (err) {
    throw sbError(err);
  }
}
