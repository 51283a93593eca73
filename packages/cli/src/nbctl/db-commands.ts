/**
 * The generic database commands on any NB table, with OVN's table and column names:
 * list, find, get, set, add, remove, clear, create, destroy. Values use OVSDB's syntax
 * (see ovsdb-value.ts). Each command reads or writes only the rows it names.
 */
import { type AnyCommand, defineCommand, type OptionReader, type Tx } from './command.js';
import {
  columnSqlTypes,
  type DbColumn,
  type DbTable,
  findColumn,
  findTable,
  preloadCatalog,
  readExpr,
  toParam,
  writeCast,
} from './db-schema.js';
import { invalid, NbctlError, objectError, usageError } from './errors.js';
import {
  type Atom,
  type Datum,
  formatAtom,
  formatDatum,
  isMap,
  isSet,
  isUuid,
  parseAtom,
  parseDatum,
} from './ovsdb-value.js';

const GROUP =
  'Database commands (TABLE is an OVN table name such as Logical_Switch; case and _ do not matter)';

// ---------------------------------------------------------------- records

/** The UUID of the row RECORD names: a UUID, a name, "." for NB_Global, or a unique UUID prefix. */
async function resolveRecord(
  tx: Tx,
  table: DbTable,
  id: string,
  mustExist = true,
): Promise<string | undefined> {
  if (id === '.' && table.name === 'NB_Global') {
    const rows = await tx.query<{ uuid: string }>(
      `SELECT uuid::text AS uuid FROM ${table.sql} LIMIT 1`,
    );
    if (rows[0]) return rows[0].uuid;
  } else if (isUuid(id)) {
    const rows = await tx.query<{ uuid: string }>(
      `SELECT uuid::text AS uuid FROM ${table.sql} WHERE uuid = $1`,
      [id],
    );
    if (rows[0]) return rows[0].uuid;
  }
  if (table.nameColumn) {
    const rows = await tx.query<{ uuid: string }>(
      `SELECT uuid::text AS uuid FROM ${table.sql} WHERE ${table.nameColumn} = $1 ORDER BY uuid`,
      [id],
    );
    if (rows.length > 1) {
      throw new NbctlError(
        'ambiguous',
        `${id}: ${rows.length} rows of ${table.name} have this name: use a UUID (candidates: ${rows.map((r) => r.uuid).join(', ')})`,
      );
    }
    if (rows[0]) return rows[0].uuid;
  }
  if (/^[0-9a-f]{4,}(-[0-9a-f-]*)?$/i.test(id) && !isUuid(id)) {
    const rows = await tx.query<{ uuid: string }>(
      `SELECT uuid::text AS uuid FROM ${table.sql} WHERE uuid::text LIKE $1 LIMIT 2`,
      [`${id.toLowerCase()}%`],
    );
    if (rows.length === 1) return rows[0]!.uuid;
    if (rows.length > 1)
      throw new NbctlError(
        'ambiguous',
        `${id}: more than one row of ${table.name} has a UUID starting so`,
      );
  }
  if (!mustExist) return undefined;
  throw objectError('not-found', id, `no row in table ${table.name}`);
}

async function readRows(
  tx: Tx,
  table: DbTable,
  columns: readonly DbColumn[],
  where: string,
  params: readonly unknown[],
): Promise<Datum[][]> {
  const types = await columnSqlTypes(tx, table);
  const exprs = columns.map((c, i) => `${readExpr(c, types)} AS c${i}`);
  const rows = await tx.query<Record<string, unknown>>(
    `SELECT ${exprs.join(', ')} FROM ${table.sql} t ${where} ORDER BY t.uuid`,
    params,
  );
  return rows.map((r) => columns.map((c, i) => normalise(r[`c${i}`], c)));
}

/** Database values → OVSDB datums (bigint counters arrive as numbers, maps as objects). */
function normalise(v: unknown, c: DbColumn): Datum {
  if (isMap(c.type)) return (v ?? {}) as Record<string, Atom>;
  if (isSet(c.type)) return (v ?? []) as Atom[];
  return (v ?? null) as Datum;
}

