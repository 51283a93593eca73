/** Every nbctl command by name. The families live one per file. */
import type { AnyCommand } from './command.js';
import { generalCommands } from './general-commands.js';
import { portCommands } from './port-commands.js';
import { portSettingCommands } from './port-setting-commands.js';
import { routerCommands } from './router-commands.js';
import { switchCommands } from './switch-commands.js';

let registry: Map<string, AnyCommand> | undefined;

export function commandRegistry(): ReadonlyMap<string, AnyCommand> {
  if (!registry) {
    registry = new Map();
    const all = [...generalCommands, ...switchCommands, ...portCommands, ...portSettingCommands, ...routerCommands];
    for (const c of all) {
      if (registry.has(c.name)) throw new Error(`nbctl: command ${c.name} defined twice`);
      registry.set(c.name, c);
    }
  }
  return registry;
}
