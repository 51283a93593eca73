import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type NbctlKit, startNbctlKit } from './test-kit.js';

let kit: NbctlKit;
beforeAll(async () => {
  kit = await startNbctlKit();
  await kit.ok('lr-add', 'lr0', '--', 'ls-add', 'sw0', '--', 'lsp-add', 'sw0', 'vm1');
});
afterAll(() => kit.close());

describe('NAT', () => {
  test('lr-nat-add snat, dnat, distributed dnat_and_snat; lr-nat-list', async () => {
    await kit.ok('lr-nat-add', 'lr0', 'snat', '172.16.0.1', '10.0.0.0/24');
    await kit.ok('lr-nat-add', 'lr0', 'dnat', '172.16.0.2', '10.0.0.2');
    await kit.ok(
      'lr-nat-add',
      'lr0',
      'dnat_and_snat',
      '172.16.0.3',
      '10.0.0.3',
      'vm1',
      '00:00:00:00:01:03',
    );
    expect(await kit.ok('lr-nat-list', 'lr0')).toEqual([
      'TYPE             EXTERNAL_IP        EXTERNAL_PORT    LOGICAL_IP          EXTERNAL_MAC         LOGICAL_PORT',
      'dnat             172.16.0.2                          10.0.0.2',
      'dnat_and_snat    172.16.0.3                          10.0.0.3            00:00:00:00:01:03    vm1',
      'snat             172.16.0.1                          10.0.0.0/24',
    ]);
  });

  test('invalid types, IPs, families, MACs and ports are refused', async () => {
    const err = async (...args: string[]) => (await kit.nbctl(...args)).err;
    expect(await err('lr-nat-add', 'lr0', 'masq', '172.16.0.9', '10.0.0.9')).toBe(
      'nbctl: lr-nat-add: lr0: NAT type must be one of snat, dnat, dnat_and_snat, not "masq"\n',
    );
    expect(await err('lr-nat-add', 'lr0', 'dnat', '172.16.0.300', '10.0.0.9')).toBe(
      'nbctl: lr-nat-add: lr0: invalid external IP "172.16.0.300" (expected an IP address)\n',
    );
    expect(await err('lr-nat-add', 'lr0', 'dnat', '172.16.0.9', '10.0.0.0/24')).toBe(
      'nbctl: lr-nat-add: lr0: invalid logical IP "10.0.0.0/24" (expected an IP address)\n',
    );
    expect(await err('lr-nat-add', 'lr0', 'dnat', '172.16.0.9', 'fd00::9')).toBe(
      'nbctl: lr-nat-add: lr0: external IP 172.16.0.9 and logical IP fd00::9 are of different families\n',
    );
    expect(
      await err(
        'lr-nat-add',
        'lr0',
        'dnat_and_snat',
        '172.16.0.9',
        '10.0.0.9',
        'vm1',
        '00:00:00:00:01',
      ),
    ).toBe('nbctl: lr-nat-add: lr0: invalid MAC address "00:00:00:00:01"\n');
    expect(
      await err(
        'lr-nat-add',
        'lr0',
        'dnat_and_snat',
        '172.16.0.9',
        '10.0.0.9',
        'vm9',
        '00:00:00:00:01:09',
      ),
    ).toBe('nbctl: lr-nat-add: vm9: port not found\n');
    expect(await err('lr-nat-add', 'lr0', 'snat', '172.16.0.1', '10.0.0.0/24')).toBe(
      'nbctl: lr-nat-add: lr0: a snat NAT with external IP 172.16.0.1 and logical IP 10.0.0.0/24 already exists\n',
    );
    expect(await err('lr-nat-add', 'lr0', 'dnat', '172.16.0.2', '10.0.0.7')).toBe(
      'nbctl: lr-nat-add: lr0: a dnat NAT for external IP 172.16.0.2 already exists\n',
    );
    expect((await kit.query('SELECT count(*)::int AS n FROM nb.nat'))[0]).toEqual({ n: 3 });
    await kit.ok('--may-exist', 'lr-nat-add', 'lr0', 'snat', '172.16.0.1', '10.0.0.0/24');
  });

  test('lr-nat-del by type and IP, by type, all', async () => {
    await kit.ok('lr-nat-del', 'lr0', 'snat', '10.0.0.0/24');
    expect((await kit.nbctl('lr-nat-del', 'lr0', 'snat', '10.0.0.0/24')).err).toBe(
      'nbctl: lr-nat-del: lr0: no snat NAT with logical IP 10.0.0.0/24\n',
    );
    await kit.ok('lr-nat-del', 'lr0', 'dnat', '172.16.0.2');
    expect(await kit.query('SELECT type FROM nb.nat')).toEqual([{ type: 'dnat_and_snat' }]);
    await kit.ok('lr-nat-del', 'lr0');
    expect(await kit.query('SELECT type FROM nb.nat')).toEqual([]);
  });
});