function selectColumns(table: DbTable, opts: OptionReader): DbColumn[] {
  const wanted = opts.value('columns');
  if (wanted === undefined) return [...table.columns];
  return wanted.split(',').map((c) => findColumn(table, c.trim()));
}

// ---------------------------------------------------------------- COLUMN[:KEY]=VALUE

interface Assignment {
  readonly column: DbColumn;
  readonly key: string | undefined;
  readonly value: Datum;
}

const ASSIGN_RE = /^([A-Za-z0-9_-]+)(?::("(?:[^"\\]|\\.)*"|[^=!]*))?(!=|=)([\s\S]*)$/;

function parseKey(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  return raw.startsWith('"') ? (JSON.parse(raw) as string) : raw;
}

function parseAssignment(
  table: DbTable,
  arg: string,
  allowNotEqual = false,
): Assignment & { negate: boolean } {
  const m = ASSIGN_RE.exec(arg);
  if (!m || (m[3] === '!=' && !allowNotEqual))
    throw usageError(`"${arg}" is not COLUMN[:KEY]=VALUE`);
  const column = findColumn(table, m[1]!);
  const key = parseKey(m[2]);
  const what = `${table.name}.${column.name}`;
  if (key !== undefined) {
    if (!isMap(column.type)) throw invalid(what, 'only map columns take a :KEY');
    return {
      column,
      key,
      value: parseAtom(unquote(m[4]!), column.type.value!, what, m[4]!.trim().startsWith('"')),
      negate: m[3] === '!=',
    };
  }
  return { column, key, value: parseDatum(m[4]!, column.type, what), negate: m[3] === '!=' };
}

function unquote(s: string): string {
  const t = s.trim();
  return t.startsWith('"') && t.endsWith('"') && t.length >= 2 ? (JSON.parse(t) as string) : s;
}

function mustBeWritable(table: DbTable, c: DbColumn): void {
  if (c.readonly) {
    throw invalid(
      `${table.name}.${c.name}`,
      'this column is read-only here (change it with the command that owns the relation, e.g. lsp-add)',
    );
  }
}

/** SQL for COLUMN[:KEY]=VALUE / != conditions on alias t; their values are appended to params. */
function conditionsSql(
  conditions: readonly (Assignment & { negate: boolean })[],
  types: Map<string, string>,
  params: unknown[],
): string[] {
  return conditions.map((c) => {
    const expr = readExpr(c.column, types);
    let sql: string;
    if (c.key !== undefined) {
      params.push(c.key, String(c.value));
      sql = `(${expr}->>$${params.length - 1}) IS NOT DISTINCT FROM $${params.length}`;
    } else if (isMap(c.column.type)) {
      params.push(JSON.stringify(c.value));
      sql = `${expr} = $${params.length}::jsonb`;
    } else if (isSet(c.column.type)) {
      params.push(c.value);
      sql = `(${expr} @> $${params.length}::text[] AND ${expr} <@ $${params.length}::text[])`;
    } else {
      params.push(c.value === null ? null : String(c.value));
      sql = `(${expr})::text IS NOT DISTINCT FROM $${params.length}::text`;
    }
    return c.negate ? `NOT ${sql}` : sql;
  });
}

function checkSearchable(table: DbTable, conditions: readonly Assignment[], command: string): void {
  for (const c of conditions) {
    if (c.column.catalog?.derived) {
      throw invalid(`${table.name}.${c.column.name}`, `${command} cannot test a relation column`);
    }
  }
}

const WAIT_POLL_MS = 100;

// ---------------------------------------------------------------- commands

const tableArg = (args: readonly string[]) => findTable(args[0]!);

