import { NB_CHANNEL } from '@ovn-ts/nb-db';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type NbctlKit, startNbctlKit } from './test-kit.js';
import { NB_FEED_CHANNEL } from './wait.js';

let kit: NbctlKit;
beforeAll(async () => {
  kit = await startNbctlKit();
});
afterAll(() => kit.close());

const cfg = async () =>
  (
    await kit.query<{ nb_cfg: number; sb_cfg: number; hv_cfg: number }>(
      'SELECT nb_cfg, sb_cfg, hv_cfg FROM nb.nb_global',
    )
  )[0]!;

describe('--wait', () => {
  test('--wait=sb bumps nb_cfg with the change and times out, saying what it waited for', async () => {
    const before = await cfg();
    const r = await kit.nbctl('--wait=sb', '--timeout=1', 'ls-add', 'sw0');
    expect(r.code).toBe(1);
    expect(r.err).toBe(
      `nbctl: timed out after 1s waiting for northd to process nb_cfg ${before.nb_cfg + 1} (sb_cfg is ${before.sb_cfg})\n`,
    );
    // The change itself was committed, with the new nb_cfg.
    expect(await kit.query("SELECT name FROM nb.logical_switch WHERE name = 'sw0'")).toHaveLength(
      1,
    );
    expect((await cfg()).nb_cfg).toBe(before.nb_cfg + 1);
  });

  test('--wait=hv names the chassis and hv_cfg', async () => {
    const before = await cfg();
    const r = await kit.nbctl('--wait=hv', '-t', '1', 'ls-add', 'sw1');
    expect(r.err).toBe(
      `nbctl: timed out after 1s waiting for all chassis to process nb_cfg ${before.nb_cfg + 1} (hv_cfg is ${before.hv_cfg})\n`,
    );
  });

  test('returns once sb_cfg catches up (a stand-in for northd answers through NB_Global)', async () => {
    const before = await cfg();
    const run = kit.nbctl('--wait=sb', '--timeout=20', 'ls-add', 'sw2');
    // Act as northd: once the new nb_cfg is committed, report it processed.
    for (let i = 0; i < 200 && (await cfg()).nb_cfg === before.nb_cfg; i++)
      await new Promise((r) => setTimeout(r, 25));
    await kit.query('UPDATE nb.nb_global SET sb_cfg = nb_cfg');
    const r = await run;
    expect(r).toMatchObject({ code: 0, err: '' });
  });

  test('read-only commands do not wait; sync does, and bumps nb_cfg', async () => {
    await kit.query('UPDATE nb.nb_global SET sb_cfg = 0');
    const before = await cfg();
    expect(await kit.nbctl('--wait=sb', '--timeout=1', 'ls-list')).toMatchObject({ code: 0 });
    expect((await cfg()).nb_cfg).toBe(before.nb_cfg);
    const r = await kit.nbctl('--wait=sb', '--timeout=1', 'sync');
    expect(r.err).toBe(
      `nbctl: timed out after 1s waiting for northd to process nb_cfg ${before.nb_cfg + 1} (sb_cfg is 0)\n`,
    );
  });

  test('listens on the channel nb-db notifies (kept as a constant so that nbctl need not load nb-db)', () => {
    expect(NB_FEED_CHANNEL).toBe(NB_CHANNEL);
  });

  test('without --wait nb_cfg is left alone', async () => {
    const before = await cfg();
    await kit.ok('ls-add', 'sw3');
    expect((await cfg()).nb_cfg).toBe(before.nb_cfg);
  });
});
