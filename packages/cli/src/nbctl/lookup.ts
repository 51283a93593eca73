/**
 * Finding rows the way ovn-nbctl's commands name them: by UUID or by name. A name that matches
 * several rows is an error that lists the candidates, so the user can pick one by UUID.
 */
import type { Tx } from './command.js';
import { NbctlError, notFound } from './errors.js';
import { isUuid } from './ovsdb-value.js';

export interface Entity {
  readonly table: string;
  /** What the user calls it, in messages: "switch", "port", "load balancer" … */
  readonly noun: string;
  readonly plural: string;
}

export const SWITCH: Entity = { table: 'logical_switch', noun: 'switch', plural: 'switches' };
export const ROUTER: Entity = { table: 'logical_router', noun: 'router', plural: 'routers' };
export const ROUTER_PORT: Entity = {
  table: 'logical_router_port',
  noun: 'router port',
  plural: 'router ports',
};
export const PORT_GROUP: Entity = {
  table: 'port_group',
  noun: 'port group',
  plural: 'port groups',
};
export const ADDRESS_SET: Entity = {
  table: 'address_set',
  noun: 'address set',
  plural: 'address sets',
};
export const LOAD_BALANCER: Entity = {
  table: 'load_balancer',
  noun: 'load balancer',
  plural: 'load balancers',
};

export interface Named {
  readonly uuid: string;
  readonly name: string;
}

/**
 * The row named (or identified by) `id`, with `columns` besides uuid and name; undefined when none
 * and `mustExist` is false. A UUID is tried as a UUID first and then as a name, as OVN does.
 */
export async function lookup<R extends Named = Named>(
  tx: Tx,
  entity: Entity,
  id: string,
  opts: { mustExist?: boolean; columns?: string; lock?: boolean } = {},
): Promise<R | undefined> {
  const cols = `uuid::text AS uuid, name${opts.columns ? `, ${opts.columns}` : ''}`;
  const lock = opts.lock ? ' FOR UPDATE' : '';
  if (isUuid(id)) {
    const byUuid = await tx.query<R>(`SELECT ${cols} FROM ${entity.table} WHERE uuid = $1${lock}`, [
      id,
    ]);
    if (byUuid[0]) return byUuid[0];
  }
  const rows = await tx.query<R>(
    `SELECT ${cols} FROM ${entity.table} WHERE name = $1 ORDER BY uuid${lock}`,
    [id],
  );
  if (rows.length > 1)
    throw ambiguous(
      entity,
      id,
      rows.map((r) => r.uuid),
    );
  if (rows[0]) return rows[0];
  if (opts.mustExist === false) return undefined;
  throw notFound(id, `${entity.noun} not found`);
}

/** Like lookup, but the row must exist. */
export async function lookupOne<R extends Named = Named>(
  tx: Tx,
  entity: Entity,
  id: string,
  opts: { columns?: string; lock?: boolean } = {},
): Promise<R> {
  return (await lookup<R>(tx, entity, id, { ...opts, mustExist: true }))!;
}

export function ambiguous(entity: Entity, id: string, uuids: readonly string[]): NbctlError {
  return new NbctlError(
    'ambiguous',
    `${id}: ${uuids.length} ${entity.plural} are named "${id}": use a UUID (candidates: ${uuids.join(', ')})`,
  );
}
