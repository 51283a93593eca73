/**
 * For end-to-end tests that run the stack's daemons as separate processes: the compiled
 * `ovn-ts` bin (built here when run on its own; `pnpm test` builds first), a child process handle
 * that keeps its output for failure messages, and `ping` inside a network namespace.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const OVN_TS_BIN = fileURLToPath(new URL('../packages/cli/bin/ovn-ts.js', import.meta.url));
/** What the controller command loads at run time (the bin imports dist/, not src/). */
const NEEDED = [
  'packages/cli/dist/ovn-ts/main.js',
  'packages/controller/dist/index.js',
  'packages/datapath/dist/index.js',
].map((p) => fileURLToPath(new URL(`../${p}`, import.meta.url)));

/**
 * Builds the CLI and what it references. Type errors in someone's unfinished work do not stop tsc
 * from emitting JavaScript, so they are reported but only missing output fails.
 */
export function buildCli(): void {
  try {
    execFileSync('pnpm', ['exec', 'tsc', '-b', 'packages/cli'], { cwd: ROOT, stdio: 'pipe' });
  } catch (err) {
    const out = String((err as { stdout?: Buffer }).stdout ?? '');
    process.stderr.write(
      `cli build reported errors (continuing with the emitted JavaScript):\n${out}\n`,
    );
  }
  for (const f of NEEDED) if (!existsSync(f)) throw new Error(`cli build: ${f} was not emitted`);
}

/** A daemon in its own process; its stdout and stderr are kept for failure messages. */
export class Daemon {
  private output = '';
  readonly exited: Promise<number | null>;
  private readonly child: ChildProcess;

  constructor(
    readonly name: string,
    args: readonly string[],
  ) {
    this.child = spawn(process.execPath, [OVN_TS_BIN, ...args], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child.stdout!.on('data', (d) => (this.output += d));
    this.child.stderr!.on('data', (d) => (this.output += d));
    this.exited = new Promise((resolve) => {
      this.child.on('exit', (code, signal) => resolve(signal ? null : code));
      this.child.on('error', (e) => {
        this.output += `spawn failed: ${e.message}\n`;
        resolve(-1);
      });
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** The last lines of what the process printed (for assertion messages). */
  tail(lines = 30): string {
    return `--- ${this.name} ---\n${this.output.split('\n').slice(-lines).join('\n')}`;
  }

  /** SIGTERM, then SIGKILL if it has not exited after `graceMs`; resolves with the exit code. */
  async stop(graceMs = 5_000): Promise<number | null> {
    if (!this.running) return this.exited;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    const code = await this.exited;
    clearTimeout(timer);
    return code;
  }

  kill(): Promise<number | null> {
    if (this.running) this.child.kill('SIGKILL');
    return this.exited;
  }
}

export interface NsPing {
  readonly transmitted: number;
  readonly received: number;
  readonly output: string;
}

/** `ip netns exec NS ping -c COUNT -W WAIT -i INTERVAL -n IP`, without blocking the event loop. */
export function nsPing(
  ns: string,
  ip: string,
  {
    count = 3,
    waitS = 1,
    intervalS = 0.2,
  }: { count?: number; waitS?: number; intervalS?: number } = {},
): Promise<NsPing> {
  return new Promise((resolve, reject) => {
    const args = ['netns', 'exec', ns, 'ping', '-c', String(count), '-W', String(waitS)];
    args.push('-i', String(intervalS), '-n', ip);
    const child = spawn('ip', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('error', reject);
    child.on('close', () => {
      const m = /(\d+) packets transmitted, (\d+) received/.exec(output);
      resolve({
        transmitted: m ? Number(m[1]) : 0,
        received: m ? Number(m[2]) : 0,
        output,
      });
    });
  });
}
