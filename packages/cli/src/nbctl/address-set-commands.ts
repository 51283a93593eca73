/**
 * Address sets. ovn-nbctl has no commands of its own for them (it uses the generic
 * `create Address_Set name=… addresses=…`, which nbctl supports too); these are friendlier:
 * as-add, as-del, as-list, as-add-addr, as-del-addr.
 */
import { defineCommand, type Tx } from './command.js';
import { invalid, objectError } from './errors.js';
import { ADDRESS_SET, lookup } from './lookup.js';
import { isMac, parseCidr } from './net.js';

const GROUP = 'Address set commands (ovn-nbctl: create/set Address_Set … work too)';
/** Address sets are named in matches as $NAME, so the name must be an identifier. */
const IDENTIFIER = /^[A-Za-z_.][A-Za-z0-9_.]*$/;

/** An IPv4/IPv6 address or prefix, or a MAC. */
function checkSetAddress(set: string, a: string): string {
  if (isMac(a)) return a.toLowerCase();
  if (parseCidr(a, true)) return a;
  throw invalid(set, `invalid address "${a}" (expected an IP address, a prefix IP/LEN or a MAC)`);
}

async function readSet(
  tx: Tx,
  id: string,
): Promise<{ uuid: string; name: string; addresses: string[] }> {
  return (await lookup<{ uuid: string; name: string; addresses: string[] }>(tx, ADDRESS_SET, id, {
    columns: 'addresses',
    lock: true,
  }))!;
}

export const addressSetCommands = [
  defineCommand({
    name: 'as-add',
    usage: 'NAME [ADDRESS]...',
    summary: 'create address set NAME (used as $NAME in matches) with IPs, prefixes or MACs',
    group: GROUP,
    minArgs: 1,
    maxArgs: Number.POSITIVE_INFINITY,
    options: { 'may-exist': 'flag' },
    writes: true,
    parse(args, opts) {
      const [name, ...addrs] = args as [string, ...string[]];
      if (!IDENTIFIER.test(name))
        throw invalid(name, 'address set names must be identifiers (letters, digits, _ and .)');
      return {
        name,
        addresses: [...new Set(addrs.map((a) => checkSetAddress(name, a)))],
        mayExist: opts.has('may-exist'),
      };
    },
    async run({ tx }, p) {
      const rows = await tx.query(
        'INSERT INTO address_set (name, addresses) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING RETURNING 1',
        [p.name, p.addresses],
      );
      if (rows.length === 0 && !p.mayExist)
        throw objectError('exists', p.name, 'address set already exists');
    },
  }),
  defineCommand({
    name: 'as-del',
    usage: 'NAME',
    summary: 'delete address set NAME',
    group: GROUP,
    minArgs: 1,
    maxArgs: 1,
    options: { 'if-exists': 'flag' },
    writes: true,
    parse: (args, opts) => ({ name: args[0]!, ifExists: opts.has('if-exists') }),
    async run({ tx }, p) {
      const set = await lookup(tx, ADDRESS_SET, p.name, { mustExist: !p.ifExists });
      if (set) await tx.query('DELETE FROM address_set WHERE uuid = $1', [set.uuid]);
    },
  }),
  defineCommand({
    name: 'as-list',
    usage: '[NAME]',
    summary: 'list address sets (or one) as NAME: ADDRESS...',
    group: GROUP,
    minArgs: 0,
    maxArgs: 1,
    writes: false,
    parse: (args) => ({ name: args[0] }),
    async run({ tx }, p) {
      const rows =
        p.name === undefined
          ? await tx.query<{ uuid: string; name: string; addresses: string[] }>(
              'SELECT uuid::text AS uuid, name, addresses FROM address_set ORDER BY name',
            )
          : [await readSet(tx, p.name)];
      return {
        kind: 'table',
        headings: ['uuid', 'name', 'addresses'],
        rows: rows.map((r) => [r.uuid, r.name, r.addresses.join(' ')]),
        text: rows.map((r) => `${r.name}: ${r.addresses.join(' ')}`.trimEnd()),
      };
    },
  }),
  defineCommand({
    name: 'as-add-addr',
    usage: 'NAME ADDRESS...',
    summary: 'add addresses to address set NAME (present ones are kept once)',
    group: GROUP,
    minArgs: 2,
    maxArgs: Number.POSITIVE_INFINITY,
    writes: true,
    parse: (args) => ({
      name: args[0]!,
      addresses: args.slice(1).map((a) => checkSetAddress(args[0]!, a)),
    }),
    async run({ tx }, p) {
      const set = await readSet(tx, p.name);
      const next = [...new Set([...set.addresses, ...p.addresses])];
      await tx.query('UPDATE address_set SET addresses = $2 WHERE uuid = $1', [set.uuid, next]);
    },
  }),
  defineCommand({
    name: 'as-del-addr',
    usage: 'NAME ADDRESS...',
    summary:
      'remove addresses from address set NAME (a missing one is an error unless --if-exists)',
    group: GROUP,
    minArgs: 2,
    maxArgs: Number.POSITIVE_INFINITY,
    options: { 'if-exists': 'flag' },
    writes: true,
    parse: (args, opts) => ({
      name: args[0]!,
      addresses: args.slice(1).map((a) => checkSetAddress(args[0]!, a)),
      ifExists: opts.has('if-exists'),
    }),
    async run({ tx }, p) {
      const set = await readSet(tx, p.name);
      const missing = p.addresses.find((a) => !set.addresses.includes(a));
      if (missing !== undefined && !p.ifExists)
        throw objectError('not-found', p.name, `address ${missing} is not in the set`);
      const drop = new Set(p.addresses);
      await tx.query('UPDATE address_set SET addresses = $2 WHERE uuid = $1', [
        set.uuid,
        set.addresses.filter((a) => !drop.has(a)),
      ]);
    },
  }),
];
