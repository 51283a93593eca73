/**
 * Every nbctl command by name. The families live one per file and are loaded only when a command
 * of theirs is used (start-up time is most of a single nbctl run), so each family's command names
 * are listed here too; registry.test.ts checks the lists against the files.
 */
import type { AnyCommand } from './command.js';

export interface Family {
  readonly names: readonly string[];
  load(): Promise<readonly AnyCommand[]>;
}

export const families: readonly Family[] = [
  {
    names: ['init', 'sync'],
    load: async () => (await import('./general-commands.js')).generalCommands,
  },
  { names: ['show'], load: async () => (await import('./show-command.js')).showCommands },
  {
    names: ['ls-add', 'ls-del', 'ls-list'],
    load: async () => (await import('./switch-commands.js')).switchCommands,
  },
  {
    names: ['lsp-add', 'lsp-del', 'lsp-list', 'lsp-get-ls', 'lsp-get-parent', 'lsp-get-tag'],
    load: async () => (await import('./port-commands.js')).portCommands,
  },
  {
    names: [
      'lsp-set-addresses',
      'lsp-get-addresses',
      'lsp-set-port-security',
      'lsp-get-port-security',
      'lsp-set-type',
      'lsp-get-type',
      'lsp-set-options',
      'lsp-get-options',
      'lsp-set-enabled',
      'lsp-get-enabled',
      'lsp-get-up',
    ],
    load: async () => (await import('./port-setting-commands.js')).portSettingCommands,
  },
  {
    names: ['lsp-add-router-port', 'lsp-add-localnet-port'],
    load: async () => (await import('./port-shortcut-commands.js')).portShortcutCommands,
  },
  {
    names: [
      'lsp-set-dhcpv4-options',
      'lsp-get-dhcpv4-options',
      'lsp-set-dhcpv6-options',
      'lsp-get-dhcpv6-options',
    ],
    load: async () => (await import('./port-dhcp-commands.js')).portDhcpCommands,
  },
  {
    names: ['lr-add', 'lr-del', 'lr-list'],
    load: async () => (await import('./router-commands.js')).routerCommands,
  },
  {
    names: ['lrp-add', 'lrp-del', 'lrp-list', 'lrp-set-enabled', 'lrp-get-enabled'],
    load: async () => (await import('./router-port-commands.js')).routerPortCommands,
  },
  {
    names: ['lrp-set-gateway-chassis', 'lrp-del-gateway-chassis', 'lrp-get-gateway-chassis'],
    load: async () => (await import('./gateway-chassis-commands.js')).gatewayChassisCommands,
  },
  {
    names: ['lr-route-add', 'lr-route-del', 'lr-route-list'],
    load: async () => (await import('./route-commands.js')).routeCommands,
  },
  {
    names: ['acl-add', 'acl-del', 'acl-list'],
    load: async () => (await import('./acl-commands.js')).aclCommands,
  },
  {
    names: ['pg-add', 'pg-set-ports', 'pg-get-ports', 'pg-del'],
    load: async () => (await import('./port-group-commands.js')).portGroupCommands,
  },
  {
    names: ['as-add', 'as-del', 'as-list', 'as-add-addr', 'as-del-addr'],
    load: async () => (await import('./address-set-commands.js')).addressSetCommands,
  },
  {
    names: ['lr-nat-add', 'lr-nat-del', 'lr-nat-list'],
    load: async () => (await import('./nat-commands.js')).natCommands,
  },
  {
    names: ['lb-add', 'lb-del', 'lb-list'],
    load: async () => (await import('./lb-commands.js')).lbCommands,
  },
  {
    names: ['ls-lb-add', 'ls-lb-del', 'ls-lb-list', 'lr-lb-add', 'lr-lb-del', 'lr-lb-list'],
    load: async () => (await import('./lb-link-commands.js')).lbLinkCommands,
  },
  {
    names: [
      'dhcp-options-create',
      'dhcp-options-list',
      'dhcp-options-del',
      'dhcp-options-set-options',
      'dhcp-options-get-options',
    ],
    load: async () => (await import('./dhcp-commands.js')).dhcpCommands,
  },
  {
    names: [
      'list',
      'find',
      'get',
      'set',
      'add',
      'remove',
      'clear',
      'create',
      'destroy',
      'wait-until',
    ],
    load: async () => (await import('./db-commands.js')).dbCommands,
  },
  { names: ['diag-list'], load: async () => (await import('./diag-commands.js')).diagCommands },
];

/**
 * The commands named (all of them when `names` is undefined, for --help), in family order.
 * Unknown names are simply absent: planning reports them.
 */
export async function loadCommands(
  names?: Iterable<string>,
): Promise<ReadonlyMap<string, AnyCommand>> {
  const wanted = names ? new Set(names) : undefined;
  const needed = families.filter((f) => !wanted || f.names.some((n) => wanted.has(n)));
  const loaded = await Promise.all(needed.map((f) => f.load()));
  const registry = new Map<string, AnyCommand>();
  for (const c of loaded.flat()) registry.set(c.name, c);
  return registry;
}
