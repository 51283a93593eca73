/**
 * A controller restart loses no pings. vm1 (hv1) pings vm2 (hv2) continuously while hv1's and then
 * hv2's controller is stopped and started again over the same datapath: the datapath keeps its
 * flows meanwhile, the new controller adopts them (a new generation replaces the old one in one
 * bundle, then the old one is swept). The switch has stateful ACLs (vm1 may open connections,
 * nothing new may reach vm1), so every echo reply also depends on conntrack zones surviving the
 * restart: a reply tracked in another zone would be a new inbound packet, and dropped.
 */
import { COOKIE_OWNER, GENERATION_MASK, OWNER_MASK } from '@ovn-ts/controller';
import { buildPacket } from '@ovn-ts/datapath';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type E2eStack, type Hypervisor, startE2eStack } from './e2e-kit.js';

interface Vm {
  readonly mac: string;
  readonly ip: string;
}
const VM1: Vm = { mac: '0a:00:00:44:00:01', ip: '10.44.0.1' };
const VM2: Vm = { mac: '0a:00:00:44:00:02', ip: '10.44.0.2' };
const echo = (from: Vm, to: Vm, type: number, seq: number) =>
  buildPacket({
    eth: { src: from.mac, dst: to.mac },
    ip4: { src: from.ip, dst: to.ip },
    icmp: { type, code: 0, id: 44, seq },
  });

let stack: E2eStack;
let hv1: Hypervisor;
let hv2: Hypervisor;

beforeAll(async () => {
  stack = await startE2eStack('e2e_restart');
  await stack.ok(
    ...['ls-add', 'sw0'],
    ...['--', 'lsp-add', 'sw0', 'vm1', '--', 'lsp-set-addresses', 'vm1', `${VM1.mac} ${VM1.ip}`],
    ...['--', 'lsp-add', 'sw0', 'vm2', '--', 'lsp-set-addresses', 'vm2', `${VM2.mac} ${VM2.ip}`],
    ...['--', 'acl-add', 'sw0', 'from-lport', '1000', 'inport == "vm1" && ip4', 'allow-related'],
    ...['--', 'acl-add', 'sw0', 'to-lport', '1000', 'outport == "vm1" && ip4', 'drop'],
  );
  hv1 = await stack.addHypervisor('hv1', '192.0.2.41', { vifs: ['vm1'] });
  hv2 = await stack.addHypervisor('hv2', '192.0.2.42', { vifs: ['vm2'] });
  await stack.waitUp({ vm1: 'hv1', vm2: 'hv2' });
  await stack.syncHv();
});

afterAll(() => stack?.stop());

/**
 * Pings vm1 → vm2 every few milliseconds until stopped; vm2 answers each echo at once. Delivery
 * over memory ports and the memory underlay is synchronous, so a ping is lost exactly when the
 * echo or its reply does not come out at the other end within the inject call.
 */
function pinger() {
  const vm1 = hv1.vifs.get('vm1')!;
  const vm2 = hv2.vifs.get('vm2')!;
  let seq = 0;
  const lost: number[] = [];
  const once = () => {
    seq++;
    vm1.inject([echo(VM1, VM2, 8, seq)]);
    const got = vm2.take().map((c) => c.frame);
    if (got.length !== 1 || !sameBytes(got[0]!, echo(VM1, VM2, 8, seq))) {
      lost.push(seq);
      return;
    }
    vm2.inject([echo(VM2, VM1, 0, seq)]);
    const back = vm1.take().map((c) => c.frame);
    if (back.length !== 1 || !sameBytes(back[0]!, echo(VM2, VM1, 0, seq))) lost.push(seq);
  };
  once();
  const timer = setInterval(once, 3);
  return {
    get sent() {
      return seq;
    },
    lost,
    stop: () => clearInterval(timer),
  };
}

const sameBytes = (a: Uint8Array, b: Uint8Array) =>
  a.length === b.length && a.every((x, i) => x === b[i]);

const generations = (hv: Hypervisor) =>
  new Set(
    hv.dp
      .flowStats({ cookie: COOKIE_OWNER << 48n, cookieMask: OWNER_MASK })
      .map((f) => (f.cookie & GENERATION_MASK) >> 32n),
  );

describe('controller restart', () => {
  test.each(['hv1', 'hv2'])('restarting %s loses no pings', async (name) => {
    const hv = name === 'hv1' ? hv1 : hv2;
    const before = generations(hv);
    expect(before.size).toBe(1);
    const flows = hv.dp.flowStats().length;

    const p = pinger();
    try {
      await hv.ctl.stop();
      // The controller is gone; its flows carry the pings meanwhile.
      const whileAway = p.sent;
      await new Promise((r) => setTimeout(r, 50));
      expect(p.sent).toBeGreaterThan(whileAway);
      await hv.start();
      // Both chassis report an nb_cfg bumped after the restart: the new controller is in charge.
      await stack.syncHv();
      const afterSync = p.sent;
      await new Promise((r) => setTimeout(r, 50));
      expect(p.sent).toBeGreaterThan(afterSync);
    } finally {
      p.stop();
    }
    expect(p.lost).toEqual([]);
    // The drop ACL is in force (so the replies above passed as tracked replies, not as new
    // packets): an echo request from vm2 to vm1 is dropped.
    hv2.vifs.get('vm2')!.inject([echo(VM2, VM1, 8, 1)]);
    expect(hv1.vifs.get('vm1')!.take()).toEqual([]);

    // The new controller replaced the old generation of flows, with nothing left over.
    const after = generations(hv);
    expect(after.size).toBe(1);
    expect([...after][0]).not.toBe([...before][0]);
    expect(hv.dp.flowStats().length).toBe(flows);
  });
});
