import pg from 'pg';

/** The advisory lock that makes one northd active; the others wait for it. */
const LOCK_KEY = 'ovn-ts-northd';

/**
 * Waits until this process holds the northd lock on the SB server, polling every `pollMs`.
 * The lock lives as long as the returned connection: if the process dies, PostgreSQL frees it and
 * a standby takes over within one poll interval. Resolves undefined if aborted first.
 */
export async function acquireLeadership(
  url: string,
  opts: { pollMs: number; signal?: AbortSignal; onWaiting?: () => void },
): Promise<pg.Client | undefined> {
  let told = false;
  while (!opts.signal?.aborted) {
    const client = new pg.Client({
      connectionString: url,
      application_name: 'ovn-ts northd (lock)',
    });
    client.on('error', () => {});
    try {
      await client.connect();
      for (;;) {
        const r = await client.query<{ ok: boolean }>(
          'SELECT pg_try_advisory_lock(hashtext($1)) AS ok',
          [LOCK_KEY],
        );
        if (r.rows[0]!.ok) return client;
        if (!told) {
          opts.onWaiting?.();
          told = true;
        }
        if (await sleep(opts.pollMs, opts.signal)) break;
      }
    } catch {
      // The server is unreachable: try again after a pause.
      await sleep(opts.pollMs, opts.signal);
    }
    await client.end().catch(() => {});
  }
  return undefined;
}

/** Sleeps; resolves true if the signal aborted. */
export function sleep(ms: number, signal?: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve(true);
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve(false);
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      resolve(true);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
