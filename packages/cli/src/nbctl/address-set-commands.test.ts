import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type NbctlKit, startNbctlKit } from './test-kit.js';

let kit: NbctlKit;
beforeAll(async () => {
  kit = await startNbctlKit();
});
afterAll(() => kit.close());

describe('address sets', () => {
  test('as-add, as-list, as-add-addr, as-del-addr, as-del', async () => {
    await kit.ok('as-add', 'as1', '10.0.0.1', '10.0.1.0/24', '00:00:00:00:00:0A');
    expect(await kit.ok('as-list')).toEqual(['as1: 10.0.0.1 10.0.1.0/24 00:00:00:00:00:0a']);
    await kit.ok('as-add-addr', 'as1', 'fd00::1', '10.0.0.1');
    expect(await kit.query("SELECT addresses FROM nb.address_set WHERE name = 'as1'")).toEqual([
      { addresses: ['10.0.0.1', '10.0.1.0/24', '00:00:00:00:00:0a', 'fd00::1'] },
    ]);
    await kit.ok('as-del-addr', 'as1', '10.0.0.1');
    await kit.ok('as-add', 'as0');
    expect(await kit.ok('as-list', 'as1')).toEqual(['as1: 10.0.1.0/24 00:00:00:00:00:0a fd00::1']);
    expect(await kit.ok('as-list')).toEqual(['as0:', 'as1: 10.0.1.0/24 00:00:00:00:00:0a fd00::1']);
    expect((await kit.nbctl('as-del-addr', 'as1', '10.0.0.1')).err).toBe(
      'nbctl: as-del-addr: as1: address 10.0.0.1 is not in the set\n',
    );
    expect((await kit.nbctl('as-add', 'as2', '10.0.0.300')).err).toBe(
      'nbctl: as-add: as2: invalid address "10.0.0.300" (expected an IP address, a prefix IP/LEN or a MAC)\n',
    );
    expect((await kit.nbctl('as-add', 'as1')).err).toBe(
      'nbctl: as-add: as1: address set already exists\n',
    );
    await kit.ok('as-del', 'as1', '--', 'as-del', 'as0');
    expect(await kit.ok('as-list')).toEqual([]);
  });

  test('the generic create Address_Set works as in ovn-nbctl', async () => {
    const [uuid] = await kit.ok(
      'create',
      'Address_Set',
      'name=as3',
      'addresses="10.0.0.1","10.0.0.2"',
    );
    expect(await kit.query('SELECT uuid::text, addresses FROM nb.address_set')).toEqual([
      { uuid, addresses: ['10.0.0.1', '10.0.0.2'] },
    ]);
  });
});
