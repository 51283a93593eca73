import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmbeddedPostgres } from '@ovn-ts/db/embedded';
import { TEST_ADMIN_URL_ENV } from '@ovn-ts/db/testing';

/**
 * One PostgreSQL server for the whole run: the one named by OVN_TS_TEST_DATABASE_URL (an admin URL
 * allowed to create databases), or an embedded one started here. Each test file makes its own database.
 */
export default async function setup(): Promise<() => Promise<void>> {
  const given = process.env.OVN_TS_TEST_DATABASE_URL;
  if (given) {
    process.env[TEST_ADMIN_URL_ENV] = given;
    return async () => {};
  }
  const dir = await mkdtemp(join(tmpdir(), 'ovn-ts-test-pg-'));
  await chmod(dir, 0o755); // the server runs as its own user when we are root
  const server = await startEmbeddedPostgres({ dataDir: join(dir, 'data') });
  process.env[TEST_ADMIN_URL_ENV] = server.url;
  return async () => {
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  };
}
