import { Command } from 'commander';
import { CliError, requireDbUrl, runCli } from '../common/cli-error.js';
import { addControllerCommand } from '../controller/controller-command.js';
import { addTraceCommand } from '../trace/trace-command.js';
import { addExprCommand } from './expr-command.js';
import { addVmCommand } from './vm-command.js';

/** `ovn-ts <command>`: the daemons and tools of the stack. */
export async function main(argv: readonly string[]): Promise<number> {
  return runCli('ovn-ts', async () => {
    const program = new Command('ovn-ts')
      .description('ovn-ts: network virtualization in the spirit of OVN')
      .exitOverride()
      .configureOutput({ writeErr: (s) => process.stderr.write(s) });

    program
      .command('sandbox')
      .description(
        'start the stack on an embedded PostgreSQL (NB and SB, northd, hypervisors with in-memory VMs) and keep it running',
      )
      .option('--data-dir <dir>', 'where the sandbox keeps its data', '.ovn-ts/sandbox')
      .option('--port <port>', 'PostgreSQL port (default: a free one)', (v) =>
        Number.parseInt(v, 10),
      )
      .option('--hypervisors <n>', 'in-process hypervisors hv1..hvN', (v) => Number(v), 2)
      .option(
        '--underlay <kind>',
        'tunnels between hypervisors: memory or udp (Geneve on loopback)',
        'memory',
      )
      .option(
        '--demo',
        'run the demo (switches, router, four VMs, port security), print each step, and stop',
      )
      .option('--once', 'start, print the connection details, and stop')
      .action(
        async (o: {
          dataDir: string;
          port?: number;
          once?: boolean;
          demo?: boolean;
          hypervisors: number;
          underlay: string;
        }) => {
          if (o.underlay !== 'memory' && o.underlay !== 'udp')
            throw new CliError(`sandbox: --underlay ${o.underlay}: expected memory or udp`, 2);
          const { runSandbox } = await import('./sandbox-command.js');
          process.exitCode = await runSandbox({ ...o, underlay: o.underlay }, (line) =>
            process.stdout.write(`${line}\n`),
          );
        },
      );

    addVmCommand(program);
    addExprCommand(program);
    addTraceCommand(program);
    addControllerCommand(program);

    program
      .command('northd')
      .description(
        'compile NB into SB; several may run: one is active, the others wait to take over',
      )
      .option('--nb <url>', 'NB database URL (default: $OVN_NB_DB)')
      .option('--sb <url>', 'SB database URL (default: $OVN_SB_DB)')
      .option(
        '--lock-poll-ms <ms>',
        'how often a standby tries to take over',
        (v) => Number.parseInt(v, 10),
        200,
      )
      .action(async (o: { nb?: string; sb?: string; lockPollMs: number }) => {
        const nbUrl = requireDbUrl(o.nb, 'OVN_NB_DB', 'NB');
        const sbUrl = requireDbUrl(o.sb, 'OVN_SB_DB', 'SB');
        const { runNorthd } = await import('@ovn-ts/northd');
        const ac = new AbortController();
        process.once('SIGINT', () => ac.abort());
        process.once('SIGTERM', () => ac.abort());
        await runNorthd({ nbUrl, sbUrl, signal: ac.signal, lockPollMs: o.lockPollMs });
      });

    await program.parseAsync([...argv], { from: 'user' });
    return undefined; // the exit code is process.exitCode, set by commands that fail softly
  });
}
