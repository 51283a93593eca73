import { DbError } from '@ovn-ts/db';

/** An error meant for the person at the terminal: its message is printed as is. */
export class CliError extends Error {
  override readonly name = 'CliError';
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

/**
 * The one place where the ovn-ts and sbctl commands turn failures into a message and an exit code.
 * Expected failures print `<program>: <message>`; anything else prints its stack too.
 */
export async function runCli(
  program: string,
  body: () => Promise<number | undefined>,
): Promise<number> {
  try {
    return (await body()) ?? (typeof process.exitCode === 'number' ? process.exitCode : 0);
  } catch (err) {
    if (err instanceof CliError) {
      process.stderr.write(`${program}: ${err.message}\n`);
      return err.exitCode;
    }
    const code = (err as { code?: string }).code;
    if (code === 'commander.helpDisplayed' || code === 'commander.version') return 0;
    if (typeof code === 'string' && code.startsWith('commander.')) return 2;
    const db = DbError.from(err);
    if (db.code !== 'internal') {
      process.stderr.write(`${program}: ${db.message}\n`);
      return 1;
    }
    process.stderr.write(`${program}: ${(err as Error).stack ?? String(err)}\n`);
    return 1;
  }
}

/** The database URL from --db or an environment variable, or a clear error saying how to give one. */
export function requireDbUrl(given: string | undefined, envName: string, what: string): string {
  const url = given ?? process.env[envName];
  if (!url) throw new CliError(`no ${what} database: use --db URL or set ${envName}`);
  return url;
}
