/** ls-lb-add/del/list and lr-lb-add/del/list: load balancers attached to switches and routers. */
import { type AnyCommand, defineCommand } from './command.js';
import { objectError } from './errors.js';
import { findOneLb, lbTable } from './lb-commands.js';
import { type Entity, lookup, ROUTER, SWITCH } from './lookup.js';

const GROUP = 'Load balancer commands';

function linkCommands(
  prefix: 'ls' | 'lr',
  entity: Entity,
  table: string,
  fk: string,
): AnyCommand[] {
  const OWNER = entity.noun.toUpperCase();
  return [
    defineCommand({
      name: `${prefix}-lb-add`,
      usage: `${OWNER} LB`,
      summary: `attach load balancer LB to ${OWNER}`,
      group: GROUP,
      minArgs: 2,
      maxArgs: 2,
      options: { 'may-exist': 'flag' },
      writes: true,
      parse: (args, opts) => ({ owner: args[0]!, lb: args[1]!, mayExist: opts.has('may-exist') }),
      async run({ tx }, p) {
        const owner = (await lookup(tx, entity, p.owner))!;
        const lb = (await findOneLb(tx, p.lb))!;
        const rows = await tx.query(
          `INSERT INTO ${table} (${fk}, load_balancer_uuid) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING 1`,
          [owner.uuid, lb.uuid],
        );
        if (rows.length === 0 && !p.mayExist)
          throw objectError(
            'exists',
            p.lb,
            `load balancer is already on ${entity.noun} ${p.owner}`,
          );
      },
    }),
    defineCommand({
      name: `${prefix}-lb-del`,
      usage: `${OWNER} [LB]`,
      summary: `detach LB (or every load balancer) from ${OWNER}`,
      group: GROUP,
      minArgs: 1,
      maxArgs: 2,
      options: { 'if-exists': 'flag' },
      writes: true,
      parse: (args, opts) => ({ owner: args[0]!, lb: args[1], ifExists: opts.has('if-exists') }),
      async run({ tx }, p) {
        const owner = (await lookup(tx, entity, p.owner))!;
        if (p.lb === undefined)
          return void (await tx.query(`DELETE FROM ${table} WHERE ${fk} = $1`, [owner.uuid]));
        const lb = await findOneLb(tx, p.lb, !p.ifExists);
        if (!lb) return;
        const rows = await tx.query(
          `DELETE FROM ${table} WHERE ${fk} = $1 AND load_balancer_uuid = $2 RETURNING 1`,
          [owner.uuid, lb.uuid],
        );
        if (rows.length === 0 && !p.ifExists)
          throw objectError('not-found', p.lb, `load balancer is not on ${entity.noun} ${p.owner}`);
      },
    }),
    defineCommand({
      name: `${prefix}-lb-list`,
      usage: OWNER,
      summary: `list the load balancers on ${OWNER}`,
      group: GROUP,
      minArgs: 1,
      maxArgs: 1,
      writes: false,
      parse: (args) => ({ owner: args[0]! }),
      async run({ tx }, p) {
        const owner = (await lookup(tx, entity, p.owner))!;
        const rows = await tx.query<{
          uuid: string;
          name: string;
          protocol: string | null;
          vips: Record<string, string>;
        }>(
          `SELECT lb.uuid::text AS uuid, lb.name, lb.protocol, lb.vips
             FROM ${table} l JOIN load_balancer lb ON lb.uuid = l.load_balancer_uuid
            WHERE l.${fk} = $1 ORDER BY lb.name, lb.uuid`,
          [owner.uuid],
        );
        return lbTable(rows);
      },
    }),
  ];
}

export const lbLinkCommands = [
  ...linkCommands('ls', SWITCH, 'logical_switch_load_balancer', 'switch_uuid'),
  ...linkCommands('lr', ROUTER, 'logical_router_load_balancer', 'router_uuid'),
];
