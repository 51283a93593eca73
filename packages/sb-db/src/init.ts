import { DbError, type MigrationResult, migrate } from '@ovn-ts/db';
import { SB_MIGRATIONS } from './migrations/index.js';
import { SB_SCHEMA } from './names.js';
import type { SbPool } from './pool.js';

/**
 * Creates or upgrades the SB schema (what `sbctl init` does): the tables, the change feed, the
 * DHCP option catalogs and the one sb_global row (recreated if someone deleted it, as OVN's
 * `ovn-sbctl init` does). Idempotent and safe to run concurrently.
 */
export async function initSb(pool: SbPool): Promise<MigrationResult> {
  const result = await migrate(pool, SB_SCHEMA, SB_MIGRATIONS);
  try {
    await pool.query(
      `INSERT INTO ${SB_SCHEMA}.sb_global DEFAULT VALUES ON CONFLICT (singleton) DO NOTHING`,
    );
  } catch (err) {
    throw DbError.from(err);
  }
  return result;
}
