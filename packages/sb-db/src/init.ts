import { type MigrationResult, migrate } from '@ovn-ts/db';
import { SB_MIGRATIONS } from './migrations/index.js';
import { SB_SCHEMA } from './names.js';
import type { SbPool } from './pool.js';

/**
 * Creates or upgrades the SB schema (what `sbctl init` does): the tables, the change feed, the
 * DHCP option catalogs and the one sb_global row. Idempotent and safe to run concurrently.
 */
export function initSb(pool: SbPool): Promise<MigrationResult> {
  return migrate(pool, SB_SCHEMA, SB_MIGRATIONS);
}
