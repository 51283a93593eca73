/**
 * The one error class of nbctl. Commands throw it; main.ts alone turns it (and anything else thrown)
 * into a message and an exit code (see report.ts).
 */
export type NbctlErrorKind =
  | 'usage' // the command line itself is wrong
  | 'invalid' // a value is malformed or out of range
  | 'not-found'
  | 'exists'
  | 'ambiguous'
  | 'database' // the database refused the change (a constraint)
  | 'connection'
  | 'timeout';

export class NbctlError extends Error {
  override readonly name = 'NbctlError';
  constructor(
    readonly kind: NbctlErrorKind,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** `<object>: <problem>`: the command name is added by the runner, which knows it. */
export function objectError(kind: NbctlErrorKind, object: string, problem: string): NbctlError {
  return new NbctlError(kind, `${object}: ${problem}`);
}

export function usageError(message: string): NbctlError {
  return new NbctlError('usage', message);
}

export function invalid(object: string, problem: string): NbctlError {
  return objectError('invalid', object, problem);
}

export function notFound(object: string, problem = 'not found'): NbctlError {
  return objectError('not-found', object, problem);
}

/** An error that happened while running one command of the batch: carries the command's name. */
export class CommandFailure extends Error {
  override readonly name = 'CommandFailure';
  constructor(
    readonly command: string,
    override readonly cause: unknown,
  ) {
    super(`${command}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}
