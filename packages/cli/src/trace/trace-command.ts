import type { Command } from 'commander';
import { CliError, requireDbUrl } from '../common/cli-error.js';

type Detail = 'detailed' | 'summary' | 'minimal';

/**
 * `ovn-ts trace [DATAPATH] MICROFLOW`: a logical trace against SB in the manner of ovn-trace:
 * each stage the packet visits, the flow it matches with its NB provenance, across switches and
 * routers, to the output port or the drop.
 */
export function addTraceCommand(program: Command): void {
  program
    .command('trace')
    .description('trace a packet through the logical flows in SB (like ovn-trace)')
    .argument(
      '<args...>',
      '[DATAPATH] MICROFLOW, e.g. sw0 \'inport == "vm1" && eth.src == … && ip4.dst == …\'',
    )
    .option('--db <url>', 'SB database URL (default: $OVN_SB_DB)')
    .option('--detailed', 'every stage and flow (the default)')
    .option('--summary', 'the actions taken, nested by datapath')
    .option('--minimal', 'only what changes the packet and where it ends')
    .action(
      async (
        args: string[],
        o: { db?: string; detailed?: boolean; summary?: boolean; minimal?: boolean },
      ) => {
        if (args.length > 2)
          throw new CliError('trace: expected [DATAPATH] MICROFLOW (quote the microflow)', 2);
        const [datapath, microflow] =
          args.length === 2 ? [args[0], args[1]!] : [undefined, args[0]!];
        const detail: Detail = o.minimal ? 'minimal' : o.summary ? 'summary' : 'detailed';
        const url = requireDbUrl(o.db, 'OVN_SB_DB', 'SB');
        const [{ createPool, DbError, describeUrl }, { sim }, { worldFromSb }] = await Promise.all([
          import('@ovn-ts/db'),
          import('@ovn-ts/northd'),
          import('./world-from-sb.js'),
        ]);
        const pool = createPool(url, { max: 1, applicationName: 'ovn-ts trace' });
        let world: Awaited<ReturnType<typeof worldFromSb>>;
        try {
          world = await worldFromSb(pool);
        } catch (err) {
          const e = DbError.from(err);
          throw new CliError(
            `trace: ${e.code === 'connection' ? `cannot connect to ${describeUrl(url)}: ` : ''}${e.message}`,
          );
        } finally {
          await pool.end();
        }
        if (datapath && !world.datapaths.some((d) => d.name === datapath)) {
          throw new CliError(`trace: ${datapath}: no such datapath`);
        }
        const r = sim.traceMicroflow(world, microflow, datapath ? { datapath } : {});
        if ('error' in r && r.error !== undefined) throw new CliError(`trace: ${r.error}`);
        const result = r as Exclude<typeof r, { error: string }>;
        const text = sim.formatTrace(result.steps, detail, result.microflow.packet);
        process.stdout.write(`${text}\n`);
        if (detail !== 'detailed')
          for (const out of result.outcomes) process.stdout.write(`${sim.formatOutcome(out)}\n`);
      },
    );
}
