/**
 * The single place where failures become what the user sees: one `nbctl: …` line on stderr and an
 * exit code. Everything thrown anywhere in nbctl ends up here (main.ts calls it).
 */
import { CommandFailure, NbctlError } from './errors.js';
import { describeUrl } from './url.js';

export interface Report {
  readonly message: string;
  readonly exitCode: number;
}

/** Exit codes: 1 for every failure, as ovn-nbctl (usage, syntax, network); 2 for our own bugs. */
export function reportError(err: unknown, url: string | undefined): Report {
  const command = err instanceof CommandFailure ? err.command : undefined;
  const cause = err instanceof CommandFailure ? err.cause : err;
  const prefix = command ? `nbctl: ${command}: ` : 'nbctl: ';

  if (cause instanceof NbctlError) {
    if (cause.kind === 'connection' || cause.kind === 'timeout')
      return { message: `nbctl: ${cause.message}`, exitCode: 1 };
    return { message: `${prefix}${cause.message}`, exitCode: 1 };
  }
  const db = classifyDatabaseError(cause);
  if (db?.kind === 'connection') {
    return {
      message: `nbctl: ${connectionMessage(url, db.message, command !== undefined)}`,
      exitCode: 1,
    };
  }
  if (db?.kind === 'constraint')
    return { message: `${prefix}the database refused the change: ${db.message}`, exitCode: 1 };
  if (db?.kind === 'schema') {
    return {
      message: `${prefix}the database has no NB schema (run "nbctl init"): ${db.message}`,
      exitCode: 1,
    };
  }
  if (db?.kind === 'other')
    return { message: `${prefix}database error: ${db.message}`, exitCode: 1 };
  const message = cause instanceof Error ? cause.message : String(cause);
  return { message: `${prefix}internal error: ${message}`, exitCode: 2 };
}

export function connectionMessage(
  url: string | undefined,
  reason: string,
  midRun: boolean,
): string {
  const where = url ? describeUrl(url) : 'the database';
  return midRun
    ? `lost connection to ${where}: ${reason} (the transaction was not committed)`
    : `cannot connect to ${where}: ${reason}`;
}

interface DbFailure {
  readonly kind: 'connection' | 'constraint' | 'schema' | 'other';
  readonly message: string;
}

/**
 * pg errors (and @ovn-ts/db's DbError, recognised by shape so that this file need not load that
 * package) sorted into what the user can act on.
 */
export function classifyDatabaseError(err: unknown): DbFailure | undefined {
  const e = err as {
    name?: string;
    code?: string;
    message?: string;
    detail?: string;
    constraint?: string;
    table?: string;
  };
  if (!e || typeof e !== 'object') return undefined;
  const message = e.message ?? String(err);
  if (e.name === 'DbError') {
    if (e.code === 'connection')
      return { kind: 'connection', message: message.replace(/^database connection failed: /, '') };
    if (e.code === 'constraint') return { kind: 'constraint', message };
    return { kind: 'other', message };
  }
  const code = typeof e.code === 'string' ? e.code : '';
  if (
    code.startsWith('08') ||
    code === '57P01' ||
    code === '57P02' ||
    code === '57P03' ||
    code === '3D000' ||
    code === '28P01' ||
    code === '28000' ||
    /^E[A-Z]+$/.test(code) ||
    /Connection terminated|connect ECONNREFUSED|timeout exceeded when trying to connect|Client has encountered a connection error/i.test(
      message,
    )
  ) {
    return { kind: 'connection', message };
  }
  if (code.startsWith('23')) {
    const where = e.constraint
      ? ` [constraint ${e.constraint}${e.table ? ` on ${e.table}` : ''}]`
      : '';
    // "Failing row contains (…)" dumps the whole row: noise next to the constraint's name.
    const detail = e.detail && !e.detail.startsWith('Failing row contains') ? ` (${e.detail})` : '';
    return { kind: 'constraint', message: `${message}${detail}${where}` };
  }
  if (code === '3F000' || code === '42P01') return { kind: 'schema', message };
  if (code.length === 5) return { kind: 'other', message };
  return undefined;
}
