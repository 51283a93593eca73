import type pg from 'pg';
import { DbError } from '../errors.js';
import type { Change, Commit, FeedRead } from './feed-types.js';

interface CommitRow {
  seq: number;
  committed_at: Date;
  tbl: string | null;
  op: Change['op'] | null;
  row_uuid: string | null;
  row: Record<string, unknown> | null;
}

export interface FeedReaderOptions {
  /**
   * Only the changes of these tables (commits that changed only other tables still arrive,
   * without changes, so the cursor moves on and no commit is skipped).
   */
  readonly tables?: readonly string[];
  /**
   * The relation to read changes from: `change_log`, or a view over it with the same columns
   * (SB's `change_feed` completes the rows that change_log records by reference).
   */
  readonly source?: string;
}

/**
 * Reads a schema's change feed after a cursor. Stateless apart from the pool: the caller owns the
 * cursor (and may store it with saveCursor to resume after a restart).
 */
export class FeedReader {
  constructor(
    private readonly pool: pg.Pool,
    readonly schema: string,
    private readonly opts: FeedReaderOptions = {},
  ) {}

  /** The newest commit number now: a reader starting from here sees only future changes. */
  async head(): Promise<number> {
    const r = await this.query<{ last_seq: number }>(
      `SELECT last_seq FROM ${this.schema}.feed_state`,
    );
    return r.rows[0]!.last_seq;
  }

  /** The commits after `cursor`, at most `limit` of them, in commit order. */
  async read(cursor: number, limit = 1000): Promise<FeedRead> {
    const state = await this.query<{ last_seq: number; min_seq: number }>(
      `SELECT last_seq, min_seq FROM ${this.schema}.feed_state`,
    );
    const { last_seq: last, min_seq: oldest } = state.rows[0]!;
    if (cursor > last) {
      throw new DbError(
        'internal',
        `feed cursor ${cursor} is ahead of ${this.schema}'s newest commit ${last}`,
      );
    }
    if (cursor < oldest - 1) return { kind: 'resync', cursor, oldestRetained: oldest };
    if (cursor === last) return { kind: 'commits', commits: [], cursor };
    const upto = Math.min(last, cursor + limit);
    const rows = await this.query<CommitRow>(
      `SELECT c.seq, c.committed_at, l.tbl, l.op, l.row_uuid, l.row
         FROM ${this.schema}.feed_commit c
         LEFT JOIN ${this.schema}.${this.opts.source ?? 'change_log'} l
           ON l.txid = c.txid${this.opts.tables ? ' AND l.tbl = ANY($3::text[])' : ''}
        WHERE c.seq > $1 AND c.seq <= $2
        ORDER BY c.seq, l.id`,
      this.opts.tables ? [cursor, upto, this.opts.tables] : [cursor, upto],
    );
    const commits: Commit[] = [];
    let current: { seq: number; committedAt: Date; changes: Change[] } | undefined;
    for (const r of rows.rows) {
      if (!current || current.seq !== r.seq) {
        current = { seq: r.seq, committedAt: r.committed_at, changes: [] };
        commits.push(current);
      }
      if (r.tbl && r.op && r.row)
        current.changes.push({ table: r.tbl, op: r.op, uuid: r.row_uuid, row: r.row });
    }
    // Pruning between the two queries can remove commits we were about to read.
    if (commits.length === 0 || commits[0]!.seq !== cursor + 1) {
      const again = await this.query<{ min_seq: number }>(
        `SELECT min_seq FROM ${this.schema}.feed_state`,
      );
      return { kind: 'resync', cursor, oldestRetained: again.rows[0]!.min_seq };
    }
    return { kind: 'commits', commits, cursor: commits.at(-1)!.seq };
  }

  async loadCursor(reader: string): Promise<number | undefined> {
    const r = await this.query<{ seq: number }>(
      `SELECT seq FROM ${this.schema}.feed_reader WHERE name = $1`,
      [reader],
    );
    return r.rows[0]?.seq;
  }

  async saveCursor(reader: string, seq: number): Promise<void> {
    await this.query(
      `INSERT INTO ${this.schema}.feed_reader (name, seq) VALUES ($1, $2)
       ON CONFLICT (name) DO UPDATE SET seq = excluded.seq, updated_at = now()`,
      [reader, seq],
    );
  }

  /** Keeps only the newest `keep` commits (the trigger also prunes, every 1000 commits). */
  async prune(keep: number): Promise<void> {
    await this.query(`SELECT ${this.schema}.feed_prune($1)`, [keep]);
  }

  private async query<R extends pg.QueryResultRow>(
    sql: string,
    params: unknown[] = [],
  ): Promise<pg.QueryResult<R>> {
    try {
      return await this.pool.query<R>(sql, params);
    } catch (err) {
      throw DbError.from(err);
    }
  }
}
