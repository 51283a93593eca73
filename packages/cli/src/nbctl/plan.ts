/**
 * Pure planning: every command of the batch is looked up, its options and argument count checked
 * and its arguments parsed before nbctl even connects. A typo in the last command therefore
 * costs nothing, and leaves nothing half-written.
 */

import type { AnyCommand, OptionReader } from './command.js';
import type { RawCommand } from './command-line.js';
import { CommandFailure, usageError } from './errors.js';

export interface Planned {
  readonly spec: AnyCommand;
  readonly raw: RawCommand;
  readonly plan: unknown;
}

export function planBatch(
  commands: readonly RawCommand[],
  registry: ReadonlyMap<string, AnyCommand>,
): Planned[] {
  return commands.map((raw) => {
    const spec = registry.get(raw.name);
    if (!spec) throw usageError(`unknown command '${raw.name}'; use --help for help`);
    try {
      return { spec, raw, plan: spec.parse(raw.args, checkOptions(spec, raw)) };
    } catch (err) {
      throw new CommandFailure(raw.name, err);
    }
  });
}

function checkOptions(spec: AnyCommand, raw: RawCommand): OptionReader {
  const allowed = spec.options ?? {};
  for (const [key, value] of raw.options) {
    const kind = allowed[key];
    if (!kind) throw usageError(`'${spec.name}' command has no '--${key}' option`);
    if (kind === 'value' && value === true)
      throw usageError(`option --${key} requires a value (--${key}=VALUE)`);
    if (kind === 'flag' && value !== true) throw usageError(`option --${key} takes no value`);
  }
  const n = raw.args.length;
  if (n < spec.minArgs || n > spec.maxArgs) {
    const want =
      spec.minArgs === spec.maxArgs
        ? `${spec.minArgs}`
        : spec.maxArgs === Number.POSITIVE_INFINITY
          ? `at least ${spec.minArgs}`
          : `${spec.minArgs} to ${spec.maxArgs}`;
    throw usageError(
      `expects ${want} argument${want === '1' ? '' : 's'} (usage: ${spec.name} ${spec.usage}), got ${n}`,
    );
  }
  return {
    has: (name) => raw.options.has(name),
    value: (name) => {
      const v = raw.options.get(name);
      return typeof v === 'string' ? v : undefined;
    },
  };
}
