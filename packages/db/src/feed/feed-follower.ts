import pg from 'pg';
import { DbError } from '../errors.js';
import { FeedReader, type FeedReaderOptions } from './feed-reader.js';
import type { FeedRead } from './feed-types.js';

export interface FollowOptions {
  readonly url: string;
  readonly pool: pg.Pool;
  readonly schema: string;
  readonly channel: string;
  /** The last commit already handled; 0 reads the whole retained log. */
  readonly cursor: number;
  readonly batch?: number;
  /** Which changes to read, and from where (see FeedReader). */
  readonly read?: FeedReaderOptions;
  /** How often to look even without a NOTIFY (covers a listener reconnecting). */
  readonly pollMs?: number;
  readonly signal?: AbortSignal;
  /** Called for connection trouble the follower recovers from by itself. */
  readonly onRecoverableError?: (err: DbError) => void;
}

/**
 * Handles one read. For `resync` it must rebuild its state from a snapshot and return the commit
 * number the snapshot corresponds to (see snapshotSeq); otherwise its return value is ignored.
 */
// biome-ignore lint/suspicious/noConfusingVoidType: handlers of ordinary reads return nothing
export type FeedHandler = (read: FeedRead) => Promise<number | undefined | void>;

/**
 * Follows a feed until the signal aborts: reads everything after the cursor, hands it over in
 * batches, then sleeps until a NOTIFY (or the poll interval) says there may be more.
 */
export async function followFeed(opts: FollowOptions, handler: FeedHandler): Promise<number> {
  const reader = new FeedReader(opts.pool, opts.schema, opts.read);
  const waker = new Waker(opts.url, opts.channel, opts.onRecoverableError);
  let cursor = opts.cursor;
  try {
    await waker.listen();
    while (!opts.signal?.aborted) {
      let read: FeedRead;
      try {
        read = await reader.read(cursor, opts.batch ?? 1000);
      } catch (err) {
        const e = DbError.from(err);
        if (e.code !== 'connection') throw e;
        opts.onRecoverableError?.(e);
        await waker.wait(opts.pollMs ?? 1000, opts.signal);
        continue;
      }
      if (read.kind === 'resync') {
        const resumed = await handler(read);
        if (typeof resumed !== 'number') {
          throw new DbError('resync', `feed handler did not resync ${opts.schema} from a snapshot`);
        }
        cursor = resumed;
        continue;
      }
      if (read.commits.length > 0) {
        await handler(read);
        cursor = read.cursor;
        continue;
      }
      await waker.wait(opts.pollMs ?? 5000, opts.signal);
    }
    return cursor;
  } finally {
    await waker.close();
  }
}

/** A LISTEN connection that wakes the follower; it reconnects by itself after failures. */
class Waker {
  private client: pg.Client | undefined;
  private wake: (() => void) | undefined;
  private pending = false;

  constructor(
    private readonly url: string,
    private readonly channel: string,
    private readonly onError?: (err: DbError) => void,
  ) {}

  async listen(): Promise<void> {
    const client = new pg.Client({ connectionString: this.url, application_name: 'ovn-ts feed' });
    client.on('notification', () => this.poke());
    client.on('error', (err) => {
      this.onError?.(DbError.from(err));
      this.drop(client);
    });
    client.on('end', () => this.drop(client));
    await client.connect();
    await client.query(`LISTEN ${this.channel}`);
    this.client = client;
  }

  /** Resolves on a notification, after `ms`, or on abort; re-listens first if the connection died. */
  async wait(ms: number, signal?: AbortSignal): Promise<void> {
    if (!this.client) {
      try {
        await this.listen();
      } catch (err) {
        this.onError?.(DbError.from(err));
      }
    }
    if (this.pending) {
      this.pending = false;
      return;
    }
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        this.wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal?.addEventListener('abort', done, { once: true });
      this.wake = done;
    });
    this.pending = false;
  }

  async close(): Promise<void> {
    const c = this.client;
    this.client = undefined;
    if (c) await c.end().catch(() => {});
  }

  private poke(): void {
    this.pending = true;
    this.wake?.();
  }

  private drop(client: pg.Client): void {
    if (this.client === client) this.client = undefined;
    this.poke();
  }
}
