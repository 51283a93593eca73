import { randomBytes } from 'node:crypto';
import { databaseUrl, dropDatabase, ensureDatabase } from './databases.js';

/** Set by the test suite's global setup: the admin URL of the server that tests use. */
export const TEST_ADMIN_URL_ENV = 'OVN_TS_TEST_ADMIN_URL';

export interface TestDatabase {
  readonly name: string;
  readonly url: string;
  drop(): Promise<void>;
}

/**
 * A fresh, empty database on the test server (embedded, or the one named by OVN_TS_TEST_DATABASE_URL),
 * so each test file works in isolation over a real connection.
 */
export async function createTestDatabase(prefix = 't'): Promise<TestDatabase> {
  const admin = process.env[TEST_ADMIN_URL_ENV];
  if (!admin)
    throw new Error(`${TEST_ADMIN_URL_ENV} is not set: run tests through vitest (global setup)`);
  const name = `${prefix}_${randomBytes(6).toString('hex')}`.toLowerCase();
  await ensureDatabase(admin, name);
  return { name, url: databaseUrl(admin, name), drop: () => dropDatabase(admin, name) };
}
