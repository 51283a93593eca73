/**
 * One connection to the NB database for the whole run: nbctl runs a single transaction, so a pool
 * would only slow its start. Uses pg directly (not @ovn-ts/db) to keep startup light.
 */
import './pg-startup-shim.js';
import pg from 'pg';
import type { Tx } from './command.js';
import { NbctlError } from './errors.js';
import { connectionMessage } from './report.js';

export interface Session extends Tx {
  readonly url: string;
  /** Runs `fn` on the next NOTIFY of `channel` (for --wait); returns a function that stops it. */
  listen(channel: string, fn: () => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

// Counters such as nb_cfg are bigint: they stay far below 2^53, so numbers serve everyone better.
const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === pg.types.builtins.INT8 && format !== 'binary') return (v: string) => Number(v);
    // biome-ignore lint/suspicious/noExplicitAny: pg's overloads do not accept a union format
    return pg.types.getTypeParser(oid, format as any);
  },
};

export async function openSession(url: string, connectTimeoutMs = 10_000): Promise<Session> {
  const client = new pg.Client({
    connectionString: url,
    application_name: 'nbctl',
    connectionTimeoutMillis: connectTimeoutMs,
    // Every table nbctl touches lives in schema nb; naming it once saves a round trip per query.
    options: '-c search_path=nb,public',
    types,
  });
  // A dropped connection must not crash the process: the next query reports it.
  client.on('error', () => {});
  try {
    await client.connect();
  } catch (err) {
    await client.end().catch(() => {});
    throw new NbctlError('connection', connectionMessage(url, reasonOf(err), false), {
      cause: err,
    });
  }
  const notifyHandlers = new Map<string, () => void>();
  // Named (server-side prepared) statements: a batch of 500 lsp-adds parses and plans each query
  // once instead of 500 times.
  const prepared = new Map<string, string>();
  client.on('notification', (n) => notifyHandlers.get(n.channel)?.());
  return {
    url,
    async query<R>(sql: string, params?: readonly unknown[]): Promise<R[]> {
      if (!params) return (await client.query(sql)).rows as R[];
      let name = prepared.get(sql);
      if (!name) {
        name = `nbctl_${prepared.size}`;
        prepared.set(sql, name);
      }
      return (await client.query({ name, text: sql, values: params as unknown[] })).rows as R[];
    },
    async listen(channel, fn) {
      notifyHandlers.set(channel, fn);
      await client.query(`LISTEN ${channel}`);
      return async () => {
        notifyHandlers.delete(channel);
        await client.query(`UNLISTEN ${channel}`).catch(() => {});
      };
    },
    async close() {
      await client.end().catch(() => {});
    },
  };
}

function reasonOf(err: unknown): string {
  const e = err as { message?: string; code?: string };
  const msg = e?.message || (typeof e?.code === 'string' ? e.code : '') || String(err);
  // AggregateError from a host with several addresses carries no message of its own.
  const errors = (err as { errors?: unknown[] })?.errors;
  if (!e?.message && Array.isArray(errors) && errors.length > 0) return reasonOf(errors[0]);
  return msg;
}
