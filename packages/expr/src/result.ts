// Typed results for the expression package: the public API never throws.
//
// Internally, recursive-descent code may throw an `ExprFailure` (carrying an ExprError) and let
// `attempt()` at the API boundary turn it into `{ ok: false, error }`. Nothing else is caught:
// any other exception is a bug and propagates.

/** A user-facing error: an OVN-style message and the 0-based offset in the input it refers to. */
export interface ExprError {
  readonly message: string;
  /** 0-based character offset into the parsed text (the offending token's start). */
  readonly position: number;
}

export type Result<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: ExprError };

export function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}

export function err<T = never>(message: string, position: number): Result<T> {
  return { ok: false, error: { message, position } };
}

/** Thrown internally to abort parsing; converted to a Result by `attempt`. */
export class ExprFailure extends Error {
  readonly error: ExprError;
  constructor(message: string, position: number) {
    super(message);
    this.name = 'ExprFailure';
    this.error = { message, position };
  }
}

/** Runs `fn`, turning an ExprFailure into an error result. Other exceptions propagate. */
export function attempt<T>(fn: () => T): Result<T> {
  try {
    return ok(fn());
  } catch (e) {
    if (e instanceof ExprFailure) return { ok: false, error: e.error };
    throw e;
  }
}

/** Unwraps a result inside code run by `attempt` (re-throws the error as an ExprFailure). */
export function unwrap<T>(r: Result<T>): T {
  if (r.ok) return r.value;
  throw new ExprFailure(r.error.message, r.error.position);
}

/** Renders an error with the input line and a caret under the offending position. */
export function formatError(error: ExprError, input: string): string {
  const pos = Math.max(0, Math.min(error.position, input.length));
  const lineStart = input.lastIndexOf('\n', pos - 1) + 1;
  let lineEnd = input.indexOf('\n', pos);
  if (lineEnd < 0) lineEnd = input.length;
  const line = input.slice(lineStart, lineEnd);
  return `${error.message}\n${line}\n${' '.repeat(pos - lineStart)}^`;
}
