/** init (create or upgrade the NB schema) and sync (make --wait wait even without changes). */
import { defineCommand } from './command.js';

const GROUP = 'General commands';

export const generalCommands = [
  defineCommand({
    name: 'init',
    usage: '',
    summary: 'create the NB schema, or upgrade it; does nothing when it is current',
    group: GROUP,
    minArgs: 0,
    maxArgs: 0,
    writes: true,
    parse: () => ({}),
    // Migrations run in their own transactions (one per version, under an advisory lock), so they
    // happen before the batch's transaction. Loaded only here: other commands do without them.
    async beforeTransaction(url) {
      const [{ createPool }, { initNb }] = await Promise.all([
        import('@ovn-ts/db'),
        import('@ovn-ts/nb-db'),
      ]);
      const pool = createPool(url, { max: 1, applicationName: 'nbctl init' });
      try {
        await initNb(pool);
      } finally {
        await pool.end();
      }
    },
    async run() {},
  }),
  defineCommand({
    name: 'sync',
    usage: '',
    summary: 'with --wait, wait for earlier changes too (even when this run changes nothing)',
    group: GROUP,
    minArgs: 0,
    maxArgs: 0,
    writes: false,
    forcesWait: true,
    parse: () => ({}),
    async run() {},
  }),
];
