import { Command } from 'commander';
import { CliError, requireDbUrl, runCli } from '../common/cli-error.js';

/** `sbctl`: inspect and set up the SB database (in the manner of ovn-sbctl). */
export async function main(argv: readonly string[]): Promise<number> {
  return runCli('sbctl', async () => {
    const program = new Command('sbctl')
      .description('ovn-ts SB database tool')
      .option('--db <url>', 'SB database URL (default: $OVN_SB_DB)')
      .exitOverride()
      .configureOutput({ writeErr: (s) => process.stderr.write(s) });

    program
      .command('init')
      .description('create or upgrade the SB schema')
      .action(async () => {
        const url = requireDbUrl(program.opts().db, 'OVN_SB_DB', 'SB');
        const [{ createPool, describeUrl }, { initSb }] = await Promise.all([import('@ovn-ts/db'), import('@ovn-ts/sb-db')]);
        const pool = createPool(url);
        try {
          const r = await initSb(pool);
          process.stdout.write(
            r.applied.length
              ? `sbctl: ${describeUrl(url)}: SB schema at version ${r.current} (applied ${r.applied.join(', ')})\n`
              : '',
          );
        } catch (err) {
          throw new CliError(`init: ${(err as Error).message}`);
        } finally {
          await pool.end();
        }
      });

    await program.parseAsync([...argv], { from: 'user' });
    return 0;
  });
}
