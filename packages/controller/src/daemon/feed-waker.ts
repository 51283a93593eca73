import { DbError } from '@ovn-ts/db';
import pg from 'pg';

/**
 * Wakes the controller's feed loop: on a NOTIFY of the SB channel (a commit), on poke() (an
 * interface attached or detached), or after a poll interval. The LISTEN connection is opened
 * again on the next wait after it fails.
 */
export class FeedWaker {
  private client: pg.Client | undefined;
  private wake: (() => void) | undefined;
  private pending = false;
  /** The newest commit number a NOTIFY announced, and the cursor of the current wait. */
  private latest = 0;
  private waitingAt = Number.POSITIVE_INFINITY;

  constructor(
    private readonly url: string,
    private readonly channel: string,
    private readonly onError: (err: DbError) => void,
  ) {}

  async listen(): Promise<void> {
    const client = new pg.Client({
      connectionString: this.url,
      application_name: 'ovn-ts controller feed',
    });
    client.on('notification', (n) => {
      const seq = Number(n.payload);
      if (!Number.isFinite(seq)) return this.poke();
      if (seq > this.latest) this.latest = seq;
      // A commit the reader has already read (its own burst) need not wake it.
      if (seq > this.waitingAt) this.wake?.();
    });
    client.on('error', (err) => {
      this.onError(DbError.from(err));
      this.drop(client);
    });
    client.on('end', () => this.drop(client));
    await client.connect();
    await client.query(`LISTEN ${this.channel}`);
    this.client = client;
  }

  poke(): void {
    this.pending = true;
    this.wake?.();
  }

  /**
   * Resolves when a commit after `cursor` is announced (or was, since the last wait), on a poke,
   * after `ms`, or on abort.
   */
  async wait(ms: number, signal: AbortSignal, cursor: number): Promise<void> {
    if (!this.client && !signal.aborted) {
      try {
        await this.listen();
      } catch (err) {
        this.onError(DbError.from(err));
      }
    }
    if (this.pending || signal.aborted || this.latest > cursor) {
      this.pending = false;
      return;
    }
    this.waitingAt = cursor;
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        this.wake = undefined;
        this.waitingAt = Number.POSITIVE_INFINITY;
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal.addEventListener('abort', done, { once: true });
      this.wake = done;
    });
    this.pending = false;
  }

  async close(): Promise<void> {
    const c = this.client;
    this.client = undefined;
    this.wake?.();
    if (c) await c.end().catch(() => {});
  }

  private drop(client: pg.Client): void {
    if (this.client === client) this.client = undefined;
    this.poke();
  }
}
