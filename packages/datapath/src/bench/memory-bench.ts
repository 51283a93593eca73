import { ct, output, resubmit, setField } from '../actions.js';
import { Datapath } from '../datapath.js';
import type { FlowSpec } from '../flow-mod.js';
import { MemoryPort } from '../memory-port.js';
import { formatIp4 } from '../packet/addr.js';
import { buildPacket, TCP_ACK } from '../packet/build.js';

/**
 * In-memory datapath benchmark: packets per second on one core through memory ports, so the figure
 * is the engine alone (parse, cache lookup, ops, batching), not I/O.
 */

const BATCH = 32;

function frames(
  n: number,
  vary: (i: number) => { src: string; dst: string; sport: number },
): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let i = 0; i < n; i++) {
    const v = vary(i);
    out.push(
      buildPacket({
        eth: { src: '00:00:00:00:00:01', dst: '00:00:00:00:00:02' },
        ip4: { src: v.src, dst: v.dst },
        tcp: { sport: v.sport, dport: 80, flags: TCP_ACK },
        payload: new Uint8Array(18),
      }),
    );
  }
  return out;
}

function setup(options: { megaflowSize?: number } = {}): {
  dp: Datapath;
  in1: MemoryPort;
  counter: { n: number };
} {
  const dp = new Datapath({ now: () => 0, ...options });
  const counter = { n: 0 };
  const in1 = new MemoryPort({ capture: false });
  const out2 = new MemoryPort({ capture: false, onTransmit: (f) => (counter.n += f.length) });
  dp.addPort('in', in1, { port: 1 });
  dp.addPort('out', out2, { port: 2 });
  return { dp, in1, counter };
}

/**
 * Runs batches for about `ms` milliseconds. Returns packets per wall-clock second and per CPU second of
 * this process: on a shared, loaded machine the second is the steadier measure of one core's work.
 */
function pump(
  port: MemoryPort,
  batches: Uint8Array[][],
  ms: number,
  perCheck = 64,
): { wall: number; cpu: number; sent: number } {
  let sent = 0;
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  let t = t0;
  let i = 0;
  while (t - t0 < ms) {
    for (let j = 0; j < perCheck; j++) {
      const b = batches[i++ % batches.length]!;
      port.inject(b);
      sent += b.length;
    }
    t = performance.now();
  }
  const c = process.cpuUsage(c0);
  const cpuMs = (c.user + c.system) / 1000;
  return { wall: (sent / (t - t0)) * 1000, cpu: (sent / Math.max(cpuMs, 1e-3)) * 1000, sent };
}

function l2Pipeline(): FlowSpec[] {
  return [
    { table: 0, priority: 100, match: { in_port: 1 }, actions: [setField('reg0', 7), resubmit(1)] },
    { table: 1, priority: 100, match: { eth_dst: '00:00:00:00:00:02' }, actions: [output(2)] },
    { table: 1, priority: 0, actions: [] },
  ];
}

