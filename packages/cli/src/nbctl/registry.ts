/** Every nbctl command by name. The families live one per file. */
import type { AnyCommand } from './command.js';
import { aclCommands } from './acl-commands.js';
import { addressSetCommands } from './address-set-commands.js';
import { dbCommands } from './db-commands.js';
import { dhcpCommands } from './dhcp-commands.js';
import { gatewayChassisCommands } from './gateway-chassis-commands.js';
import { generalCommands } from './general-commands.js';
import { lbCommands } from './lb-commands.js';
import { lbLinkCommands } from './lb-link-commands.js';
import { natCommands } from './nat-commands.js';
import { portGroupCommands } from './port-group-commands.js';
import { portCommands } from './port-commands.js';
import { portSettingCommands } from './port-setting-commands.js';
import { routeCommands } from './route-commands.js';
import { routerCommands } from './router-commands.js';
import { routerPortCommands } from './router-port-commands.js';
import { showCommands } from './show-command.js';
import { switchCommands } from './switch-commands.js';

let registry: Map<string, AnyCommand> | undefined;

export function commandRegistry(): ReadonlyMap<string, AnyCommand> {
  if (!registry) {
    registry = new Map();
    const all = [
      ...generalCommands,
      ...showCommands,
      ...switchCommands,
      ...portCommands,
      ...portSettingCommands,
      ...routerCommands,
      ...routerPortCommands,
      ...gatewayChassisCommands,
      ...routeCommands,
      ...aclCommands,
      ...portGroupCommands,
      ...addressSetCommands,
      ...natCommands,
      ...lbCommands,
      ...lbLinkCommands,
      ...dhcpCommands,
      ...dbCommands,
    ];
    for (const c of all) {
      if (registry.has(c.name)) throw new Error(`nbctl: command ${c.name} defined twice`);
      registry.set(c.name, c);
    }
  }
  return registry;
}
