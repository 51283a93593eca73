/**
 * Traffic measurements between two lab hosts with the tools a Debian machine has: ping (iputils),
 * iperf3 and ethtool (the benchmark installs the last two when missing; tests use only ping).
 * Commands run asynchronously so that a datapath in the same process keeps forwarding meanwhile.
 */
import { spawn } from 'node:child_process';
import type { LabHost } from './netns-lab.js';

export interface CommandResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Run a command to completion without blocking the event loop. */
export function runAsync(
  cmd: string,
  args: readonly string[],
  timeoutMs = 60_000,
): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(new Error(`${cmd}: ${err.message}`));
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

export interface PingResult {
  readonly transmitted: number;
  readonly received: number;
  /** Average round-trip time in milliseconds (undefined when nothing came back). */
  readonly avgMs: number | undefined;
  readonly minMs: number | undefined;
  /** Median round-trip time: on a busy machine a few descheduled replies move the average a lot. */
  readonly medianMs: number | undefined;
}

/** Parse the summary lines of iputils ping. */
export function parsePing(output: string): PingResult {
  const counts = /(\d+) packets transmitted, (\d+) received/.exec(output);
  const rtt = /= ([\d.]+)\/([\d.]+)\/([\d.]+)\/([\d.]+) ms/.exec(output);
  const times = [...output.matchAll(/time=([\d.]+) ms/g)]
    .map((m) => Number(m[1]))
    .sort((a, b) => a - b);
  return {
    transmitted: counts ? Number(counts[1]) : 0,
    received: counts ? Number(counts[2]) : 0,
    avgMs: rtt ? Number(rtt[2]) : undefined,
    minMs: rtt ? Number(rtt[1]) : undefined,
    medianMs: times.length > 0 ? times[Math.floor(times.length / 2)] : undefined,
  };
}

/**
 * Several ping runs as one figure: the average is the mean of each run's `rtt avg` (what ping prints,
 * and what Open vSwitch's reference figure is), the minimum the least, the median the median of the
 * runs' medians. Runs where nothing came back count only in the totals.
 */
export function combinePings(runs: readonly PingResult[]): PingResult {
  const answered = runs.filter((r) => r.avgMs !== undefined);
  const mid = (xs: number[]): number | undefined => {
    if (xs.length === 0) return undefined;
    const s = [...xs].sort((a, b) => a - b);
    return s.length % 2 === 1
      ? s[(s.length - 1) / 2]
      : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
  };
  return {
    transmitted: runs.reduce((n, r) => n + r.transmitted, 0),
    received: runs.reduce((n, r) => n + r.received, 0),
    avgMs:
      answered.length === 0
        ? undefined
        : answered.reduce((t, r) => t + r.avgMs!, 0) / answered.length,
    minMs: answered.length === 0 ? undefined : Math.min(...answered.map((r) => r.minMs!)),
    medianMs: mid(answered.flatMap((r) => (r.medianMs === undefined ? [] : [r.medianMs]))),
  };
}

/** Ping `to` from inside `from`'s namespace. */
export async function ping(
  from: LabHost,
  toIp: string,
  count = 5,
  intervalS = 0.2,
  waitS = 2,
): Promise<PingResult> {
  const r = await runAsync('ip', [
    'netns',
    'exec',
    from.ns,
    'ping',
    '-c',
    String(count),
    '-i',
    String(intervalS),
    '-W',
    String(waitS),
    '-n',
    toIp,
  ]);
  return parsePing(r.stdout);
}

/** Ping until one reply comes back (ARP and datapath start-up settle), up to `attempts` tries. */
export async function pingUntilReachable(
  from: LabHost,
  toIp: string,
  attempts = 20,
): Promise<boolean> {
  for (let i = 0; i < attempts; i++) {
    if ((await ping(from, toIp, 1, 0.2, 1)).received === 1) return true;
  }
  return false;
}

function hasCommand(cmd: string): Promise<boolean> {
  return runAsync('sh', ['-c', `command -v ${cmd}`]).then((r) => r.code === 0);
}

