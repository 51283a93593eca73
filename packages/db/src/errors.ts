/** Codes for failures that callers may want to tell apart. */
export type DbErrorCode =
  | 'connection' // the server could not be reached or the connection dropped
  | 'constraint' // the database refused the data (check, unique, foreign key, not null)
  | 'not-found'
  | 'conflict' // compare-and-set lost: the row changed since it was read
  | 'resync' // a feed reader fell behind the retained change log
  | 'internal';

/** The one error class of the database layer: a code, a message for people, and the cause. */
export class DbError extends Error {
  override readonly name = 'DbError';
  constructor(
    readonly code: DbErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  /** Normalises anything thrown by pg or kysely into a DbError with a readable message. */
  static from(err: unknown): DbError {
    if (err instanceof DbError) return err;
    const e = err as { code?: string; message?: string; constraint?: string; detail?: string };
    const pgCode = typeof e?.code === 'string' ? e.code : '';
    const msg = e?.message ?? String(err);
    if (pgCode.startsWith('23'))
      return new DbError('constraint', constraintMessage(e), { cause: err });
    if (
      pgCode.startsWith('08') ||
      pgCode === '57P01' ||
      pgCode === 'ECONNREFUSED' ||
      pgCode === 'ECONNRESET' ||
      pgCode === 'ENOTFOUND' ||
      /Connection terminated|connect ECONNREFUSED|timeout exceeded when trying to connect/i.test(
        msg,
      )
    ) {
      return new DbError('connection', `database connection failed: ${msg}`, { cause: err });
    }
    return new DbError('internal', msg, { cause: err });
  }
}

function constraintMessage(e: { message?: string; constraint?: string; detail?: string }): string {
  const detail = e.detail ? ` (${e.detail})` : '';
  return `${e.message ?? 'constraint violation'}${detail}`;
}
