import { type FeedHandler, FeedReader, type FollowOptions, followFeed } from '@ovn-ts/db';
import { SB_CHANNEL, SB_SCHEMA } from './names.js';
import type { SbPool } from './pool.js';

/**
 * A reader of the SB change feed, with whole rows: it reads the `change_feed` view, which fills in
 * the logical flows that change_log records by reference (see migration 8).
 */
export function sbFeedReader(pool: SbPool, tables?: readonly string[]): FeedReader {
  return new FeedReader(pool, SB_SCHEMA, { source: SB_FEED_SOURCE, tables });
}

/** Follows the SB change feed (whole rows, as sbFeedReader) from `cursor` until the signal aborts. */
export function followSbFeed(
  opts: Omit<FollowOptions, 'schema' | 'channel'>,
  handler: FeedHandler,
): Promise<number> {
  return followFeed(
    {
      ...opts,
      schema: SB_SCHEMA,
      channel: SB_CHANNEL,
      read: { source: SB_FEED_SOURCE, ...opts.read },
    },
    handler,
  );
}

/** The view of change_log with whole rows. */
export const SB_FEED_SOURCE = 'change_feed';
