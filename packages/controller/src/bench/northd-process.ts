// The e2e benchmark's northd, in a process of its own (as deployed: northd does not share the
// controllers' event loop). Usage: node northd-process.js DB_URL. Stops on SIGTERM.

import { runNorthd } from '@ovn-ts/northd';
import pino from 'pino';

const url = process.argv[2];
if (!url) throw new Error('northd-process: give the database URL');
const ac = new AbortController();
process.on('SIGTERM', () => ac.abort());
await runNorthd({
  nbUrl: url,
  sbUrl: url,
  signal: ac.signal,
  lockPollMs: 50,
  log: pino({ level: 'warn' }, pino.destination(2)),
});
