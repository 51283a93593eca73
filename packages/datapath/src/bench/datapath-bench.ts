/**
 * `pnpm bench:datapath`: the engine in memory, then real traffic between two network namespaces
 * through (a) a Linux bridge, for reference, (b) one ovn-ts datapath on AF_PACKET ports, and (c) two
 * ovn-ts datapaths in separate processes joined by Geneve over loopback (OVN's chassis-to-chassis
 * path). For each: ping round-trip time, iperf3 TCP throughput with veth offloads on and off, and
 * 64-byte UDP packets per second received. A table for people, then, as the last line, one JSON
 * object with every figure (`cachedPps` is the in-memory cached-path rate).
 *
 * Needs root, iproute2 and ping; installs Debian's iperf3 and ethtool when they are missing.
 * Ping: 200 echoes 10 ms apart, BENCH_PING_RUNS times (default 3); `…PingMs` is the mean of the runs'
 * `rtt avg` (the figure ping prints, as in OVS's reference), `…PingMedianMs` the median of their medians.
 * Environment: BENCH_SECONDS (default 10) per throughput run; BENCH_SETUPS (default
 * "bridge,datapath,geneve") to run fewer setups.
 */
import { output, setField } from '../actions.js';
import type { FlowSpec } from '../flow-mod.js';
import { DatapathChild, droppedByPorts } from '../linux/datapath-child.js';
import {
  combinePings,
  ensureBenchTools,
  ping,
  pingUntilReachable,
  setOffloads,
  tcpThroughput,
  udpPacketRate,
} from '../linux/lab-measurements.js';
import { type LabHost, NetnsLab, run } from '../linux/netns-lab.js';
import { processCpuSeconds } from '../linux/process-cpu.js';
import { runMemoryBench } from './memory-bench.js';

type SetupName = 'bridge' | 'datapath' | 'geneve';

interface SetupFigures {
  pingMs: number | undefined;
  pingMinMs: number | undefined;
  pingMedianMs: number | undefined;
  tcpOffloadOnGbps: number;
  tcpOffloadOffGbps: number;
  udp64Pps: number;
  /**
   * CPU time (user + system) of the datapath process(es) per packet processed during the UDP run,
   * summed over datapaths (a Geneve packet is processed twice): steadier than pps on a shared machine.
   */
  udp64CpuUsPerPacket?: number;
  /** Frames a datapath port could not send (full socket buffer, oversize): honest accounting. */
  txDropped?: number;
}

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const PING_RUNS = Number(process.env.BENCH_PING_RUNS ?? 3);

interface Switch {
  stop(): Promise<void>;
  dropped(): Promise<number>;
  /** CPU seconds and packets processed so far by the datapath processes (undefined: a bridge). */
  usage(): Promise<{ cpuSeconds: number; packets: number } | undefined>;
}

async function usageOf(children: readonly DatapathChild[]) {
  let cpuSeconds = 0;
  let packets = 0;
  for (const c of children) {
    cpuSeconds += processCpuSeconds(c.pid!);
    packets += (await c.stats()).stats.packets;
  }
  return { cpuSeconds, packets };
}

/** Start whatever joins h1 and h2; returns its stop function and a drop counter. */
async function startSwitch(
  setup: SetupName,
  lab: NetnsLab,
  h1: LabHost,
  h2: LabHost,
): Promise<Switch> {
  if (setup === 'bridge') {
    lab.addBridge([h1.rootIf, h2.rootIf]);
    return { stop: async () => {}, dropped: async () => 0, usage: async () => undefined };
  }
  if (setup === 'datapath') {
    const dp = await DatapathChild.start({
      ports: [
        { name: 'h1', port: 1, spec: { kind: 'af_packet', ifname: h1.rootIf } },
        { name: 'h2', port: 2, spec: { kind: 'af_packet', ifname: h2.rootIf } },
      ],
      flows: [
        { match: { in_port: 1 }, actions: [output(2)] },
        { match: { in_port: 2 }, actions: [output(1)] },
      ],
    });
    const dropped = async () => droppedByPorts(await dp.stats());
    return { stop: () => dp.stop(), dropped, usage: () => usageOf([dp]) };
  }
  // Two chassis: datapath key 5 in tun_id, OVN's (ingress << 16 | egress) logical port keys in the option.
  const base = 20000 + Math.floor(Math.random() * 20000);
  const flows = (local: number, remote: number): FlowSpec[] => [
    {
      match: { in_port: 1 },
      actions: [
        setField('tun_id', 5),
        setField('tun_metadata0', (local << 16) | remote),
        output(2),
      ],
    },
    {
      match: { in_port: 2, tun_id: 5, tun_metadata0: (remote << 16) | local },
      actions: [output(1)],
    },
  ];
  const a = await DatapathChild.start({
    ports: [
      { name: 'h1', port: 1, spec: { kind: 'af_packet', ifname: h1.rootIf } },
      {
        name: 'tun',
        port: 2,
        spec: {
          kind: 'geneve',
          localIp: '127.0.0.1',
          localPort: base,
          remoteIp: '127.0.0.2',
          remotePort: base + 1,
        },
      },
    ],
    flows: flows(1, 2),
  });
  const b = await DatapathChild.start({
    ports: [
      { name: 'h2', port: 1, spec: { kind: 'af_packet', ifname: h2.rootIf } },
      {
        name: 'tun',
        port: 2,
        spec: {
          kind: 'geneve',
          localIp: '127.0.0.2',
          localPort: base + 1,
          remoteIp: '127.0.0.1',
          remotePort: base,
        },
      },
    ],
    flows: flows(2, 1),
  });
  const dropped = async () => {
    let n = 0;
    for (const c of [a, b]) n += droppedByPorts(await c.stats());
    return n;
  };
  return {
    stop: async () => void (await Promise.all([a.stop(), b.stop()])),
    dropped,
    usage: () => usageOf([a, b]),
  };
}

