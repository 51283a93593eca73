/** One row change as the feed recorded it. */
export interface Change {
  readonly table: string;
  readonly op: 'insert' | 'update' | 'delete';
  /** The row's uuid (null for link tables without one). */
  readonly uuid: string | null;
  /** The new row (insert, update) or the old row (delete), as JSON. */
  readonly row: Record<string, unknown>;
}

/** Everything one transaction changed, numbered in commit order. */
export interface Commit {
  readonly seq: number;
  readonly committedAt: Date;
  readonly changes: readonly Change[];
}

export type FeedRead =
  | { readonly kind: 'commits'; readonly commits: readonly Commit[]; readonly cursor: number }
  /** The log no longer holds what follows the cursor: read a snapshot and continue from its seq. */
  | { readonly kind: 'resync'; readonly cursor: number; readonly oldestRetained: number };
