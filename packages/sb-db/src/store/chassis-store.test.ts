import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openSbTestDb, type SbTestDb } from '../test-support.js';

let t: SbTestDb;
beforeAll(async () => {
  t = await openSbTestDb('sbchassis');
});
afterAll(() => t.close());

describe('chassis registration', () => {
  test('creates chassis, chassis_private and encaps together', async () => {
    const r = await t.sb.chassis.register({
      name: 'hv1',
      hostname: 'host-1',
      encaps: [
        { type: 'geneve', ip: '192.0.2.11' },
        { type: 'vxlan', ip: '192.0.2.11', options: { dst_port: '4790' } },
      ],
      otherConfig: { 'datapath-type': 'ts' },
    });
    expect(r.chassis).toMatchObject({
      name: 'hv1',
      hostname: 'host-1',
      other_config: { 'datapath-type': 'ts' },
    });
    expect(r.private).toMatchObject({ name: 'hv1', chassis: r.chassis.uuid, nb_cfg: 0 });
    expect(r.encaps.map((e) => [e.type, e.ip, e.options])).toEqual([
      ['geneve', '192.0.2.11', {}],
      ['vxlan', '192.0.2.11', { dst_port: '4790' }],
    ]);
  });

  test('registering again keeps the uuid and the reported nb_cfg, and replaces the encaps', async () => {
    const before = await t.sb.chassis.byName('hv1');
    await t.sb.chassis.setNbCfg('hv1', 5, 1_700_000_000_000);
    const r = await t.sb.chassis.register({
      name: 'hv1',
      hostname: 'host-1b',
      encaps: [{ type: 'geneve', ip: '192.0.2.12' }],
    });
    expect(r.chassis.uuid).toBe(before?.uuid);
    expect(r.chassis.hostname).toBe('host-1b');
    expect(r.private).toMatchObject({ nb_cfg: 5, nb_cfg_timestamp: 1_700_000_000_000 });
    expect((await t.sb.chassis.encaps('hv1')).map((e) => `${e.type} ${e.ip}`)).toEqual([
      'geneve 192.0.2.12',
    ]);
  });

  test('a bad encap leaves nothing half-registered', async () => {
    await expect(
      t.sb.chassis.register({ name: 'hv2', encaps: [{ type: 'geneve', ip: '10.0.0.0/8' }] }),
    ).rejects.toMatchObject({
      code: 'constraint',
      message: expect.stringMatching(/^sb: encap .*ip must be a single address/),
    });
    expect(await t.sb.chassis.byName('hv2')).toBeUndefined();
    expect((await t.sb.chassis.listPrivate()).map((p) => p.name)).toEqual(['hv1']);
  });

  test('reporting nb_cfg for an unknown chassis is not-found', async () => {
    await expect(t.sb.chassis.setNbCfg('ghost', 1, 0)).rejects.toMatchObject({
      code: 'not-found',
      message: 'sb: chassis_private ghost: no such chassis',
    });
  });

  test('unregister removes the chassis, its encaps and its private row', async () => {
    await t.sb.chassis.register({ name: 'hv3', encaps: [{ type: 'geneve', ip: '192.0.2.13' }] });
    expect(await t.sb.chassis.unregister('hv3')).toBe(true);
    expect(await t.sb.chassis.byName('hv3')).toBeUndefined();
    expect(await t.sb.chassis.encaps('hv3')).toEqual([]);
    expect((await t.sb.chassis.listPrivate()).map((p) => p.name)).toEqual(['hv1']);
    expect(await t.sb.chassis.unregister('hv3')).toBe(false);
  });
});

describe('sb_global', () => {
  test('nb_cfg round-trips', async () => {
    expect(await t.sb.global.getNbCfg()).toBe(0);
    await t.sb.global.setNbCfg(42, 1_700_000_000_123);
    const g = await t.sb.global.get();
    expect(g).toMatchObject({ nb_cfg: 42, nb_cfg_timestamp: 1_700_000_000_123, ipsec: false });
    await t.sb.global.update({ options: { mac_prefix: '0a:00:00' } });
    expect((await t.sb.global.get()).options).toEqual({ mac_prefix: '0a:00:00' });
  });

  test('a negative nb_cfg is refused with words', async () => {
    await expect(t.sb.global.setNbCfg(-1)).rejects.toMatchObject({
      code: 'constraint',
      message: expect.stringMatching(/^sb: sb_global [0-9a-f-]{36}: nb_cfg must not be negative/),
    });
  });
});
