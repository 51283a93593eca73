// The sandbox's own prompt when its terminal is interactive: the `ovn-ts vm` commands typed
// without the `ovn-ts vm` prefix, run in process.

import readline from 'node:readline';
import { Command } from 'commander';
import { addVmSubcommands } from './vm-command.js';
import type { VmRequest, VmResponse } from './vm-requests.js';

/** Runs the prompt until the user quits (exit, quit, Ctrl-D, Ctrl-C). */
export function runPrompt(
  run: (req: VmRequest) => Promise<VmResponse>,
  out: (line: string) => void,
): Promise<void> {
  const rl = readline.createInterface({
    input: process.stdin,
    output: process.stdout,
    prompt: 'sandbox> ',
  });
  return new Promise((done) => {
    rl.on('close', () => done());
    rl.on('SIGINT', () => rl.close());
    rl.on('line', (text) => {
      const words = text.trim().split(/\s+/).filter(Boolean);
      if (words[0] === 'vm') words.shift();
      if (words[0] === 'exit' || words[0] === 'quit') {
        rl.close();
        return;
      }
      rl.pause();
      void runLine(words, run, out).finally(() => {
        rl.resume();
        rl.prompt();
      });
    });
    rl.prompt();
  });
}

async function runLine(
  words: string[],
  run: (req: VmRequest) => Promise<VmResponse>,
  out: (line: string) => void,
): Promise<void> {
  if (words.length === 0) return;
  // A fresh command tree per line: commander keeps parsed option values on its commands.
  const program = new Command('sandbox').exitOverride().configureOutput({
    writeOut: (s) => out(s.trimEnd()),
    writeErr: (s) => out(s.trimEnd()),
  });
  addVmSubcommands(program, async (req) => {
    const res = await run(req);
    for (const l of res.lines) out(l);
    if (res.error) out(res.error);
  });
  program.addHelpText('after', '\nAlso: exit, quit. In another terminal: ovn-ts vm COMMAND …');
  if (words[0] === 'help') words = ['--help'];
  try {
    await program.parseAsync(words, { from: 'user' });
  } catch {
    // commander has printed the usage error or the help through configureOutput.
  }
}
