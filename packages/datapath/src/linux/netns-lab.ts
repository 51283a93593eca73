/**
 * A small lab of network namespaces for tests and benchmarks: each host is a namespace with one veth
 * pair whose other end stays in the root namespace, ready for a datapath port (or a bridge).
 * Names are unique per process (prefix + pid + counter, within the kernel's 15-byte limit) and
 * everything is torn down by `destroy()` even after a failure; labs left behind by a killed process
 * are swept the next time a lab is created. Needs root and iproute2's `ip`.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';

const NS_PREFIX = 'ovnts-';

export interface LabHost {
  /** Network namespace name. */
  readonly ns: string;
  /** The veth end in the root namespace (attach the datapath or a bridge here). */
  readonly rootIf: string;
  /** The veth end inside the namespace. */
  readonly nsIf: string;
  /** Address of the host, without prefix length. */
  readonly ip: string;
  readonly mac: string;
}

export interface HostOptions {
  /** IPv4 address with prefix length, e.g. '10.0.0.1/24'. */
  readonly cidr: string;
  /** MAC of the namespace end (default: derived from the host number). */
  readonly mac?: string;
  readonly mtu?: number;
}

export function run(cmd: string, args: readonly string[]): string {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new Error(`${cmd} ${args.join(' ')}: ${(e.stderr ?? e.message).trim()}`);
  }
}

function tryRun(cmd: string, args: readonly string[]): void {
  try {
    execFileSync(cmd, args, { stdio: 'ignore' });
  } catch {
    // Teardown is best effort: the object may already be gone with its namespace.
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Delete namespaces and root-side links left by labs whose process has died. */
export function sweepStaleLabs(): void {
  let names: string[] = [];
  try {
    names = readdirSync('/var/run/netns');
  } catch {
    return;
  }
  for (const name of names) {
    const m = /^ovnts-(\d+)-/.exec(name);
    if (m && !alive(Number(m[1]))) tryRun('ip', ['netns', 'del', name]);
  }
  for (const link of readdirSync('/sys/class/net')) {
    const m = /^ot(\d+)[rbt]\d+$/.exec(link);
    if (m && !alive(Number(m[1]))) tryRun('ip', ['link', 'del', link]);
  }
}

let labCounter = 0;

export class NetnsLab {
  readonly hosts: LabHost[] = [];
  private readonly id: string;
  private readonly namespaces: string[] = [];
  private readonly links: string[] = [];
  private hostCounter = 0;
  private destroyed = false;

  constructor(readonly label: string) {
    if (process.getuid?.() !== 0)
      throw new Error(`netns lab ${label}: needs root (network namespaces, veth)`);
    sweepStaleLabs();
    labCounter += 1;
    // Interface names: "ot" + pid + kind + number stays under 15 bytes for any pid below 2^22.
    this.id = `${process.pid}`;
    this.label = `${label}${labCounter}`;
  }

  /** A namespace with a veth pair to the root namespace, addressed and up. */
  addHost(name: string, options: HostOptions): LabHost {
    this.hostCounter += 1;
    const n = labCounter * 100 + this.hostCounter;
    const ns = `${NS_PREFIX}${this.id}-${this.label}-${name}`;
    const rootIf = `ot${this.id}r${n}`;
    const nsIf = 'eth0';
    const mac =
      options.mac ??
      `02:00:00:00:${(n >> 8).toString(16).padStart(2, '0')}:${(n & 0xff).toString(16).padStart(2, '0')}`;
    run('ip', ['netns', 'add', ns]);
    this.namespaces.push(ns);
    run('ip', ['link', 'add', rootIf, 'type', 'veth', 'peer', 'name', nsIf, 'netns', ns]);
    this.links.push(rootIf);
    run('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
    run('ip', ['-n', ns, 'link', 'set', nsIf, 'address', mac]);
    if (options.mtu) {
      run('ip', ['-n', ns, 'link', 'set', nsIf, 'mtu', String(options.mtu)]);
      run('ip', ['link', 'set', rootIf, 'mtu', String(options.mtu)]);
    }
    run('ip', ['-n', ns, 'addr', 'add', options.cidr, 'dev', nsIf]);
    run('ip', ['-n', ns, 'link', 'set', nsIf, 'up']);
    // The root end carries switch traffic only: no IPv6 autoconfiguration chatter from the host.
    tryRun('sysctl', ['-qw', `net.ipv6.conf.${rootIf}.disable_ipv6=1`]);
    run('ip', ['link', 'set', rootIf, 'up']);
    const host: LabHost = { ns, rootIf, nsIf, ip: options.cidr.split('/')[0]!, mac };
    this.hosts.push(host);
    return host;
  }

  /**
   * A namespace around an existing interface (e.g. a TAP device whose descriptor the datapath holds):
   * the interface moves into the namespace, is addressed and brought up. `rootIf` is the interface itself.
   */
  adoptInterface(name: string, ifname: string, options: HostOptions): LabHost {
    this.hostCounter += 1;
    const ns = `${NS_PREFIX}${this.id}-${this.label}-${name}`;
    run('ip', ['netns', 'add', ns]);
    this.namespaces.push(ns);
    run('ip', ['link', 'set', ifname, 'netns', ns]);
    run('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
    const mac =
      options.mac ?? `02:00:00:01:00:${(this.hostCounter & 0xff).toString(16).padStart(2, '0')}`;
    run('ip', ['-n', ns, 'link', 'set', ifname, 'address', mac]);
    run('ip', ['-n', ns, 'addr', 'add', options.cidr, 'dev', ifname]);
    run('ip', ['-n', ns, 'link', 'set', ifname, 'up']);
    const host: LabHost = {
      ns,
      rootIf: ifname,
      nsIf: ifname,
      ip: options.cidr.split('/')[0]!,
      mac,
    };
    this.hosts.push(host);
    return host;
  }

  /** A name for a new interface (e.g. a TAP device) that the stale-lab sweep recognises. */
  interfaceName(): string {
    this.hostCounter += 1;
    return `ot${this.id}t${labCounter * 100 + this.hostCounter}`;
  }

  /** A Linux bridge in the root namespace with the given root-side ends attached (for comparison). */
  addBridge(members: readonly string[]): string {
    this.hostCounter += 1;
    const br = `ot${this.id}b${labCounter * 100 + this.hostCounter}`;
    run('ip', ['link', 'add', br, 'type', 'bridge']);
    this.links.push(br);
    for (const m of members) run('ip', ['link', 'set', m, 'master', br]);
    run('ip', ['link', 'set', br, 'up']);
    return br;
  }

  /** Run a command inside a host's namespace; returns stdout, throws with stderr on failure. */
  exec(host: LabHost, cmd: string, args: readonly string[]): string {
    return run('ip', ['netns', 'exec', host.ns, cmd, ...args]);
  }

  /** Remove every namespace and link this lab made. Safe to call twice. */
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    for (const link of this.links.reverse()) tryRun('ip', ['link', 'del', link]);
    for (const ns of this.namespaces.reverse()) tryRun('ip', ['netns', 'del', ns]);
  }
}

/** Run `body` with a fresh lab and always tear it down. */
export async function withNetnsLab<T>(
  label: string,
  body: (lab: NetnsLab) => Promise<T>,
): Promise<T> {
  const lab = new NetnsLab(label);
  try {
    return await body(lab);
  } finally {
    lab.destroy();
  }
}
