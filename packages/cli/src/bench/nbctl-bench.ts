/**
 * nbctl benchmark: what a user feels. Spawns the compiled bin (`node packages/cli/bin/nbctl.js`),
 * so process start, module loading, connecting and the transaction are all counted.
 *
 *   pnpm bench:nbctl [-- --url ADMIN_URL] [--runs N] [--ports N] [--batch N] [--single N]
 *
 * Without --url it starts its own embedded PostgreSQL. Prints a table for people, then, as the last
 * line, one JSON object with the figures.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { databaseUrl, dropDatabase, ensureDatabase } from '@ovn-ts/db';
import { startEmbeddedPostgres } from '@ovn-ts/db/embedded';
import Table from 'cli-table3';
import pg from 'pg';

const here = dirname(fileURLToPath(import.meta.url));
const BIN = resolve(here, '../../bin/nbctl.js');

const { values: opts } = parseArgs({
  options: {
    url: { type: 'string' },
    runs: { type: 'string', default: '3' },
    ports: { type: 'string', default: '10000' },
    batch: { type: 'string', default: '500' },
    single: { type: 'string', default: '20' },
  },
});
const RUNS = Number(opts.runs);
const PORTS = Number(opts.ports);
const BATCH = Number(opts.batch);
const SINGLE = Number(opts.single);

/** Runs the bin once; resolves with its wall time in ms, rejects with its stderr on failure. */
function nbctl(url: string, args: readonly string[]): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const start = performance.now();
    const child = spawn(process.execPath, [BIN, '--db', url, ...args], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = performance.now() - start;
      if (code === 0) resolvePromise(ms);
      else reject(new Error(`nbctl ${args.slice(0, 3).join(' ')} … exited ${code}: ${err.trim()}`));
    });
  });
}

const median = (xs: readonly number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

const mac = (i: number) =>
  `0a:00:00:${((i >> 16) & 0xff).toString(16).padStart(2, '0')}:${((i >> 8) & 0xff).toString(16).padStart(2, '0')}:${(i & 0xff).toString(16).padStart(2, '0')}`;
const ip = (i: number) => `10.${(i >> 16) & 0xff}.${(i >> 8) & 0xff}.${i & 0xff}`;

/** One invocation's arguments: `count` ports with addresses and port security, from `first`. */
function portBatch(first: number, count: number): string[] {
  const args: string[] = [];
  for (let i = first; i < first + count; i++) {
    const addr = `${mac(i)} ${ip(i)}`;
    if (args.length > 0) args.push('--');
    args.push(
      'lsp-add',
      'sw0',
      `p${i}`,
      '--',
      'lsp-set-addresses',
      `p${i}`,
      addr,
      '--',
      'lsp-set-port-security',
      `p${i}`,
      addr,
    );
  }
  return args;
}

async function freshDatabase(
  admin: string,
  tag: string,
): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `nbctl_bench_${tag}_${process.pid}`;
  await dropDatabase(admin, name);
  await ensureDatabase(admin, name);
  const url = databaseUrl(admin, name);
  await nbctl(url, ['init']);
  return { url, drop: () => dropDatabase(admin, name) };
}

async function countPorts(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (
      await client.query<{ n: number }>('SELECT count(*)::int AS n FROM nb.logical_switch_port')
    ).rows[0]!.n;
  } finally {
    await client.end();
  }
}

async function main(): Promise<void> {
  let dir: string | undefined;
  let stop: (() => Promise<void>) | undefined;
  let admin = opts.url;
  if (!admin) {
    dir = await mkdtemp(join(tmpdir(), 'nbctl-bench-'));
    const { chmod } = await import('node:fs/promises');
    await chmod(dir, 0o755); // the server runs as its own user when we are root
    const server = await startEmbeddedPostgres({ dataDir: join(dir, 'data') });
    admin = server.url;
    stop = () => server.stop();
  }
  try {
    // 1. One ls-add, process start included.
    const single = await freshDatabase(admin, 'single');
    const singles: number[] = [];
    await nbctl(single.url, ['ls-add', 'warmup']);
    for (let i = 0; i < SINGLE; i++) singles.push(await nbctl(single.url, ['ls-add', `sw${i}`]));
    await single.drop();

    // 2. Loading ports in batches, a fresh database per run.
    const loads: number[] = [];
    const batches = Math.ceil(PORTS / BATCH);
    for (let run = 0; run < RUNS; run++) {
      const db = await freshDatabase(admin, `load${run}`);
      await nbctl(db.url, ['ls-add', 'sw0']);
      const start = performance.now();
      for (let b = 0; b < batches; b++)
        await nbctl(db.url, portBatch(b * BATCH, Math.min(BATCH, PORTS - b * BATCH)));
      loads.push(performance.now() - start);
      const n = await countPorts(db.url);
      if (n !== PORTS) throw new Error(`expected ${PORTS} ports after the load, found ${n}`);
      await db.drop();
    }

    const figures = {
      lsAddMs: Number(median(singles).toFixed(1)),
      lsAddMinMs: Number(Math.min(...singles).toFixed(1)),
      lsAddSamples: singles.length,
      loadPorts: PORTS,
      loadBatch: BATCH,
      loadInvocations: batches,
      loadMs: Number(median(loads).toFixed(0)),
      loadRunsMs: loads.map((x) => Number(x.toFixed(0))),
      loadPortsPerSecond: Number((PORTS / (median(loads) / 1000)).toFixed(0)),
      loadMsPerInvocation: Number((median(loads) / batches).toFixed(1)),
    };
    const table = new Table({ head: ['measure', 'value'], style: { head: [], border: [] } });
    table.push(
      [
        `one ls-add (process start included), median of ${singles.length}`,
        `${figures.lsAddMs} ms (min ${figures.lsAddMinMs} ms)`,
      ],
      [
        `${PORTS} ports with addresses + port security, ${batches} invocations × ${BATCH}, median of ${RUNS}`,
        `${figures.loadMs} ms (${figures.loadPortsPerSecond} ports/s, ${figures.loadMsPerInvocation} ms per invocation)`,
      ],
    );
    console.log(table.toString());
    console.log(JSON.stringify(figures));
  } finally {
    await stop?.();
    if (dir) await rm(dir, { recursive: true, force: true });
  }
}

await main();
