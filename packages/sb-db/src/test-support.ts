import { createPool } from '@ovn-ts/db';
import { createTestDatabase, type TestDatabase } from '@ovn-ts/db/testing';
import { initSb } from './init.js';
import type { SbPool } from './pool.js';
import { SbStore } from './store/sb-store.js';

export interface SbTestDb {
  readonly db: TestDatabase;
  readonly pool: SbPool;
  readonly sb: SbStore;
  close(): Promise<void>;
}

/** A fresh database with the SB schema, for one test file. */
export async function openSbTestDb(prefix: string): Promise<SbTestDb> {
  const db = await createTestDatabase(prefix);
  const pool = createPool(db.url, { max: 6 });
  await initSb(pool);
  return {
    db,
    pool,
    sb: SbStore.open(pool),
    async close() {
      await pool.end();
      await db.drop();
    },
  };
}
