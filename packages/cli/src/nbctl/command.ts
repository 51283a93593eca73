/**
 * What every nbctl command is: a pure `parse` that checks its arguments and makes a plan, and a
 * `run` that carries the plan out inside the batch's one transaction and returns its output.
 */
import type { GlobalOptions } from './command-line.js';
import type { ColumnType, Datum } from './ovsdb-value.js';

/** A database transaction: every query of the batch goes through it. */
export interface Tx {
  query<R = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<R[]>;
}

/** Rows for list-like commands, printed per --format (and by `text` when no format was asked). */
export interface TableOutput {
  readonly kind: 'table';
  readonly headings: readonly string[];
  /** Column types for the OVSDB-style formats; plain strings when absent. */
  readonly types?: readonly ColumnType[];
  readonly rows: readonly (readonly Datum[])[];
  /** The command's own layout (ovn-nbctl's), used unless --format is given. */
  readonly text?: readonly string[];
}

export type Output = readonly string[] | TableOutput;

export interface RunContext {
  readonly tx: Tx;
  readonly global: GlobalOptions;
  /** Per-batch memo (e.g. name → uuid), dropped when a command deletes rows. */
  readonly memo: Map<string, unknown>;
  /** Checks run once after the last command, before commit (e.g. duplicate IPs), by name. */
  readonly finalChecks: Map<string, () => Promise<void>>;
}

export interface OptionReader {
  has(name: string): boolean;
  value(name: string): string | undefined;
}

export type OptionKind = 'flag' | 'value';

export interface CommandSpec<P> {
  readonly name: string;
  /** Arguments as the help shows them, e.g. `SWITCH PORT [PARENT TAG]`. */
  readonly usage: string;
  readonly summary: string;
  readonly group: string;
  readonly minArgs: number;
  readonly maxArgs: number;
  readonly options?: Readonly<Record<string, OptionKind>>;
  /** False for commands that only read: a batch of them does not bump nb_cfg for --wait. */
  readonly writes: boolean;
  /** `sync`: wait even when nothing was written. */
  readonly forcesWait?: boolean;
  /** Loads what `parse` needs (e.g. the NB catalog) before planning; only for commands in use. */
  preload?(): Promise<void>;
  parse(args: readonly string[], opts: OptionReader): P;
  /** I/O that cannot share the batch's transaction (schema migrations), done before it starts. */
  beforeTransaction?(url: string, plan: P): Promise<void>;
  // biome-ignore lint/suspicious/noConfusingVoidType: commands without output simply return nothing
  run(ctx: RunContext, plan: P): Promise<Output | void>;
}

// biome-ignore lint/suspicious/noExplicitAny: the registry holds commands of every plan type
export type AnyCommand = CommandSpec<any>;

/** Keeps each command's plan type while letting the registry hold them all. */
export function defineCommand<P>(spec: CommandSpec<P>): AnyCommand {
  return spec;
}
