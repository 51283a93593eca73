/**
 * Splits an nbctl command line into global options and commands, as ovn-nbctl does:
 *
 *   nbctl [GLOBAL-OPTIONS] [--] [CMD-OPTIONS] CMD ARGS… [-- [CMD-OPTIONS] CMD ARGS…]…
 *
 * Options in front of the first command that are not global belong to that command, so
 * `nbctl --may-exist ls-add sw0` works. Pure: no I/O.
 */
import { usageError } from './errors.js';

export type WaitMode = 'none' | 'sb' | 'hv';
export type OutputFormat = 'list' | 'table' | 'json' | 'csv';

export interface GlobalOptions {
  readonly db: string | undefined;
  readonly wait: WaitMode;
  /** Seconds; undefined waits forever (as ovn-nbctl's default of 0 does). */
  readonly timeout: number | undefined;
  readonly format: OutputFormat | undefined;
  readonly bare: boolean;
  readonly dryRun: boolean;
  /** Each command's output on one line (newlines as \\n), an empty line for none. */
  readonly oneline: boolean;
  readonly help: boolean;
  readonly version: boolean;
}

/** A command as written: name, arguments, and its own `--option[=value]`s. */
export interface RawCommand {
  readonly name: string;
  readonly args: readonly string[];
  readonly options: ReadonlyMap<string, string | true>;
}

export interface CommandLine {
  readonly global: GlobalOptions;
  readonly commands: readonly RawCommand[];
}

/** Global options that take a value, with their short forms. */
const VALUED: Record<string, string> = {
  db: 'db',
  wait: 'wait',
  timeout: 'timeout',
  t: 'timeout',
  format: 'format',
  f: 'format',
};
const FLAGS: Record<string, string> = {
  'no-wait': 'no-wait',
  'dry-run': 'dry-run',
  oneline: 'oneline',
  bare: 'bare',
  help: 'help',
  h: 'help',
  version: 'version',
  V: 'version',
};

export function parseCommandLine(argv: readonly string[]): CommandLine {
  let db: string | undefined;
  let wait: WaitMode = 'none';
  let timeout: number | undefined;
  let format: OutputFormat | undefined;
  let bare = false;
  let dryRun = false;
  let oneline = false;
  let help = false;
  let version = false;
  const firstOptions = new Map<string, string | true>();

  let i = 0;
  for (; i < argv.length; i++) {
    const tok = argv[i]!;
    if (tok === '--' || !tok.startsWith('-') || tok === '-') break;
    const long = tok.startsWith('--');
    const body = tok.slice(long ? 2 : 1);
    const eq = body.indexOf('=');
    const key = eq < 0 ? body : body.slice(0, eq);
    const inline = eq < 0 ? undefined : body.slice(eq + 1);
    const valued = VALUED[key];
    const flag = FLAGS[key];
    if (valued) {
      let value = inline;
      if (value === undefined) {
        value = argv[++i];
        if (value === undefined) throw usageError(`option ${tok} requires a value`);
      }
      switch (valued) {
        case 'db':
          db = value;
          break;
        case 'wait':
          if (value !== 'none' && value !== 'sb' && value !== 'hv') {
            throw usageError(`--wait: "${value}" is not one of none, sb, hv`);
          }
          wait = value;
          break;
        case 'timeout': {
          const n = Number(value);
          if (!/^\d+(\.\d+)?$/.test(value) || !Number.isFinite(n))
            throw usageError(`--timeout: "${value}" is not a number of seconds`);
          timeout = n === 0 ? undefined : n;
          break;
        }
        case 'format':
          if (!['list', 'table', 'json', 'csv'].includes(value)) {
            throw usageError(`--format: "${value}" is not one of list, table, json, csv`);
          }
          format = value as OutputFormat;
          break;
      }
    } else if (flag) {
      if (inline !== undefined) throw usageError(`option --${key} takes no value`);
      if (flag === 'no-wait') wait = 'none';
      else if (flag === 'dry-run') dryRun = true;
      else if (flag === 'oneline') oneline = true;
      else if (flag === 'bare') bare = true;
      else if (flag === 'help') help = true;
      else version = true;
    } else if (long) {
      firstOptions.set(key, inline ?? true);
    } else {
      throw usageError(`unknown option ${tok}`);
    }
  }

  const segments: string[][] = [[]];
  for (; i < argv.length; i++) {
    if (argv[i] === '--') segments.push([]);
    else segments.at(-1)!.push(argv[i]!);
  }
  const commands: RawCommand[] = [];
  for (const words of segments) {
    if (words.length === 0) continue;
    commands.push(toCommand(words, commands.length === 0 ? firstOptions : undefined));
  }
  if (commands.length === 0 && firstOptions.size > 0) {
    throw usageError(
      `missing command name after ${[...firstOptions.keys()].map((k) => `--${k}`).join(' ')}`,
    );
  }
  return { global: { db, wait, timeout, format, bare, dryRun, oneline, help, version }, commands };
}

/** Leading `--key[=value]` words are the command's options; then its name and arguments. */
function toCommand(words: readonly string[], inherited?: Map<string, string | true>): RawCommand {
  const options = new Map(inherited ?? []);
  let i = 0;
  for (; i < words.length && words[i]!.startsWith('--'); i++) {
    const body = words[i]!.slice(2);
    const eq = body.indexOf('=');
    options.set(eq < 0 ? body : body.slice(0, eq), eq < 0 ? true : body.slice(eq + 1));
  }
  const name = words[i];
  if (name === undefined) {
    throw usageError(
      `missing command name after ${[...options.keys()].map((k) => `--${k}`).join(' ')}`,
    );
  }
  return { name, args: words.slice(i + 1), options };
}
