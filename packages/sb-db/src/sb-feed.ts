import { type FeedHandler, FeedReader, type FollowOptions, followFeed } from '@ovn-ts/db';
import { SB_CHANNEL, SB_SCHEMA } from './names.js';
import type { SbPool } from './pool.js';

/** A reader of the SB change feed (northd's chassis reports, controllers' view of SB). */
export function sbFeedReader(pool: SbPool): FeedReader {
  return new FeedReader(pool, SB_SCHEMA);
}

/** Follows the SB change feed from `cursor` until the signal aborts (see followFeed). */
export function followSbFeed(
  opts: Omit<FollowOptions, 'schema' | 'channel'>,
  handler: FeedHandler,
): Promise<number> {
  return followFeed({ ...opts, schema: SB_SCHEMA, channel: SB_CHANNEL }, handler);
}