async function measure(setup: SetupName): Promise<SetupFigures> {
  const lab = new NetnsLab(setup.slice(0, 3));
  try {
    const h1 = lab.addHost('h1', { cidr: '10.0.0.1/24' });
    const h2 = lab.addHost('h2', { cidr: '10.0.0.2/24' });
    if (setup === 'geneve') {
      // A TSO frame must fit one UDP datagram (65507 bytes) with the Geneve header and options.
      for (const h of [h1, h2])
        run('ip', ['-n', h.ns, 'link', 'set', 'dev', h.nsIf, 'gso_max_size', '65000']);
    }
    const sw = await startSwitch(setup, lab, h1, h2);
    try {
      if (!(await pingUntilReachable(h1, h2.ip)))
        throw new Error(`bench ${setup}: ${h2.ip} unreachable from ${h1.ns}`);
      // As ping prints it (rtt avg), averaged over a few runs: one run is at the mercy of a few
      // scheduler hiccups on a busy machine.
      const pings = [];
      for (let r = 0; r < PING_RUNS; r++) pings.push(await ping(h1, h2.ip, 200, 0.01));
      const p = combinePings(pings);
      const tcpOn = await tcpThroughput(h1, h2, SECONDS);
      const before = await sw.usage();
      const udp = await udpPacketRate(h1, h2, SECONDS);
      const after = await sw.usage();
      await setOffloads(h1, false);
      await setOffloads(h2, false);
      const tcpOff = await tcpThroughput(h1, h2, SECONDS);
      const figures: SetupFigures = {
        pingMs: p.avgMs,
        pingMinMs: p.minMs,
        pingMedianMs: p.medianMs,
        tcpOffloadOnGbps: tcpOn,
        tcpOffloadOffGbps: tcpOff,
        udp64Pps: udp,
      };
      if (before && after && after.packets > before.packets)
        figures.udp64CpuUsPerPacket =
          ((after.cpuSeconds - before.cpuSeconds) * 1e6) / (after.packets - before.packets);
      if (setup !== 'bridge') figures.txDropped = await sw.dropped();
      return figures;
    } finally {
      await sw.stop();
    }
  } finally {
    lab.destroy();
  }
}

const round = (x: number | undefined, digits: number): number | null =>
  x === undefined || !Number.isFinite(x) ? null : Number(x.toFixed(digits));

async function main(): Promise<void> {
  const mem = await runMemoryBench();
  console.log('In-memory engine (one core, no I/O):');
  console.table(Object.entries(mem).map(([metric, value]) => ({ metric, value })));

  if (process.getuid?.() !== 0) throw new Error('bench:datapath: the namespace half needs root');
  await ensureBenchTools();
  const setups = (process.env.BENCH_SETUPS ?? 'bridge,datapath,geneve').split(',') as SetupName[];
  const results: Partial<Record<SetupName, SetupFigures>> = {};
  for (const s of setups) {
    process.stderr.write(`bench: ${s}...\n`);
    results[s] = await measure(s);
  }
  const label: Record<SetupName, string> = {
    bridge: 'Linux bridge',
    datapath: 'ovn-ts datapath (AF_PACKET)',
    geneve: 'two ovn-ts datapaths + Geneve',
  };
  console.log(
    `\nTwo namespaces on veth pairs (${SECONDS} s per throughput run; OVS 3.1 userspace reference: ping 0.27 ms, TCP 1.08 / 10.7 Gb/s, ~95 kpps):`,
  );
  console.table(
    setups.map((s) => {
      const r = results[s]!;
      return {
        setup: label[s],
        'ping avg ms': round(r.pingMs, 3),
        'ping median ms': round(r.pingMedianMs, 3),
        'ping min ms': round(r.pingMinMs, 3),
        'TCP Gb/s offloads off': round(r.tcpOffloadOffGbps, 2),
        'TCP Gb/s offloads on': round(r.tcpOffloadOnGbps, 2),
        '64-byte UDP pps': Math.round(r.udp64Pps),
        'UDP CPU us/packet': round(r.udp64CpuUsPerPacket, 2) ?? '',
        'tx dropped': r.txDropped ?? '',
      };
    }),
  );
  const json: Record<string, number | null> = { ...mem };
  for (const s of setups) {
    const r = results[s]!;
    json[`${s}PingMs`] = round(r.pingMs, 3);
    json[`${s}PingMedianMs`] = round(r.pingMedianMs, 3);
    json[`${s}TcpOffloadOffGbps`] = round(r.tcpOffloadOffGbps, 3);
    json[`${s}TcpOffloadOnGbps`] = round(r.tcpOffloadOnGbps, 3);
    json[`${s}Udp64Pps`] = Math.round(r.udp64Pps);
    if (r.udp64CpuUsPerPacket !== undefined)
      json[`${s}Udp64CpuUsPerPacket`] = round(r.udp64CpuUsPerPacket, 3);
    if (r.txDropped !== undefined) json[`${s}TxDropped`] = r.txDropped;
  }
  console.log(JSON.stringify(json));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
