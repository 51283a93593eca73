/** lrp-set-gateway-chassis, lrp-del-gateway-chassis, lrp-get-gateway-chassis. */
import { defineCommand } from './command.js';
import { invalid, objectError } from './errors.js';
import { checkInt } from './net.js';
import { findRouterPortOrFail } from './router-port-commands.js';

const GROUP = 'Logical router port commands';

export const gatewayChassisCommands = [
  defineCommand({
    name: 'lrp-set-gateway-chassis',
    usage: 'PORT CHASSIS [PRIORITY]',
    summary:
      'make CHASSIS a gateway for PORT with PRIORITY (0..32767, default 0); updates the priority if set',
    group: GROUP,
    minArgs: 2,
    maxArgs: 3,
    writes: true,
    parse(args) {
      const [port, chassis, prio] = args as [string, string, string?];
      if (chassis === '') throw invalid(port, 'chassis name must not be empty');
      return {
        port,
        chassis,
        priority: prio === undefined ? 0 : checkInt(port, prio, 'priority', 0, 32767),
      };
    },
    async run({ tx }, p) {
      const lrp = await findRouterPortOrFail(tx, p.port);
      // OVN names the row PORT-CHASSIS.
      await tx.query(
        `INSERT INTO gateway_chassis (name, router_port_uuid, chassis_name, priority) VALUES ($1, $2, $3, $4)
         ON CONFLICT (router_port_uuid, chassis_name) DO UPDATE SET priority = EXCLUDED.priority`,
        [`${lrp.name}-${p.chassis}`, lrp.uuid, p.chassis, p.priority],
      );
    },
  }),
  defineCommand({
    name: 'lrp-del-gateway-chassis',
    usage: 'PORT CHASSIS',
    summary: 'remove CHASSIS from the gateways of PORT',
    group: GROUP,
    minArgs: 2,
    maxArgs: 2,
    writes: true,
    parse: (args) => ({ port: args[0]!, chassis: args[1]! }),
    async run({ tx }, p) {
      const lrp = await findRouterPortOrFail(tx, p.port);
      const rows = await tx.query(
        'DELETE FROM gateway_chassis WHERE router_port_uuid = $1 AND chassis_name = $2 RETURNING 1',
        [lrp.uuid, p.chassis],
      );
      if (rows.length === 0)
        throw objectError(
          'not-found',
          p.port,
          `chassis ${p.chassis} is not a gateway chassis of this port`,
        );
    },
  }),
  defineCommand({
    name: 'lrp-get-gateway-chassis',
    usage: 'PORT',
    summary: 'print the gateway chassis of PORT with their priorities, highest first',
    group: GROUP,
    minArgs: 1,
    maxArgs: 1,
    writes: false,
    parse: (args) => ({ port: args[0]! }),
    async run({ tx }, p) {
      const lrp = await findRouterPortOrFail(tx, p.port);
      const rows = await tx.query<{ name: string; chassis_name: string; priority: number }>(
        'SELECT name, chassis_name, priority FROM gateway_chassis WHERE router_port_uuid = $1 ORDER BY priority DESC, name',
        [lrp.uuid],
      );
      return {
        kind: 'table',
        headings: ['name', 'chassis', 'priority'],
        rows: rows.map((r) => [r.name, r.chassis_name, r.priority]),
        text: rows.map((r) => `${r.name} ${String(r.priority).padStart(5)}`),
      };
    },
  }),
];
