/** dhcp-options-create, -list, -del, -set-options, -get-options: DHCP_Options rows, named by UUID. */
import { defineCommand, type Tx } from './command.js';
import { invalid, objectError } from './errors.js';
import { hasNoHostBits, networkWithLength, parseCidr, parseKeyValues } from './net.js';
import { isUuid } from './ovsdb-value.js';

const GROUP = 'DHCP options commands';

function checkDhcpUuid(id: string): string {
  if (!isUuid(id)) throw invalid(id, 'not a DHCP_Options UUID');
  return id.toLowerCase();
}

async function mustExist(tx: Tx, uuid: string): Promise<void> {
  const rows = await tx.query('SELECT 1 FROM dhcp_options WHERE uuid = $1', [uuid]);
  if (rows.length === 0) throw objectError('not-found', uuid, 'DHCP options not found');
}

export const dhcpCommands = [
  defineCommand({
    name: 'dhcp-options-create',
    usage: 'CIDR [KEY=VALUE]...',
    summary: 'create a DHCP_Options row for network CIDR; KEY=VALUE pairs go to external_ids',
    group: GROUP,
    minArgs: 1,
    maxArgs: Number.POSITIVE_INFINITY,
    writes: true,
    parse(args) {
      const [cidrText, ...kv] = args as [string, ...string[]];
      const c = parseCidr(cidrText);
      if (!c) throw invalid(cidrText, 'invalid CIDR (expected NETWORK/PREFIXLEN)');
      if (!hasNoHostBits(c))
        throw invalid(cidrText, `host bits are set: did you mean ${networkWithLength(c)}?`);
      return { cidr: networkWithLength(c), externalIds: parseKeyValues(cidrText, kv) };
    },
    async run({ tx }, p) {
      await tx.query('INSERT INTO dhcp_options (cidr, external_ids) VALUES ($1::cidr, $2::jsonb)', [
        p.cidr,
        JSON.stringify(p.externalIds),
      ]);
    },
  }),
  defineCommand({
    name: 'dhcp-options-list',
    usage: '',
    summary: 'list DHCP_Options rows: UUID, one per line',
    group: GROUP,
    minArgs: 0,
    maxArgs: 0,
    writes: false,
    parse: () => ({}),
    async run({ tx }) {
      const rows = await tx.query<{ uuid: string; cidr: string }>(
        'SELECT uuid::text AS uuid, cidr::text AS cidr FROM dhcp_options ORDER BY uuid',
      );
      return {
        kind: 'table',
        headings: ['uuid', 'cidr'],
        rows: rows.map((r) => [r.uuid, r.cidr]),
        text: rows.map((r) => r.uuid),
      };
    },
  }),
  defineCommand({
    name: 'dhcp-options-del',
    usage: 'DHCP_OPTIONS_UUID',
    summary: 'delete a DHCP_Options row (ports that used it lose their DHCP options)',
    group: GROUP,
    minArgs: 1,
    maxArgs: 1,
    options: { 'if-exists': 'flag' },
    writes: true,
    parse: (args, opts) => ({ uuid: checkDhcpUuid(args[0]!), ifExists: opts.has('if-exists') }),
    async run({ tx }, p) {
      const rows = await tx.query('DELETE FROM dhcp_options WHERE uuid = $1 RETURNING 1', [p.uuid]);
      if (rows.length === 0 && !p.ifExists)
        throw objectError('not-found', p.uuid, 'DHCP options not found');
    },
  }),
  defineCommand({
    name: 'dhcp-options-set-options',
    usage: 'DHCP_OPTIONS_UUID [KEY=VALUE]...',
    summary: 'replace the DHCP options (server_id, server_mac, lease_time, router …)',
    group: GROUP,
    minArgs: 1,
    maxArgs: Number.POSITIVE_INFINITY,
    writes: true,
    parse: (args) => ({
      uuid: checkDhcpUuid(args[0]!),
      options: parseKeyValues(args[0]!, args.slice(1)),
    }),
    async run({ tx }, p) {
      const rows = await tx.query(
        'UPDATE dhcp_options SET options = $2::jsonb WHERE uuid = $1 RETURNING 1',
        [p.uuid, JSON.stringify(p.options)],
      );
      if (rows.length === 0) throw objectError('not-found', p.uuid, 'DHCP options not found');
    },
  }),
  defineCommand({
    name: 'dhcp-options-get-options',
    usage: 'DHCP_OPTIONS_UUID',
    summary: 'print the DHCP options as KEY=VALUE lines',
    group: GROUP,
    minArgs: 1,
    maxArgs: 1,
    writes: false,
    parse: (args) => ({ uuid: checkDhcpUuid(args[0]!) }),
    async run({ tx }, p) {
      await mustExist(tx, p.uuid);
      const rows = await tx.query<{ options: Record<string, string> }>(
        'SELECT options FROM dhcp_options WHERE uuid = $1',
        [p.uuid],
      );
      const o = rows[0]!.options;
      return Object.keys(o)
        .sort()
        .map((k) => `${k}=${o[k]}`);
    },
  }),
];
