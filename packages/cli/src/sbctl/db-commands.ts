import {
  type CatalogTable,
  createSbKysely,
  findCatalogColumn,
  findCatalogTable,
  type OvnRow,
  readOvnRows,
} from '@ovn-ts/sb-db';
import type pg from 'pg';
import { CliError } from '../common/cli-error.js';
import { formatRecord, formatValue } from './ovsdb-format.js';

function table(command: string, name: string): CatalogTable {
  const t = findCatalogTable(name);
  if (!t) throw new CliError(`${command}: ${name}: no such table`);
  return t;
}

async function rows(
  pool: pg.Pool,
  t: CatalogTable,
  records?: readonly string[],
): Promise<OvnRow[]> {
  const db = createSbKysely(pool);
  return readOvnRows(db, t, records ? { records } : {});
}

export async function list(
  pool: pg.Pool,
  tableName: string,
  records: readonly string[],
): Promise<string[]> {
  const t = table('list', tableName);
  const found = await rows(pool, t, records.length ? records : undefined);
  for (const r of records) {
    if (!found.some((x) => x._uuid === r || Object.values(x).includes(r))) {
      throw new CliError(`list: ${t.name}: no record named ${r}`);
    }
  }
  return found.flatMap((r, i) => [
    ...(i ? [''] : []),
    ...formatRecord(r, ['_uuid', ...t.columns.map((c) => c.name)]),
  ]);
}

export async function find(
  pool: pg.Pool,
  tableName: string,
  conditions: readonly string[],
): Promise<string[]> {
  const t = table('find', tableName);
  const tests = conditions.map((c) => {
    const m = /^([^=]+)=(.*)$/.exec(c);
    if (!m) throw new CliError(`find: ${c}: expected COLUMN=VALUE`);
    const col = m[1]!;
    if (col !== '_uuid' && !findCatalogColumn(t, col))
      throw new CliError(`find: ${t.name}: no column ${col}`);
    return { col, value: unquote(m[2]!) };
  });
  const found = (await rows(pool, t)).filter((r) =>
    tests.every(({ col, value }) => {
      const v = r[col === '_uuid' ? '_uuid' : findCatalogColumn(t, col)!.name];
      return (
        formatValue(v) === value || String(v) === value || formatValue(v) === formatValue(value)
      );
    }),
  );
  return found.flatMap((r, i) => [
    ...(i ? [''] : []),
    ...formatRecord(r, ['_uuid', ...t.columns.map((c) => c.name)]),
  ]);
}

export async function get(
  pool: pg.Pool,
  tableName: string,
  record: string,
  columns: readonly string[],
): Promise<string[]> {
  const t = table('get', tableName);
  const found = await rows(pool, t, [record]);
  if (found.length === 0) throw new CliError(`get: ${t.name}: no record named ${record}`);
  if (found.length > 1)
    throw new CliError(
      `get: ${t.name}: ${record} names several records: ${found.map((r) => r._uuid).join(', ')}`,
    );
  return columns.map((c) => {
    const col = c === '_uuid' ? '_uuid' : findCatalogColumn(t, c)?.name;
    if (!col) throw new CliError(`get: ${t.name}: no column ${c}`);
    return formatValue(found[0]![col]);
  });
}

function unquote(s: string): string {
  return s.startsWith('"') && s.endsWith('"') && s.length >= 2 ? JSON.parse(s) : s;
}
