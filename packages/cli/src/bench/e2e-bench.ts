/**
 * pnpm bench:e2e [-- --samples N] [--hypervisors N] [--only latency|large] [--scale NAME]
 *                 [--share on|off] [--dp-groups on|off]
 *
 * End to end, with northd in its own process (`ovn-ts northd`) and PostgreSQL (embedded, or
 * OVN_TS_BENCH_DATABASE_URL):
 *  - large: northd's largest benchmark topology compiled into SB, then one controller with a VIF
 *    on every switch (so every datapath is local): time from start to its first flows installed
 *    and to ready (ports claimed), datapath flows, heap and RSS of this process;
 *  - latency: N hypervisors in this process (a Datapath and a controller each, Geneve over the
 *    sandbox's in-memory underlay), four switches behind a router with two sandbox VMs per
 *    hypervisor; per sample: an NB transaction adds a port with its addresses (nbctl lsp-add +
 *    lsp-set-addresses, over a persistent connection), a VM with that iface-id is attached on a
 *    hypervisor, and it pings (ARP first, as a VM does) a VM of the same switch on another
 *    hypervisor every few ms until a reply comes back. With --share on, the hypervisors share
 *    one SB feed reader (as a watch server would serve them; each keeps only what its interest
 *    follows) and one cache of compiled logical flows; with --share off each reads the feed
 *    itself, with its interest as SQL condition, and compiles alone, as separate machines would
 *    (here N of them on one CPU).
 * A table for people, then one JSON line of the figures.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  type ControllerHandle,
  LflowCompileCache,
  runController,
  SharedSbFeed,
} from '@ovn-ts/controller';
import { Datapath, MemoryPort } from '@ovn-ts/datapath';
import { createPool, databaseUrl, dropDatabase, ensureDatabase } from '@ovn-ts/db';
import { initNb, NbStore } from '@ovn-ts/nb-db';
import { loadTopology, SCALES, vmPort } from '@ovn-ts/northd';
import { MemoryUnderlay, Vm } from '@ovn-ts/sandbox';
import { initSb } from '@ovn-ts/sb-db';
import type pg from 'pg';
import pino from 'pino';
import { benchServer, median, percentile, printTable, round } from './bench-kit.js';

const here = dirname(fileURLToPath(import.meta.url));
const OVN_TS = resolve(here, '../../bin/ovn-ts.js');
const { values: args } = parseArgs({
  options: {
    samples: { type: 'string', default: '40' },
    hypervisors: { type: 'string', default: '20' },
    only: { type: 'string' },
    scale: { type: 'string', default: 'large' },
    share: { type: 'string', default: 'on' },
    'dp-groups': { type: 'string', default: 'on' },
  },
});
const SAMPLES = Number(args.samples);
const HVS = Number(args.hypervisors);
const DP_GROUPS = args['dp-groups'] !== 'off';
const log = pino({ level: 'warn' }, pino.destination(2));
/** OVN_TS_E2E_TRACE=1: print each sample's timeline (syncs of every hypervisor) to stderr. */
const TRACE = process.env.OVN_TS_E2E_TRACE === '1';
let traceT0 = 0;
let firstInstall: number | undefined;
const trace: string[] = [];

const mb = (bytes: number) => round(bytes / 2 ** 20);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(what: string, test: () => Promise<boolean> | boolean, timeoutMs: number) {
  const end = performance.now() + timeoutMs;
  while (!(await test())) {
    if (performance.now() > end) throw new Error(`e2e bench: timed out waiting for ${what}`);
    await sleep(5);
  }
}

interface Stack {
  readonly url: string;
  readonly pool: pg.Pool;
  readonly northd: ChildProcess;
  close(): Promise<void>;
}

