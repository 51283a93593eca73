// A whole virtual lab in one process: northd (optional) and hypervisors hv1..hvN over given NB and
// SB databases, with helpers to wait until the chassis have caught up with NB.

import { createPool } from '@ovn-ts/db';
import { NbStore } from '@ovn-ts/nb-db';
import { runNorthd } from '@ovn-ts/northd';
import { SbStore } from '@ovn-ts/sb-db';
import type pg from 'pg';
import pino from 'pino';
import { Hypervisor, type VmSpec } from './hypervisor.js';
import { MemoryUnderlay, UdpUnderlay, type Underlay } from './underlay.js';
import type { Vm } from './vm.js';

export interface SandboxOptions {
  readonly nbUrl: string;
  readonly sbUrl: string;
  /** Hypervisors to start: a count (hv1..hvN, default 2) or their names. */
  readonly hypervisors?: number | readonly string[];
  /** Run northd in this process (default true). */
  readonly northd?: boolean;
  /** 'memory' (default), 'udp' (Geneve on loopback), or an Underlay of your own. */
  readonly underlay?: 'memory' | 'udp' | Underlay;
  /** Logger for northd and the controllers (default: silent). */
  readonly log?: pino.Logger;
  /** Controller feed poll interval (default 200 ms; NOTIFY wakes them sooner). */
  readonly pollMs?: number;
  /** Millisecond clock for datapaths and round-trip times (default performance.now). */
  readonly now?: () => number;
}

