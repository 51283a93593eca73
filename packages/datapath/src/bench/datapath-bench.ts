import { runMemoryBench } from './memory-bench.js';

/**
 * `pnpm bench:datapath`: the in-memory engine figures (the namespace/kernel-port half is added by the
 * Linux ports work). A table for people, then one JSON line for tools.
 */
async function main(): Promise<void> {
  const mem = await runMemoryBench();
  const rows = Object.entries(mem).map(([k, v]) => ({ metric: k, value: v }));
  console.table(rows);
  console.log(JSON.stringify(mem));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
