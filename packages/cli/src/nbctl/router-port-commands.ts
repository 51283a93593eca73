/** lrp-add, lrp-del, lrp-list, lrp-set-enabled, lrp-get-enabled. */
import { defineCommand, type Tx } from './command.js';
import { invalid, objectError } from './errors.js';
import { lookup, ROUTER } from './lookup.js';
import { memoLookup } from './named-entity.js';
import { checkCidr, checkMac } from './net.js';
import { isUuid } from './ovsdb-value.js';

const GROUP = 'Logical router port commands';

export interface RouterPortRow {
  uuid: string;
  name: string;
  router_uuid: string;
  router_name: string;
  mac: string;
  networks: string[];
  peer: string | null;
  enabled: boolean | null;
}

/** A router port by name or UUID (names are unique), with its router's name. */
export async function findRouterPort(tx: Tx, id: string): Promise<RouterPortRow | undefined> {
  const rows = await tx.query<RouterPortRow>(
    `SELECT p.uuid::text AS uuid, p.name, p.router_uuid::text AS router_uuid, r.name AS router_name,
            p.mac::text AS mac, p.networks::text[] AS networks, p.peer, p.enabled
       FROM logical_router_port p JOIN logical_router r ON r.uuid = p.router_uuid
      WHERE ${isUuid(id) ? '(p.uuid = $1::text::uuid OR p.name = $1)' : 'p.name = $1'}`,
    [id],
  );
  return rows.find((r) => r.uuid === id.toLowerCase()) ?? rows[0];
}

export async function findRouterPortOrFail(tx: Tx, id: string): Promise<RouterPortRow> {
  const row = await findRouterPort(tx, id);
  if (!row) throw objectError('not-found', id, 'router port not found');
  return row;
}

const sameSet = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && [...a].sort().join() === [...b].sort().join();

export const routerPortCommands = [
  defineCommand({
    name: 'lrp-add',
    usage: 'ROUTER PORT MAC NETWORK... [peer=PEER]',
    summary:
      'add PORT to ROUTER with a MAC and networks (IP/LEN); peer= names the peer router port',
    group: GROUP,
    minArgs: 4,
    maxArgs: Number.POSITIVE_INFINITY,
    options: { 'may-exist': 'flag' },
    writes: true,
    parse(args, opts) {
      const [router, port, mac, ...rest] = args as [string, string, string, ...string[]];
      let peer: string | undefined;
      const networks: string[] = [];
      for (const a of rest) {
        if (a.startsWith('peer=')) {
          if (peer !== undefined) throw invalid(port, 'peer= given twice');
          peer = a.slice(5);
          if (peer === '') throw invalid(port, 'peer= needs a port name');
        } else {
          const c = checkCidr(port, a);
          networks.push(`${c.ip}/${c.prefix}`);
        }
      }
      if (networks.length === 0)
        throw invalid(port, 'a router port needs at least one network (IP/LEN)');
      if (port === '') throw invalid(router, 'port name must not be empty');
      return {
        router,
        port,
        mac: checkMac(port, mac),
        networks: [...new Set(networks)],
        peer,
        mayExist: opts.has('may-exist'),
      };
    },
    async run({ tx, memo }, p) {
      const router = await memoLookup(tx, memo, ROUTER, p.router);
      const inserted = await tx.query(
        `INSERT INTO logical_router_port (name, router_uuid, mac, networks, peer)
         VALUES ($1, $2, $3, $4::inet[], $5) ON CONFLICT (name) DO NOTHING RETURNING uuid`,
        [p.port, router.uuid, p.mac, p.networks, p.peer ?? null],
      );
      if (inserted.length > 0) return;
      const existing = (await findRouterPort(tx, p.port))!;
      if (!p.mayExist) throw objectError('exists', p.port, 'router port already exists');
      if (existing.router_uuid !== router.uuid) {
        throw objectError(
          'exists',
          p.port,
          `router port already exists but in router ${existing.router_name || existing.router_uuid}`,
        );
      }
      if (existing.mac !== p.mac)
        throw objectError('exists', p.port, `router port already exists with MAC ${existing.mac}`);
      if (!sameSet(existing.networks, p.networks)) {
        throw objectError(
          'exists',
          p.port,
          `router port already exists with networks ${existing.networks.join(' ')}`,
        );
      }
      if ((existing.peer ?? undefined) !== p.peer) {
        throw objectError(
          'exists',
          p.port,
          `router port already exists with ${existing.peer ? `peer ${existing.peer}` : 'no peer'}`,
        );
      }
    },
  }),
  defineCommand({
    name: 'lrp-del',
    usage: 'PORT',
    summary: 'delete a router port (an error if it does not exist, unless --if-exists)',
    group: GROUP,
    minArgs: 1,
    maxArgs: 1,
    options: { 'if-exists': 'flag' },
    writes: true,
    parse: (args, opts) => ({ port: args[0]!, ifExists: opts.has('if-exists') }),
    async run({ tx }, p) {
      const row = await findRouterPort(tx, p.port);
      if (!row) {
        if (p.ifExists) return;
        throw objectError('not-found', p.port, 'router port not found');
      }
      await tx.query('DELETE FROM logical_router_port WHERE uuid = $1', [row.uuid]);
    },
  }),
  defineCommand({
    name: 'lrp-list',
    usage: 'ROUTER',
    summary: "list ROUTER's ports: UUID (NAME), one per line",
    group: GROUP,
    minArgs: 1,
    maxArgs: 1,
    writes: false,
    parse: (args) => ({ router: args[0]! }),
    async run({ tx }, p) {
      const router = (await lookup(tx, ROUTER, p.router))!;
      const rows = await tx.query<{ uuid: string; name: string; mac: string; networks: string[] }>(
        `SELECT uuid::text AS uuid, name, mac::text AS mac, networks::text[] AS networks
           FROM logical_router_port WHERE router_uuid = $1 ORDER BY name`,
        [router.uuid],
      );
      return {
        kind: 'table',
        headings: ['uuid', 'name', 'mac', 'networks'],
        rows: rows.map((r) => [r.uuid, r.name, r.mac, r.networks.join(' ')]),
        text: rows.map((r) => `${r.uuid} (${r.name})`),
      };
    },
  }),
  defineCommand({
    name: 'lrp-set-enabled',
    usage: 'PORT enabled|disabled',
    summary: 'set the administrative state of a router port',
    group: GROUP,
    minArgs: 2,
    maxArgs: 2,
    writes: true,
    parse(args) {
      const [port, state] = args as [string, string];
      if (state !== 'enabled' && state !== 'disabled')
        throw invalid(port, `state must be "enabled" or "disabled", not "${state}"`);
      return { port, enabled: state === 'enabled' };
    },
    async run({ tx }, p) {
      const row = await findRouterPortOrFail(tx, p.port);
      await tx.query('UPDATE logical_router_port SET enabled = $2 WHERE uuid = $1', [
        row.uuid,
        p.enabled,
      ]);
    },
  }),
  defineCommand({
    name: 'lrp-get-enabled',
    usage: 'PORT',
    summary: 'print enabled or disabled',
    group: GROUP,
    minArgs: 1,
    maxArgs: 1,
    writes: false,
    parse: (args) => ({ port: args[0]! }),
    run: async ({ tx }, p) => [
      (await findRouterPortOrFail(tx, p.port)).enabled === false ? 'disabled' : 'enabled',
    ],
  }),
];
