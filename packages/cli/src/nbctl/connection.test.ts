import { freePort } from '@ovn-ts/db/embedded';
import { createTestDatabase } from '@ovn-ts/db/testing';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type NbctlKit, startNbctlKit } from './test-kit.js';

let kit: NbctlKit;
beforeAll(async () => {
  kit = await startNbctlKit();
});
afterAll(() => kit.close());

describe('database connection failures', () => {
  test('a closed port: "cannot connect", the password is not shown, exit 1', async () => {
    const port = await freePort();
    const r = await kit.raw(['--db', `postgres://postgres:s3cret@127.0.0.1:${port}/nb`, 'ls-list']);
    expect(r).toMatchObject({
      code: 1,
      out: '',
      err: `nbctl: cannot connect to postgres://postgres@127.0.0.1:${port}/nb: connect ECONNREFUSED 127.0.0.1:${port}\n`,
    });
  });

  test('OVN_NB_DB is used when --db is not given; neither is a usage error', async () => {
    const port = await freePort();
    const r = await kit.raw(['ls-list'], { OVN_NB_DB: `postgres://u@127.0.0.1:${port}/x` });
    expect(r.err).toBe(
      `nbctl: cannot connect to postgres://u@127.0.0.1:${port}/x: connect ECONNREFUSED 127.0.0.1:${port}\n`,
    );
    // OVN_NBCTL_OPTIONS supplies global options; the command line overrides them.
    const viaOptions = await kit.raw(['--db', kit.url, 'ls-list'], {
      OVN_NBCTL_OPTIONS: `--db postgres://u@127.0.0.1:${port}/x --format=csv`,
    });
    expect(viaOptions).toMatchObject({ code: 0, out: 'uuid,name\n' });
    expect((await kit.raw(['ls-list'], {})).err).toBe(
      'nbctl: no database given: use --db URL or set OVN_NB_DB\n',
    );
  });

  test('a database that was never initialised says to run init', async () => {
    const empty = await createTestDatabase('nbctl_empty');
    try {
      const r = await kit.raw(['--db', empty.url, 'ls-list']);
      expect(r.code).toBe(1);
      expect(r.err).toBe(
        'nbctl: ls-list: the database has no NB schema (run "nbctl init"): relation "logical_switch" does not exist\n',
      );
      expect(
        (await kit.raw(['--db', empty.url, 'init', '--', 'ls-add', 'sw0', '--', 'ls-list'])).code,
      ).toBe(0);
    } finally {
      await empty.drop();
    }
  });

  test('a connection terminated by the server mid-transaction: reported, and nothing is written', async () => {
    // Hold NB_Global so that nbctl blocks inside its transaction (bumping nb_cfg for --wait).
    const blocker = await kit.pool.connect();
    try {
      await blocker.query('BEGIN');
      await blocker.query('SELECT nb_cfg FROM nb.nb_global FOR UPDATE');
      const run = kit.nbctl('--wait=sb', '--timeout=30', 'ls-add', 'doomed');
      let pid: number | undefined;
      for (let i = 0; i < 400 && pid === undefined; i++) {
        const rows = await kit.query<{ pid: number }>(
          "SELECT pid FROM pg_stat_activity WHERE application_name = 'nbctl' AND datname = current_database() AND wait_event_type = 'Lock'",
        );
        pid = rows[0]?.pid;
        if (pid === undefined) await new Promise((r) => setTimeout(r, 25));
      }
      expect(pid).toBeDefined();
      await kit.query('SELECT pg_terminate_backend($1)', [pid]);
      const r = await run;
      expect(r.code).toBe(1);
      expect(r.err).toMatch(
        new RegExp(
          `^nbctl: lost connection to postgres://postgres@[^ ]+/${kit.db.name}: .*terminating connection due to administrator command.* \\(the transaction was not committed\\)\\n$`,
        ),
      );
    } finally {
      await blocker.query('ROLLBACK');
      blocker.release();
    }
    expect(await kit.query("SELECT 1 FROM nb.logical_switch WHERE name = 'doomed'")).toEqual([]);
  });
});
