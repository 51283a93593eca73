export type DatapathErrorCode =
  | 'bad_flow'
  | 'bad_group'
  | 'bad_port'
  | 'bad_packet_out'
  | 'exists'
  | 'not_found'
  | 'closed'
  | 'internal';

/** The one error class of the datapath: a code for programs, a message naming the object for people. */
export class DatapathError extends Error {
  constructor(
    readonly code: DatapathErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'DatapathError';
  }

  static from(e: unknown): DatapathError {
    if (e instanceof DatapathError) return e;
    return new DatapathError('internal', e instanceof Error ? e.message : String(e), { cause: e });
  }
}