/** Make sure iperf3 and ethtool exist, installing Debian's packages if not (benchmark only). */
export async function ensureBenchTools(): Promise<void> {
  const missing: string[] = [];
  if (!(await hasCommand('iperf3'))) missing.push('iperf3');
  if (!(await hasCommand('ethtool'))) missing.push('ethtool');
  if (missing.length === 0) return;
  await runAsync('apt-get', ['update', '-qq'], 300_000);
  const r = await runAsync(
    'sh',
    ['-c', `DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ${missing.join(' ')}`],
    300_000,
  );
  if (r.code !== 0)
    throw new Error(`bench: cannot install ${missing.join(', ')}: ${r.stderr.trim()}`);
}

/** Turn segmentation and checksum offloads of a lab host's veth pair on or off (both ends). */
export async function setOffloads(host: LabHost, on: boolean): Promise<void> {
  const v = on ? 'on' : 'off';
  const features = ['tx', v, 'rx', v, 'tso', v, 'gso', v, 'gro', v];
  const runs = [
    await runAsync('ip', ['netns', 'exec', host.ns, 'ethtool', '-K', host.nsIf, ...features]),
  ];
  if (host.rootIf !== host.nsIf)
    runs.push(await runAsync('ethtool', ['-K', host.rootIf, ...features]));
  for (const r of runs) {
    if (r.code !== 0)
      throw new Error(`ethtool -K ${features.join(' ')} on ${host.ns}: ${r.stderr.trim()}`);
  }
}

/** Start an iperf3 server in `host`'s namespace for one test; resolves when it listens. */
async function iperfServer(host: LabHost, port: number): Promise<{ stop(): void }> {
  const child = spawn('ip', ['netns', 'exec', host.ns, 'iperf3', '-s', '-1', '-p', String(port)], {
    stdio: 'ignore',
  });
  // iperf3 has no readiness signal; poll the listening socket.
  for (let i = 0; i < 50; i++) {
    const r = await runAsync('ip', ['netns', 'exec', host.ns, 'ss', '-Hltn', `sport = :${port}`]);
    if (r.stdout.trim() !== '') break;
    await new Promise((res) => setTimeout(res, 50));
  }
  return { stop: () => child.kill('SIGKILL') };
}

/** TCP throughput from `client` to `server` in Gb/s (iperf3, received bytes). */
export async function tcpThroughput(
  client: LabHost,
  server: LabHost,
  seconds: number,
  port = 5201,
): Promise<number> {
  const srv = await iperfServer(server, port);
  try {
    const r = await runAsync(
      'ip',
      [
        'netns',
        'exec',
        client.ns,
        'iperf3',
        '-c',
        server.ip,
        '-p',
        String(port),
        '-t',
        String(seconds),
        '-J',
      ],
      (seconds + 30) * 1000,
    );
    const j = JSON.parse(r.stdout) as {
      end?: { sum_received?: { bits_per_second: number } };
      error?: string;
    };
    if (!j.end?.sum_received) throw new Error(`iperf3 tcp: ${j.error ?? r.stderr.trim()}`);
    return j.end.sum_received.bits_per_second / 1e9;
  } finally {
    srv.stop();
  }
}

/** 64-byte UDP frames received per second at `server` when `client` sends as fast as it can. */
export async function udpPacketRate(
  client: LabHost,
  server: LabHost,
  seconds: number,
  port = 5202,
): Promise<number> {
  // 18 bytes of payload + 8 UDP + 20 IPv4 + 14 Ethernet = 60 bytes, 64 with the FCS.
  const payload = 18;
  const srv = await iperfServer(server, port);
  try {
    const r = await runAsync(
      'ip',
      [
        'netns',
        'exec',
        client.ns,
        'iperf3',
        '-c',
        server.ip,
        '-p',
        String(port),
        '-u',
        '-l',
        String(payload),
        '-b',
        '0',
        '-t',
        String(seconds),
        '-J',
      ],
      (seconds + 30) * 1000,
    );
    const j = JSON.parse(r.stdout) as {
      end?: { sum_received?: { bytes: number; seconds: number } };
      error?: string;
    };
    const s = j.end?.sum_received;
    if (!s) throw new Error(`iperf3 udp: ${j.error ?? r.stderr.trim()}`);
    return s.bytes / payload / s.seconds;
  } finally {
    srv.stop();
  }
}
