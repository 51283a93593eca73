/**
 * The whole stack with Linux network namespaces as VMs:
 *
 *   nsA ─veth─ [ovn-ts controller hvA: datapath] ═Geneve 127.0.66.x ⇄ 127.0.66.x+1═ [hvB] ─veth─ nsB
 *
 * NB (one switch, two ports carrying the namespaces' MAC and IP) → northd (in-process) → SB → two
 * `ovn-ts controller` processes (the compiled bin), each owning one veth host end and binding a
 * Geneve socket on its own loopback address. The namespaces' only way to each other is through both
 * processes and the tunnel between them. Needs root, iproute2 and ping (the CI installs them).
 */
import { NetnsLab } from '@ovn-ts/datapath';
import { runNorthd } from '@ovn-ts/northd';
import { openStackDb, type StackDb } from '@ovn-ts/northd/testing';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { buildCli, Daemon, nsPing } from './e2e-process.js';

// Loopback addresses no other test file binds (each chassis binds UDP 6081 on its own); 127.0.66.x
// is used by nothing else, and x comes from the pid so that two runs at once do not collide.
const HOST = 10 + 2 * (process.pid % 120);
const ENCAP_A = `127.0.66.${HOST}`;
const ENCAP_B = `127.0.66.${HOST + 1}`;
const VM_A = { mac: '0a:00:00:66:00:01', ip: '10.66.0.1' };
const VM_B = { mac: '0a:00:00:66:00:02', ip: '10.66.0.2' };

let stack: StackDb | undefined;
let lab: NetnsLab | undefined;
const daemons: Daemon[] = [];
const northdAbort = new AbortController();
let northd: Promise<void> | undefined;

beforeAll(async () => {
  buildCli();
  stack = await openStackDb('e2e_netns');
  northd = runNorthd({
    nbUrl: stack.db.url,
    sbUrl: stack.db.url,
    signal: northdAbort.signal,
    log: pino({ level: 'silent' }),
    lockPollMs: 50,
  });
}, 180_000);

afterAll(async () => {
  // Each step runs even when an earlier one failed: no namespace, process or database left behind.
  await Promise.allSettled(daemons.map((d) => d.stop(2_000)));
  lab?.destroy();
  northdAbort.abort();
  await northd?.catch(() => {});
  await stack?.close();
});

async function upPorts(): Promise<{ logical_port: string; chassis: string }[]> {
  const r = await stack!.sb.query<{ logical_port: string; chassis: string }>(
    `SELECT pb.logical_port, c.name AS chassis
       FROM sb.port_binding pb JOIN sb.chassis c ON c.uuid = pb.chassis
      WHERE pb.up ORDER BY pb.logical_port`,
  );
  return r.rows;
}

const failureContext = () => daemons.map((d) => d.tail()).join('\n');
/** Rethrows an assertion failure with what the controller processes printed. */
const withContext = (e: Error): never => {
  e.message = `${e.message}\n${failureContext()}`;
  throw e;
};

describe('namespaces as VMs on two controller processes joined by Geneve', () => {
  test('ping crosses the logical switch between the two chassis', async () => {
    const { nb } = stack!;
    lab = new NetnsLab('e2e');
    const hostA = lab.addHost('vmA', { cidr: `${VM_A.ip}/24`, mac: VM_A.mac });
    const hostB = lab.addHost('vmB', { cidr: `${VM_B.ip}/24`, mac: VM_B.mac });

    await nb.transaction(async (tx) => {
      const ls = await tx.switches.insert({ name: 'sw-netns' });
      await tx.switchPorts.insert({
        name: 'vmA',
        switch_uuid: ls.uuid,
        addresses: [`${VM_A.mac} ${VM_A.ip}`],
      });
      await tx.switchPorts.insert({
        name: 'vmB',
        switch_uuid: ls.uuid,
        addresses: [`${VM_B.mac} ${VM_B.ip}`],
      });
    });

    // Before any controller runs, nothing connects the namespaces.
    expect((await nsPing(hostA.ns, VM_B.ip, { count: 1 })).received).toBe(0);
    // That failed ARP leaves a FAILED neighbour entry the kernel would retry only after a pause.
    lab.exec(hostA, 'ip', ['neigh', 'flush', 'dev', hostA.nsIf]);

    const controller = (chassis: string, encapIp: string, lport: string, ifname: string) =>
      new Daemon(chassis, [
        'controller',
        '--sb',
        stack!.db.url,
        '--chassis',
        chassis,
        '--encap-ip',
        encapIp,
        '--iface',
        `${lport}=${ifname}`,
      ]);
    daemons.push(controller('hvA', ENCAP_A, 'vmA', hostA.rootIf));
    daemons.push(controller('hvB', ENCAP_B, 'vmB', hostB.rootIf));

    // Ready when SB says so: each port bound to its own chassis and up (its flows are installed)…
    await expect
      .poll(upPorts, { timeout: 30_000, interval: 100 })
      .toEqual([
        { logical_port: 'vmA', chassis: 'hvA' },
        { logical_port: 'vmB', chassis: 'hvB' },
      ])
      .catch(withContext);
    // …and each chassis has installed a state that includes the other's binding: an nb_cfg bumped
    // after both bindings exist comes back as hv_cfg only once both report it.
    const cfg = await nb.transaction((tx) => tx.bumpNbCfg(Date.now()));
    await expect
      .poll(async () => (await nb.global()).hv_cfg, { timeout: 30_000, interval: 100 })
      .toBeGreaterThanOrEqual(cfg)
      .catch(withContext);
    for (const d of daemons) expect(d.running, d.tail()).toBe(true);

    const ab = await nsPing(hostA.ns, VM_B.ip, { count: 3, waitS: 1 });
    expect(ab.received, `${ab.output}\n${failureContext()}`).toBe(3);
    const ba = await nsPing(hostB.ns, VM_A.ip, { count: 3, waitS: 1 });
    expect(ba.received, `${ba.output}\n${failureContext()}`).toBe(3);
    // The namespaces learnt each other's MAC as NB declared it (ARP crossed the logical switch).
    const neigh = lab.exec(hostA, 'ip', ['neigh', 'show', VM_B.ip]);
    expect(neigh).toContain(VM_B.mac);

    // The path runs through hvB's process: without it, nothing comes back.
    const b = daemons[1]!;
    await b.kill();
    expect((await nsPing(hostA.ns, VM_B.ip, { count: 2, waitS: 1 })).received).toBe(0);
    expect(daemons[0]!.running, daemons[0]!.tail()).toBe(true);
    // SIGTERM stops a controller with its tunnel and ports open: it closes them and exits 0
    // (stop() falls back to SIGKILL, which would give null).
    expect(await daemons[0]!.stop(20_000), daemons[0]!.tail()).toBe(0);
  }, 120_000);
});
