/** pg-add, pg-set-ports, pg-get-ports, pg-del: port groups and their member switch ports. */
import { defineCommand, type Tx } from './command.js';
import { invalid, objectError } from './errors.js';
import { lookup, PORT_GROUP } from './lookup.js';
import { isUuid } from './ovsdb-value.js';

const GROUP = 'Port group commands';
/** Port groups are named in matches as @NAME, so the name must be an identifier. */
const IDENTIFIER = /^[A-Za-z_.][A-Za-z0-9_.]*$/;

/** The UUIDs of the named switch ports, in one query; every name must exist. */
async function resolvePorts(tx: Tx, ids: readonly string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const uuids = ids.filter(isUuid).map((u) => u.toLowerCase());
  const rows = await tx.query<{ uuid: string; name: string }>(
    'SELECT uuid::text AS uuid, name FROM logical_switch_port WHERE name = ANY($1::text[]) OR uuid = ANY($2::uuid[])',
    [ids, uuids],
  );
  const byKey = new Map<string, string>();
  for (const r of rows) {
    byKey.set(r.uuid, r.uuid);
    byKey.set(r.name, r.uuid);
  }
  const out = new Set<string>();
  for (const id of ids) {
    const u = byKey.get(id) ?? byKey.get(id.toLowerCase());
    if (!u) throw objectError('not-found', id, 'port not found');
    out.add(u);
  }
  return [...out];
}

async function setMembers(tx: Tx, group: string, ports: readonly string[]): Promise<void> {
  await tx.query('DELETE FROM port_group_port WHERE port_group_uuid = $1', [group]);
  if (ports.length > 0) {
    await tx.query(
      'INSERT INTO port_group_port (port_group_uuid, port_uuid) SELECT $1, unnest($2::uuid[])',
      [group, ports],
    );
  }
}

export const portGroupCommands = [
  defineCommand({
    name: 'pg-add',
    usage: 'GROUP [PORT]...',
    summary: 'create port group GROUP (an identifier, used as @GROUP in matches) with PORTs',
    group: GROUP,
    minArgs: 1,
    maxArgs: Number.POSITIVE_INFINITY,
    options: { 'may-exist': 'flag' },
    writes: true,
    parse(args, opts) {
      const [name, ...ports] = args as [string, ...string[]];
      if (!IDENTIFIER.test(name))
        throw invalid(name, 'port group names must be identifiers (letters, digits, _ and .)');
      return { name, ports, mayExist: opts.has('may-exist') };
    },
    async run({ tx }, p) {
      const members = await resolvePorts(tx, p.ports);
      const rows = await tx.query<{ uuid: string }>(
        'INSERT INTO port_group (name) VALUES ($1) ON CONFLICT (name) DO NOTHING RETURNING uuid::text AS uuid',
        [p.name],
      );
      if (!rows[0]) {
        if (p.mayExist) return;
        throw objectError('exists', p.name, 'port group already exists');
      }
      await setMembers(tx, rows[0].uuid, members);
    },
  }),
  defineCommand({
    name: 'pg-set-ports',
    usage: 'GROUP PORT...',
    summary: 'make PORTs the members of GROUP',
    group: GROUP,
    minArgs: 1,
    maxArgs: Number.POSITIVE_INFINITY,
    writes: true,
    parse: (args) => ({ name: args[0]!, ports: args.slice(1) }),
    async run({ tx }, p) {
      const pg = (await lookup(tx, PORT_GROUP, p.name))!;
      await setMembers(tx, pg.uuid, await resolvePorts(tx, p.ports));
    },
  }),
  defineCommand({
    name: 'pg-get-ports',
    usage: 'GROUP',
    summary: 'print the member ports of GROUP, one per line',
    group: GROUP,
    minArgs: 1,
    maxArgs: 1,
    writes: false,
    parse: (args) => ({ name: args[0]! }),
    async run({ tx }, p) {
      const pg = (await lookup(tx, PORT_GROUP, p.name))!;
      const rows = await tx.query<{ name: string }>(
        `SELECT p.name FROM port_group_port m JOIN logical_switch_port p ON p.uuid = m.port_uuid
          WHERE m.port_group_uuid = $1 ORDER BY p.name`,
        [pg.uuid],
      );
      return rows.map((r) => r.name);
    },
  }),
  defineCommand({
    name: 'pg-del',
    usage: 'GROUP',
    summary: 'delete port group GROUP and its ACLs',
    group: GROUP,
    minArgs: 1,
    maxArgs: 1,
    options: { 'if-exists': 'flag' },
    writes: true,
    parse: (args, opts) => ({ name: args[0]!, ifExists: opts.has('if-exists') }),
    async run({ tx }, p) {
      const pg = await lookup(tx, PORT_GROUP, p.name, { mustExist: !p.ifExists });
      if (pg) await tx.query('DELETE FROM port_group WHERE uuid = $1', [pg.uuid]);
    },
  }),
];
