/**
 * A datapath in a process of its own, for tests and benchmarks that need two switches on one machine
 * (two chassis joined by a tunnel) or a switch off the test runner's event loop. Run the compiled file:
 *
 *   node packages/datapath/dist/linux/datapath-process.js '<config JSON>'
 *
 * The config names the ports (PortSpec, see open-port.ts) with their port numbers and the flows to
 * install (FlowSpec as JSON: numbers or strings for field values). Tunnel endpoints shared by one port
 * per peer chassis are declared under `endpoints` and used by ports `{ kind: 'peer', endpoint, remoteIp }`. The process prints one line
 * `{"ready":true}` once every port is open and every flow installed, then reads commands, one per line,
 * on stdin: `stats` prints one JSON line (datapath, port, flow and port-I/O counters); `exit` (or stdin closing)
 * closes the ports and ends the process.
 */
import { createInterface } from 'node:readline';
import { Datapath } from '../datapath.js';
import type { FlowSpec } from '../flow-mod.js';
import type { PortIo, PortIoStats } from '../port.js';
import { TunnelEndpoint, type TunnelEndpointOptions } from '../tunnel/tunnel-endpoint.js';
import { useDedicatedIoLoop } from './dedicated-io-loop.js';
import { openPort, type PortSpec } from './open-port.js';

/** A port on a shared tunnel endpoint: one per peer chassis (no remoteIp: the catch-all port). */
export interface PeerPortSpec {
  readonly kind: 'peer';
  readonly endpoint: string;
  readonly remoteIp?: string;
}

export interface DatapathProcessConfig {
  readonly endpoints?: readonly ({ readonly name: string } & TunnelEndpointOptions)[];
  readonly ports: readonly {
    readonly name: string;
    readonly port: number;
    readonly spec: PortSpec | PeerPortSpec;
  }[];
  readonly flows: readonly FlowSpec[];
  /** Block in poll() on the main thread (dedicated-io-loop.ts). Default true: this process only switches. */
  readonly dedicatedIoLoop?: boolean;
  /** Busy-poll window of the dedicated loop in ms (dedicated-io-loop.ts; default there). */
  readonly busyPollMs?: number;
}

function jsonSafe(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? v.toString() : v)));
}

async function main(): Promise<void> {
  const arg = process.argv[2];
  if (!arg) throw new Error('datapath-process: missing config JSON argument');
  const config = JSON.parse(arg) as DatapathProcessConfig;
  if (config.dedicatedIoLoop ?? true)
    useDedicatedIoLoop(config.busyPollMs === undefined ? {} : { busyPollMs: config.busyPollMs });
  const dp = new Datapath({ now: () => Date.now() });
  const endpoints = new Map<string, TunnelEndpoint>();
  for (const e of config.endpoints ?? []) {
    const { name, ...options } = e;
    endpoints.set(name, await TunnelEndpoint.open(options));
  }
  const ios = new Map<string, PortIo>();
  for (const p of config.ports) {
    const spec = p.spec;
    let io: PortIo;
    if (spec.kind === 'peer') {
      const e = endpoints.get(spec.endpoint);
      if (!e) throw new Error(`port ${p.name}: no endpoint ${spec.endpoint}`);
      io = spec.remoteIp === undefined ? e.any() : e.peer(spec.remoteIp);
    } else {
      io = await openPort(spec);
    }
    ios.set(p.name, io);
    dp.addPort(p.name, io, { port: p.port });
  }
  // The ports' own counters (drops at the socket) beside the datapath's.
  const ioStats = () =>
    Object.fromEntries(
      [...ios].map(([name, io]) => [name, (io as { stats?: () => PortIoStats }).stats?.()]),
    );
  dp.addFlows(config.flows);
  let closing = false;
  const shutdown = async (): Promise<void> => {
    if (closing) return;
    closing = true;
    await dp.close();
    await Promise.all([...endpoints.values()].map((e) => e.close()));
    process.exit(0);
  };
  const rl = createInterface({ input: process.stdin });
  rl.on('line', (line) => {
    const cmd = line.trim();
    if (cmd === 'stats') {
      process.stdout.write(
        `${JSON.stringify(jsonSafe({ stats: dp.stats(), ports: dp.portStats(), flows: dp.flowStats(), io: ioStats() }))}\n`,
      );
    } else if (cmd === 'exit') {
      void shutdown();
    }
  });
  rl.on('close', () => void shutdown());
  process.on('SIGTERM', () => void shutdown());
  process.stdout.write(`${JSON.stringify({ ready: true })}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`datapath-process: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
