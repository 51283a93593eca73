/**
 * The parent's handle on a datapath process (datapath-process.ts): start it with a config, wait until
 * it is ready, ask for its counters, stop it. Needs the compiled package (dist/).
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DatapathProcessConfig } from './datapath-process.js';

/** The compiled entry point, found from this module whether it runs from src/ (vitest) or dist/. */
export function datapathProcessScript(): string {
  const here = fileURLToPath(import.meta.url);
  // From src/linux (tests run the TypeScript) the compiled twin lives in ../../dist/linux.
  const script = here.endsWith('.ts')
    ? resolve(dirname(here), '../../dist/linux/datapath-process.js')
    : resolve(dirname(here), 'datapath-process.js');
  if (!existsSync(script))
    throw new Error(
      `datapath process: ${script} is missing; build first (pnpm exec tsc -b packages/datapath)`,
    );
  return script;
}

export interface ChildStats {
  readonly stats: { readonly packets: number; readonly drops: number };
  readonly ports: readonly {
    readonly port: number;
    readonly name: string;
    readonly rxPackets: number;
    readonly rxBytes: number;
    readonly txPackets: number;
    readonly txBytes: number;
  }[];
  readonly flows: readonly {
    readonly table: number;
    readonly priority: number;
    readonly match: string;
    readonly actions: string;
    readonly packets: number;
  }[];
  /** Each port's own counters, by port name (drops at the socket show here). */
  readonly io: Readonly<Record<string, { readonly txDropped: number } | undefined>>;
}

/** Frames the child's ports could not send. */
export function droppedByPorts(s: ChildStats): number {
  return Object.values(s.io).reduce((n, io) => n + (io?.txDropped ?? 0), 0);
}

export class DatapathChild {
  private readonly lines: string[] = [];
  private waiters: ((line: string) => void)[] = [];
  private stderr = '';
  private readonly exited: Promise<number | null>;

  private constructor(private readonly child: ChildProcessWithoutNullStreams) {
    let buf = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (d: string) => {
      buf += d;
      for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        const w = this.waiters.shift();
        if (w) w(line);
        else this.lines.push(line);
      }
    });
    child.stderr.on('data', (d) => {
      this.stderr += d;
    });
    this.exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
  }

  /** `nodeArgs` go to node before the script (e.g. ['--cpu-prof'] to profile the datapath). */
  static async start(
    config: DatapathProcessConfig,
    nodeArgs: readonly string[] = [],
  ): Promise<DatapathChild> {
    const child = spawn(
      process.execPath,
      [...nodeArgs, datapathProcessScript(), JSON.stringify(config)],
      {
        stdio: ['pipe', 'pipe', 'pipe'],
      },
    );
    const c = new DatapathChild(child);
    const first = await Promise.race([c.nextLine(), c.exited.then((code) => `exit ${code}`)]);
    if (first !== '{"ready":true}') {
      child.kill('SIGKILL');
      throw new Error(`datapath process: did not start (${first}): ${c.stderr.trim()}`);
    }
    return c;
  }

  /** The process id (to read its CPU time, for instance). */
  get pid(): number | undefined {
    return this.child.pid;
  }

  private nextLine(): Promise<string> {
    const l = this.lines.shift();
    if (l !== undefined) return Promise.resolve(l);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  async stats(): Promise<ChildStats> {
    this.child.stdin.write('stats\n');
    return JSON.parse(await this.nextLine()) as ChildStats;
  }

  /** Ask the process to close its ports and exit; kill it if it has not within `graceMs`. */
  async stop(graceMs = 5000): Promise<void> {
    if (this.child.exitCode !== null) return;
    this.child.stdin.end('exit\n');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }
}
