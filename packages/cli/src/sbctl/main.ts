import { Command } from 'commander';
import type pg from 'pg';
import { CliError, requireDbUrl, runCli } from '../common/cli-error.js';

/** `sbctl`: set up and inspect the SB database (in the manner of ovn-sbctl). */
export async function main(argv: readonly string[]): Promise<number> {
  return runCli('sbctl', async () => {
    const out = (lines: readonly string[]) => {
      if (lines.length) process.stdout.write(`${lines.join('\n')}\n`);
    };
    const program = new Command('sbctl')
      .description('ovn-ts SB database tool')
      .option('--db <url>', 'SB database URL (default: $OVN_SB_DB)')
      .exitOverride()
      .configureOutput({ writeErr: (s) => process.stderr.write(s) });

    /** Runs `body` with a pool on the SB database; connection failures become one clear line. */
    const withPool = async (command: string, body: (pool: pg.Pool) => Promise<void>) => {
      const url = requireDbUrl(program.opts().db, 'OVN_SB_DB', 'SB');
      const { createPool, describeUrl, DbError } = await import('@ovn-ts/db');
      const pool = createPool(url, { max: 2, applicationName: 'sbctl' });
      try {
        await body(pool);
      } catch (err) {
        if (err instanceof CliError) throw err;
        const e = DbError.from(err);
        if (e.code === 'connection')
          throw new CliError(`${command}: cannot connect to ${describeUrl(url)}: ${e.message}`);
        if (e.code === 'internal' && /relation "sb\./.test(e.message)) {
          throw new CliError(`${command}: ${describeUrl(url)} has no SB schema: run sbctl init`);
        }
        throw new CliError(`${command}: ${(err as Error).message.replace(/^lflow-list: /, '')}`);
      } finally {
        await pool.end();
      }
    };

    program
      .command('init')
      .description('create or upgrade the SB schema')
      .action(() =>
        withPool('init', async (pool) => {
          const [{ initSb }, { describeUrl }] = await Promise.all([
            import('@ovn-ts/sb-db'),
            import('@ovn-ts/db'),
          ]);
          const r = await initSb(pool);
          if (r.applied.length) {
            out([
              `sbctl: ${describeUrl(program.opts().db ?? process.env.OVN_SB_DB ?? '')}: SB schema at version ${r.current}`,
            ]);
          }
        }),
      );

    program
      .command('show')
      .description('chassis, their encapsulations and bound ports')
      .action(() =>
        withPool('show', async (pool) => out(await (await import('./show.js')).sbShow(pool))),
      );

    program
      .command('lflow-list [datapath]')
      .alias('dump-flows')
      .description('logical flows, of one datapath (name or uuid) or all')
      .option('--provenance', 'show the builder and NB row of each flow')
      .option('--uuid', 'show each flow uuid prefix')
      .action((datapath: string | undefined, o: { provenance?: boolean; uuid?: boolean }) =>
        withPool('lflow-list', async (pool) =>
          out(await (await import('./lflow-list.js')).lflowList(pool, datapath, o)),
        ),
      );

    program
      .command('count-flows [datapath]')
      .description('number of logical flows per datapath and stage')
      .action((datapath: string | undefined) =>
        withPool('count-flows', async (pool) =>
          out(await (await import('./lflow-list.js')).countFlows(pool, datapath)),
        ),
      );

    program
      .command('list <table> [records...]')
      .description('records of a table (OVN table names, e.g. Port_Binding), all or those named')
      .action((table: string, records: string[]) =>
        withPool('list', async (pool) =>
          out(await (await import('./db-commands.js')).list(pool, table, records)),
        ),
      );

    program
      .command('find <table> <conditions...>')
      .description('records whose COLUMN=VALUE conditions hold (e.g. find Port_Binding type=patch)')
      .action((table: string, conditions: string[]) =>
        withPool('find', async (pool) =>
          out(await (await import('./db-commands.js')).find(pool, table, conditions)),
        ),
      );

    program
      .command('get <table> <record> <columns...>')
      .description('values of columns of one record')
      .action((table: string, record: string, columns: string[]) =>
        withPool('get', async (pool) =>
          out(await (await import('./db-commands.js')).get(pool, table, record, columns)),
        ),
      );

    await program.parseAsync([...argv], { from: 'user' });
    return 0;
  });
}
