import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type NbctlKit, startNbctlKit } from './test-kit.js';

let kit: NbctlKit;
beforeAll(async () => {
  kit = await startNbctlKit();
  await kit.ok('ls-add', 'sw0', '--', 'lr-add', 'lr0');
});
afterAll(() => kit.close());

const vips = async (name: string) =>
  (
    await kit.query<{ vips: Record<string, string>; protocol: string }>(
      'SELECT vips, protocol FROM nb.load_balancer WHERE name = $1',
      [name],
    )
  )[0];

describe('load balancers', () => {
  test('lb-add creates, a second VIP joins the same LB, lb-list shows one line per VIP', async () => {
    await kit.ok('lb-add', 'lb0', '30.0.0.10:80', '192.168.10.10:80,192.168.10.20:80', 'udp');
    await kit.ok('lb-add', 'lb0', '30.0.0.11:80', '192.168.10.30:80', 'udp');
    await kit.ok('lb-add', 'lb1', 'fd0f::1', 'fdef::1,fdef::2');
    expect(await vips('lb0')).toEqual({
      vips: {
        '30.0.0.10:80': '192.168.10.10:80,192.168.10.20:80',
        '30.0.0.11:80': '192.168.10.30:80',
      },
      protocol: 'udp',
    });
    const uuids = await kit.query<{ uuid: string; name: string }>(
      'SELECT uuid::text, name FROM nb.load_balancer ORDER BY name',
    );
    expect(await kit.ok('lb-list')).toEqual([
      'UUID                                    LB                  PROTO      VIP             IPs',
      `${uuids[0]!.uuid}    lb0                 udp        30.0.0.10:80    192.168.10.10:80,192.168.10.20:80`,
      `${' '.repeat(60)}udp        30.0.0.11:80    192.168.10.30:80`,
      `${uuids[1]!.uuid}    lb1                            fd0f::1         fdef::1,fdef::2`,
    ]);
  });

  test('VIPs and backends are checked: family, ports, protocol', async () => {
    const err = async (...args: string[]) => (await kit.nbctl(...args)).err;
    expect(await err('lb-add', 'lb2', '30.0.0.300:80', '10.0.0.1:80')).toBe(
      'nbctl: lb-add: lb2: invalid VIP "30.0.0.300:80" (expected IP, IP:PORT or [IPv6]:PORT)\n',
    );
    expect(await err('lb-add', 'lb2', '30.0.0.1:80', '10.0.0.1')).toBe(
      'nbctl: lb-add: lb2: backend 10.0.0.1 needs a port, as VIP 30.0.0.1:80 has one\n',
    );
    expect(await err('lb-add', 'lb2', '30.0.0.1', 'fdef::1')).toBe(
      'nbctl: lb-add: lb2: backend fdef::1 is not in the address family of VIP 30.0.0.1\n',
    );
    expect(await err('lb-add', 'lb2', '30.0.0.1:70000', '10.0.0.1:80')).toBe(
      'nbctl: lb-add: lb2: port 70000 of VIP "30.0.0.1:70000" out of range 1..65535\n',
    );
    expect(await err('lb-add', 'lb2', '30.0.0.1', '10.0.0.1', 'tcp')).toBe(
      'nbctl: lb-add: lb2: a protocol needs a VIP with a port\n',
    );
    expect(await err('lb-add', 'lb2', '30.0.0.1:80', '10.0.0.1:80', 'icmp')).toBe(
      'nbctl: lb-add: lb2: protocol must be tcp, udp or sctp, not "icmp"\n',
    );
    expect(await err('lb-add', 'lb0', '30.0.0.10:80', '10.0.0.1:80', 'udp')).toBe(
      'nbctl: lb-add: lb0: VIP 30.0.0.10:80 already exists\n',
    );
    await kit.ok('--may-exist', 'lb-add', 'lb0', '30.0.0.10:80', '10.0.0.1:80', 'udp');
    expect((await vips('lb0'))!.vips['30.0.0.10:80']).toBe('10.0.0.1:80');
  });

  test('--add-duplicate makes a second LB of the same name, which then needs a UUID', async () => {
    await kit.ok('--add-duplicate', 'lb-add', 'lb1', 'fd0f::2', 'fdef::3');
    const ids = (
      await kit.query<{ uuid: string }>(
        "SELECT uuid::text FROM nb.load_balancer WHERE name = 'lb1' ORDER BY uuid",
      )
    ).map((r) => r.uuid);
    expect((await kit.nbctl('lb-del', 'lb1')).err).toBe(
      `nbctl: lb-del: lb1: 2 load balancers are named "lb1": use a UUID (candidates: ${ids.join(', ')})\n`,
    );
    await kit.ok('lb-del', ids[1]!);
  });

  test('attach to a switch and a router, list, detach', async () => {
    await kit.ok(
      'ls-lb-add',
      'sw0',
      'lb0',
      '--',
      'lr-lb-add',
      'lr0',
      'lb0',
      '--',
      'lr-lb-add',
      'lr0',
      'lb1',
    );
    const csv = await kit.ok('--format=csv', 'ls-lb-list', 'sw0');
    expect(csv[0]).toBe('uuid,name,protocol,vip,backends');
    expect(csv.slice(1).map((l) => l.split(',').slice(1, 4))).toEqual([
      ['lb0', 'udp', '30.0.0.10:80'],
      ['lb0', 'udp', '30.0.0.11:80'],
    ]);
    expect((await kit.nbctl('ls-lb-add', 'sw0', 'lb0')).err).toBe(
      'nbctl: ls-lb-add: lb0: load balancer is already on switch sw0\n',
    );
    await kit.ok('--may-exist', 'ls-lb-add', 'sw0', 'lb0');
    expect(
      await kit.query('SELECT count(*)::int AS n FROM nb.logical_router_load_balancer'),
    ).toEqual([{ n: 2 }]);
    const onRouter = await kit.ok('--format=csv', 'lr-lb-list', 'lr0');
    expect(onRouter.slice(1).map((l) => l.split(',')[1])).toEqual(['lb0', 'lb0', 'lb1']);
    // Which of the two lb1s survived the previous test depends on their random UUIDs.
    const lb1Vips = (await kit.ok('--format=csv', 'lb-list', 'lb1'))
      .slice(1)
      .map((l) => l.split(',')[3]);
    expect(lb1Vips).toEqual([expect.stringMatching(/^fd0f::[12]$/)]);
    await kit.ok('lr-lb-del', 'lr0', 'lb1');
    expect((await kit.nbctl('lr-lb-del', 'lr0', 'lb1')).err).toBe(
      'nbctl: lr-lb-del: lb1: load balancer is not on router lr0\n',
    );
    await kit.ok('lr-lb-del', 'lr0', '--', 'ls-lb-del', 'sw0');
    expect(
      await kit.query('SELECT count(*)::int AS n FROM nb.logical_router_load_balancer'),
    ).toEqual([{ n: 0 }]);
    expect(await kit.ok('ls-lb-list', 'sw0')).toEqual([]);
  });

  test('lb-del of one VIP, then of the LB', async () => {
    await kit.ok('lb-del', 'lb0', '30.0.0.11:80');
    expect(Object.keys((await vips('lb0'))!.vips)).toEqual(['30.0.0.10:80']);
    expect((await kit.nbctl('lb-del', 'lb0', '30.0.0.11:80')).err).toBe(
      'nbctl: lb-del: lb0: VIP 30.0.0.11:80 not found\n',
    );
    await kit.ok('--if-exists', 'lb-del', 'lb0', '30.0.0.11:80');
    await kit.ok('lb-del', 'lb0');
    expect(await vips('lb0')).toBeUndefined();
  });
});
