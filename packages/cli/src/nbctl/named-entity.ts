/**
 * The add/del/list trio that logical switches and routers share (ls-add, lr-add …): OVN lets names
 * repeat (--add-duplicate) but refuses a duplicate by default, and --may-exist makes adding idempotent.
 */
import type { AnyCommand, Tx } from './command.js';
import { defineCommand } from './command.js';
import { objectError, usageError } from './errors.js';
import { type Entity, lookup } from './lookup.js';

/** Serialises adds of one name across concurrent nbctl runs, since names are not UNIQUE. */
export async function lockName(tx: Tx, entity: Entity, name: string): Promise<void> {
  await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`nbctl:${entity.table}:${name}`]);
}

export function addCommand(entity: Entity, name: string, group: string, label: string): AnyCommand {
  const Label = label[0]!.toUpperCase() + label.slice(1);
  return defineCommand({
    name,
    usage: `[${label.toUpperCase()}]`,
    summary: `create a logical ${label} (a duplicate name is an error unless --may-exist or --add-duplicate)`,
    group,
    minArgs: 0,
    maxArgs: 1,
    options: { 'may-exist': 'flag', 'add-duplicate': 'flag' },
    writes: true,
    parse(args, opts) {
      const mayExist = opts.has('may-exist');
      const duplicate = opts.has('add-duplicate');
      if (mayExist && duplicate)
        throw usageError('--may-exist and --add-duplicate may not be used together');
      if (args[0] === undefined && (mayExist || duplicate)) {
        throw usageError(
          `--${mayExist ? 'may-exist' : 'add-duplicate'} requires specifying a name`,
        );
      }
      if (args[0] === '') throw usageError(`${Label} name must not be empty`);
      return { name: args[0], mayExist, duplicate };
    },
    async run({ tx, memo }, p) {
      if (p.name !== undefined && !p.duplicate) {
        await lockName(tx, entity, p.name);
        const existing = await tx.query(`SELECT 1 FROM ${entity.table} WHERE name = $1 LIMIT 1`, [
          p.name,
        ]);
        if (existing.length > 0) {
          if (p.mayExist) return;
          throw objectError('exists', p.name, `a ${label} with this name already exists`);
        }
      }
      memo.clear();
      await tx.query(`INSERT INTO ${entity.table} (name) VALUES ($1)`, [p.name ?? '']);
    },
  });
}

export function delCommand(entity: Entity, name: string, group: string, label: string): AnyCommand {
  return defineCommand({
    name,
    usage: label.toUpperCase(),
    summary: `delete a logical ${label} and everything in it`,
    group,
    minArgs: 1,
    maxArgs: 1,
    options: { 'if-exists': 'flag' },
    writes: true,
    parse: (args, opts) => ({ id: args[0]!, ifExists: opts.has('if-exists') }),
    async run({ tx, memo }, p) {
      const row = await lookup(tx, entity, p.id, { mustExist: !p.ifExists });
      if (!row) return;
      memo.clear();
      await tx.query(`DELETE FROM ${entity.table} WHERE uuid = $1`, [row.uuid]);
    },
  });
}

export function listCommand(entity: Entity, name: string, group: string): AnyCommand {
  return defineCommand({
    name,
    usage: '',
    summary: `list the logical ${entity.plural}: UUID (NAME), one per line`,
    group,
    minArgs: 0,
    maxArgs: 0,
    writes: false,
    parse: () => ({}),
    async run({ tx }) {
      const rows = await tx.query<{ uuid: string; name: string }>(
        `SELECT uuid::text AS uuid, name FROM ${entity.table} ORDER BY name, uuid`,
      );
      return {
        kind: 'table',
        headings: ['uuid', 'name'],
        rows: rows.map((r) => [r.uuid, r.name]),
        text: rows.map((r) => `${r.uuid} (${r.name})`),
      };
    },
  });
}

/** Resolves a switch (or router) once per batch: big batches name the same switch many times. */
export async function memoLookup(
  tx: Tx,
  memo: Map<string, unknown>,
  entity: Entity,
  id: string,
): Promise<{ uuid: string; name: string }> {
  const key = `${entity.table}\0${id}`;
  const hit = memo.get(key) as { uuid: string; name: string } | undefined;
  if (hit) return hit;
  const row = (await lookup(tx, entity, id))!;
  memo.set(key, row);
  return row;
}
