/**
 * A TCP bulk transfer between two lab hosts with nothing but node itself (tests may not rely on iperf3):
 * a server in one namespace counts bytes and a running checksum of what it receives, a client in the
 * other sends a deterministic byte stream. Equal counts and sums mean every segment arrived intact
 * and in order, whatever the switch in between did with offloads.
 */
import { spawn } from 'node:child_process';
import type { LabHost } from './netns-lab.js';

const SERVER = `
const net = require('node:net');
const srv = net.createServer((s) => {
  let n = 0, sum = 0;
  s.on('data', (d) => { for (let i = 0; i < d.length; i++) sum = (sum + d[i] * ((n + i) % 251 + 1)) % 2147483647; n += d.length; });
  s.on('end', () => { process.stdout.write(JSON.stringify({ n, sum }) + '\\n'); s.end(); srv.close(); });
});
srv.listen(Number(process.argv[1]), () => process.stdout.write('listening\\n'));
`;

const CLIENT = `
const net = require('node:net');
const total = Number(process.argv[3]);
const chunk = Buffer.alloc(1 << 16);
let sent = 0, sum = 0;
const s = net.connect(Number(process.argv[2]), process.argv[1], () => {
  const pump = () => {
    while (sent < total) {
      const len = Math.min(chunk.length, total - sent);
      for (let i = 0; i < len; i++) { chunk[i] = (sent + i) * 7 & 0xff; sum = (sum + chunk[i] * ((sent + i) % 251 + 1)) % 2147483647; }
      const ok = s.write(Buffer.from(chunk.subarray(0, len)));
      sent += len;
      if (!ok) return s.once('drain', pump);
    }
    s.end();
  };
  pump();
});
s.on('close', () => process.stdout.write(JSON.stringify({ n: sent, sum }) + '\\n'));
`;

function nodeIn(
  host: LabHost,
  script: string,
  args: string[],
): { out: Promise<string>; firstLine: Promise<string>; kill(): void } {
  const child = spawn('ip', ['netns', 'exec', host.ns, process.execPath, '-e', script, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let resolveFirst: (l: string) => void = () => {};
  const firstLine = new Promise<string>((r) => {
    resolveFirst = r;
  });
  child.stdout.on('data', (d) => {
    out += d;
    if (out.includes('\n')) resolveFirst(out.slice(0, out.indexOf('\n')));
  });
  let err = '';
  child.stderr.on('data', (d) => {
    err += d;
  });
  const done = new Promise<string>((resolve, reject) =>
    child.on('close', (code) =>
      code === 0
        ? resolve(out)
        : reject(new Error(`tcp transfer in ${host.ns}: exit ${code}: ${err.trim()}`)),
    ),
  );
  child.on('close', () => resolveFirst(''));
  return { out: done, firstLine, kill: () => child.kill('SIGKILL') };
}

export interface TransferResult {
  readonly sent: { readonly n: number; readonly sum: number };
  readonly received: { readonly n: number; readonly sum: number };
}

/**
 * Send `bytes` from `client` to `server` over TCP; resolves both sides' byte counts and checksums.
 * Gives up (and kills both ends) after `timeoutMs`: a switch that corrupts segments stalls TCP.
 */
export async function tcpTransfer(
  client: LabHost,
  server: LabHost,
  bytes: number,
  port = 5400,
  timeoutMs = 20_000,
  /** Address the client connects to (default the server's own; e.g. a virtual IP the switch translates). */
  toIp = server.ip,
): Promise<TransferResult> {
  const srv = nodeIn(server, SERVER, [String(port)]);
  let cli: ReturnType<typeof nodeIn> | undefined;
  let timer: NodeJS.Timeout | undefined;
  try {
    if ((await srv.firstLine) !== 'listening')
      throw new Error(`tcp transfer: server in ${server.ns} did not start`);
    cli = nodeIn(client, CLIENT, [toIp, String(port), String(bytes)]);
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new Error(`tcp transfer ${client.ip} -> ${server.ip}: not done after ${timeoutMs} ms`),
          ),
        timeoutMs,
      );
    });
    const [c, s] = await Promise.race([Promise.all([cli.out, srv.out]), timeout]);
    const lastLine = (t: string) =>
      JSON.parse(t.trim().split('\n').pop()!) as { n: number; sum: number };
    return { sent: lastLine(c), received: lastLine(s) };
  } finally {
    clearTimeout(timer);
    cli?.kill();
    srv.kill();
  }
}
