import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type NbctlKit, startNbctlKit } from './test-kit.js';

let kit: NbctlKit;
beforeAll(async () => {
  kit = await startNbctlKit();
  await kit.ok(
    'ls-add',
    'sw0',
    '--',
    'lsp-add',
    'sw0',
    'p1',
    '--',
    'lsp-add',
    'sw0',
    'p2',
    '--',
    'pg-add',
    'pg1',
    'p1',
  );
});
afterAll(() => kit.close());

const aclCount = async () =>
  (await kit.query<{ n: number }>('SELECT count(*)::int AS n FROM nb.acl'))[0]!.n;

describe('ACLs', () => {
  test('acl-add on a switch and on a port group; acl-list in ovn-nbctl order and layout', async () => {
    await kit.ok('acl-add', 'sw0', 'to-lport', '100', 'ip4', 'allow-related');
    await kit.ok(
      '--log',
      '--name=web',
      '--severity=warning',
      'acl-add',
      'sw0',
      'from-lport',
      '1001',
      'tcp.dst == 80',
      'drop',
    );
    await kit.ok(
      'acl-add',
      'sw0',
      'from-lport',
      '2000',
      'arp',
      'allow',
      '--',
      '--label=7',
      'acl-add',
      'sw0',
      'to-lport',
      '200',
      'ip6',
      'reject',
    );
    expect(await kit.ok('acl-list', 'sw0')).toEqual([
      'from-lport  2000 (arp) allow [tier 0]',
      'from-lport  1001 (tcp.dst == 80) drop log(name=web,severity=warning) [tier 0]',
      '  to-lport   200 (ip6) reject label=7 [tier 0]',
      '  to-lport   100 (ip4) allow-related [tier 0]',
    ]);
    await kit.ok('acl-add', 'pg1', 'to-lport', '300', 'outport == @pg1 && ip4', 'drop');
    expect(await kit.ok('acl-list', 'pg1')).toEqual([
      '  to-lport   300 (outport == @pg1 && ip4) drop [tier 0]',
    ]);
  });

  test('values out of range or unknown are refused and nothing is written', async () => {
    const before = await aclCount();
    const err = async (...args: string[]) => (await kit.nbctl(...args)).err;
    expect(await err('acl-add', 'sw0', 'to-lport', '40000', 'ip4', 'drop')).toBe(
      'nbctl: acl-add: sw0: priority 40000 out of range 0..32767\n',
    );
    expect(await err('acl-add', 'sw0', 'sideways', '1', 'ip4', 'drop')).toBe(
      'nbctl: acl-add: sw0: direction must be from-lport or to-lport, not "sideways"\n',
    );
    expect(await err('acl-add', 'sw0', 'to-lport', '1', 'ip4', 'permit')).toBe(
      'nbctl: acl-add: sw0: verdict must be one of allow, allow-related, allow-stateless, drop, reject, pass, not "permit"\n',
    );
    expect(await err('--severity=loud', 'acl-add', 'sw0', 'to-lport', '1', 'ip4', 'drop')).toBe(
      'nbctl: acl-add: sw0: severity must be one of alert, warning, notice, info, debug, not "loud"\n',
    );
    expect(await err('--label=-1', 'acl-add', 'sw0', 'to-lport', '1', 'ip4', 'drop')).toBe(
      'nbctl: acl-add: sw0: label -1 out of range 0..4294967295\n',
    );
    expect(await err('--type=bridge', 'acl-add', 'sw0', 'to-lport', '1', 'ip4', 'drop')).toBe(
      'nbctl: acl-add: invalid value "bridge" for option --type (switch or port-group)\n',
    );
    expect(await err('acl-add', 'nowhere', 'to-lport', '1', 'ip4', 'drop')).toBe(
      'nbctl: acl-add: nowhere: no port group or switch has this name\n',
    );
    expect(await err('acl-add', 'sw0', 'to-lport', '100', 'ip4', 'allow-related')).toBe(
      'nbctl: acl-add: sw0: the same ACL already exists (to-lport 100 (ip4) allow-related)\n',
    );
    expect(await aclCount()).toBe(before);
    await kit.ok('--may-exist', 'acl-add', 'sw0', 'to-lport', '100', 'ip4', 'allow-related');
    expect(await aclCount()).toBe(before);
  });

  test('a name used by a switch and a port group needs --type', async () => {
    await kit.ok('ls-add', 'pg1');
    const r = await kit.nbctl('acl-list', 'pg1');
    expect(r.err).toBe(
      'nbctl: acl-list: pg1: both a port group and a switch have this name: use --type=port-group or --type=switch, or a UUID\n',
    );
    expect(await kit.ok('--type=port-group', 'acl-list', 'pg1')).toHaveLength(1);
    expect(await kit.ok('--type=switch', 'acl-list', 'pg1')).toEqual([]);
    await kit.ok('ls-del', 'pg1');
  });

  test('acl-del: one ACL, one direction, all', async () => {
    await kit.ok('acl-del', 'sw0', 'to-lport', '200', 'ip6');
    expect(await kit.ok('acl-list', 'sw0')).toHaveLength(3);
    expect((await kit.nbctl('acl-del', 'sw0', 'to-lport', '200', 'ip6')).err).toBe(
      'nbctl: acl-del: sw0: no ACL to-lport 200 (ip6)\n',
    );
    expect((await kit.nbctl('acl-del', 'sw0', 'to-lport', '200')).err).toBe(
      'nbctl: acl-del: cannot specify a priority without a match\n',
    );
    await kit.ok('acl-del', 'sw0', 'from-lport');
    expect(await kit.ok('acl-list', 'sw0')).toEqual([
      '  to-lport   100 (ip4) allow-related [tier 0]',
    ]);
    await kit.ok('acl-del', 'sw0');
    expect(await kit.ok('acl-list', 'sw0')).toEqual([]);
  });
});

describe('port groups', () => {
  test('pg-add with ports, pg-get-ports, pg-set-ports, pg-del', async () => {
    expect(await kit.ok('pg-get-ports', 'pg1')).toEqual(['p1']);
    await kit.ok('pg-set-ports', 'pg1', 'p1', 'p2');
    expect(await kit.ok('pg-get-ports', 'pg1')).toEqual(['p1', 'p2']);
    expect((await kit.nbctl('pg-set-ports', 'pg1', 'p1', 'p9')).err).toBe(
      'nbctl: pg-set-ports: p9: port not found\n',
    );
    expect(await kit.ok('pg-get-ports', 'pg1')).toEqual(['p1', 'p2']);
    expect((await kit.nbctl('pg-add', 'pg1')).err).toBe(
      'nbctl: pg-add: pg1: port group already exists\n',
    );
    expect((await kit.nbctl('pg-add', 'bad-name')).err).toBe(
      'nbctl: pg-add: bad-name: port group names must be identifiers (letters, digits, _ and .)\n',
    );
    await kit.ok('pg-del', 'pg1');
    expect(await kit.query('SELECT name FROM nb.port_group')).toEqual([]);
    expect(await kit.query('SELECT 1 FROM nb.acl WHERE port_group_uuid IS NOT NULL')).toEqual([]);
  });
});
