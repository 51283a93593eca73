/**
 * nbctl: an ovn-nbctl-like command line for the NB database.
 *
 *   parse the command line → plan every command (pure) → connect → run the batch in one
 *   transaction → print the outputs in order → optionally --wait for northd/chassis.
 *
 * Every failure, wherever it happens, comes back here and goes through reportError: one message,
 * one exit code.
 */
import { parseCommandLine } from './command-line.js';
import { CommandFailure, usageError } from './errors.js';
import { helpText } from './help.js';
import { renderOutput } from './output-format.js';
import { planBatch } from './plan.js';
import { loadCommands } from './registry.js';
import { reportError } from './report.js';
import { runBatch } from './run-batch.js';
import { openSession, type Session } from './session.js';
import { waitForCfg } from './wait.js';

/** Where output goes; tests capture it, the bin writes to the process streams. */
export interface Io {
  out(text: string): void;
  err(text: string): void;
}

const processIo: Io = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
};

export const VERSION = '0.1.0';

export async function main(
  argv: readonly string[],
  io: Io = processIo,
  env: Readonly<Record<string, string | undefined>> = process.env,
): Promise<number> {
  let url: string | undefined;
  let session: Session | undefined;
  try {
    // Options from OVN_NBCTL_OPTIONS come first, so that the command line overrides them.
    const envOptions = env.OVN_NBCTL_OPTIONS?.trim().split(/\s+/).filter(Boolean) ?? [];
    const line = parseCommandLine([...envOptions, ...argv]);
    if (line.global.help) {
      io.out(helpText(await loadCommands()));
      return 0;
    }
    if (line.global.version) {
      io.out(`nbctl (ovn-ts) ${VERSION}\n`);
      return 0;
    }
    if (line.commands.length === 0) throw usageError('missing command name (use --help for help)');
    const registry = await loadCommands(line.commands.map((c) => c.name));
    const used = new Set(line.commands.map((c) => registry.get(c.name)));
    await Promise.all([...used].map((spec) => spec?.preload?.()));
    const planned = planBatch(line.commands, registry);

    url = line.global.db ?? env.OVN_NB_DB;
    if (!url) throw usageError('no database given: use --db URL or set OVN_NB_DB');
    // --timeout also bounds connecting (ovn-nbctl bounds its whole run with it).
    session = await openSession(url, Math.min(10_000, (line.global.timeout ?? 10) * 1000));
    for (const { spec, plan, raw } of planned) {
      if (!spec.beforeTransaction) continue;
      try {
        await spec.beforeTransaction(url, plan);
      } catch (err) {
        throw new CommandFailure(raw.name, err);
      }
    }
    const result = await runBatch(session, planned, line.global);

    const lines: string[] = [];
    for (const out of result.outputs) {
      const rendered = await renderOutput(out, line.global.format, line.global.bare);
      if (line.global.oneline)
        lines.push(rendered.map((l) => l.replaceAll('\\', '\\\\')).join('\\n'));
      else lines.push(...rendered);
    }
    if (lines.length > 0) io.out(`${lines.join('\n')}\n`);

    if (result.waitFor !== undefined && line.global.wait !== 'none') {
      await waitForCfg(session, line.global.wait, result.waitFor, line.global.timeout);
    }
    return 0;
  } catch (err) {
    const report = reportError(err, url);
    io.err(`${report.message}\n`);
    return report.exitCode;
  } finally {
    await session?.close();
  }
}
