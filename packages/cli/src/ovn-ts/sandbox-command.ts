import { existsSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { createPool, databaseUrl, ensureDatabase } from '@ovn-ts/db';
import { startEmbeddedPostgres } from '@ovn-ts/db/embedded';
import { initNb } from '@ovn-ts/nb-db';
import { initSb } from '@ovn-ts/sb-db';

export interface SandboxOptions {
  readonly dataDir: string;
  readonly port?: number;
  /** Start, print, and stop again (for tests and CI smoke checks). */
  readonly once?: boolean;
}

/**
 * Starts the stack on an embedded PostgreSQL: a persistent server under the data directory,
 * the NB and SB databases created or upgraded, and how to point the tools at them.
 */
export async function runSandbox(opts: SandboxOptions, out: (line: string) => void): Promise<void> {
  const dataDir = resolve(opts.dataDir);
  out(`ovn-ts sandbox: starting PostgreSQL in ${dataDir}/pg …`);
  // Keep the port of the first start, so the URLs the user exported stay valid across restarts.
  const portFile = `${dataDir}/port`;
  const port =
    opts.port ?? (existsSync(portFile) ? Number(readFileSync(portFile, 'utf8')) : undefined);
  const server = await startEmbeddedPostgres({
    dataDir: `${dataDir}/pg`,
    persistent: true,
    ...(port !== undefined && { port }),
  });
  await mkdir(dataDir, { recursive: true });
  await writeFile(portFile, String(server.port));
  try {
    const nbUrl = databaseUrl(server.url, 'ovn_nb');
    const sbUrl = databaseUrl(server.url, 'ovn_sb');
    await ensureDatabase(server.url, 'ovn_nb');
    await ensureDatabase(server.url, 'ovn_sb');
    for (const [url, init] of [
      [nbUrl, initNb],
      [sbUrl, initSb],
    ] as const) {
      const pool = createPool(url);
      try {
        await init(pool);
      } finally {
        await pool.end();
      }
    }
    const envFile = `${dataDir}/env`;
    await writeFile(envFile, `export OVN_NB_DB='${nbUrl}'\nexport OVN_SB_DB='${sbUrl}'\n`);
    out('ovn-ts sandbox: NB and SB databases are ready.');
    out('');
    out(`In another terminal, point the tools at them (or: source ${envFile}):`);
    out(`  export OVN_NB_DB='${nbUrl}'`);
    out(`  export OVN_SB_DB='${sbUrl}'`);
    out(
      '  pnpm exec nbctl ls-add sw0 -- lsp-add sw0 vm1 -- lsp-set-addresses vm1 "0a:00:00:00:00:01 10.0.0.1"',
    );
    out('  pnpm exec nbctl show');
    out('');
    if (opts.once) return;
    // northd runs in this process; logs go to the sandbox directory to keep the terminal readable.
    const [{ runNorthd }, { default: pino }] = await Promise.all([
      import('@ovn-ts/northd'),
      import('pino'),
    ]);
    const log = pino(
      { name: 'northd' },
      pino.destination({ dest: `${dataDir}/northd.log`, mkdir: true }),
    );
    const stop = new AbortController();
    const northd = runNorthd({ nbUrl, sbUrl, signal: stop.signal, log });
    out(`ovn-ts sandbox: northd is running (log: ${dataDir}/northd.log). Press Ctrl-C to stop.`);
    await new Promise<void>((done) => {
      process.once('SIGINT', done);
      process.once('SIGTERM', done);
    });
    out('ovn-ts sandbox: stopping …');
    stop.abort();
    await northd;
  } finally {
    await server.stop();
  }
}
