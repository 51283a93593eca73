/**
 * The generic commands' view of a table: OVN's table and column names (from nb-db's catalog),
 * OVSDB column types, and the SQL that reads or writes each column. The catalog is loaded lazily
 * (preloadCatalog) so that the other commands never pay for it.
 */
import type { CatalogColumn, CatalogTable } from '@ovn-ts/nb-db';
import type { Tx } from './command.js';
import { NbctlError, objectError } from './errors.js';
import type { ColumnType } from './ovsdb-value.js';

let catalog: readonly CatalogTable[] | undefined;

export async function preloadCatalog(): Promise<void> {
  catalog ??= (await import('@ovn-ts/nb-db')).nbCatalog;
}

export interface DbColumn {
  /** OVN's name. */
  readonly name: string;
  readonly type: ColumnType;
  readonly catalog: CatalogColumn | undefined;
  /** Derived (relation) columns and _uuid cannot be written with the generic commands. */
  readonly readonly: boolean;
}

export interface DbTable {
  readonly name: string;
  /** Our table without its schema (the session's search_path is nb). */
  readonly sql: string;
  readonly nameColumn: string | undefined;
  readonly columns: readonly DbColumn[];
}

const norm = (s: string) => s.toLowerCase().replace(/[-_]/g, '');

/** Exact (case- and _/- insensitive) match first, then a unique abbreviation, as ovn-nbctl does. */
function pick<T extends { name: string }>(
  items: readonly T[],
  wanted: string,
  what: string,
  where: string,
): T {
  const key = norm(wanted);
  const exact = items.find((i) => norm(i.name) === key);
  if (exact) return exact;
  const prefixed = items.filter((i) => norm(i.name).startsWith(key));
  if (prefixed.length === 1 && key !== '') return prefixed[0]!;
  if (prefixed.length > 1) {
    throw new NbctlError(
      'ambiguous',
      `${wanted}: ${what} name is ambiguous (${prefixed.map((p) => p.name).join(', ')})`,
    );
  }
  throw objectError('not-found', wanted, `no ${what} of that name${where}`);
}

function columnType(c: CatalogColumn): ColumnType {
  const min = c.optional ? 0 : 1;
  if (c.derived) return { key: 'uuid', min: 0, max: Number.POSITIVE_INFINITY };
  switch (c.kind) {
    case 'string':
      return { key: 'string', min, max: 1 };
    case 'integer':
      return { key: 'integer', min, max: 1 };
    case 'boolean':
      return { key: 'boolean', min, max: 1 };
    case 'uuid':
      return { key: 'uuid', min, max: 1 };
    case 'string-set':
    case 'inet-set':
      return { key: 'string', min: 0, max: Number.POSITIVE_INFINITY };
    case 'map':
      return { key: 'string', value: 'string', min: 0, max: Number.POSITIVE_INFINITY };
  }
}

const UUID_COLUMN: DbColumn = {
  name: '_uuid',
  type: { key: 'uuid', min: 1, max: 1 },
  catalog: undefined,
  readonly: true,
};

export function findTable(name: string): DbTable {
  if (!catalog) throw new Error('nbctl: the NB catalog was not loaded');
  const t = pick(catalog, name, 'table', ' in the NB database');
  return {
    name: t.name,
    sql: t.table.replace(/^nb\./, ''),
    nameColumn: t.nameColumn,
    columns: [
      UUID_COLUMN,
      ...t.columns.map((c) => ({
        name: c.name,
        type: columnType(c),
        catalog: c,
        readonly: Boolean(c.derived || c.readonly),
      })),
    ],
  };
}

export function findColumn(table: DbTable, name: string): DbColumn {
  return pick(table.columns, name, 'column', ` in table ${table.name}`);
}

/** PostgreSQL types of the table's columns (udt names: text, inet, _inet, jsonb …), one query. */
export async function columnSqlTypes(tx: Tx, table: DbTable): Promise<Map<string, string>> {
  const rows = await tx.query<{ column_name: string; udt_name: string }>(
    "SELECT column_name, udt_name FROM information_schema.columns WHERE table_schema = 'nb' AND table_name = $1",
    [table.sql],
  );
  return new Map(rows.map((r) => [r.column_name, r.udt_name]));
}

/** The SQL expression that reads a column as the value nbctl prints (t is the table alias). */
export function readExpr(col: DbColumn, sqlTypes: Map<string, string>): string {
  if (col.name === '_uuid') return 't.uuid::text';
  const c = col.catalog!;
  if (c.derived) {
    const d = c.derived;
    const tbl = d.table.replace(/^nb\./, '');
    return `ARRAY(SELECT d.${d.pick ?? 'uuid'}::text FROM ${tbl} d WHERE d.${d.fk} = t.uuid ORDER BY 1)`;
  }
  const column = `t.${c.column}`;
  switch (sqlTypes.get(c.column!)) {
    case 'inet':
      return `abbrev(${column})`; // a host address prints without /32
    case '_inet':
    case '_cidr':
      return `${column}::text[]`;
    case 'jsonb':
    case 'int4':
    case 'int8':
    case 'bool':
    case '_text':
      return column;
    default:
      return `${column}::text`;
  }
}

/** The SQL cast that turns a parameter into the column's type. */
export function writeCast(col: DbColumn, sqlTypes: Map<string, string>): string {
  const udt = sqlTypes.get(col.catalog!.column!) ?? 'text';
  return udt.startsWith('_') ? `${udt.slice(1)}[]` : udt;
}

/** A value as a query parameter for its column. */
export function toParam(value: unknown, col: DbColumn): unknown {
  if (col.type.value !== undefined) return JSON.stringify(value ?? {});
  return value;
}
