import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type NbctlKit, startNbctlKit } from './test-kit.js';

let kit: NbctlKit;
beforeAll(async () => {
  kit = await startNbctlKit();
  await kit.ok(
    'lr-add',
    'lr0',
    '--',
    'lrp-add',
    'lr0',
    'lrp0',
    '00:00:00:00:ff:01',
    '10.0.0.1/24',
    'fd00::1/64',
  );
});
afterAll(() => kit.close());

const routes = () =>
  kit.query<{
    prefix: string;
    nexthop: string;
    policy: string | null;
    route_table: string;
    output_port: string | null;
  }>(
    'SELECT ip_prefix::text AS prefix, nexthop, policy, route_table, output_port FROM nb.logical_router_static_route ORDER BY ip_prefix, nexthop',
  );

describe('static routes', () => {
  test('lr-route-add stores the network of the prefix; a duplicate needs --ecmp or --may-exist', async () => {
    await kit.ok('lr-route-add', 'lr0', '192.168.1.7/24', '10.0.0.2');
    expect(await routes()).toEqual([
      {
        prefix: '192.168.1.0/24',
        nexthop: '10.0.0.2',
        policy: null,
        route_table: '',
        output_port: null,
      },
    ]);
    const dup = await kit.nbctl('lr-route-add', 'lr0', '192.168.1.0/24', '10.0.0.3');
    expect(dup.err).toBe(
      'nbctl: lr-route-add: lr0: duplicate prefix: 192.168.1.0/24 (policy: dst-ip); use --ecmp to add an ECMP route\n',
    );
    await kit.ok('--ecmp', 'lr-route-add', 'lr0', '192.168.1.0/24', '10.0.0.3');
    expect(
      (await kit.nbctl('--ecmp', 'lr-route-add', 'lr0', '192.168.1.0/24', '10.0.0.3')).err,
    ).toBe(
      'nbctl: lr-route-add: lr0: duplicate nexthop 10.0.0.3 for prefix 192.168.1.0/24 (policy: dst-ip)\n',
    );
    await kit.ok('lr-route-add', 'lr0', '0.0.0.0/0', '10.0.0.254', 'lrp0');
    await kit.ok('--policy=src-ip', 'lr-route-add', 'lr0', '10.0.0.5', 'discard');
    await kit.ok('--route-table=rtb1', 'lr-route-add', 'lr0', '172.16.0.0/16', '10.0.0.9');
    await kit.ok('lr-route-add', 'lr0', 'fd01::/64', 'fd00::2');
  });

  test('lr-route-list groups by family and route table, longest prefix first, marks ECMP', async () => {
    expect(await kit.ok('lr-route-list', 'lr0')).toEqual([
      'IPv4 Routes',
      'Route Table <main>:',
      '                 10.0.0.5                   discard src-ip',
      '           192.168.1.0/24                  10.0.0.2 dst-ip ecmp',
      '           192.168.1.0/24                  10.0.0.3 dst-ip ecmp',
      '                0.0.0.0/0                10.0.0.254 dst-ip lrp0',
      '',
      'Route Table rtb1:',
      '            172.16.0.0/16                  10.0.0.9 dst-ip',
      '',
      'IPv6 Routes',
      'Route Table <main>:',
      '                fd01::/64                   fd00::2 dst-ip',
    ]);
  });

  test('bad prefixes, next hops, families, policies and ports are refused', async () => {
    const err = async (...args: string[]) => (await kit.nbctl(...args)).err;
    expect(await err('lr-route-add', 'lr0', '10.0.0.0/33', '10.0.0.1')).toBe(
      'nbctl: lr-route-add: lr0: invalid prefix "10.0.0.0/33"\n',
    );
    expect(await err('lr-route-add', 'lr0', '10.1.0.0/16', '10.0.0')).toBe(
      'nbctl: lr-route-add: lr0: invalid next hop "10.0.0" (expected an IP address or discard)\n',
    );
    expect(await err('lr-route-add', 'lr0', '10.1.0.0/16', 'fd00::5')).toBe(
      'nbctl: lr-route-add: lr0: next hop fd00::5 is not in the address family of 10.1.0.0/16\n',
    );
    expect(await err('--policy=foo', 'lr-route-add', 'lr0', '10.1.0.0/16', '10.0.0.1')).toBe(
      'nbctl: lr-route-add: lr0: policy must be "dst-ip" or "src-ip", not "foo"\n',
    );
    expect(await err('lr-route-add', 'lr0', '10.1.0.0/16', '10.0.0.1', 'nope')).toBe(
      'nbctl: lr-route-add: nope: router port not found\n',
    );
  });

  test('--may-exist replaces the next hop of an existing route', async () => {
    await kit.ok('--may-exist', 'lr-route-add', 'lr0', '0.0.0.0/0', '10.0.0.253');
    expect((await routes()).find((r) => r.prefix === '0.0.0.0/0')).toMatchObject({
      nexthop: '10.0.0.253',
      output_port: null,
    });
  });

  test('lr-route-del: one next hop, a prefix, a route table, everything; missing is an error unless --if-exists', async () => {
    await kit.ok('lr-route-del', 'lr0', '192.168.1.0/24', '10.0.0.3');
    expect(
      (await routes()).filter((r) => r.prefix === '192.168.1.0/24').map((r) => r.nexthop),
    ).toEqual(['10.0.0.2']);
    expect((await kit.nbctl('lr-route-del', 'lr0', '192.168.9.0/24')).err).toBe(
      'nbctl: lr-route-del: lr0: no matching route (policy: any, prefix: 192.168.9.0/24)\n',
    );
    await kit.ok('--if-exists', 'lr-route-del', 'lr0', '192.168.9.0/24');
    await kit.ok('--route-table=rtb1', 'lr-route-del', 'lr0');
    expect((await routes()).some((r) => r.route_table === 'rtb1')).toBe(false);
    await kit.ok('lr-route-del', 'lr0');
    expect(await routes()).toEqual([]);
  });
});
