/**
 * Tests that start child processes need the compiled package (dist/). `pnpm test` builds first; a test
 * run on its own builds here. Type errors elsewhere in the package (someone's work in progress) do not
 * stop tsc from writing JavaScript, so they are reported but do not fail the caller. Test files run in
 * parallel: a lock directory makes one of them build while the others wait for it.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** packages/datapath, from src/linux or dist/linux. */
export const packageDir = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

const NEEDED = ['dist/linux/datapath-process.js', 'dist/linux/raw-frames.js'];

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

export function buildDatapathPackage(): void {
  const lock = resolve(packageDir, 'dist/.build-lock');
  mkdirSync(resolve(packageDir, 'dist'), { recursive: true });
  let mine = false;
  for (let waited = 0; !mine; waited += 100) {
    try {
      mkdirSync(lock);
      mine = true;
    } catch {
      // Another test file is building; a lock older than two minutes is left over from a killed run.
      const stale = existsSync(lock) && Date.now() - statSync(lock).mtimeMs > 120_000;
      if (stale) rmdirSync(lock);
      else if (waited > 120_000) throw new Error(`datapath build: ${lock} held for two minutes`);
      else sleep(100);
    }
  }
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
  } finally {
    rmdirSync(lock);
  }
  for (const f of NEEDED) {
    if (!existsSync(resolve(packageDir, f)))
      throw new Error(`datapath build: ${f} was not emitted`);
  }
}
