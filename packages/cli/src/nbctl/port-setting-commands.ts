/**
 * The lsp-set-* / lsp-get-* pairs: addresses, port security, type, options, enabled, up.
 * Each set checks its values before writing and is one UPDATE.
 */
import { defineCommand } from './command.js';
import { noteAddressesSet } from './duplicate-ip-check.js';
import { invalid } from './errors.js';
import { checkLspAddress, checkPortSecurity, parseKeyValues } from './net.js';
import { readPort, updatePort } from './port-row.js';

const GROUP = 'Logical switch port commands';

/** Port types our NB schema knows (ovn-nb(5) Logical_Switch_Port:type). */
export const LSP_TYPES = [
  '',
  'router',
  'localnet',
  'localport',
  'l2gateway',
  'vtep',
  'external',
  'virtual',
  'remote',
];

const sortedOptions = (m: Record<string, string>) =>
  Object.keys(m)
    .sort()
    .map((k) => `${k}=${m[k]}`);

export const portSettingCommands = [
  defineCommand({
    name: 'lsp-set-addresses',
    usage: 'PORT [ADDRESS]...',
    summary: 'set addresses: "MAC [IP]...", unknown, dynamic, router (none: clear)',
    group: GROUP,
    minArgs: 1,
    maxArgs: Number.POSITIVE_INFINITY,
    writes: true,
    parse: (args) => ({
      port: args[0]!,
      addresses: [...new Set(args.slice(1).map((a) => checkLspAddress(args[0]!, a)))],
    }),
    async run(ctx, p) {
      await updatePort(ctx.tx, p.port, 'addresses = $2', [p.addresses]);
      noteAddressesSet(ctx, p.port, p.addresses);
    },
  }),
  defineCommand({
    name: 'lsp-get-addresses',
    usage: 'PORT',
    summary: "print PORT's addresses, one per line",
    group: GROUP,
    minArgs: 1,
    maxArgs: 1,
    writes: false,
    parse: (args) => ({ port: args[0]! }),
    run: async ({ tx }, p) =>
      (await readPort<{ addresses: string[] }>(tx, p.port, 'addresses')).addresses,
  }),
  defineCommand({
    name: 'lsp-set-port-security',
    usage: 'PORT [ADDRS]...',
    summary: 'set port security: "MAC [IP[/LEN]]..." per argument (none: disable)',
    group: GROUP,
    minArgs: 1,
    maxArgs: Number.POSITIVE_INFINITY,
    writes: true,
    parse: (args) => ({
      port: args[0]!,
      addrs: [...new Set(args.slice(1).map((a) => checkPortSecurity(args[0]!, a)))],
    }),
    run: ({ tx }, p) => updatePort(tx, p.port, 'port_security = $2', [p.addrs]),
  }),
  defineCommand({
    name: 'lsp-get-port-security',
    usage: 'PORT',
    summary: "print PORT's port security addresses, one per line",
    group: GROUP,
    minArgs: 1,
    maxArgs: 1,
    writes: false,
    parse: (args) => ({ port: args[0]! }),
    run: async ({ tx }, p) =>
      (await readPort<{ port_security: string[] }>(tx, p.port, 'port_security')).port_security,
  }),
  defineCommand({
    name: 'lsp-set-type',
    usage: 'PORT TYPE',
    summary: `set the port type: ${LSP_TYPES.map((t) => t || '""').join(', ')}`,
    group: GROUP,
    minArgs: 2,
    maxArgs: 2,
    writes: true,
    parse(args) {
      const [port, type] = args as [string, string];
      if (!LSP_TYPES.includes(type)) throw invalid(port, `unknown port type "${type}"`);
      return { port, type };
    },
    run: ({ tx }, p) => updatePort(tx, p.port, 'type = $2', [p.type]),
  }),
  defineCommand({
    name: 'lsp-get-type',
    usage: 'PORT',
    summary: "print PORT's type (empty for a VM port)",
    group: GROUP,
    minArgs: 1,
    maxArgs: 1,
    writes: false,
    parse: (args) => ({ port: args[0]! }),
    run: async ({ tx }, p) => [(await readPort<{ type: string }>(tx, p.port, 'type')).type],
  }),
  defineCommand({
    name: 'lsp-set-options',
    usage: 'PORT [KEY=VALUE]...',
    summary: "replace PORT's options",
    group: GROUP,
    minArgs: 1,
    maxArgs: Number.POSITIVE_INFINITY,
    writes: true,
    parse: (args) => ({ port: args[0]!, options: parseKeyValues(args[0]!, args.slice(1)) }),
    run: ({ tx }, p) => updatePort(tx, p.port, 'options = $2::jsonb', [JSON.stringify(p.options)]),
  }),
  defineCommand({
    name: 'lsp-get-options',
    usage: 'PORT',
    summary: "print PORT's options as KEY=VALUE lines",
    group: GROUP,
    minArgs: 1,
    maxArgs: 1,
    writes: false,
    parse: (args) => ({ port: args[0]! }),
    run: async ({ tx }, p) =>
      sortedOptions(
        (await readPort<{ options: Record<string, string> }>(tx, p.port, 'options')).options,
      ),
  }),
  defineCommand({
    name: 'lsp-set-enabled',
    usage: 'PORT enabled|disabled',
    summary: 'set the administrative state of PORT',
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
    run: ({ tx }, p) => updatePort(tx, p.port, 'enabled = $2', [p.enabled]),
  }),
  defineCommand({
    name: 'lsp-get-enabled',
    usage: 'PORT',
    summary: 'print enabled or disabled (a port is enabled unless set otherwise)',
    group: GROUP,
    minArgs: 1,
    maxArgs: 1,
    writes: false,
    parse: (args) => ({ port: args[0]! }),
    run: async ({ tx }, p) => [
      (await readPort<{ enabled: boolean | null }>(tx, p.port, 'enabled')).enabled === false
        ? 'disabled'
        : 'enabled',
    ],
  }),
  defineCommand({
    name: 'lsp-get-up',
    usage: 'PORT',
    summary: 'print up or down, as the chassis reported it',
    group: GROUP,
    minArgs: 1,
    maxArgs: 1,
    writes: false,
    parse: (args) => ({ port: args[0]! }),
    run: async ({ tx }, p) => [
      (await readPort<{ up: boolean | null }>(tx, p.port, 'up')).up === true ? 'up' : 'down',
    ],
  }),
];
