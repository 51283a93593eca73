/**
 * `nbctl --wait=sb|hv` follows the nb_cfg → sb_cfg → hv_cfg chain through a running northd.
 */

import { afterAll, beforeAll, expect, test } from 'vitest';
import { type NorthdKit, startNorthdKit } from './northd-kit.js';

let kit: NorthdKit;

beforeAll(async () => {
  kit = await startNorthdKit('wait');
});

afterAll(() => kit.stop());

test('--wait=sb returns once northd has written the change to SB', async () => {
  const r = await kit.nbctl(
    '--wait=sb',
    '--timeout=20',
    'ls-add',
    'sw0',
    '--',
    'lsp-add',
    'sw0',
    'vm1',
  );
  expect(r.code).toBe(0);
  // By the time nbctl returned, SB already holds the port.
  const pb = await kit.query<{ logical_port: string }>(`SELECT logical_port FROM sb.port_binding`);
  expect(pb.map((p) => p.logical_port)).toEqual(['vm1']);
  const [g] = await kit.query<{ nb_cfg: number; sb_cfg: number }>(
    'SELECT nb_cfg, sb_cfg FROM nb.nb_global',
  );
  expect(g!.sb_cfg).toBe(g!.nb_cfg);
});

test('--wait=hv waits for every chassis, and times out naming what it waited for', async () => {
  // With no chassis, hv_cfg follows sb_cfg.
  expect((await kit.nbctl('--wait=hv', '--timeout=20', 'lsp-add', 'sw0', 'vm2')).code).toBe(0);

  // A chassis that has not installed the change holds hv_cfg back.
  await kit.query(`INSERT INTO sb.chassis (name) VALUES ('hv1')`);
  await kit.query(`INSERT INTO sb.chassis_private (name, nb_cfg) VALUES ('hv1', 0)`);
  const slow = await kit.nbctl('--wait=hv', '--timeout=1', 'lsp-add', 'sw0', 'vm3');
  expect(slow.code).not.toBe(0);
  expect(slow.err).toMatch(
    /timed out after 1s waiting for all chassis to process nb_cfg (\d+) \(hv_cfg is \d+\)/,
  );
  const target = Number(/nb_cfg (\d+)/.exec(slow.err)![1]);

  // Once the chassis reports it, a new wait returns.
  const waiting = kit.nbctl('--wait=hv', '--timeout=20', 'sync');
  await new Promise((r) => setTimeout(r, 200));
  await kit.query(
    `UPDATE sb.chassis_private SET nb_cfg = $1 + 10, nb_cfg_timestamp = 1 WHERE name = 'hv1'`,
    [target],
  );
  expect((await waiting).code).toBe(0);
});

test('diag-list shows the NB rows northd could not compile', async () => {
  // Written with plain SQL, as an outside system might: the database accepts any match text.
  const [ls] = await kit.query<{ uuid: string }>(
    `SELECT uuid FROM nb.logical_switch WHERE name = 'sw0'`,
  );
  const [acl] = await kit.query<{ uuid: string }>(
    `INSERT INTO nb.acl (switch_uuid, direction, priority, match, action)
     VALUES ($1, 'to-lport', 1000, 'ip4.dst == 10.0.0.300', 'drop') RETURNING uuid`,
    [ls!.uuid],
  );
  expect((await kit.nbctl('--wait=sb', '--timeout=20', 'sync')).code).toBe(0);
  const listed = await kit.ok('diag-list');
  expect(listed).toHaveLength(1);
  expect(listed[0]).toMatch(new RegExp(`^acl ${acl!.uuid}: ACL to-lport priority 1000 match: \\S`));
  expect(await kit.ok('diag-list', 'logical_switch')).toEqual([]);
  await kit.ok('--wait=sb', 'acl-del', 'sw0');
  expect(await kit.ok('diag-list')).toEqual([]);
});
