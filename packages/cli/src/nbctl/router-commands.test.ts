import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type NbctlKit, startNbctlKit } from './test-kit.js';

let kit: NbctlKit;
beforeAll(async () => {
  kit = await startNbctlKit();
});
afterAll(() => kit.close());

describe('routers and router ports', () => {
  test('lr-add, lr-list, duplicate refused, lr-del', async () => {
    await kit.ok('lr-add', 'lr0', '--', 'lr-add', 'lr1');
    const rows = await kit.query<{ uuid: string; name: string }>(
      'SELECT uuid::text, name FROM nb.logical_router ORDER BY name',
    );
    expect(await kit.ok('lr-list')).toEqual(rows.map((r) => `${r.uuid} (${r.name})`));
    expect((await kit.nbctl('lr-add', 'lr1')).err).toBe(
      'nbctl: lr-add: lr1: a router with this name already exists\n',
    );
    await kit.ok('lr-del', 'lr1');
    expect((await kit.nbctl('lr-del', 'lr1')).err).toBe('nbctl: lr-del: lr1: router not found\n');
  });

  test('lrp-add with MAC, networks and peer; lrp-list', async () => {
    await kit.ok(
      'lrp-add',
      'lr0',
      'lrp0',
      '00:11:22:33:44:55',
      '192.168.0.1/24',
      '2001:db8::1/64',
      'peer=lrp9',
    );
    const [row] = await kit.query<{ mac: string; networks: string[]; peer: string }>(
      "SELECT mac::text, networks::text[], peer FROM nb.logical_router_port WHERE name = 'lrp0'",
    );
    expect(row).toEqual({
      mac: '00:11:22:33:44:55',
      networks: ['192.168.0.1/24', '2001:db8::1/64'],
      peer: 'lrp9',
    });
    const { uuid } = (
      await kit.query<{ uuid: string }>(
        "SELECT uuid::text FROM nb.logical_router_port WHERE name = 'lrp0'",
      )
    )[0]!;
    expect(await kit.ok('lrp-list', 'lr0')).toEqual([`${uuid} (lrp0)`]);
  });

  test('lrp-add validates MAC and networks, and --may-exist checks that the port is the same', async () => {
    expect((await kit.nbctl('lrp-add', 'lr0', 'x', '00:11:22:33:44', '10.0.0.1/24')).err).toBe(
      'nbctl: lrp-add: x: invalid MAC address "00:11:22:33:44"\n',
    );
    expect((await kit.nbctl('lrp-add', 'lr0', 'x', '00:11:22:33:44:56', '10.0.0.1')).err).toBe(
      'nbctl: lrp-add: x: invalid network "10.0.0.1" (expected IP/PREFIXLEN)\n',
    );
    expect((await kit.nbctl('lrp-add', 'lr0', 'x', '00:11:22:33:44:56', '10.0.0.1/40')).err).toBe(
      'nbctl: lrp-add: x: invalid network "10.0.0.1/40" (expected IP/PREFIXLEN)\n',
    );
    expect(
      (await kit.nbctl('lrp-add', 'lr0', 'lrp0', '00:11:22:33:44:55', '192.168.0.1/24')).err,
    ).toBe('nbctl: lrp-add: lrp0: router port already exists\n');
    await kit.ok(
      '--may-exist',
      'lrp-add',
      'lr0',
      'lrp0',
      '00:11:22:33:44:55',
      '2001:db8::1/64',
      '192.168.0.1/24',
      'peer=lrp9',
    );
    expect(
      (
        await kit.nbctl(
          '--may-exist',
          'lrp-add',
          'lr0',
          'lrp0',
          '00:11:22:33:44:66',
          '192.168.0.1/24',
        )
      ).err,
    ).toBe('nbctl: lrp-add: lrp0: router port already exists with MAC 00:11:22:33:44:55\n');
    expect(await kit.query("SELECT name FROM nb.logical_router_port WHERE name = 'x'")).toEqual([]);
  });

  test('gateway chassis: set (and update) with priority, list highest first, delete', async () => {
    await kit.ok(
      'lrp-set-gateway-chassis',
      'lrp0',
      'gw1',
      '10',
      '--',
      'lrp-set-gateway-chassis',
      'lrp0',
      'gw2',
      '20',
    );
    expect(await kit.ok('lrp-get-gateway-chassis', 'lrp0')).toEqual([
      'lrp0-gw2    20',
      'lrp0-gw1    10',
    ]);
    await kit.ok('lrp-set-gateway-chassis', 'lrp0', 'gw1', '30');
    expect(await kit.ok('lrp-get-gateway-chassis', 'lrp0')).toEqual([
      'lrp0-gw1    30',
      'lrp0-gw2    20',
    ]);
    expect((await kit.nbctl('lrp-set-gateway-chassis', 'lrp0', 'gw3', '32768')).err).toBe(
      'nbctl: lrp-set-gateway-chassis: lrp0: priority 32768 out of range 0..32767\n',
    );
    await kit.ok('lrp-del-gateway-chassis', 'lrp0', 'gw2');
    expect(await kit.ok('lrp-get-gateway-chassis', 'lrp0')).toEqual(['lrp0-gw1    30']);
    expect((await kit.nbctl('lrp-del-gateway-chassis', 'lrp0', 'gw2')).err).toBe(
      'nbctl: lrp-del-gateway-chassis: lrp0: chassis gw2 is not a gateway chassis of this port\n',
    );
  });

  test('lrp-set-enabled / lrp-get-enabled; lrp-del', async () => {
    await kit.ok('lrp-set-enabled', 'lrp0', 'disabled');
    expect(await kit.ok('lrp-get-enabled', 'lrp0')).toEqual(['disabled']);
    await kit.ok('lrp-del', 'lrp0');
    expect(await kit.query('SELECT name FROM nb.logical_router_port')).toEqual([]);
    expect((await kit.nbctl('--if-exists', 'lrp-del', 'lrp0')).code).toBe(0);
  });
});
