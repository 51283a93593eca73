import { DbError } from '@ovn-ts/db';
import { CHECK_PROBLEMS } from './constraint-problems.js';

interface PgErrorFields {
  code?: string;
  message?: string;
  table?: string;
  column?: string;
  constraint?: string;
  detail?: string;
}

/**
 * Normalises anything thrown while working on SB into a DbError. Constraint violations get a
 * message naming the table, the object (the one given, else what PostgreSQL's detail names) and
 * the problem in words: `sb: port_binding sw0p1: tunnel_key must be between 1 and 32767`.
 */
export function sbError(err: unknown, object?: string): DbError {
  const e = DbError.from(err);
  if (e.code !== 'constraint') return e;
  const pg = pgFields(err);
  if (!pg) return e;
  const { table, problem, key } = describe(pg);
  const what = object ?? key;
  const name = pg.constraint ? ` (constraint ${pg.constraint})` : '';
  return new DbError('constraint', `sb: ${table}${what ? ` ${what}` : ''}: ${problem}${name}`, {
    cause: e.cause ?? err,
  });
}

function pgFields(err: unknown): PgErrorFields | undefined {
  let cur: unknown = err;
  for (let i = 0; i < 3 && cur; i++) {
    const c = cur as PgErrorFields & { cause?: unknown };
    if (typeof c.code === 'string' && c.code.startsWith('23')) return c;
    cur = c.cause;
  }
  return undefined;
}

function describe(pg: PgErrorFields): { table: string; problem: string; key?: string } {
  const table = pg.table ?? 'row';
  const detail = pg.detail ?? '';
  switch (pg.code) {
    case '23505': {
      // Key (logical_port)=(sw0p1) already exists.
      const m = /^Key \((.+?)\)=\((.*)\) already exists/.exec(detail);
      return m
        ? { table, problem: `${m[1]} ${m[2]} already exists`, key: m[2] }
        : { table, problem: 'duplicate of an existing row' };
    }
    case '23503': {
      const missing = /^Key \((.+?)\)=\((.*)\) is not present in table "(.+)"/.exec(detail);
      if (missing)
        return { table, problem: `${missing[1]} ${missing[2]} does not exist in ${missing[3]}` };
      const used = /^Key \((.+?)\)=\((.*)\) is still referenced from table "(.+)"/.exec(detail);
      if (used) return { table, problem: `still referenced from ${used[3]}`, key: used[2] };
      return { table, problem: 'refers to a missing row' };
    }
    case '23502':
      return { table, problem: `${pg.column ?? 'a column'} must be set`, key: failingUuid(detail) };
    case '23514': {
      const problem =
        CHECK_PROBLEMS[`${table}.${pg.constraint}`] ?? `violates check ${pg.constraint}`;
      return { table, problem, key: failingUuid(detail) };
    }
    default:
      return { table, problem: pg.message ?? 'constraint violation' };
  }
}

/** The row's uuid, the first value of "Failing row contains (…)" in tables that have one. */
function failingUuid(detail: string): string | undefined {
  const m = /^Failing row contains \(([0-9a-f-]{36}),/.exec(detail);
  return m?.[1];
}
