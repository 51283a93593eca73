/**
 * Tests that start child processes need the compiled package (dist/). `pnpm test` builds first; a test
 * run on its own builds here. Type errors elsewhere in the package (someone's work in progress) do not
 * stop tsc from writing JavaScript, so they are reported but do not fail the caller.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** packages/datapath, from src/linux or dist/linux. */
export const packageDir = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

export function buildDatapathPackage(): void {
  try {
    execFileSync('pnpm', ['exec', 'tsc', '-b', packageDir], {
      cwd: resolve(packageDir, '../..'),
      stdio: 'pipe',
    });
  } catch (err) {
    const out = String((err as { stdout?: Buffer }).stdout ?? '');
    process.stderr.write(
      `datapath build reported errors (continuing with the emitted JavaScript):\n${out}\n`,
    );
  }
  for (const f of ['dist/linux/datapath-process.js', 'dist/linux/raw-frames.js']) {
    if (!existsSync(resolve(packageDir, f)))
      throw new Error(`datapath build: ${f} was not emitted`);
  }
}
