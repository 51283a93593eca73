import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ipv6LinkLocal } from './show-command.js';
import { type NbctlKit, startNbctlKit } from './test-kit.js';

let kit: NbctlKit;
let ids: Record<string, string>;
beforeAll(async () => {
  kit = await startNbctlKit();
  await kit.ok(
    ...[
      'ls-add',
      'sw0',
      '--',
      'lsp-add',
      'sw0',
      'vm1',
      '--',
      'lsp-set-addresses',
      'vm1',
      '00:00:00:00:00:01 10.0.0.11',
    ],
    ...[
      '--',
      'lsp-add',
      'sw0',
      'sw0-lr0',
      '--',
      'lsp-set-type',
      'sw0-lr0',
      'router',
      '--',
      'lsp-set-addresses',
      'sw0-lr0',
      'router',
    ],
    ...[
      '--',
      'lsp-set-options',
      'sw0-lr0',
      'router-port=lr0-sw0',
      '--',
      'lsp-add',
      'sw0',
      'c1',
      'vm1',
      '5',
    ],
    ...[
      '--',
      'lr-add',
      'lr0',
      '--',
      'lrp-add',
      'lr0',
      'lr0-sw0',
      '00:00:00:00:ff:01',
      '10.0.0.1/24',
    ],
    ...[
      '--',
      'lrp-set-gateway-chassis',
      'lr0-sw0',
      'gw1',
      '5',
      '--',
      'lrp-set-gateway-chassis',
      'lr0-sw0',
      'gw2',
      '10',
    ],
    ...['--', 'lr-nat-add', 'lr0', 'snat', '172.16.0.1', '10.0.0.0/24'],
  );
  await kit.query("UPDATE nb.logical_switch_port SET tag = 5 WHERE name = 'c1'");
  const rows = await kit.query<{ k: string; uuid: string }>(
    "SELECT 'sw0' AS k, uuid::text FROM nb.logical_switch UNION ALL SELECT 'lr0', uuid::text FROM nb.logical_router UNION ALL SELECT 'nat', uuid::text FROM nb.nat",
  );
  ids = Object.fromEntries(rows.map((r) => [r.k, r.uuid]));
});
afterAll(() => kit.close());

describe('show', () => {
  test('prints switches then routers as an indented tree', async () => {
    expect(await kit.ok('show')).toEqual([
      `switch ${ids.sw0} (sw0)`,
      '    port c1',
      '        parent: vm1',
      '        tag: 5',
      '    port sw0-lr0',
      '        type: router',
      '        router-port: lr0-sw0',
      '    port vm1',
      '        addresses: ["00:00:00:00:00:01 10.0.0.11"]',
      `router ${ids.lr0} (lr0)`,
      '    port lr0-sw0',
      '        mac: "00:00:00:00:ff:01"',
      '        ipv6-lla: "fe80::200:ff:fe00:ff01"',
      '        networks: ["10.0.0.1/24"]',
      '        gateway chassis: [gw2 gw1]',
      `    nat ${ids.nat}`,
      '        external ip: "172.16.0.1"',
      '        logical ip: "10.0.0.0/24"',
      '        type: "snat"',
    ]);
  });

  test('show NAME narrows to one switch or router; an unknown name is an error', async () => {
    expect((await kit.ok('show', 'lr0'))[0]).toBe(`router ${ids.lr0} (lr0)`);
    expect(await kit.ok('show', 'sw0')).toHaveLength(9);
    expect((await kit.nbctl('show', 'zz')).err).toBe(
      'nbctl: show: zz: no switch or router has this name\n',
    );
  });

  test('the link-local address flips the universal/local bit and inserts ff:fe (EUI-64)', () => {
    expect(ipv6LinkLocal('02:00:00:00:00:01')).toBe('fe80::ff:fe00:1');
    expect(ipv6LinkLocal('00:11:22:33:44:55')).toBe('fe80::211:22ff:fe33:4455');
  });
});
