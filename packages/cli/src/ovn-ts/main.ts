import { Command } from 'commander';
import { runCli } from '../common/cli-error.js';

/** `ovn-ts <command>`: the daemons and tools of the stack. */
export async function main(argv: readonly string[]): Promise<number> {
  return runCli('ovn-ts', async () => {
    const program = new Command('ovn-ts')
      .description('ovn-ts: network virtualization in the spirit of OVN')
      .exitOverride()
      .configureOutput({ writeErr: (s) => process.stderr.write(s) });

    program
      .command('sandbox')
      .description('start the stack on an embedded PostgreSQL (NB and SB databases) and keep it running')
      .option('--data-dir <dir>', 'where the sandbox keeps its data', '.ovn-ts/sandbox')
      .option('--port <port>', 'PostgreSQL port (default: a free one)', (v) => Number.parseInt(v, 10))
      .option('--once', 'start, print the connection details, and stop')
      .action(async (o: { dataDir: string; port?: number; once?: boolean }) => {
        const { runSandbox } = await import('./sandbox-command.js');
        await runSandbox(o, (line) => process.stdout.write(`${line}\n`));
      });

    await program.parseAsync([...argv], { from: 'user' });
    return 0;
  });
}
