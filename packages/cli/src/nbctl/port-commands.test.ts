import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type NbctlKit, startNbctlKit } from './test-kit.js';

let kit: NbctlKit;
beforeAll(async () => {
  kit = await startNbctlKit();
  await kit.ok('ls-add', 'sw0', '--', 'ls-add', 'sw1');
});
afterAll(() => kit.close());

const portCount = async () =>
  (await kit.query<{ n: number }>('SELECT count(*)::int AS n FROM nb.logical_switch_port'))[0]!.n;

describe('switch ports', () => {
  test('lsp-add, lsp-list, lsp-get-ls; a second add of the name fails', async () => {
    await kit.ok('lsp-add', 'sw0', 'p1', '--', 'lsp-add', 'sw0', 'p0');
    const rows = await kit.query<{ uuid: string; name: string }>(
      "SELECT p.uuid::text, p.name FROM nb.logical_switch_port p JOIN nb.logical_switch s ON s.uuid = p.switch_uuid WHERE s.name = 'sw0' ORDER BY p.name",
    );
    expect(await kit.ok('lsp-list', 'sw0')).toEqual(rows.map((r) => `${r.uuid} (${r.name})`));
    const sw0 = (
      await kit.query<{ uuid: string }>(
        "SELECT uuid::text FROM nb.logical_switch WHERE name = 'sw0'",
      )
    )[0]!.uuid;
    expect(await kit.ok('lsp-get-ls', 'p1')).toEqual([`${sw0} (sw0)`]);
    const again = await kit.nbctl('lsp-add', 'sw0', 'p1');
    expect(again).toMatchObject({ code: 1, err: 'nbctl: lsp-add: p1: port already exists\n' });
    await kit.ok('--may-exist', 'lsp-add', 'sw0', 'p1');
    const elsewhere = await kit.nbctl('--may-exist', 'lsp-add', 'sw1', 'p1');
    expect(elsewhere.err).toBe('nbctl: lsp-add: p1: port already exists but in switch sw0\n');
  });

  test('lsp-add to a missing switch names the switch', async () => {
    const r = await kit.nbctl('lsp-add', 'nosw', 'px');
    expect(r).toMatchObject({ code: 1, err: 'nbctl: lsp-add: nosw: switch not found\n' });
  });

  test('container ports: parent and tag, with the tag range checked before anything is written', async () => {
    await kit.ok('lsp-add', 'sw0', 'c1', 'p1', '42');
    expect(await kit.ok('lsp-get-parent', 'c1')).toEqual(['p1']);
    // northd assigns the tag; until then there is none to print.
    expect(await kit.ok('lsp-get-tag', 'c1')).toEqual([]);
    await kit.query("UPDATE nb.logical_switch_port SET tag = 42 WHERE name = 'c1'");
    expect(await kit.ok('lsp-get-tag', 'c1')).toEqual(['42']);
    expect(
      await kit.query("SELECT tag_request FROM nb.logical_switch_port WHERE name = 'c1'"),
    ).toEqual([{ tag_request: 42 }]);
    const before = await portCount();
    const r = await kit.nbctl('lsp-add', 'sw0', 'c2', 'p1', '4096');
    expect(r).toMatchObject({
      code: 1,
      err: 'nbctl: lsp-add: c2: tag 4096 out of range 0..4095\n',
    });
    const nan = await kit.nbctl('lsp-add', 'sw0', 'c2', 'p1', 'x1');
    expect(nan.err).toBe('nbctl: lsp-add: c2: tag "x1" is not an integer\n');
    expect(await portCount()).toBe(before);
    const mismatch = await kit.nbctl('--may-exist', 'lsp-add', 'sw0', 'c1', 'p1', '43');
    expect(mismatch.err).toBe('nbctl: lsp-add: c1: port already exists with tag 42\n');
  });

  test('addresses: set, get, clear; malformed MACs and IPs are refused', async () => {
    await kit.ok('lsp-set-addresses', 'p1', '00:00:00:00:00:01 10.0.0.1 fd00::1', 'unknown');
    expect(await kit.ok('lsp-get-addresses', 'p1')).toEqual([
      '00:00:00:00:00:01 10.0.0.1 fd00::1',
      'unknown',
    ]);
    const badMac = await kit.nbctl('lsp-set-addresses', 'p1', 'zz:00:00:00:00:01 10.0.0.1');
    expect(badMac).toMatchObject({
      code: 1,
      err: 'nbctl: lsp-set-addresses: p1: invalid MAC address "zz:00:00:00:00:01" in "zz:00:00:00:00:01 10.0.0.1"\n',
    });
    const badIp = await kit.nbctl('lsp-set-addresses', 'p1', '00:00:00:00:00:01 10.0.0.256');
    expect(badIp.err).toBe(
      'nbctl: lsp-set-addresses: p1: invalid IP address "10.0.0.256" in "00:00:00:00:00:01 10.0.0.256"\n',
    );
    expect(await kit.ok('lsp-get-addresses', 'p1')).toEqual([
      '00:00:00:00:00:01 10.0.0.1 fd00::1',
      'unknown',
    ]);
    await kit.ok('lsp-set-addresses', 'p1', 'dynamic');
    expect(await kit.ok('lsp-get-addresses', 'p1')).toEqual(['dynamic']);
    await kit.ok('lsp-set-addresses', 'p1');
    expect(await kit.ok('lsp-get-addresses', 'p1')).toEqual([]);
    expect((await kit.nbctl('lsp-set-addresses', 'ghost', 'unknown')).err).toBe(
      'nbctl: lsp-set-addresses: ghost: port not found\n',
    );
  });

  test('port security: set, get, refuse bad entries', async () => {
    await kit.ok('lsp-set-port-security', 'p1', '00:00:00:00:00:01 10.0.0.1 10.0.1.0/24');
    expect(await kit.ok('lsp-get-port-security', 'p1')).toEqual([
      '00:00:00:00:00:01 10.0.0.1 10.0.1.0/24',
    ]);
    const r = await kit.nbctl('lsp-set-port-security', 'p1', '00:00:00:00:00:01 10.0.0.0/33');
    expect(r.err).toBe(
      'nbctl: lsp-set-port-security: p1: invalid IP address or network "10.0.0.0/33" in port security "00:00:00:00:00:01 10.0.0.0/33"\n',
    );
  });

  test('type, options, enabled, up', async () => {
    expect(await kit.ok('lsp-get-type', 'p0')).toEqual(['']);
    await kit.ok(
      'lsp-set-type',
      'p0',
      'localnet',
      '--',
      'lsp-set-options',
      'p0',
      'network_name=physnet1',
      'foo=bar',
    );
    expect(await kit.ok('lsp-get-type', 'p0')).toEqual(['localnet']);
    expect(await kit.ok('lsp-get-options', 'p0')).toEqual(['foo=bar', 'network_name=physnet1']);
    expect((await kit.nbctl('lsp-set-type', 'p0', 'bogus')).err).toBe(
      'nbctl: lsp-set-type: p0: unknown port type "bogus"\n',
    );
    expect((await kit.nbctl('lsp-set-options', 'p0', 'novalue')).err).toBe(
      'nbctl: lsp-set-options: p0: "novalue" is not key=value\n',
    );
    expect(await kit.ok('lsp-get-enabled', 'p0')).toEqual(['enabled']);
    await kit.ok('lsp-set-enabled', 'p0', 'disabled');
    expect(await kit.ok('lsp-get-enabled', 'p0')).toEqual(['disabled']);
    expect((await kit.nbctl('lsp-set-enabled', 'p0', 'off')).code).toBe(1);
    expect(await kit.ok('lsp-get-up', 'p0')).toEqual(['down']);
    await kit.query("UPDATE nb.logical_switch_port SET up = true WHERE name = 'p0'");
    expect(await kit.ok('lsp-get-up', 'p0')).toEqual(['up']);
  });

  test('DHCPv4 options: point a port at a DHCP_Options row and back', async () => {
    await kit.ok('dhcp-options-create', '10.0.0.0/24');
    const [uuid] = await kit.ok('dhcp-options-list');
    await kit.ok('lsp-set-dhcpv4-options', 'p1', uuid!);
    expect(await kit.ok('lsp-get-dhcpv4-options', 'p1')).toEqual([`${uuid} (10.0.0.0/24)`]);
    const missing = await kit.nbctl(
      'lsp-set-dhcpv4-options',
      'p1',
      '00000000-0000-0000-0000-000000000000',
    );
    expect(missing.err).toBe(
      'nbctl: lsp-set-dhcpv4-options: 00000000-0000-0000-0000-000000000000: DHCP options not found\n',
    );
    await kit.ok('lsp-set-dhcpv4-options', 'p1');
    expect(await kit.ok('lsp-get-dhcpv4-options', 'p1')).toEqual([]);
    await kit.ok('dhcp-options-create', 'fd00::/64');
    const v6 = (
      await kit.query<{ uuid: string }>(
        'SELECT uuid::text FROM nb.dhcp_options WHERE family(cidr) = 6',
      )
    )[0]!.uuid;
    await kit.ok('lsp-set-dhcpv6-options', 'p1', v6);
    expect(await kit.ok('lsp-get-dhcpv6-options', 'p1')).toEqual([`${v6} (fd00::/64)`]);
  });

  test('lsp-del by name and by UUID; --if-exists', async () => {
    const { uuid } = (
      await kit.query<{ uuid: string }>(
        "SELECT uuid::text FROM nb.logical_switch_port WHERE name = 'c1'",
      )
    )[0]!;
    await kit.ok('lsp-del', uuid);
    await kit.ok('lsp-del', 'p0');
    expect(
      await kit.query("SELECT name FROM nb.logical_switch_port WHERE name IN ('c1', 'p0')"),
    ).toEqual([]);
    expect((await kit.nbctl('lsp-del', 'p0')).err).toBe('nbctl: lsp-del: p0: port not found\n');
    expect((await kit.nbctl('--if-exists', 'lsp-del', 'p0')).code).toBe(0);
  });

  test('lsp-add followed by setters of the same port (fused into one insert) gives the same result', async () => {
    await kit.ok(
      'lsp-add',
      'sw1',
      'f1',
      '--',
      'lsp-set-addresses',
      'f1',
      '00:00:00:00:00:f1 10.0.0.241',
      '--',
      'lsp-set-port-security',
      'f1',
      '00:00:00:00:00:f1',
    );
    expect(
      await kit.query(
        "SELECT addresses, port_security FROM nb.logical_switch_port WHERE name = 'f1'",
      ),
    ).toEqual([
      { addresses: ['00:00:00:00:00:f1 10.0.0.241'], port_security: ['00:00:00:00:00:f1'] },
    ]);
    // The port exists now: --may-exist makes the add a no-op and the setters update it.
    await kit.ok('--may-exist', 'lsp-add', 'sw1', 'f1', '--', 'lsp-set-addresses', 'f1', 'unknown');
    expect(await kit.ok('lsp-get-addresses', 'f1')).toEqual(['unknown']);
    const dup = await kit.nbctl('lsp-add', 'sw1', 'f1', '--', 'lsp-set-addresses', 'f1', 'dynamic');
    expect(dup.err).toBe('nbctl: lsp-add: f1: port already exists\n');
    expect(await kit.ok('lsp-get-addresses', 'f1')).toEqual(['unknown']);
    // A second setter of the same column still wins, as it would run after the first.
    await kit.ok(
      'lsp-add',
      'sw1',
      'f2',
      '--',
      'lsp-set-addresses',
      'f2',
      'unknown',
      '--',
      'lsp-set-addresses',
      'f2',
      'dynamic',
    );
    expect(await kit.ok('lsp-get-addresses', 'f2')).toEqual(['dynamic']);
  });

  test('a run of lsp-adds (loaded in one statement) behaves as the commands one by one', async () => {
    await kit.ok(
      ...['lsp-add', 'sw1', 'g1', '--', 'lsp-set-port-security', 'g1', '00:00:00:00:00:a1'],
      ...['--', 'lsp-add', 'sw1', 'g2', 'g1', '7', '--', 'lsp-set-addresses', 'g2', 'unknown'],
      ...['--', '--may-exist', 'lsp-add', 'sw1', 'f1', '--', 'lsp-set-addresses', 'f1', 'router'],
      ...['--', 'lsp-add', 'sw1', 'g3'],
    );
    expect(
      await kit.query(
        "SELECT name, parent_name, tag_request, addresses, port_security FROM nb.logical_switch_port WHERE name IN ('g1', 'g2', 'g3', 'f1') ORDER BY name",
      ),
    ).toEqual([
      {
        name: 'f1',
        parent_name: null,
        tag_request: null,
        addresses: ['router'],
        port_security: ['00:00:00:00:00:f1'],
      },
      {
        name: 'g1',
        parent_name: null,
        tag_request: null,
        addresses: [],
        port_security: ['00:00:00:00:00:a1'],
      },
      { name: 'g2', parent_name: 'g1', tag_request: 7, addresses: ['unknown'], port_security: [] },
      { name: 'g3', parent_name: null, tag_request: null, addresses: [], port_security: [] },
    ]);
    // A name repeated within the run fails as the second lsp-add would, and nothing is written.
    const before = await portCount();
    const dup = await kit.nbctl(
      'lsp-add',
      'sw1',
      'h1',
      '--',
      'lsp-add',
      'sw1',
      'h2',
      '--',
      'lsp-add',
      'sw1',
      'h1',
    );
    expect(dup.err).toBe('nbctl: lsp-add: h1: port already exists\n');
    expect(await portCount()).toBe(before);
  });

  test('a row of such a run refused by the database is blamed on its own command; nothing is written', async () => {
    await kit.query(
      "ALTER TABLE nb.logical_switch_port ADD CONSTRAINT test_forbidden CHECK (name <> 'forbidden')",
    );
    try {
      const before = await portCount();
      const r = await kit.nbctl(
        ...['lsp-add', 'sw1', 'k1', '--', 'lsp-set-addresses', 'k1', 'unknown'],
        ...['--', 'lsp-add', 'sw1', 'forbidden', '--', 'lsp-add', 'sw1', 'k2'],
      );
      expect(r.err).toMatch(/^nbctl: lsp-add: the database refused the change: .*test_forbidden/);
      expect(await portCount()).toBe(before);
    } finally {
      await kit.query('ALTER TABLE nb.logical_switch_port DROP CONSTRAINT test_forbidden');
    }
  });

  test('lsp-add-router-port and lsp-add-localnet-port', async () => {
    await kit.ok(
      'lsp-add-router-port',
      'sw1',
      'sw1-lr0',
      'lr0-sw1',
      '--',
      'lsp-add-localnet-port',
      'sw1',
      'ln1',
      'physnet1',
    );
    expect(
      await kit.query(
        "SELECT name, type, options, addresses FROM nb.logical_switch_port WHERE name IN ('sw1-lr0', 'ln1') ORDER BY name",
      ),
    ).toEqual([
      {
        name: 'ln1',
        type: 'localnet',
        options: { network_name: 'physnet1' },
        addresses: ['unknown'],
      },
      {
        name: 'sw1-lr0',
        type: 'router',
        options: { 'router-port': 'lr0-sw1' },
        addresses: ['router'],
      },
    ]);
    await kit.ok('--may-exist', 'lsp-add-router-port', 'sw1', 'sw1-lr0', 'lr0-sw1');
    const other = await kit.nbctl(
      '--may-exist',
      'lsp-add-router-port',
      'sw1',
      'sw1-lr0',
      'lr9-sw1',
    );
    expect(other.err).toBe(
      'nbctl: lsp-add-router-port: sw1-lr0: port already exists with another switch, type or router-port (sw1, "router", lr0-sw1)\n',
    );
  });

  test('an IP used by another port of the same switch is refused, as ovn-nbctl does', async () => {
    await kit.ok(
      'ls-add',
      'dupsw',
      '--',
      'lsp-add',
      'dupsw',
      'd1',
      '--',
      'lsp-set-addresses',
      'd1',
      '00:00:00:00:0d:01 10.9.0.1 fd09::1',
    );
    const r = await kit.nbctl(
      'lsp-add',
      'dupsw',
      'd2',
      '--',
      'lsp-set-addresses',
      'd2',
      '00:00:00:00:0d:02 10.9.0.2 fd09:0::1',
    );
    expect(r.err).toBe(
      'nbctl: lsp-set-addresses: d2: IP address fd09::1 is already used by port d1 on switch dupsw\n',
    );
    expect(await kit.query("SELECT 1 FROM nb.logical_switch_port WHERE name = 'd2'")).toEqual([]);
    // Within one batch too, and through the one-statement load path.
    const batch = await kit.nbctl(
      ...['lsp-add', 'dupsw', 'd3', '--', 'lsp-set-addresses', 'd3', '00:00:00:00:0d:03 10.9.0.3'],
      ...[
        '--',
        'lsp-add',
        'dupsw',
        'd4',
        '--',
        'lsp-set-addresses',
        'd4',
        '00:00:00:00:0d:04 10.9.0.3',
      ],
    );
    expect(batch.err).toBe(
      'nbctl: lsp-set-addresses: d3: IP address 10.9.0.3 is already used by port d4 on switch dupsw\n',
    );
    // The same IP on another switch is fine; so are MAC-only and unknown addresses.
    await kit.ok(
      'lsp-add',
      'sw1',
      'd5',
      '--',
      'lsp-set-addresses',
      'd5',
      '00:00:00:00:0d:05 10.9.0.1',
      'unknown',
    );
  });

  test('deleting a switch deletes its ports', async () => {
    await kit.ok('ls-add', 'tmp', '--', 'lsp-add', 'tmp', 'tp1', '--', 'lsp-add', 'tmp', 'tp2');
    await kit.ok('ls-del', 'tmp');
    expect(
      await kit.query("SELECT name FROM nb.logical_switch_port WHERE name LIKE 'tp%'"),
    ).toEqual([]);
  });
});
