// One reader of the SB change feed for the controllers of one process (the sandbox's hypervisors,
// the e2e benchmark), as a watch server would serve many chassis: reads of the same cursor share
// one query, which returns every followed table's rows; each controller then keeps what its
// interest follows (selectChanges). A controller without one reads the feed itself, with its
// interest as an SQL condition.

import { createPool } from '@ovn-ts/db';
import type pg from 'pg';
import { readScopedFeed, type ScopedRead } from './sb-scope-sql.js';

export class SharedSbFeed {
  private readonly pending = new Map<string, Promise<ScopedRead>>();
  /** Recent answers by cursor and limit (a commit range never changes once read). */
  private readonly recent = new Map<string, ScopedRead>();
  queries = 0;

  constructor(
    private readonly pool: pg.Pool,
    private readonly keep = 64,
  ) {}

  /** A shared feed reader with its own connection pool on `url`. */
  static open(url: string): SharedSbFeed {
    return new SharedSbFeed(createPool(url, { max: 4, applicationName: 'ovn-ts shared SB feed' }));
  }

  read(cursor: number, limit: number): Promise<ScopedRead> {
    const key = `${cursor}/${limit}`;
    const done = this.recent.get(key);
    // An empty answer ("nothing after the cursor yet") goes stale at the next commit.
    if (done && !(done.kind === 'commits' && done.commits === 0)) return Promise.resolve(done);
    let p = this.pending.get(key);
    if (!p) {
      this.queries++;
      p = readScopedFeed(this.pool, cursor, limit, 'all').finally(() => this.pending.delete(key));
      p.then(
        (r) => {
          this.recent.set(key, r);
          if (this.recent.size > this.keep) this.recent.delete(this.recent.keys().next().value!);
        },
        () => {},
      );
      this.pending.set(key, p);
    }
    return p;
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
