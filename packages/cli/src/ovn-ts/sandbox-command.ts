import { existsSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { createPool, databaseUrl, ensureDatabase } from '@ovn-ts/db';
import type { EmbeddedServer } from '@ovn-ts/db/embedded';
import { initNb } from '@ovn-ts/nb-db';
import { initSb } from '@ovn-ts/sb-db';
import { CliError } from '../common/cli-error.js';

export interface SandboxOptions {
  readonly dataDir: string;
  readonly port?: number;
  /** Start, print, and stop again (for tests and CI smoke checks). */
  readonly once?: boolean;
  /** In-process hypervisors hv1..hvN (default 2). */
  readonly hypervisors?: number;
  /** Tunnels between them: in memory (default) or Geneve over loopback UDP. */
  readonly underlay?: 'memory' | 'udp';
  /** Run the demo on fresh databases, print each step, and stop; the exit code says if it passed. */
  readonly demo?: boolean;
}

/**
 * Starts the stack on an embedded PostgreSQL: a persistent server under the data directory, the
 * NB and SB databases created or upgraded, northd, and hypervisors whose VMs the user attaches
 * through the control socket (`ovn-ts vm …`) or the prompt. Returns the exit code.
 */
export async function runSandbox(
  opts: SandboxOptions,
  out: (line: string) => void,
): Promise<number> {
  const dataDir = resolve(opts.dataDir);
  const hvCount = opts.hypervisors ?? 2;
  if (!Number.isInteger(hvCount) || hvCount < (opts.demo ? 2 : 0) || hvCount > 254)
    throw new CliError(
      `sandbox: --hypervisors ${opts.hypervisors}: expected a number from ${opts.demo ? 2 : 0} to 254`,
      2,
    );
  out(`ovn-ts sandbox: starting PostgreSQL in ${dataDir}/pg …`);
  // Keep the port of the first start, so the URLs the user exported stay valid across restarts.
  const portFile = `${dataDir}/port`;
  const port =
    opts.port ?? (existsSync(portFile) ? Number(readFileSync(portFile, 'utf8')) : undefined);
  const { startEmbeddedPostgres } = await import('@ovn-ts/db/embedded');
  const server = await startEmbeddedPostgres({
    dataDir: `${dataDir}/pg`,
    persistent: true,
    ...(port !== undefined && { port }),
  });
  await mkdir(dataDir, { recursive: true });
  await writeFile(portFile, String(server.port));
  try {
    if (opts.demo) return await demo(server, dataDir, hvCount, opts, out);
    const nbUrl = databaseUrl(server.url, 'ovn_nb');
    const sbUrl = databaseUrl(server.url, 'ovn_sb');
    await prepareDatabases(server.url, [
      [nbUrl, 'ovn_nb', initNb],
      [sbUrl, 'ovn_sb', initSb],
    ]);
    const envFile = `${dataDir}/env`;
    await writeFile(envFile, `export OVN_NB_DB='${nbUrl}'\nexport OVN_SB_DB='${sbUrl}'\n`);
    out('ovn-ts sandbox: NB and SB databases are ready.');
    if (opts.once) {
      printTools(out, envFile, nbUrl, sbUrl);
      return 0;
    }
    const stack = await startStack(dataDir, nbUrl, sbUrl, hvCount, opts.underlay ?? 'memory');
    try {
      const { serveControl, CONTROL_SOCKET } = await import('./control-socket.js');
      const { executeVmRequest } = await import('./vm-requests.js');
      const run = (req: Parameters<typeof executeVmRequest>[1]) =>
        executeVmRequest(stack.sandbox, req);
      const control = await serveControl(`${dataDir}/${CONTROL_SOCKET}`, run);
      try {
        out(`ovn-ts sandbox: northd is running (log: ${dataDir}/northd.log).`);
        for (const hv of stack.sandbox.hypervisors())
          out(
            `ovn-ts sandbox: hypervisor ${hv.name} is up (encap ${hv.encapIp}, ${stack.underlay} underlay).`,
          );
        out('');
        printTools(out, envFile, nbUrl, sbUrl);
        printVmHelp(out, opts.dataDir);
        if (process.stdin.isTTY) {
          out(
            'Or type the same commands here, without "ovn-ts vm" ("help" lists them, "exit" stops).',
          );
          const { runPrompt } = await import('./sandbox-prompt.js');
          await Promise.race([runPrompt(run, out), signalled()]);
        } else {
          out('Press Ctrl-C to stop.');
          await signalled();
        }
        out('ovn-ts sandbox: stopping …');
      } finally {
        await control.close();
      }
    } finally {
      await stack.stop();
    }
    return 0;
  } finally {
    await server.stop();
  }
}

type Init = (pool: ReturnType<typeof createPool>) => Promise<unknown>;

async function prepareDatabases(
  adminUrl: string,
  dbs: readonly (readonly [url: string, name: string, init: Init])[],
): Promise<void> {
  for (const [url, name, init] of dbs) {
    await ensureDatabase(adminUrl, name);
    const pool = createPool(url);
    try {
      await init(pool);
    } finally {
      await pool.end();
    }
  }
}

function signalled(): Promise<void> {
  return new Promise((done) => {
    process.once('SIGINT', () => done());
    process.once('SIGTERM', () => done());
  });
}

/** northd (log in the data directory) and the hypervisors (their log beside it). */
async function startStack(
  dataDir: string,
  nbUrl: string,
  sbUrl: string,
  hypervisors: number,
  underlay: 'memory' | 'udp',
) {
  const [{ runNorthd }, { Sandbox }, { default: pino }] = await Promise.all([
    import('@ovn-ts/northd'),
    import('@ovn-ts/sandbox'),
    import('pino'),
  ]);
  const northdLog = pino(
    { name: 'northd' },
    pino.destination({ dest: `${dataDir}/northd.log`, mkdir: true }),
  );
  const hvLog = pino(
    { name: 'hypervisors' },
    pino.destination({ dest: `${dataDir}/hypervisors.log`, mkdir: true }),
  );
  const stopNorthd = new AbortController();
  const northd = runNorthd({
    nbUrl,
    sbUrl,
    signal: stopNorthd.signal,
    log: northdLog,
    lockPollMs: 100,
  });
  let sandbox: Awaited<ReturnType<typeof Sandbox.start>>;
  try {
    sandbox = await Sandbox.start({
      nbUrl,
      sbUrl,
      hypervisors,
      northd: false,
      underlay,
      log: hvLog,
      pollMs: 200,
    });
  } catch (err) {
    stopNorthd.abort();
    await northd.catch(() => {});
    throw new CliError(`sandbox: hypervisors did not start: ${(err as Error).message}`);
  }
  return {
    sandbox,
    underlay,
    async stop() {
      await sandbox.stop();
      stopNorthd.abort();
      await northd.catch(() => {});
    },
  };
}

function printTools(out: (line: string) => void, envFile: string, nbUrl: string, sbUrl: string) {
  out(`In another terminal, point the tools at it (or: source ${envFile}):`);
  out(`  export OVN_NB_DB='${nbUrl}'`);
  out(`  export OVN_SB_DB='${sbUrl}'`);
  out(
    '  pnpm exec nbctl --wait=hv ls-add sw0 -- lsp-add sw0 vm1 -- lsp-set-addresses vm1 "0a:00:00:00:00:01 10.0.0.1" \\',
  );
  out('      -- lsp-add sw0 vm2 -- lsp-set-addresses vm2 "0a:00:00:00:00:02 10.0.0.2"');
  out('  pnpm exec nbctl show');
  out('  pnpm exec sbctl lflow-list sw0');
  out(
    `  pnpm exec ovn-ts trace --summary sw0 'inport == "vm1" && eth.src == 0a:00:00:00:00:01 && eth.dst == 0a:00:00:00:00:02 && ip4.src == 10.0.0.1 && ip4.dst == 10.0.0.2 && ip.ttl == 64'`,
  );
  out('');
}

function printVmHelp(out: (line: string) => void, dataDir: string) {
  const dd = dataDir === '.ovn-ts/sandbox' ? '' : ` --data-dir ${dataDir}`;
  out('Attach VMs (the VM name is its logical port) and ping between them:');
  out(`  pnpm exec ovn-ts vm${dd} attach hv1 vm1 --mac 0a:00:00:00:00:01 --ip 10.0.0.1/24`);
  out(`  pnpm exec ovn-ts vm${dd} attach hv2 vm2 --mac 0a:00:00:00:00:02 --ip 10.0.0.2/24`);
  out(`  pnpm exec ovn-ts vm${dd} ping vm1 10.0.0.2 -c 3`);
  out(
    `  pnpm exec ovn-ts vm${dd} set-ip vm1 10.0.0.9/24    # NB not told: port security (if set) drops it`,
  );
  out(`  pnpm exec ovn-ts vm${dd} list`);
  out(`  pnpm exec ovn-ts vm${dd} detach vm2`);
  out('');
}

/** The demo runs on databases of its own, recreated each time, so a user's sandbox is untouched. */
async function demo(
  server: EmbeddedServer,
  dataDir: string,
  hypervisors: number,
  opts: SandboxOptions,
  out: (line: string) => void,
): Promise<number> {
  const admin = createPool(server.url, { max: 1, applicationName: 'ovn-ts sandbox' });
  try {
    await admin.query('DROP DATABASE IF EXISTS ovn_demo WITH (FORCE)');
  } finally {
    await admin.end();
  }
  // NB and SB share one database (schemas nb and sb).
  const url = databaseUrl(server.url, 'ovn_demo');
  await prepareDatabases(server.url, [
    [url, 'ovn_demo', initNb],
    [url, 'ovn_demo', initSb],
  ]);
  out(`ovn-ts sandbox --demo: NB and SB in ${url}`);
  const started = performance.now();
  const stack = await startStack(dataDir, url, url, hypervisors, opts.underlay ?? 'memory');
  try {
    out(
      `ovn-ts sandbox --demo: northd and ${stack.sandbox
        .hypervisors()
        .map((h) => `${h.name} (encap ${h.encapIp})`)
        .join(', ')} are up`,
    );
    const { runDemo } = await import('./sandbox-demo.js');
    const passed = await runDemo(stack.sandbox, url, out);
    out(
      `ovn-ts sandbox --demo: ${passed ? 'passed' : 'FAILED'} in ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );
    return passed ? 0 : 1;
  } finally {
    await stack.stop();
  }
}