export async function runMemoryBench(
  options: { ms?: number } = {},
): Promise<Record<string, number>> {
  const ms = options.ms ?? 1000;
  const result: Record<string, number> = {};

  // Cached path: 256 distinct flows (fits the exact-match cache), a two-table L2 pipeline.
  {
    const { dp, in1, counter } = setup();
    dp.addFlows(l2Pipeline());
    const fs = frames(256, (i) => ({ src: '10.0.0.1', dst: '10.0.1.1', sport: 1024 + i }));
    const batches: Uint8Array[][] = [];
    for (let i = 0; i < fs.length; i += BATCH) batches.push(fs.slice(i, i + BATCH));
    pump(in1, batches, ms / 4); // warm up the JIT and the cache
    counter.n = 0;
    const r = pump(in1, batches, ms);
    result.cachedPps = Math.round(r.wall);
    result.cachedPpsPerCpuSecond = Math.round(r.cpu);
    if (counter.n === 0) throw new Error('memory bench: nothing was forwarded');
    const s = dp.stats();
    result.cachedHitRatio = Number(
      (s.cacheHits / Math.max(1, s.cacheHits + s.cacheMisses)).toFixed(4),
    );
  }

  // Stateful path: every packet takes ct(zone, table=1) and a second pass (established UDP flows).
  {
    const { dp, in1, counter } = setup();
    dp.addFlows([
      { table: 0, priority: 10, match: { eth_type: 0x800 }, actions: [ct({ zone: 5, table: 1 })] },
      { table: 1, priority: 20, match: { ct_state: '+trk+est', in_port: 1 }, actions: [output(2)] },
      {
        table: 1,
        priority: 10,
        match: { ct_state: '+trk+new', in_port: 1 },
        actions: [ct({ commit: true, zone: 5 }), output(2)],
      },
    ]);
    const fs: Uint8Array[] = [];
    for (let i = 0; i < 256; i++) {
      fs.push(
        buildPacket({
          eth: { src: '00:00:00:00:00:01', dst: '00:00:00:00:00:02' },
          ip4: { src: '10.0.0.1', dst: '10.0.1.1' },
          udp: { sport: 1024 + i, dport: 53 },
          payload: new Uint8Array(18),
        }),
      );
    }
    const batches: Uint8Array[][] = [];
    for (let i = 0; i < fs.length; i += BATCH) batches.push(fs.slice(i, i + BATCH));
    for (const b of batches) in1.inject(b); // commit the connections
    pump(in1, batches, ms / 4);
    counter.n = 0;
    const r = pump(in1, batches, ms);
    result.conntrackPps = Math.round(r.wall);
    result.conntrackPpsPerCpuSecond = Math.round(r.cpu);
    if (counter.n === 0) throw new Error('memory bench: nothing was forwarded (conntrack)');
  }

  // 10,000 flows: a /32 route per destination (and a few /16s). Measured three ways: the insert
  // rate; packets that miss both caches (megaflows off, every key new); packets that miss the
  // exact-match cache but hit a megaflow (new source ports to known destinations).
  const routes: FlowSpec[] = [];
  for (let i = 0; i < 10_000; i++) {
    routes.push({
      table: 1,
      priority: 32,
      match: { eth_type: 0x800, ip_dst: formatIp4(0x0a800000 + i) },
      actions: [setField('reg1', i), output(2)],
    });
  }
  for (let i = 0; i < 16; i++) {
    routes.push({
      table: 1,
      priority: 16,
      match: { eth_type: 0x800, ip_dst: `10.${i}.0.0/16` },
      actions: [output(2)],
    });
  }
  routes.push({ table: 0, priority: 100, match: { in_port: 1 }, actions: [resubmit(1)] });
  const n = 1 << 17;
  const fs = frames(n, (i) => ({
    src: formatIp4(0x0b000000 + (i >>> 12)),
    dst: formatIp4(0x0a800000 + (i % 10_000)),
    sport: 1024 + (i & 0xfff),
  }));
  const batches: Uint8Array[][] = [];
  for (let i = 0; i < fs.length; i += BATCH) batches.push(fs.slice(i, i + BATCH));
  {
    // Warm the JIT on a scratch datapath first, so the figure is the steady insert rate.
    new Datapath({ now: () => 0 }).addFlows(
      routes.map((r) => ({ ...r, table: (r.table ?? 0) + 2 })),
    );
    const { dp, in1, counter } = setup({ megaflowSize: 0 });
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    dp.addFlows(routes);
    const t1 = performance.now();
    const c = process.cpuUsage(c0);
    result.flowInsertPerSec = Math.round((routes.length / (t1 - t0)) * 1000);
    result.flowInsertPerCpuSecond = Math.round(routes.length / ((c.user + c.system) / 1e6));
    // More distinct keys than the exact-match cache holds, so repeats still miss.
    const before = dp.stats().cacheMisses;
    const r = pump(in1, batches, ms, 16);
    const misses = dp.stats().cacheMisses - before;
    result.missPps10k = Math.round(r.wall);
    result.missPps10kPerCpuSecond = Math.round(r.cpu);
    result.missRatio10k = Number((misses / r.sent).toFixed(4));
    if (counter.n === 0) throw new Error('memory bench: nothing was forwarded (10k)');
  }
  {
    const { dp, in1, counter } = setup();
    dp.addFlows(routes);
    pump(in1, batches, ms / 2, 16); // one megaflow per destination
    const before = dp.stats();
    const r = pump(in1, batches, ms, 16);
    const after = dp.stats();
    result.megaflowPps10k = Math.round(r.wall);
    result.megaflowPps10kPerCpuSecond = Math.round(r.cpu);
    result.megaflowHitRatio10k = Number(
      ((after.megaflowHits - before.megaflowHits) / r.sent).toFixed(4),
    );
    if (counter.n === 0) throw new Error('memory bench: nothing was forwarded (megaflow)');
  }
  return result;
}
