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
    client.on('notification', () => this.poke());
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

  /** Resolves on a wake-up (one that came since the last wait counts), after `ms`, or on abort. */
  async wait(ms: number, signal: AbortSignal): Promise<void> {
    if (!this.client && !signal.aborted) {
      try {
        await this.listen();
      } catch (err) {
        this.onError(DbError.from(err));
      }
    }
    if (this.pending || signal.aborted) {
      this.pending = false;
      return;
    }
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        this.wake = undefined;
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
