import { createInterface } from 'node:readline';
import type { Command } from 'commander';
import { CliError } from '../common/cli-error.js';

const collect = (v: string, prev: string[] = []) => [...prev, v];

interface ExprOptions {
  batch?: boolean;
  port?: string[];
  addressSet?: string[];
  portGroup?: string[];
  chassisResident?: string[];
  prereqs?: boolean;
}

type ExprModule = typeof import('@ovn-ts/expr');
type Env = Extract<ReturnType<ExprModule['parseExprEnvArgs']>, { ok: true }>['value'];
/** Turns one input into its result lines. */
type Handler = (input: string, env: Env, m: ExprModule, o: ExprOptions) => string[];

/**
 * `ovn-ts expr parse|actions|flows`: check a match or actions as northd and the controller would
 * (what an operator runs before adding an ACL). With --batch, one input per stdin line and
 * exactly one result line per input (a multi-line result is joined with " ; "). The exit code is
 * 1 when any input had an error.
 */
export function addExprCommand(program: Command): void {
  const expr = program
    .command('expr')
    .description('parse, check and compile the logical flow language');
  const sub = (name: string, description: string, handler: Handler) =>
    expr
      .command(`${name} [input]`)
      .description(description)
      .option('--batch', 'read one input per line on stdin, print one result line per input')
      .option('--port <NAME=KEY>', 'a logical port and its tunnel key (repeatable)', collect)
      .option('--address-set <NAME=V1,V2,…>', 'an address set (repeatable)', collect)
      .option('--port-group <NAME=P1,P2,…>', 'a port group (repeatable)', collect)
      .option('--chassis-resident <PORT>', 'a port resident on this chassis (repeatable)', collect)
      .action((input: string | undefined, o: ExprOptions) => run(input, o, handler));

  sub('parse', 'print "ok <normalized match>" or "error <message>"', (input, env, m) => [
    m.exprParse(input, env),
  ]);
  sub('flows', 'print the datapath matches a match compiles to', (input, env, m) =>
    m.exprFlows(input, env),
  );
  sub('actions', 'print "ok <canonical actions>" or "error <message>"', (input, _env, m, o) => [
    m.exprActions(input, {}, { showPrereqs: o.prereqs ?? false }),
  ]).option('--prereqs', 'also print the prerequisites the actions add to the match');
}

async function run(input: string | undefined, o: ExprOptions, handler: Handler): Promise<void> {
  const m = await import('@ovn-ts/expr');
  const env = m.parseExprEnvArgs({
    port: o.port ?? [],
    addressSet: o.addressSet ?? [],
    portGroup: o.portGroup ?? [],
    chassisResident: o.chassisResident ?? [],
  });
  if (!env.ok) throw new CliError(`expr: ${env.error.message}`, 2);
  if (!o.batch) {
    if (input === undefined)
      throw new CliError('expr: give the input as an argument, or use --batch', 2);
    const lines = handler(input, env.value, m, o);
    process.stdout.write(`${lines.join('\n')}\n`);
    // Scripts can test the exit code; the message is already on stdout.
    if (lines.some((l) => l.startsWith('error '))) process.exitCode = 1;
    return;
  }
  if (input !== undefined) throw new CliError('expr: --batch reads stdin; give no argument', 2);
  const rl = createInterface({ input: process.stdin, crlfDelay: Number.POSITIVE_INFINITY });
  const out: string[] = [];
  for await (const line of rl) out.push(handler(line, env.value, m, o).join(' ; '));
  if (out.length) process.stdout.write(`${out.join('\n')}\n`);
  if (out.some((l) => l.startsWith('error '))) process.exitCode = 1;
}
