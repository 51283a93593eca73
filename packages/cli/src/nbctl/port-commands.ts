/** lsp-add (plain and PARENT TAG forms), lsp-del, lsp-list, lsp-get-ls, lsp-get-parent, lsp-get-tag. */
import { defineCommand, type Tx } from './command.js';
import { invalid, objectError } from './errors.js';
import { lookup, SWITCH } from './lookup.js';
import { memoLookup } from './named-entity.js';
import { checkInt } from './net.js';
import { isUuid } from './ovsdb-value.js';

const GROUP = 'Logical switch port commands';

interface PortRow {
  uuid: string;
  name: string;
  switch_uuid: string;
  switch_name: string;
  parent_name: string | null;
  tag_request: number | null;
}

/** A port with its switch's name; undefined when absent. Port names are unique. */
export async function findPort(tx: Tx, id: string): Promise<PortRow | undefined> {
  const cols = `p.uuid::text AS uuid, p.name, p.switch_uuid::text AS switch_uuid, s.name AS switch_name,
                p.parent_name, p.tag_request`;
  const from = 'logical_switch_port p JOIN logical_switch s ON s.uuid = p.switch_uuid';
  if (isUuid(id)) {
    const r = await tx.query<PortRow>(`SELECT ${cols} FROM ${from} WHERE p.uuid = $1`, [id]);
    if (r[0]) return r[0];
  }
  return (await tx.query<PortRow>(`SELECT ${cols} FROM ${from} WHERE p.name = $1`, [id]))[0];
}

export const portCommands = [
  defineCommand({
    name: 'lsp-add',
    usage: 'SWITCH PORT [PARENT TAG]',
    summary:
      'add PORT to SWITCH; with PARENT and TAG (0..4095, 0 = let northd pick) a container port',
    group: GROUP,
    minArgs: 2,
    maxArgs: 4,
    options: { 'may-exist': 'flag' },
    writes: true,
    parse(args, opts) {
      const [sw, port, parent, tag] = args as [string, string, string?, string?];
      if (parent !== undefined && tag === undefined)
        throw invalid(port, 'a parent port needs a tag (PARENT TAG)');
      if (port === '') throw invalid(sw, 'port name must not be empty');
      if (parent === '') throw invalid(port, 'parent name must not be empty');
      const tagRequest = tag === undefined ? undefined : checkInt(port, tag, 'tag', 0, 4095);
      return { sw, port, parent, tagRequest, mayExist: opts.has('may-exist') };
    },
    async run({ tx, memo }, p) {
      const sw = await memoLookup(tx, memo, SWITCH, p.sw);
      // The common case costs one statement: insert unless the name is taken.
      const inserted = await tx.query(
        `INSERT INTO logical_switch_port (name, switch_uuid, parent_name, tag_request)
         VALUES ($1, $2, $3, $4) ON CONFLICT (name) DO NOTHING RETURNING uuid`,
        [p.port, sw.uuid, p.parent ?? null, p.tagRequest ?? null],
      );
      if (inserted.length > 0) return;
      const existing = (await findPort(tx, p.port))!;
      if (!p.mayExist) throw objectError('exists', p.port, 'port already exists');
      if (existing.switch_uuid !== sw.uuid) {
        throw objectError(
          'exists',
          p.port,
          `port already exists but in switch ${existing.switch_name || existing.switch_uuid}`,
        );
      }
      if ((existing.parent_name ?? undefined) !== p.parent) {
        throw objectError(
          'exists',
          p.port,
          existing.parent_name
            ? `port already exists with parent ${existing.parent_name}`
            : 'port already exists without a parent',
        );
      }
      if (p.parent !== undefined && existing.tag_request !== p.tagRequest) {
        throw objectError(
          'exists',
          p.port,
          `port already exists with tag ${existing.tag_request ?? 'none'}`,
        );
      }
    },
  }),
  defineCommand({
    name: 'lsp-del',
    usage: 'PORT',
    summary: 'delete PORT (an error if it does not exist, unless --if-exists)',
    group: GROUP,
    minArgs: 1,
    maxArgs: 1,
    options: { 'if-exists': 'flag' },
    writes: true,
    parse: (args, opts) => ({ port: args[0]!, ifExists: opts.has('if-exists') }),
    async run({ tx }, p) {
      const row = await findPort(tx, p.port);
      if (!row) {
        if (p.ifExists) return;
        throw objectError('not-found', p.port, 'port not found');
      }
      await tx.query('DELETE FROM logical_switch_port WHERE uuid = $1', [row.uuid]);
    },
  }),
  defineCommand({
    name: 'lsp-list',
    usage: 'SWITCH',
    summary: "list SWITCH's ports: UUID (NAME), one per line",
    group: GROUP,
    minArgs: 1,
    maxArgs: 1,
    writes: false,
    parse: (args) => ({ sw: args[0]! }),
    async run({ tx }, p) {
      const sw = (await lookup(tx, SWITCH, p.sw))!;
      const rows = await tx.query<{ uuid: string; name: string }>(
        'SELECT uuid::text AS uuid, name FROM logical_switch_port WHERE switch_uuid = $1 ORDER BY name',
        [sw.uuid],
      );
      return {
        kind: 'table',
        headings: ['uuid', 'name'],
        rows: rows.map((r) => [r.uuid, r.name]),
        text: rows.map((r) => `${r.uuid} (${r.name})`),
      };
    },
  }),
  defineCommand({
    name: 'lsp-get-ls',
    usage: 'PORT',
    summary: 'print the switch PORT belongs to: UUID (NAME)',
    group: GROUP,
    minArgs: 1,
    maxArgs: 1,
    writes: false,
    parse: (args) => ({ port: args[0]! }),
    async run({ tx }, p) {
      const row = await findPort(tx, p.port);
      if (!row) throw objectError('not-found', p.port, 'port not found');
      return [`${row.switch_uuid} (${row.switch_name})`];
    },
  }),
  defineCommand({
    name: 'lsp-get-parent',
    usage: 'PORT',
    summary: "print PORT's parent port, if any",
    group: GROUP,
    minArgs: 1,
    maxArgs: 1,
    writes: false,
    parse: (args) => ({ port: args[0]! }),
    async run({ tx }, p) {
      const row = await findPort(tx, p.port);
      if (!row) throw objectError('not-found', p.port, 'port not found');
      return row.parent_name ? [row.parent_name] : [];
    },
  }),
  defineCommand({
    name: 'lsp-get-tag',
    usage: 'PORT',
    summary: "print PORT's VLAN tag, if any",
    group: GROUP,
    minArgs: 1,
    maxArgs: 1,
    writes: false,
    parse: (args) => ({ port: args[0]! }),
    async run({ tx }, p) {
      const rows = await tx.query<{ tag: number | null }>(
        `SELECT tag FROM logical_switch_port WHERE ${isUuid(p.port) ? 'uuid = $1::text::uuid OR ' : ''}name = $1`,
        [p.port],
      );
      if (!rows[0]) throw objectError('not-found', p.port, 'port not found');
      return rows[0].tag === null ? [] : [String(rows[0].tag)];
    },
  }),
];