export interface WaitOptions {
  readonly timeoutMs?: number;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export class Sandbox {
  readonly underlay: Underlay;
  private readonly hvs = new Map<string, Hypervisor>();
  private readonly stopNorthd = new AbortController();
  private northd: Promise<void> | undefined;
  private readonly log: pino.Logger;
  private readonly nb: NbStore;
  private readonly sb: pg.Pool;
  private nextIndex = 1;

  private constructor(private readonly opts: SandboxOptions) {
    this.log = opts.log ?? pino({ level: 'silent' });
    this.underlay =
      opts.underlay === 'udp'
        ? new UdpUnderlay()
        : opts.underlay === undefined || opts.underlay === 'memory'
          ? new MemoryUnderlay()
          : opts.underlay;
    this.nb = NbStore.open(opts.nbUrl, { max: 2, applicationName: 'ovn-ts sandbox' });
    this.sb = createPool(opts.sbUrl, { max: 2, applicationName: 'ovn-ts sandbox' });
  }

  /** Starts northd and the hypervisors; resolves when every controller is ready. */
  static async start(opts: SandboxOptions): Promise<Sandbox> {
    const s = new Sandbox(opts);
    try {
      if (opts.northd ?? true)
        s.northd = runNorthd({
          nbUrl: opts.nbUrl,
          sbUrl: opts.sbUrl,
          signal: s.stopNorthd.signal,
          log: s.log.child({ name: 'northd' }),
          lockPollMs: 100,
        });
      const h = opts.hypervisors ?? 2;
      const names = typeof h === 'number' ? Array.from({ length: h }, (_, i) => `hv${i + 1}`) : h;
      await Promise.all(names.map((n) => s.addHypervisor(n)));
    } catch (err) {
      await s.stop();
      throw err;
    }
    return s;
  }

  /** Starts one more hypervisor; resolves when its controller is ready. */
  async addHypervisor(name: string): Promise<Hypervisor> {
    if (this.hvs.has(name)) throw new Error(`sandbox: ${name}: hypervisor already exists`);
    const hv = new Hypervisor({
      name,
      sbUrl: this.opts.sbUrl,
      encapIp: this.underlay.encapIp(this.nextIndex++),
      underlay: this.underlay,
      log: this.log.child({ chassis: name }),
      pollMs: this.opts.pollMs ?? 200,
      ...(this.opts.now && { now: this.opts.now }),
    });
    this.hvs.set(name, hv);
    await hv.ready;
    return hv;
  }

  hypervisor(name: string): Hypervisor {
    const hv = this.hvs.get(name);
    if (!hv) throw new Error(`${name}: no such hypervisor`);
    return hv;
  }

  hypervisors(): Hypervisor[] {
    return [...this.hvs.values()];
  }

  /** The VM named `name` on any hypervisor. */
  vm(name: string): Vm {
    for (const hv of this.hvs.values()) {
      const vm = hv.vm(name);
      if (vm) return vm;
    }
    throw new Error(`${name}: no such VM`);
  }

  /** The hypervisor a VM runs on. */
  hypervisorOf(vmName: string): Hypervisor {
    const hv = this.hypervisors().find((h) => h.vm(vmName));
    if (!hv) throw new Error(`${vmName}: no such VM`);
    return hv;
  }

  /** Every VM with the hypervisor it runs on. */
  vms(): { hypervisor: string; vm: Vm }[] {
    return this.hypervisors().flatMap((hv) =>
      hv.vmList().map((vm) => ({ hypervisor: hv.name, vm })),
    );
  }

  /** Attaches a VM and waits until its port is up in SB and every chassis has caught up. */
  async attachVm(hypervisor: string, spec: VmSpec, wait: WaitOptions = {}): Promise<Vm> {
    const vm = this.hypervisor(hypervisor).attachVm(spec);
    await this.waitUp([spec.name], wait);
    await this.sync(wait);
    return vm;
  }

  async detachVm(name: string, wait: WaitOptions = {}): Promise<void> {
    await this.hypervisorOf(name).detachVm(name);
    await this.sync(wait);
  }

  /** Waits until the logical ports are bound and up in SB. */
  async waitUp(ports: readonly string[], wait: WaitOptions = {}): Promise<void> {
    const deadline = Date.now() + (wait.timeoutMs ?? 15_000);
    for (;;) {
      const r = await this.sb.query<{ logical_port: string }>(
        'SELECT logical_port FROM sb.port_binding WHERE up AND logical_port = ANY($1)',
        [ports],
      );
      if (r.rowCount === ports.length) return;
      const up = new Set(r.rows.map((x) => x.logical_port));
      if (Date.now() > deadline)
        throw new Error(
          `sandbox: ${ports.filter((p) => !up.has(p)).join(', ')}: port not up in SB after ${wait.timeoutMs ?? 15_000} ms`,
        );
      await sleep(50);
    }
  }

  /**
   * What `nbctl --wait=hv` does: bumps nb_cfg and waits until every chassis has installed it, so
   * everything committed to NB before the call is in every datapath.
   */
  async sync(wait: WaitOptions = {}): Promise<number> {
    const timeoutMs = wait.timeoutMs ?? 15_000;
    const cfg = await this.nb.transaction((tx) => tx.bumpNbCfg(Date.now()));
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const g = await this.nb.global();
      if (g.hv_cfg >= cfg) return cfg;
      if (Date.now() > deadline)
        throw new Error(
          `sandbox: nb_cfg ${cfg}: not installed by every chassis after ${timeoutMs} ms (sb_cfg ${g.sb_cfg}, hv_cfg ${g.hv_cfg})`,
        );
      await sleep(20);
    }
  }

  /**
   * Stops the hypervisors and unregisters their chassis (as ovn-controller does when it exits for
   * good: a chassis left behind would hold hv_cfg back forever), then northd and the connections.
   */
  async stop(): Promise<void> {
    await Promise.allSettled(this.hypervisors().map((hv) => hv.stop()));
    const sb = SbStore.open(this.sb);
    await Promise.allSettled(this.hypervisors().map((hv) => sb.chassis.unregister(hv.name)));
    this.hvs.clear();
    this.stopNorthd.abort();
    await this.northd?.catch(() => {});
    await Promise.allSettled([this.nb.close(), this.sb.end()]);
  }
}