export const dbCommands: AnyCommand[] = [
  defineCommand({
    name: 'list',
    usage: 'TABLE [RECORD]...',
    summary: 'list rows of TABLE (all, or the RECORDs named) with --columns=A,B',
    group: GROUP,
    minArgs: 1,
    maxArgs: Number.POSITIVE_INFINITY,
    options: { columns: 'value' },
    writes: false,
    preload: preloadCatalog,
    parse: (args, opts) => {
      const table = tableArg(args);
      return { table, columns: selectColumns(table, opts), records: args.slice(1) };
    },
    async run({ tx }, p) {
      let where = '';
      let params: unknown[] = [];
      if (p.records.length > 0) {
        const uuids: string[] = [];
        for (const r of p.records) uuids.push((await resolveRecord(tx, p.table, r))!);
        where = 'WHERE t.uuid = ANY($1::uuid[])';
        params = [uuids];
      }
      const rows = await readRows(tx, p.table, p.columns, where, params);
      return {
        kind: 'table',
        headings: p.columns.map((c) => c.name),
        types: p.columns.map((c) => c.type),
        rows,
      };
    },
  }),
  defineCommand({
    name: 'find',
    usage: 'TABLE [COLUMN[:KEY]=VALUE | COLUMN[:KEY]!=VALUE]...',
    summary: 'list rows of TABLE whose columns match every condition (with --columns=A,B)',
    group: GROUP,
    minArgs: 1,
    maxArgs: Number.POSITIVE_INFINITY,
    options: { columns: 'value' },
    writes: false,
    preload: preloadCatalog,
    parse(args, opts) {
      const table = tableArg(args);
      const conditions = args.slice(1).map((a) => parseAssignment(table, a, true));
      checkSearchable(table, conditions, 'find');
      return { table, columns: selectColumns(table, opts), conditions };
    },
    async run({ tx }, p) {
      const types = await columnSqlTypes(tx, p.table);
      const params: unknown[] = [];
      const conds = conditionsSql(p.conditions, types, params);
      const rows = await readRows(
        tx,
        p.table,
        p.columns,
        conds.length ? `WHERE ${conds.join(' AND ')}` : '',
        params,
      );
      return {
        kind: 'table',
        headings: p.columns.map((c) => c.name),
        types: p.columns.map((c) => c.type),
        rows,
      };
    },
  }),
  defineCommand({
    name: 'get',
    usage: 'TABLE RECORD COLUMN[:KEY]...',
    summary: 'print the value of each COLUMN (or map KEY) of RECORD, one per line',
    group: GROUP,
    minArgs: 2,
    maxArgs: Number.POSITIVE_INFINITY,
    options: { 'if-exists': 'flag' },
    writes: false,
    preload: preloadCatalog,
    parse(args, opts) {
      const table = tableArg(args);
      const wanted = args.slice(2).map((a) => {
        const i = a.indexOf(':');
        const column = findColumn(table, i < 0 ? a : a.slice(0, i));
        const key = i < 0 ? undefined : parseKey(a.slice(i + 1));
        if (key !== undefined && !isMap(column.type))
          throw invalid(`${table.name}.${column.name}`, 'only map columns take a :KEY');
        return { column, key };
      });
      return { table, record: args[1]!, wanted, ifExists: opts.has('if-exists') };
    },
    async run({ tx, global }, p) {
      const uuid = (await resolveRecord(tx, p.table, p.record))!;
      const [row] = await readRows(
        tx,
        p.table,
        p.wanted.map((w) => w.column),
        'WHERE t.uuid = $1',
        [uuid],
      );
      const out: string[] = [];
      p.wanted.forEach((w, i) => {
        const v = row![i]!;
        if (w.key === undefined) {
          out.push(formatDatum(v, w.column.type, global.bare));
          return;
        }
        const m = v as Record<string, Atom>;
        if (m[w.key] === undefined) {
          if (p.ifExists) return;
          throw objectError(
            'not-found',
            `${p.record}`,
            `no key "${w.key}" in ${p.table.name} column ${w.column.name}`,
          );
        }
        out.push(formatAtom(m[w.key]!, w.column.type.value!, global.bare));
      });
      return out;
    },
  }),
  defineCommand({
    name: 'set',
    usage: 'TABLE RECORD COLUMN[:KEY]=VALUE...',
    summary: 'set columns (or map keys) of RECORD',
    group: GROUP,
    minArgs: 3,
    maxArgs: Number.POSITIVE_INFINITY,
    writes: true,
    preload: preloadCatalog,
    parse(args) {
      const table = tableArg(args);
      const assignments = args.slice(2).map((a) => parseAssignment(table, a));
      for (const a of assignments) mustBeWritable(table, a.column);
      return { table, record: args[1]!, assignments };
    },
    async run({ tx, memo }, p) {
      memo.clear(); // a name may change: forget the batch's name → uuid lookups
      const uuid = (await resolveRecord(tx, p.table, p.record))!;
      const types = await columnSqlTypes(tx, p.table);
      const params: unknown[] = [uuid];
      const sets = p.assignments.map((a) => {
        const col = a.column.catalog!.column!;
        if (a.key !== undefined) {
          params.push(JSON.stringify({ [a.key]: a.value }));
          return `${col} = ${col} || $${params.length}::jsonb`;
        }
        params.push(toParam(a.value, a.column));
        return `${col} = $${params.length}::${writeCast(a.column, types)}`;
      });
      // Several keys of one map column must merge into one assignment.
      await tx.query(`UPDATE ${p.table.sql} SET ${mergeSets(sets)} WHERE uuid = $1`, params);
    },
  }),
  defineCommand({
    name: 'add',
    usage: 'TABLE RECORD COLUMN VALUE...',
    summary:
      'add values to a set column, or KEY=VALUE pairs to a map column (existing keys are kept)',
    group: GROUP,
    minArgs: 4,
    maxArgs: Number.POSITIVE_INFINITY,
    writes: true,
    preload: preloadCatalog,
    parse(args) {
      const table = tableArg(args);
      const column = findColumn(table, args[2]!);
      mustBeWritable(table, column);
      const what = `${table.name}.${column.name}`;
      if (!isMap(column.type) && !isSet(column.type))
        throw invalid(what, 'add works on set and map columns only');
      const values = args.slice(3).map((v) => parseDatum(v, column.type, what));
      return { table, record: args[1]!, column, values };
    },
    async run({ tx }, p) {
      const uuid = (await resolveRecord(tx, p.table, p.record))!;
      const col = p.column.catalog!.column!;
      if (isMap(p.column.type)) {
        const added = Object.assign({}, ...(p.values as Record<string, Atom>[]));
        await tx.query(`UPDATE ${p.table.sql} SET ${col} = $2::jsonb || ${col} WHERE uuid = $1`, [
          uuid,
          JSON.stringify(added),
        ]);
      } else {
        const types = await columnSqlTypes(tx, p.table);
        const cast = writeCast(p.column, types);
        await tx.query(
          `UPDATE ${p.table.sql} SET ${col} = ARRAY(SELECT DISTINCT x FROM unnest(${col} || $2::${cast}) x) WHERE uuid = $1`,
          [uuid, (p.values as Atom[][]).flat()],
        );
      }
    },
  }),
  defineCommand({
    name: 'remove',
    usage: 'TABLE RECORD COLUMN VALUE...',
    summary: 'remove values from a set column, or KEYs (or KEY=VALUE pairs) from a map column',
    group: GROUP,
    minArgs: 4,
    maxArgs: Number.POSITIVE_INFINITY,
    writes: true,
    preload: preloadCatalog,
    parse(args) {
      const table = tableArg(args);
      const column = findColumn(table, args[2]!);
      mustBeWritable(table, column);
      const what = `${table.name}.${column.name}`;
      if (!isMap(column.type) && !isSet(column.type))
        throw invalid(what, 'remove works on set and map columns only');
      const keys: string[] = [];
      const pairs: Record<string, Atom> = {};
      const items: Atom[] = [];
      for (const v of args.slice(3)) {
        if (isMap(column.type)) {
          if (/^[^={}]+=/.test(v) || v.trim().startsWith('{'))
            Object.assign(pairs, parseDatum(v, column.type, what));
          else keys.push(unquote(v));
        } else {
          items.push(...(parseDatum(v, column.type, what) as Atom[]));
        }
      }
      return { table, record: args[1]!, column, keys, pairs, items };
    },
    async run({ tx }, p) {
      const uuid = (await resolveRecord(tx, p.table, p.record))!;
      const col = p.column.catalog!.column!;
      if (isMap(p.column.type)) {
        const [row] = await readRows(tx, p.table, [p.column], 'WHERE t.uuid = $1', [uuid]);
        const current = { ...(row![0] as Record<string, Atom>) };
        for (const k of p.keys) delete current[k];
        for (const [k, v] of Object.entries(p.pairs)) if (current[k] === v) delete current[k];
        await tx.query(`UPDATE ${p.table.sql} SET ${col} = $2::jsonb WHERE uuid = $1`, [
          uuid,
          JSON.stringify(current),
        ]);
      } else {
        const types = await columnSqlTypes(tx, p.table);
        await tx.query(
          `UPDATE ${p.table.sql} SET ${col} = ARRAY(SELECT x FROM unnest(${col}) x WHERE NOT (x::text = ANY($2::text[]))) ::${writeCast(p.column, types)} WHERE uuid = $1`,
          [uuid, p.items.map(String)],
        );
      }
    },
  }),
  defineCommand({
    name: 'clear',
    usage: 'TABLE RECORD COLUMN...',
    summary: 'empty set and map columns, or unset optional ones',
    group: GROUP,
    minArgs: 3,
    maxArgs: Number.POSITIVE_INFINITY,
    writes: true,
    preload: preloadCatalog,
    parse(args) {
      const table = tableArg(args);
      const columns = args.slice(2).map((c) => findColumn(table, c));
      for (const c of columns) {
        mustBeWritable(table, c);
        if (!isMap(c.type) && !isSet(c.type) && c.type.min !== 0) {
          throw invalid(`${table.name}.${c.name}`, 'cannot clear a column that must hold a value');
        }
      }
      return { table, record: args[1]!, columns };
    },
    async run({ tx, memo }, p) {
      memo.clear();
      const uuid = (await resolveRecord(tx, p.table, p.record))!;
      const sets = p.columns.map((c) => {
        const col = c.catalog!.column!;
        return isMap(c.type)
          ? `${col} = '{}'::jsonb`
          : isSet(c.type)
            ? `${col} = '{}'`
            : `${col} = NULL`;
      });
      await tx.query(`UPDATE ${p.table.sql} SET ${sets.join(', ')} WHERE uuid = $1`, [uuid]);
    },
  }),
  defineCommand({
    name: 'create',
    usage: 'TABLE COLUMN[:KEY]=VALUE...',
    summary:
      'insert a row and print its UUID (e.g. create Address_Set name=as1 addresses=\'"10.0.0.1","10.0.0.2"\')',
    group: GROUP,
    minArgs: 1,
    maxArgs: Number.POSITIVE_INFINITY,
    writes: true,
    preload: preloadCatalog,
    parse(args) {
      const table = tableArg(args);
      const assignments = args.slice(1).map((a) => parseAssignment(table, a));
      for (const a of assignments) mustBeWritable(table, a.column);
      return { table, assignments };
    },
    async run({ tx, memo }, p) {
      memo.clear(); // a new row may share a name that was unique so far
      const types = await columnSqlTypes(tx, p.table);
      // Map keys given one by one (external_ids:a=1 external_ids:b=2) gather into one value.
      const values = new Map<DbColumn, unknown>();
      for (const a of p.assignments) {
        if (a.key !== undefined)
          values.set(a.column, { ...((values.get(a.column) as object) ?? {}), [a.key]: a.value });
        else values.set(a.column, a.value);
      }
      const cols = [...values.keys()];
      const placeholders = cols.map((c, i) => `$${i + 1}::${writeCast(c, types)}`);
      const rows = await tx.query<{ uuid: string }>(
        `INSERT INTO ${p.table.sql} (${cols.map((c) => c.catalog!.column).join(', ')}) ${cols.length ? `VALUES (${placeholders.join(', ')})` : 'DEFAULT VALUES'} RETURNING uuid::text AS uuid`,
        cols.map((c) => toParam(values.get(c), c)),
      );
      return [rows[0]!.uuid];
    },
  }),
  defineCommand({
    name: 'destroy',
    usage: 'TABLE RECORD...',
    summary: 'delete rows (--all: every row of TABLE; --if-exists: missing RECORDs are fine)',
    group: GROUP,
    minArgs: 1,
    maxArgs: Number.POSITIVE_INFINITY,
    options: { 'if-exists': 'flag', all: 'flag' },
    writes: true,
    preload: preloadCatalog,
    parse(args, opts) {
      const table = tableArg(args);
      if (opts.has('all') && args.length > 1) throw usageError('--all takes no RECORD arguments');
      if (!opts.has('all') && args.length < 2)
        throw usageError('destroy needs RECORD arguments (or --all)');
      return {
        table,
        records: args.slice(1),
        all: opts.has('all'),
        ifExists: opts.has('if-exists'),
      };
    },
    async run({ tx, memo }, p) {
      memo.clear();
      if (p.all) return void (await tx.query(`DELETE FROM ${p.table.sql}`));
      for (const r of p.records) {
        const uuid = await resolveRecord(tx, p.table, r, !p.ifExists);
        if (uuid) await tx.query(`DELETE FROM ${p.table.sql} WHERE uuid = $1`, [uuid]);
      }
    },
  }),
  defineCommand({
    name: 'wait-until',
    usage: 'TABLE RECORD [COLUMN[:KEY]=VALUE]...',
    summary:
      'wait until RECORD exists and its columns match (e.g. wait-until Logical_Switch_Port p1 up=true); bounded by --timeout',
    group: GROUP,
    minArgs: 2,
    maxArgs: Number.POSITIVE_INFINITY,
    writes: false,
    preload: preloadCatalog,
    parse(args) {
      const table = tableArg(args);
      const conditions = args.slice(2).map((a) => parseAssignment(table, a, true));
      checkSearchable(table, conditions, 'wait-until');
      return { table, record: args[1]!, conditions, text: args.slice(1).join(' ') };
    },
    // Polls inside the batch's transaction: at READ COMMITTED each statement sees the newest
    // commits (a NOTIFY would only arrive after the transaction ends).
    async run({ tx, global }, p) {
      const types = await columnSqlTypes(tx, p.table);
      const deadline =
        global.timeout === undefined ? undefined : Date.now() + global.timeout * 1000;
      for (;;) {
        const uuid = await resolveRecord(tx, p.table, p.record, false);
        if (uuid) {
          const params: unknown[] = [uuid];
          const conds = ['t.uuid = $1', ...conditionsSql(p.conditions, types, params)];
          const rows = await tx.query(
            `SELECT 1 FROM ${p.table.sql} t WHERE ${conds.join(' AND ')}`,
            params,
          );
          if (rows.length > 0) return;
        }
        if (deadline !== undefined && Date.now() >= deadline) {
          throw new NbctlError(
            'timeout',
            `timed out after ${global.timeout}s waiting until ${p.table.name} ${p.text}`,
          );
        }
        await new Promise((r) => setTimeout(r, WAIT_POLL_MS));
      }
    },
  }),
];

/** `m = m || $2`, `m = m || $3` → `m = m || $2 || $3`: SQL allows one assignment per column. */
function mergeSets(sets: readonly string[]): string {
  const byColumn = new Map<string, string>();
  for (const s of sets) {
    const col = s.slice(0, s.indexOf(' = '));
    const rhs = s.slice(s.indexOf(' = ') + 3);
    const prev = byColumn.get(col);
    byColumn.set(
      col,
      prev && rhs.startsWith(`${col} || `) ? `${prev} || ${rhs.slice(col.length + 4)}` : rhs,
    );
  }
  return [...byColumn].map(([c, rhs]) => `${c} = ${rhs}`).join(', ');
}
