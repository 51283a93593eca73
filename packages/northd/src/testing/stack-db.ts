import { createPool } from '@ovn-ts/db';
import { createTestDatabase, type TestDatabase } from '@ovn-ts/db/testing';
import { NbStore } from '@ovn-ts/nb-db';
import { initSb } from '@ovn-ts/sb-db';
import type pg from 'pg';

/** A fresh test database holding NB and SB, for tests that run northd or a controller against it. */
export interface StackDb {
  readonly db: TestDatabase;
  readonly nb: NbStore;
  /** A pool on the same database, for SB reads and writes. */
  readonly sb: pg.Pool;
  close(): Promise<void>;
}

export async function openStackDb(prefix: string): Promise<StackDb> {
  const db = await createTestDatabase(prefix);
  const nb = NbStore.open(db.url);
  await nb.init();
  const sb = createPool(db.url);
  await initSb(sb);
  return {
    db,
    nb,
    sb,
    async close() {
      await nb.close();
      await sb.end();
      await db.drop();
    },
  };
}
