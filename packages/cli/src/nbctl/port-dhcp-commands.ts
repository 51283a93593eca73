/** lsp-set-dhcpv4-options, lsp-get-dhcpv4-options and their DHCPv6 twins. */
import { type AnyCommand, defineCommand } from './command.js';
import { invalid, objectError } from './errors.js';
import { isUuid } from './ovsdb-value.js';
import { readPort, updatePort } from './port-row.js';

const GROUP = 'Logical switch port commands';

function dhcpCommands(version: 'v4' | 'v6'): AnyCommand[] {
  const column = `dhcp${version}_options`;
  return [
    defineCommand({
      name: `lsp-set-dhcp${version}-options`,
      usage: 'PORT [DHCP_OPTIONS_UUID]',
      summary: `point PORT's DHCP${version} options at a DHCP_Options row (none: clear)`,
      group: GROUP,
      minArgs: 1,
      maxArgs: 2,
      writes: true,
      parse(args) {
        const [port, dhcp] = args as [string, string?];
        if (dhcp !== undefined && dhcp !== '' && !isUuid(dhcp)) {
          throw invalid(port, `"${dhcp}" is not a DHCP_Options UUID`);
        }
        return { port, dhcp: dhcp ? dhcp.toLowerCase() : null };
      },
      async run({ tx }, p) {
        if (p.dhcp) {
          const found = await tx.query('SELECT 1 FROM dhcp_options WHERE uuid = $1', [p.dhcp]);
          if (found.length === 0) throw objectError('not-found', p.dhcp, 'DHCP options not found');
        }
        await updatePort(tx, p.port, `${column} = $2`, [p.dhcp]);
      },
    }),
    defineCommand({
      name: `lsp-get-dhcp${version}-options`,
      usage: 'PORT',
      summary: `print PORT's DHCP${version} options row: UUID (CIDR)`,
      group: GROUP,
      minArgs: 1,
      maxArgs: 1,
      writes: false,
      parse: (args) => ({ port: args[0]! }),
      async run({ tx }, p) {
        const row = await readPort<{ d: string | null; cidr: string | null }>(
          tx,
          p.port,
          `${column}::text AS d, (SELECT cidr::text FROM dhcp_options o WHERE o.uuid = ${column}) AS cidr`,
        );
        return row.d ? [`${row.d} (${row.cidr})`] : [];
      },
    }),
  ];
}

export const portDhcpCommands = [...dhcpCommands('v4'), ...dhcpCommands('v6')];
