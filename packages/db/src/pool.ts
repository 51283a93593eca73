import pg from 'pg';

/**
 * A pg pool whose bigint columns (counters such as nb_cfg) come back as JS numbers: they stay far
 * below 2^53, and numbers are what every caller wants.
 */
export function createPool(
  url: string,
  options: { max?: number; applicationName?: string } = {},
): pg.Pool {
  const types = {
    getTypeParser(oid: number, format?: 'text' | 'binary') {
      if (oid === pg.types.builtins.INT8 && format !== 'binary') return (v: string) => Number(v);
      // biome-ignore lint/suspicious/noExplicitAny: pg's overloads do not accept a union format
      return pg.types.getTypeParser(oid, format as any);
    },
  };
  const pool = new pg.Pool({
    connectionString: url,
    max: options.max ?? 4,
    application_name: options.applicationName ?? 'ovn-ts',
    connectionTimeoutMillis: 10_000,
    types,
  });
  // An idle client losing its connection must not crash the process; the next query reports it.
  pool.on('error', () => {});
  return pool;
}

/** Turns a database URL into a short form without the password, for messages and logs. */
export function describeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.username ? `${u.username}@` : ''}${u.host}${u.pathname}`;
  } catch {
    return '<invalid database URL>';
  }
}
