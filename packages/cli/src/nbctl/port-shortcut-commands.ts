/**
 * lsp-add-router-port and lsp-add-localnet-port: a switch port of type router (or localnet) with
 * its option and addresses, in one command, as recent ovn-nbctl has them.
 */
import { type AnyCommand, defineCommand } from './command.js';
import { invalid, objectError } from './errors.js';
import { SWITCH } from './lookup.js';
import { memoLookup } from './named-entity.js';
import { findPort } from './port-commands.js';

const GROUP = 'Logical switch port commands';

function shortcut(
  name: string,
  usage: string,
  summary: string,
  type: 'router' | 'localnet',
  option: 'router-port' | 'network_name',
  address: 'router' | 'unknown',
): AnyCommand {
  return defineCommand({
    name,
    usage,
    summary,
    group: GROUP,
    minArgs: 3,
    maxArgs: 3,
    options: { 'may-exist': 'flag' },
    writes: true,
    parse(args, opts) {
      const [sw, port, value] = args as [string, string, string];
      if (port === '') throw invalid(sw, 'port name must not be empty');
      if (value === '') throw invalid(port, `${option} must not be empty`);
      return { sw, port, value, mayExist: opts.has('may-exist') };
    },
    async run({ tx, memo }, p) {
      const sw = await memoLookup(tx, memo, SWITCH, p.sw);
      const inserted = await tx.query(
        `INSERT INTO logical_switch_port (name, switch_uuid, type, options, addresses)
         VALUES ($1, $2, $3, $4::jsonb, $5) ON CONFLICT (name) DO NOTHING RETURNING uuid`,
        [p.port, sw.uuid, type, JSON.stringify({ [option]: p.value }), [address]],
      );
      if (inserted.length > 0) return;
      if (!p.mayExist) throw objectError('exists', p.port, 'port already exists');
      const existing = (await findPort(tx, p.port))!;
      const rows = await tx.query<{ type: string; value: string | null }>(
        'SELECT type, options->>$2 AS value FROM logical_switch_port WHERE uuid = $1',
        [existing.uuid, option],
      );
      const same =
        existing.switch_uuid === sw.uuid && rows[0]?.type === type && rows[0]?.value === p.value;
      if (!same) {
        throw objectError(
          'exists',
          p.port,
          `port already exists with another switch, type or ${option} (${existing.switch_name}, "${rows[0]?.type}", ${rows[0]?.value ?? 'none'})`,
        );
      }
    },
  });
}

export const portShortcutCommands = [
  shortcut(
    'lsp-add-router-port',
    'SWITCH PORT ROUTER_PORT',
    'add PORT of type router connected to ROUTER_PORT, with addresses "router"',
    'router',
    'router-port',
    'router',
  ),
  shortcut(
    'lsp-add-localnet-port',
    'SWITCH PORT NETWORK',
    'add PORT of type localnet for physical NETWORK (options:network_name), with addresses "unknown"',
    'localnet',
    'network_name',
    'unknown',
  ),
];
