import { type MigrationResult, migrate } from '@ovn-ts/db';
import type pg from 'pg';
import { NB_SCHEMA, nbMigrations } from './migrations/index.js';

/** Creates or upgrades the NB schema in the database behind `pool`. Idempotent. */
export function initNb(pool: pg.Pool): Promise<MigrationResult> {
  return migrate(pool, NB_SCHEMA, nbMigrations);
}