async function openStack(
  adminUrl: string,
  name: string,
  load?: (pool: pg.Pool) => Promise<void>,
): Promise<Stack> {
  await dropDatabase(adminUrl, name);
  await ensureDatabase(adminUrl, name);
  const url = databaseUrl(adminUrl, name);
  const pool = createPool(url, { max: 4 });
  await initNb(pool);
  await initSb(pool);
  await load?.(pool);
  // Datapath groups (northd writes a flow shared by many datapaths once; on, as in OVN): set
  // before northd starts.
  await pool.query(
    `UPDATE nb.nb_global SET options = options || jsonb_build_object('use_logical_dp_groups', $1::text)`,
    [String(DP_GROUPS)],
  );
  const northd = spawn(process.execPath, [OVN_TS, 'northd', '--nb', url, '--sb', url], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return {
    url,
    pool,
    northd,
    async close() {
      northd.kill('SIGTERM');
      await new Promise((r) => (northd.exitCode !== null ? r(null) : northd.once('exit', r)));
      await pool.end();
      await dropDatabase(adminUrl, name);
    },
  };
}

/** Bumps nb_cfg and waits until northd has written SB for it; returns the ms that took. */
async function northdCaughtUp(s: Stack, timeoutMs: number): Promise<number> {
  const cfg = (
    await s.pool.query<{ nb_cfg: number }>(
      'UPDATE nb.nb_global SET nb_cfg = nb_cfg + 1 RETURNING nb_cfg',
    )
  ).rows[0]!.nb_cfg;
  const t0 = performance.now();
  await until(
    'northd',
    async () => {
      if (s.northd.exitCode !== null) throw new Error('e2e bench: northd exited');
      return (
        (await s.pool.query<{ sb_cfg: number }>('SELECT sb_cfg FROM nb.nb_global')).rows[0]!
          .sb_cfg >= cfg
      );
    },
    timeoutMs,
  );
  return performance.now() - t0;
}

const sandboxVm = (a: VmAddress) =>
  new Vm({ name: a.name, mac: a.mac, ip: a.ip, prefix: 24 }, { now: () => performance.now() });

const gc = () => (globalThis as { gc?: () => void }).gc?.();
const peakRss = () =>
  Number(/VmHWM:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? 0) * 1024;

interface LargeResult {
  scale: string;
  lflows: number;
  localDatapaths: number;
  northdMs: number;
  loadSbMs: number;
  compileMs: number;
  installMs: number;
  firstFlowsMs: number;
  readyMs: number;
  datapathFlows: number;
  heapMb: number;
  /** The controller's share of the heap (all of it less what remains after it stopped). */
  controllerHeapMb: number;
  datapathHeapMb: number;
  rssMb: number;
  peakRssMb: number;
}

async function benchLarge(adminUrl: string): Promise<LargeResult> {
  const scale = SCALES.find((s) => s.name === args.scale);
  if (!scale) throw new Error(`e2e bench: no scale ${args.scale}`);
  process.stderr.write(`e2e bench: ${scale.name} topology into NB, northd compiling …\n`);
  const s = await openStack(adminUrl, 'e2e_bench_large', async (pool) => {
    await loadTopology(pool, scale);
  });
  try {
    const northdMs = await northdCaughtUp(s, 30 * 60_000);
    const lflows = (
      await s.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM sb.logical_flow')
    ).rows[0]!.n;
    process.stderr.write(
      `e2e bench: ${lflows} logical flows in ${round(northdMs / 1000)} s; one controller …\n`,
    );
    gc();
    const heapBefore = process.memoryUsage().heapUsed;
    const dp = new Datapath({ now: Date.now });
    const ports = new Map<string, number>();
    for (let sw = 0; sw < scale.switches; sw++) {
      const name = vmPort(sw, 0).name;
      dp.addPort(`tap-${name}`, new MemoryPort({ capture: false }), { port: sw + 1 });
      ports.set(name, sw + 1);
    }
    // The moment the first bundle of flows is in the datapath.
    let firstFlows = 0;
    const watched = new Proxy(dp, {
      get(target, prop, receiver) {
        if (prop === 'bundle')
          return (mods: Parameters<Datapath['bundle']>[0]) => {
            const r = target.bundle(mods);
            if (firstFlows === 0 && mods.length > 0) firstFlows = performance.now() - t0;
            return r;
          };
        const v = Reflect.get(target, prop, receiver);
        return typeof v === 'function' ? v.bind(target) : v;
      },
    });
    const t0 = performance.now();
    let ctl: ControllerHandle | undefined = runController({
      sbUrl: s.url,
      chassis: 'hv-large',
      encapIp: '192.0.2.250',
      datapath: watched,
      ports,
      log,
      openTunnel: async () => new MemoryPort({ capture: false }),
    });
    await ctl.ready;
    const readyMs = performance.now() - t0;
    const st = ctl.stats();
    const first = st.first;
    gc();
    const mem = process.memoryUsage();
    await ctl.stop();
    ctl = undefined;
    // (Its last promise callbacks settle first; then nothing refers to it.)
    await sleep(100);
    // What is left once the controller is gone: the datapath (flows stay installed).
    gc();
    const datapathHeap = process.memoryUsage().heapUsed - heapBefore;
    const result: LargeResult = {
      scale: scale.name,
      lflows,
      localDatapaths: st.followed.datapaths,
      northdMs: round(northdMs),
      loadSbMs: round(st.followed.loadMs),
      compileMs: round(first?.compileMs ?? 0),
      installMs: round(first?.installMs ?? 0),
      firstFlowsMs: round(firstFlows),
      readyMs: round(readyMs),
      datapathFlows: dp.flowCookies().length,
      heapMb: mb(mem.heapUsed),
      controllerHeapMb: mb(mem.heapUsed - heapBefore - datapathHeap),
      datapathHeapMb: mb(datapathHeap),
      rssMb: mb(mem.rss),
      peakRssMb: mb(peakRss()),
    };
    return result;
  } finally {
    await s.close();
  }
}

interface LatencyResult {
  hypervisors: number;
  shared: boolean;
  dpGroups: boolean;
  samples: number;
  medianMs: number;
  p95Ms: number;
  minMs: number;
  maxMs: number;
  nbCommitMedianMs: number;
  pingsMedian: number;
  /** NB commit → the first hypervisor's flows for the new port installed (northd, feed, one compile). */
  firstInstallMedianMs: number;
}

const SWITCHES = 4;
interface VmAddress {
  readonly name: string;
  readonly mac: string;
  readonly ip: string;
}

const vmAddress = (name: string, sw: number, host: number): VmAddress => ({
  name,
  mac: `0a:00:00:${sw.toString(16).padStart(2, '0')}:${(host >> 8).toString(16).padStart(2, '0')}:${(host & 255).toString(16).padStart(2, '0')}`,
  ip: `10.0.${sw}.${host}`,
});

async function benchLatency(adminUrl: string): Promise<LatencyResult> {
  process.stderr.write(`e2e bench: ${HVS} hypervisors, ${SAMPLES} samples …\n`);
  const s = await openStack(adminUrl, 'e2e_bench_latency');
  const nb = NbStore.open(s.url);
  const shared = args.share === 'on' ? SharedSbFeed.open(s.url) : undefined;
  const compileCache = args.share === 'on' ? new LflowCompileCache() : undefined;
  const hvs: { name: string; dp: Datapath; ctl: ControllerHandle }[] = [];
  try {
    // Four switches behind one router; two VMs per hypervisor (on different switches).
    const existing: { vm: Vm; addr: VmAddress; sw: number; hv: number }[] = [];
    const switchUuid: string[] = [];
    await nb.transaction(async (tx) => {
      const lr = await tx.routers.insert({ name: 'lr0' });
      for (let sw = 0; sw < SWITCHES; sw++) {
        const ls = await tx.switches.insert({ name: `ls${sw}` });
        switchUuid.push(ls.uuid);
        await tx.routerPorts.insert({
          name: `lr0-ls${sw}`,
          router_uuid: lr.uuid,
          mac: `0a:ff:00:00:00:${sw.toString(16).padStart(2, '0')}`,
          networks: [`10.0.${sw}.254/24`],
        });
        await tx.switchPorts.insert({
          name: `ls${sw}-lr0`,
          switch_uuid: ls.uuid,
          type: 'router',
          addresses: ['router'],
          options: { 'router-port': `lr0-ls${sw}` },
        });
      }
      for (let i = 0; i < 2 * HVS; i++) {
        const sw = i % SWITCHES;
        const a = vmAddress(`vm${i}`, sw, 10 + i);
        await tx.switchPorts.insert({
          name: a.name,
          switch_uuid: switchUuid[sw]!,
          addresses: [`${a.mac} ${a.ip}`],
        });
        existing.push({ vm: sandboxVm(a), addr: a, sw, hv: i % HVS });
      }
    });
    await northdCaughtUp(s, 60_000);

    const underlay = new MemoryUnderlay();
    for (let h = 0; h < HVS; h++) {
      const name = `hv${h}`;
      const dp = new Datapath({ now: Date.now });
      const ports = new Map<string, number>();
      for (const [i, e] of existing.entries()) {
        if (e.hv !== h) continue;
        dp.addPort(`tap-${e.addr.name}`, e.vm.port, { port: i + 1 });
        ports.set(e.addr.name, i + 1);
      }
      const ctl = runController({
        sbUrl: s.url,
        chassis: name,
        encapIp: `192.0.2.${h + 1}`,
        datapath: dp,
        ports,
        log,
        openTunnel: (local) => underlay.open(local),
        ...(shared && { sharedFeed: shared }),
        ...(compileCache && { compileCache }),
        onSync: (r) => {
          if (traceT0 === 0) return;
          const at = performance.now() - traceT0;
          // The first hypervisor to install flows for the new port: northd has written SB and
          // the feed brought it (the first one reached, of those with its switch local).
          if (r.added > 0 && firstInstall === undefined) firstInstall = at;
          if (TRACE)
            trace.push(
              `${round(at)} ${name} sync +${r.added} ~${r.changed} -${r.removed} compile ${round(r.compileMs)} install ${round(r.installMs)}`,
            );
        },
      });
      hvs.push({ name, dp, ctl });
    }
    await Promise.all(hvs.map((h) => h.ctl.ready));
    await until(
      'existing VMs up',
      async () =>
        (await s.pool.query(`SELECT 1 FROM sb.port_binding WHERE type = '' AND up`)).rowCount ===
        existing.length,
      60_000,
    );
    // Every chassis has installed what northd wrote for every binding (hv_cfg).
    const cfg = (
      await s.pool.query<{ nb_cfg: number }>(
        'UPDATE nb.nb_global SET nb_cfg = nb_cfg + 1 RETURNING nb_cfg',
      )
    ).rows[0]!.nb_cfg;
    await until(
      'hv_cfg',
      async () =>
        (await s.pool.query<{ hv_cfg: number }>('SELECT hv_cfg FROM nb.nb_global')).rows[0]!
          .hv_cfg >= cfg,
      60_000,
    );

    const latencies: number[] = [];
    const commits: number[] = [];
    const pings: number[] = [];
    const firstInstalls: number[] = [];
    const WARMUP = 3;
    for (let k = 0; k < SAMPLES + WARMUP; k++) {
      const sw = k % SWITCHES;
      const h = (k * 7 + 3) % HVS;
      const target = existing.find((e) => e.sw === sw && e.hv !== h)!;
      const addr = vmAddress(`new${k}`, sw, 100 + k);
      const vm = sandboxVm(addr);
      const ofport = 1000 + k;
      hvs[h]!.dp.addPort(`tap-${addr.name}`, vm.port, { port: ofport });
      const t0 = performance.now();
      traceT0 = t0;
      firstInstall = undefined;
      trace.length = 0;
      await nb.transaction(async (tx) => {
        await tx.switchPorts.insert({
          name: addr.name,
          switch_uuid: switchUuid[sw]!,
          addresses: [`${addr.mac} ${addr.ip}`],
        });
      });
      const committed = performance.now() - t0;
      hvs[h]!.ctl.attach(addr.name, ofport);
      // A ping (ARP first, as the VM resolves its neighbour) that gives up after 5 ms, again
      // until one is answered.
      let sent = 0;
      for (;;) {
        sent++;
        const r = await vm.ping(target.addr.ip, { count: 1, timeoutMs: 5 });
        if (r.received > 0) break;
        if (performance.now() - t0 > 20_000)
          throw new Error(`e2e bench: no ping reply for ${addr.name} on hv${h}`);
      }
      const ms = performance.now() - t0;

      if (TRACE)
        process.stderr.write(
          `sample ${k} on hv${h} → ${target.addr.name}: ${round(ms)} ms (commit ${round(committed)})\n  ${trace.join('\n  ')}\n`,
        );
      if (k >= WARMUP) {
        latencies.push(ms);
        commits.push(committed);
        pings.push(sent);
        if (firstInstall !== undefined) firstInstalls.push(firstInstall);
      }
      // Let the sample's tail (up reports, hv_cfg) settle before the next one.
      await sleep(50);
    }
    return {
      hypervisors: HVS,
      shared: shared !== undefined,
      dpGroups: DP_GROUPS,
      samples: latencies.length,
      medianMs: round(median(latencies)),
      p95Ms: round(percentile(latencies, 95)),
      minMs: round(Math.min(...latencies)),
      maxMs: round(Math.max(...latencies)),
      nbCommitMedianMs: round(median(commits)),
      pingsMedian: median(pings),
      firstInstallMedianMs: round(median(firstInstalls)),
    };
  } finally {
    await Promise.all(hvs.map((h) => h.ctl.stop({ removeTunnels: true })));
    await shared?.close();
    await nb.close();
    await s.close();
  }
}

async function main() {
  const server = await benchServer();
  let large: LargeResult | undefined;
  let latency: LatencyResult | undefined;
  try {
    // The large topology first, so that the memory figures are of a fresh process.
    if (args.only !== 'latency') large = await benchLarge(server.adminUrl);
    if (args.only !== 'large') latency = await benchLatency(server.adminUrl);
  } finally {
    await server.stop();
  }
  if (latency) {
    console.log(
      `\nport created (NB commit) → first ping through it: ${latency.hypervisors} hypervisors, ${latency.samples} samples, ${latency.shared ? 'sharing one SB feed reader and compile cache' : 'each with its own SB feed reader'}`,
    );
    printTable(
      ['figure', 'value'],
      [
        ['median ms', latency.medianMs],
        ['p95 ms', latency.p95Ms],
        ['min ms', latency.minMs],
        ['max ms', latency.maxMs],
        ['NB commit median ms', latency.nbCommitMedianMs],
        ['pings sent (median)', latency.pingsMedian],
        ['NB commit → first chassis installed (median ms)', latency.firstInstallMedianMs],
      ],
    );
  }
  if (large) {
    console.log(`\none controller, every datapath of the ${large.scale} topology local`);
    printTable(
      ['figure', 'value'],
      [
        ['logical flows (SB)', large.lflows],
        ['local datapaths', large.localDatapaths],
        ['northd full compile ms', large.northdMs],
        ['SB load ms', large.loadSbMs],
        ['compile ms', large.compileMs],
        ['install ms', large.installMs],
        ['start → first flows installed ms', large.firstFlowsMs],
        ['start → ready (ports claimed) ms', large.readyMs],
        ['datapath flows', large.datapathFlows],
        ['heap MB (process)', large.heapMb],
        ['… controller MB', large.controllerHeapMb],
        ['… in-memory datapath MB', large.datapathHeapMb],
        ['RSS MB', large.rssMb],
        ['peak RSS MB', large.peakRssMb],
      ],
    );
  }
  console.log(JSON.stringify({ bench: 'e2e', latency, large }));
}

await main();
