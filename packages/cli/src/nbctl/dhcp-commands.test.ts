import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type NbctlKit, startNbctlKit } from './test-kit.js';

let kit: NbctlKit;
beforeAll(async () => {
  kit = await startNbctlKit();
});
afterAll(() => kit.close());

describe('DHCP options', () => {
  test('create, list, set and get options, delete', async () => {
    await kit.ok('dhcp-options-create', '10.0.0.0/24', 'owner=test');
    const [uuid] = await kit.ok('dhcp-options-list');
    expect(
      await kit.query('SELECT uuid::text, cidr::text, external_ids FROM nb.dhcp_options'),
    ).toEqual([{ uuid, cidr: '10.0.0.0/24', external_ids: { owner: 'test' } }]);
    await kit.ok(
      'dhcp-options-set-options',
      uuid!,
      'lease_time=3600',
      'router=10.0.0.1',
      'server_id=10.0.0.1',
      'server_mac=c0:ff:ee:00:00:01',
    );
    expect(await kit.ok('dhcp-options-get-options', uuid!)).toEqual([
      'lease_time=3600',
      'router=10.0.0.1',
      'server_id=10.0.0.1',
      'server_mac=c0:ff:ee:00:00:01',
    ]);
    await kit.ok('dhcp-options-del', uuid!);
    expect(await kit.ok('dhcp-options-list')).toEqual([]);
  });

  test('a CIDR with host bits, a malformed CIDR and a non-UUID are refused', async () => {
    expect((await kit.nbctl('dhcp-options-create', '10.0.0.1/24')).err).toBe(
      'nbctl: dhcp-options-create: 10.0.0.1/24: host bits are set: did you mean 10.0.0.0/24?\n',
    );
    expect((await kit.nbctl('dhcp-options-create', '10.0.0.0')).err).toBe(
      'nbctl: dhcp-options-create: 10.0.0.0: invalid CIDR (expected NETWORK/PREFIXLEN)\n',
    );
    expect((await kit.nbctl('dhcp-options-get-options', 'abc')).err).toBe(
      'nbctl: dhcp-options-get-options: abc: not a DHCP_Options UUID\n',
    );
    expect((await kit.nbctl('dhcp-options-del', '00000000-0000-0000-0000-000000000001')).err).toBe(
      'nbctl: dhcp-options-del: 00000000-0000-0000-0000-000000000001: DHCP options not found\n',
    );
  });
});
