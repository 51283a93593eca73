/**
 * `nbctl --wait=hv` through the whole stack: nbctl (its command path) → NB → northd → SB → two
 * controllers → datapaths, and the reports back (Chassis_Private.nb_cfg → hv_cfg). One chassis is
 * held back (its datapath's barrier does not complete, so it cannot confirm the install): nbctl
 * must not return until that chassis has installed the change too.
 */
import { buildPacket } from '@ovn-ts/datapath';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  type E2eStack,
  type GatedDatapath,
  gatedDatapath,
  type Hypervisor,
  startE2eStack,
} from './e2e-kit.js';

const VM1 = { mac: '0a:00:00:77:00:01', ip: '10.77.0.1' };
const VM2 = { mac: '0a:00:00:77:00:02', ip: '10.77.0.2' };
const ping = (from: typeof VM1, to: typeof VM1) =>
  buildPacket({
    eth: { src: from.mac, dst: to.mac },
    ip4: { src: from.ip, dst: to.ip },
    icmp: { type: 8, code: 0, id: 7, seq: 1 },
  });

let stack: E2eStack;
let hv1: Hypervisor;
let hv2: Hypervisor;
let gate: GatedDatapath;

beforeAll(async () => {
  stack = await startE2eStack('e2e_wait_hv');
  await stack.ok(
    ...['ls-add', 'sw0'],
    ...['--', 'lsp-add', 'sw0', 'vm1', '--', 'lsp-set-addresses', 'vm1', `${VM1.mac} ${VM1.ip}`],
    ...['--', 'lsp-add', 'sw0', 'vm2', '--', 'lsp-set-addresses', 'vm2', `${VM2.mac} ${VM2.ip}`],
  );
  gate = gatedDatapath();
  hv1 = await stack.addHypervisor('hv1', '192.0.2.71', { vifs: ['vm1'] });
  hv2 = await stack.addHypervisor('hv2', '192.0.2.72', { vifs: ['vm2'], datapath: gate.dp });
  await stack.waitUp({ vm1: 'hv1', vm2: 'hv2' });
  await stack.syncHv();
});

afterAll(async () => {
  gate?.release();
  await stack?.stop();
});

const chassisCfg = async (name: string) =>
  (
    await stack.query<{ nb_cfg: string }>('SELECT nb_cfg FROM sb.chassis_private WHERE name = $1', [
      name,
    ])
  ).map((r) => Number(r.nb_cfg))[0] ?? -1;
const nbGlobal = async () =>
  (
    await stack.query<{ nb_cfg: string; hv_cfg: string }>('SELECT nb_cfg, hv_cfg FROM nb.nb_global')
  ).map((r) => ({ nbCfg: Number(r.nb_cfg), hvCfg: Number(r.hv_cfg) }))[0]!;

describe('nbctl --wait=hv', () => {
  test('returns only after every chassis installed the change', async () => {
    // Before: vm2 (hv2) reaches vm1 (hv1) through the tunnel.
    hv2.vifs.get('vm2')!.inject([ping(VM2, VM1)]);
    expect(
      hv1.vifs
        .get('vm1')!
        .take()
        .map((c) => c.frame),
    ).toEqual([ping(VM2, VM1)]);

    const before = (await nbGlobal()).nbCfg;
    gate.hold();
    let returned = false;
    const waiting = stack
      .nbctl(
        ...['--wait=hv', '--timeout=30', 'acl-add', 'sw0', 'from-lport', '1000'],
        ...['inport == "vm2" && ip4', 'drop'],
      )
      .finally(() => (returned = true));
    const target = before + 1;
    // hv1 installs and reports the change; hv2 has installed it but cannot confirm it.
    await expect.poll(() => chassisCfg('hv1'), { timeout: 20_000 }).toBeGreaterThanOrEqual(target);
    await gate.held;
    expect((await nbGlobal()).nbCfg).toBe(target);
    expect(await chassisCfg('hv2')).toBeLessThan(target);
    // Give a wrong nbctl (one that returned on the first chassis' report) time to return.
    await new Promise((r) => setTimeout(r, 1_000));
    expect(returned).toBe(false);
    expect((await nbGlobal()).hvCfg).toBeLessThan(target);

    gate.release();
    const r = await waiting;
    expect(r.code, r.err).toBe(0);
    // When it returned, both chassis had reported the change …
    expect(await chassisCfg('hv1')).toBeGreaterThanOrEqual(target);
    expect(await chassisCfg('hv2')).toBeGreaterThanOrEqual(target);
    expect((await nbGlobal()).hvCfg).toBeGreaterThanOrEqual(target);
    // … and hv2's datapath applies the ACL: vm2's packets are dropped, vm1's still pass.
    hv2.vifs.get('vm2')!.inject([ping(VM2, VM1)]);
    expect(hv1.vifs.get('vm1')!.take()).toEqual([]);
    hv1.vifs.get('vm1')!.inject([ping(VM1, VM2)]);
    expect(
      hv2.vifs
        .get('vm2')!
        .take()
        .map((c) => c.frame),
    ).toEqual([ping(VM1, VM2)]);
  });
});
