// The controller daemon (OVN's ovn-controller): registers its chassis, follows SB, compiles what
// concerns this chassis into datapath flows, installs them atomically, claims the ports attached
// here, reports them up and the nb_cfg it has installed, keeps tunnels to the other chassis, and
// answers the datapath's punts (ARP requests, ICMP errors, learnt MAC bindings).
//
// Map: sync() is the whole reconciliation (load view → tunnels → zones → compile → install →
// claims → reports); the SB feed and attach/detach only ask for another sync. Punts are handled as
// they come (pinctrl); a learnt MAC binding goes to SB and comes back through the feed as flows.

import {
  type DatapathControl,
  deleteFlows,
  formatIp4,
  formatIp6,
  formatMac,
  type PacketIn,
  type PortIo,
  UdpTunnelPort,
} from '@ovn-ts/datapath';
import { createPool } from '@ovn-ts/db';
import { SB_CHANNEL, SbStore } from '@ovn-ts/sb-db';
import pino from 'pino';
import { bindingChanges } from '../compile/bindings.js';
import {
  type CompileResult,
  type CompilerStats,
  ControllerCompiler,
  type LflowCompileCache,
} from '../compile/compiler.js';
import { explainTrace } from '../compile/explain-trace.js';
import {
  COOKIE_OWNER,
  GENERATION_MASK,
  type InstalledState,
  nothingInstalled,
  OWNER_MASK,
  planInstall,
} from '../compile/install-plan.js';
import type { LocalContext, SbView } from '../compile/sb-view.js';
import { ZoneAllocator } from '../compile/zones.js';
import { handlePunt, type LearntBinding } from '../pinctrl/handle-punt.js';
import type { SbViewModel } from '../view/sb-view-model.js';
import { FeedWaker } from './feed-waker.js';
import { ScopedSb, type ScopedSbStats } from './scoped-sb.js';
import type { SharedSbFeed } from './shared-sb-feed.js';
import { TunnelMux } from './tunnel-mux.js';

export interface ControllerOptions {
  /** PostgreSQL URL of the SB database. */
  readonly sbUrl: string;
  /** This chassis's name (Chassis.name), unique among chassis. */
  readonly chassis: string;
  /** This chassis's tunnel endpoint (its Geneve Encap.ip). */
  readonly encapIp: string;
  /** The datapath to program (the in-process Datapath, or another DatapathControl backend). */
  readonly datapath: DatapathControl;
  /**
   * Physical networks on this chassis (OVN's ovn-bridge-mappings): network_name of localnet
   * ports → datapath port number of the interface on that network.
   */
  readonly bridgeMappings?: ReadonlyMap<string, number> | Readonly<Record<string, number>>;
  /** Interfaces already attached: iface-id (logical port name) → datapath port number. */
  readonly ports?: ReadonlyMap<string, number> | Readonly<Record<string, number>>;
  readonly hostname?: string;
  /** Stops the controller (as stop() does). */
  readonly signal?: AbortSignal;
  readonly log?: pino.Logger;
  /** Clock for reports and MAC binding timestamps (ms). Default Date.now. */
  readonly now?: () => number;
  /** Opens the chassis's tunnel socket. Default: a Geneve UdpTunnelPort bound to encapIp. */
  readonly openTunnel?: (encapIp: string) => Promise<PortIo>;
  /** First pause before retrying a failed sync (ms, doubled per failure up to 64×). Default 500. */
  readonly retryMs?: number;
  /** Feed poll interval without NOTIFY (ms). */
  readonly pollMs?: number;
  /**
   * A feed reader shared by the controllers of this process (see SharedSbFeed); without it the
   * controller reads the feed itself, with its interest as an SQL condition.
   */
  readonly sharedFeed?: SharedSbFeed;
  /** Compiled logical flows shared by the controllers of this process (see LflowCompileCache). */
  readonly compileCache?: LflowCompileCache;
  /** Called after every reconciliation that changed the datapath (tests, metrics). */
  readonly onSync?: (s: SyncReport) => void;
}

export interface SyncReport {
  readonly nbCfg: number;
  readonly flows: number;
  readonly added: number;
  readonly changed: number;
  readonly removed: number;
  readonly problems: number;
  /** Time spent compiling and installing (to the barrier) in this sync, ms. */
  readonly compileMs: number;
  readonly installMs: number;
}

export interface ControllerStats {
  readonly syncs: number;
  readonly last: SyncReport | undefined;
  /** The first sync's report (start-up: everything compiled and installed at once). */
  readonly first: SyncReport | undefined;
  readonly compiler: Readonly<CompilerStats>;
  readonly tunnels: number;
  /** What of SB is followed: local datapaths, rows held, snapshots for a grown interest, feed rows. */
  readonly followed: ScopedSbStats & {
    readonly datapaths: number;
    readonly ports: number;
    readonly flows: number;
  };
}

export interface ControllerHandle {
  /** Resolves after the first complete sync (chassis registered, flows installed). */
  readonly ready: Promise<void>;
  /** Resolves when the controller has stopped. */
  readonly done: Promise<void>;
  /** An interface with iface-id `name` is now at datapath port `port`. */
  attach(name: string, port: number): void;
  detach(name: string): void;
  /**
   * Stops following SB. Flows and tunnel ports stay in the datapath, so traffic keeps flowing and
   * a controller started again over the same datapath takes them over; `removeTunnels` closes the
   * tunnels too (the flows still stay).
   */
  stop(options?: { removeTunnels?: boolean }): Promise<void>;
  /** The latest compile result (flows, problems), for inspection. */
  current(): CompileResult | undefined;
  /** The part of SB this controller follows now (the rows it holds), for inspection. */
  followedView(): SbView;
  /** Counters: syncs run, the last one's report, the compiler's reuse of compiled flows. */
  stats(): ControllerStats;
  /** Traces a packet in at a datapath port; the flows it hits are named by their logical flows. */
  trace(packet: Uint8Array, inPort: number): string;
}

const ZONE_KEY = 'ct-zone-';

function zonesFrom(externalIds: Readonly<Record<string, string>>): Map<string, number> {
  const m = new Map<string, number>();
  for (const [k, v] of Object.entries(externalIds)) {
    if (k.startsWith(ZONE_KEY) && /^\d+$/.test(v)) m.set(k.slice(ZONE_KEY.length), Number(v));
  }
  return m;
}

const mapText = (m: ReadonlyMap<string, number>) => {
  let s = '';
  for (const [k, v] of m) s += `${k}=${v},`;
  return s;
};

interface TunnelState {
  mux: TunnelMux | undefined;
  readonly tunnels: Map<string, { ip: string; port: number }>;
}

const tunnelStates = new WeakMap<DatapathControl, TunnelState>();

export function runController(opts: ControllerOptions): ControllerHandle {
  const c = new Controller(opts);
  return c.handle();
}

class Controller {
  private readonly log: pino.Logger;
  private readonly now: () => number;
  private readonly ac = new AbortController();
  private readonly localPorts = new Map<string, number>();
  private readonly compiler: ControllerCompiler;
  private readonly zones = new ZoneAllocator();
  private installed: InstalledState = nothingInstalled;
  private generation = 1;
  private firstInstall = true;
  private readonly followed: ScopedSb;
  private get model(): SbViewModel {
    return this.followed.model;
  }
  /** The interest must be worked out again (ports attached or detached, rows changed). */
  private refocusWanted = false;
  private refocusing = false;
  private waker: FeedWaker | undefined;
  private privateRow: { uuid: string; externalIds: Readonly<Record<string, string>> } | undefined;
  private readonly bridgeMappings: ReadonlyMap<string, number>;
  private view: SbView | undefined;
  private result: CompileResult | undefined;
  private reportedNbCfg = -1;
  private readonly reportedUp = new Set<string>();
  /** Tunnels live with the datapath, not the controller: a restarted controller adopts them. */
  private readonly shared: TunnelState;
  private removeTunnels = false;
  private syncing: Promise<void> | undefined;
  private syncs = 0;
  private failures = 0;
  private retry: ReturnType<typeof setTimeout> | undefined;
  private last: SyncReport | undefined;
  private first: SyncReport | undefined;
  private compiledInputs = '';
  private readonly claimedEarly = new Set<string>();
  private dirty = false;
  private readonly sb;
  private readonly pool;
  private unsubscribe: (() => void) | undefined;
  readonly ready: Promise<void>;
  readonly done: Promise<void>;
  private markReady!: () => void;
  private failReady!: (e: unknown) => void;

  constructor(private readonly opts: ControllerOptions) {
    this.log = opts.log ?? pino({ level: 'info' });
    this.now = opts.now ?? Date.now;
    const ports =
      opts.ports instanceof Map ? opts.ports : new Map(Object.entries(opts.ports ?? {}));
    for (const [k, v] of ports) this.localPorts.set(k, v);
    const bm = opts.bridgeMappings;
    this.bridgeMappings = bm instanceof Map ? bm : new Map(Object.entries(bm ?? {}));
    let shared = tunnelStates.get(opts.datapath);
    if (!shared) {
      shared = { mux: undefined, tunnels: new Map() };
      tunnelStates.set(opts.datapath, shared);
    }
    this.shared = shared;
    this.pool = createPool(opts.sbUrl);
    this.sb = SbStore.open(this.pool);
    this.followed = new ScopedSb(this.pool, opts.chassis, opts.sharedFeed);
    this.compiler = new ControllerCompiler(opts.compileCache);
    opts.signal?.addEventListener('abort', () => this.ac.abort(), { once: true });
    this.ready = new Promise((resolve, reject) => {
      this.markReady = resolve;
      this.failReady = reject;
    });
    this.ready.catch(() => {});
    this.done = this.run();
  }

  handle(): ControllerHandle {
    return {
      ready: this.ready,
      done: this.done,
      attach: (name, port) => {
        this.localPorts.set(name, port);
        this.portsChanged();
      },
      detach: (name) => {
        this.localPorts.delete(name);
        this.portsChanged();
      },
      stop: async (o = {}) => {
        this.removeTunnels = o.removeTunnels ?? false;
        this.ac.abort();
        await this.done;
      },
      current: () => this.result,
      followedView: () => this.model.view(),
      trace: (packet, inPort) =>
        explainTrace(this.opts.datapath.trace(packet, inPort), this.view ?? this.model.view()),
      stats: () => ({
        syncs: this.syncs,
        last: this.last,
        first: this.first,
        compiler: { ...this.compiler.stats },
        tunnels: this.shared.tunnels.size,
        followed: {
          ...this.followed.stats(),
          datapaths: this.followed.interest.datapaths.size,
          ...this.model.counts(),
        },
      }),
    };
  }

  private async run(): Promise<void> {
    const dp = this.opts.datapath;
    const waker = new FeedWaker(this.opts.sbUrl, SB_CHANNEL, (e) =>
      this.log.warn({ err: e.message }, 'controller: SB connection trouble'),
    );
    this.waker = waker;
    try {
      await this.register();
      this.generation = this.freshGeneration();
      await waker.listen();
      await this.followed.reload(this.localPorts);
      this.unsubscribe = dp.onPacketIn((pin) => this.onPacketIn(pin));
      this.syncing = this.sync();
      await this.syncing;
      this.syncing = undefined;
      this.markReady();
      if (this.dirty) this.kick();
      await this.follow(waker);
      await this.syncing;
    } catch (err) {
      this.failReady(err);
      if (!this.ac.signal.aborted) {
        this.log.error({ err: (err as Error).message }, 'controller: stopped by an error');
        throw err;
      }
    } finally {
      if (this.retry) clearTimeout(this.retry);
      this.unsubscribe?.();
      await waker.close();
      if (this.removeTunnels) {
        for (const name of this.shared.tunnels.keys())
          await dp.removePort(`ovn-${name}`).catch(() => {});
        await this.shared.mux?.close().catch(() => {});
        tunnelStates.delete(dp);
      }
      await this.pool.end().catch(() => {});
    }
  }

  /**
   * The feed loop: brings the followed interest up to date (loading what it adds), reads the
   * feed's followed rows into the model, and asks for a sync once the model is settled; sleeps
   * until a NOTIFY, an attach/detach or the poll interval. Connection trouble is waited out.
   */
  private async follow(waker: FeedWaker): Promise<void> {
    const signal = this.ac.signal;
    const batch = 1000;
    let failures = 0;
    while (!signal.aborted) {
      try {
        await this.refocus();
        const r = await this.followed.read(batch);
        failures = 0;
        if (r.kind === 'resync') {
          this.refocusing = true;
          try {
            await this.followed.reload(this.localPorts);
          } finally {
            this.refocusing = false;
          }
          this.kick();
          continue;
        }
        if (r.applied > 0) {
          // New rows may make other datapaths local (a patch port, a binding, a group member):
          // the interest is brought up to date before anything is compiled.
          this.refocusWanted = true;
          this.dirty = true;
          await this.refocus();
        }
        // A full batch: more is waiting; compile once it is read.
        if (r.commits >= batch) continue;
        if (this.dirty) this.kick();
        // Commits read: look again at once (more may have come meanwhile), else sleep.
        if (r.commits > 0) continue;
        await waker.wait(this.opts.pollMs ?? 5000, signal, this.followed.cursor);
      } catch (err) {
        if (signal.aborted) break;
        failures++;
        const delay = (this.opts.retryMs ?? 500) * 2 ** Math.min(failures - 1, 6);
        this.log.warn(
          { err: (err as Error).message, retryInMs: delay },
          'controller: reading SB failed',
        );
        await waker.wait(delay, signal, Number.POSITIVE_INFINITY);
      }
    }
  }

  /** Brings the followed interest up to date, until the rows loaded make nothing else local. */
  private async refocus(): Promise<void> {
    while (this.refocusWanted && !this.ac.signal.aborted) {
      this.refocusWanted = false;
      this.refocusing = true;
      try {
        if (await this.followed.refocus(this.localPorts)) {
          this.refocusWanted = true;
          this.dirty = true;
          this.log.debug(
            { datapaths: this.followed.interest.datapaths.size },
            'controller: followed part of SB changed',
          );
        }
      } finally {
        this.refocusing = false;
      }
    }
  }

  /** Interfaces came or went: the interest changes (ports followed by name, local datapaths). */
  private portsChanged(): void {
    this.refocusWanted = true;
    this.waker?.poke();
    this.kick();
  }

  /** Registers (or re-registers) the chassis, its encap and private row; seeds the zones. */
  private async register(): Promise<void> {
    const registered = await this.sb.chassis.register({
      name: this.opts.chassis,
      hostname: this.opts.hostname ?? this.opts.chassis,
      encaps: [{ type: 'geneve', ip: this.opts.encapIp }],
    });
    this.privateRow = {
      uuid: registered.private.uuid,
      externalIds: registered.private.external_ids,
    };
    this.zones.seed(zonesFrom(registered.private.external_ids));
  }

  /** A generation no installed flow of ours uses (a previous run's flows stay until swept). */
  private freshGeneration(): number {
    const gens = new Set<number>();
    for (const cookie of this.opts.datapath.flowCookies({
      cookie: COOKIE_OWNER << 48n,
      cookieMask: OWNER_MASK,
    })) {
      gens.add(Number((cookie & GENERATION_MASK) >> 32n));
    }
    let g = 1;
    while (gens.has(g)) g++;
    return g;
  }

  /** Asks for another sync; syncs run one at a time, and one more after a request during one. */
  private kick(): void {
    this.dirty = true;
    // A model between a snapshot of new rows and the feed catching up to it is not compiled.
    if (this.syncing || this.firstInstall || this.refocusing || !this.followed.settled) return;
    this.syncing = (async () => {
      try {
        while (this.dirty && !this.ac.signal.aborted && !this.refocusing && this.followed.settled) {
          this.dirty = false;
          await this.sync();
        }
        this.failures = 0;
      } catch (err) {
        // A sync that failed (SB unreachable, a claim refused) is tried again after a pause that
        // grows with repeated failures, even if SB does not change meanwhile.
        this.failures++;
        const delay = (this.opts.retryMs ?? 500) * 2 ** Math.min(this.failures - 1, 6);
        this.log.error(
          { err: (err as Error).message, retryInMs: delay },
          'controller: sync failed',
        );
        this.retry = setTimeout(() => {
          this.retry = undefined;
          this.kick();
        }, delay);
      } finally {
        this.syncing = undefined;
      }
    })();
  }

  private async sync(): Promise<void> {
    const me = this.opts.chassis;
    const dp = this.opts.datapath;
    const localPorts = new Map(this.localPorts);
    // Someone deleted our chassis (sbctl chassis-del): register again, as ovn-controller does.
    if (!this.model.view().chassis.has(me)) {
      this.log.warn('controller: chassis missing from SB; registering again');
      await this.register();
    }
    // The model changes under us while we wait for the database: work on copies of what we read later.
    const live = this.model.view();
    const nbCfg = this.model.nbCfg;
    const version = this.model.version;
    const view: SbView = {
      ...live,
      ports: new Map(live.ports),
      macBindings: new Map(live.macBindings),
    };
    this.view = view;
    await this.claimEarly(view, localPorts);
    // Let other work in this process (a claim's answer, another chassis's feed) run before the
    // compile takes the CPU: several controllers may share a process.
    await new Promise<void>((resolve) => setImmediate(resolve));
    const tunnels = await this.ensureTunnels(view);
    const zones = this.zones.assign(view, { chassis: me, localPorts });
    const cx: LocalContext = {
      chassis: me,
      localPorts,
      tunnels,
      zones,
      bridgeMappings: this.bridgeMappings,
    };
    // Nothing the compile reads changed (a port went up, nb_cfg moved): the flows stand.
    const inputs = `${version}|${mapText(localPorts)}|${mapText(tunnels)}|${mapText(zones)}`;
    const unchanged = inputs === this.compiledInputs && this.result !== undefined;
    const t0 = performance.now();
    const result = unchanged ? this.result! : this.compiler.update(view, cx);
    const t1 = performance.now();
    this.result = result;
    this.compiledInputs = inputs;
    const plan = unchanged
      ? { mods: [], next: this.installed, added: 0, changed: 0, removed: 0 }
      : planInstall(this.installed, result, this.generation, this.firstInstall);
    if (plan.mods.length > 0) dp.bundle(plan.mods);
    this.installed = plan.next;
    if (this.firstInstall) {
      // Restarted over a datapath that still holds our older flows: they carried traffic until now.
      const stale = new Set<number>();
      for (const cookie of dp.flowCookies({
        cookie: COOKIE_OWNER << 48n,
        cookieMask: OWNER_MASK,
      })) {
        const g = Number((cookie & GENERATION_MASK) >> 32n);
        if (g !== this.generation) stale.add(g);
      }
      if (stale.size > 0) {
        dp.bundle(
          [...stale].map((g) =>
            deleteFlows({
              cookie: (COOKIE_OWNER << 48n) | (BigInt(g) << 32n),
              cookieMask: OWNER_MASK | GENERATION_MASK,
            }),
          ),
        );
      }
      this.firstInstall = false;
    }
    await dp.barrier();
    const t2 = performance.now();
    for (const p of result.problems.slice(0, 5))
      this.log.warn({ flow: p.flow }, `controller: ${p.problem}`);

    await this.updateBindings(view, localPorts);
    await this.saveZones(zones, view, localPorts);
    if (nbCfg !== this.reportedNbCfg) {
      await this.sb.chassis.setNbCfg(me, nbCfg, this.now());
      this.reportedNbCfg = nbCfg;
    }
    const report: SyncReport = {
      nbCfg,
      flows: result.flows.size,
      added: plan.added,
      changed: plan.changed,
      removed: plan.removed,
      problems: result.problems.length,
      compileMs: t1 - t0,
      installMs: t2 - t1,
    };
    this.syncs++;
    this.last = report;
    this.first ??= report;
    this.opts.onSync?.(report);
  }

  /**
   * Claims the VIFs newly attached here before their flows are compiled, as OVN's binding step
   * runs before its flow computation: the other chassis learn where the port is while this one
   * installs, so the first packets back find their way sooner. (Up is still reported only once
   * the flows are in.)
   */
  private async claimEarly(view: SbView, localPorts: ReadonlyMap<string, number>): Promise<void> {
    const me = this.opts.chassis;
    this.claimedEarly.clear();
    for (const c of bindingChanges(view, me, localPorts).claim) {
      if (!c.vif) continue;
      await this.sb.ports.claim(c.port, me, { up: false });
      this.reportedUp.delete(c.port);
      this.claimedEarly.add(c.port);
      this.log.info({ port: c.port }, 'controller: claimed port');
    }
  }

  /** Claims attached ports, reports them up once their flows are in, releases detached ones. */
  private async updateBindings(
    view: SbView,
    localPorts: ReadonlyMap<string, number>,
  ): Promise<void> {
    const me = this.opts.chassis;
    const changes = bindingChanges(view, me, localPorts);
    for (const c of changes.claim) {
      if (c.vif && this.claimedEarly.has(c.port)) continue;
      await this.sb.ports.claim(c.port, me, { up: !c.vif });
      this.reportedUp.delete(c.port);
      this.log.info({ port: c.port }, 'controller: claimed port');
    }
    for (const name of changes.release) {
      await this.sb.ports.release(name, me);
      this.reportedUp.delete(name);
      this.log.info({ port: name }, 'controller: released port');
    }
    // VIFs bound here when the view was read have their flows installed now: report them up.
    for (const p of view.ports.values()) {
      if (p.chassis !== me || !localPorts.has(p.name) || this.reportedUp.has(p.name)) continue;
      if (p.type !== '' && p.type !== 'virtual') continue;
      await this.sb.ports.setUp(p.name, true);
      this.reportedUp.add(p.name);
    }
  }

  /**
   * Keeps the zone assignment in Chassis_Private.external_ids (ct-zone-NAME), as OVN keeps it in
   * the integration bridge: a restarted controller takes the same zones, so tracked connections
   * (and stateful ACLs' view of them) survive. Only the zones this chassis tracks connections in
   * are kept: its own VIFs', the non-VIF ports' (patch, gateway, localnet) and the routers'. A
   * VIF on another chassis has a zone here that no packet uses, and keeping it would make every
   * chassis write SB for every port created anywhere in its datapaths.
   */
  private async saveZones(
    zones: ReadonlyMap<string, number>,
    view: SbView,
    localPorts: ReadonlyMap<string, number>,
  ): Promise<void> {
    const row = this.privateRow;
    if (!row) return;
    const remoteVifs = new Set<string>();
    for (const p of view.ports.values())
      if ((p.type === '' || p.type === 'virtual') && !localPorts.has(p.name))
        remoteVifs.add(p.name);
    const next: Record<string, string> = {};
    for (const [k, v] of Object.entries(row.externalIds)) if (!k.startsWith(ZONE_KEY)) next[k] = v;
    for (const [name, zone] of zones)
      if (!remoteVifs.has(name)) next[`${ZONE_KEY}${name}`] = String(zone);
    const same =
      Object.keys(next).length === Object.keys(row.externalIds).length &&
      Object.entries(next).every(([k, v]) => row.externalIds[k] === v);
    if (same) return;
    await this.sb.chassisPrivate.update(row.uuid, { external_ids: next });
    this.privateRow = { uuid: row.uuid, externalIds: next };
  }

  /** A tunnel port to every other chassis with a Geneve encap; gone chassis lose theirs. */
  private async ensureTunnels(view: SbView): Promise<ReadonlyMap<string, number>> {
    const dp = this.opts.datapath;
    const wanted = new Map<string, string>();
    for (const c of view.chassis.values()) {
      if (c.name === this.opts.chassis) continue;
      const e = c.encaps.find((x) => x.type === 'geneve');
      if (e) wanted.set(c.name, e.ip);
    }
    const { tunnels } = this.shared;
    for (const [name, t] of [...tunnels]) {
      if (wanted.get(name) === t.ip) continue;
      await dp.removePort(`ovn-${name}`);
      tunnels.delete(name);
    }
    for (const [name, ip] of wanted) {
      if (tunnels.has(name)) continue;
      if (!this.shared.mux) {
        const open =
          this.opts.openTunnel ??
          ((local: string) => UdpTunnelPort.open({ encapsulation: 'geneve', localIp: local }));
        this.shared.mux = new TunnelMux(await open(this.opts.encapIp));
      }
      const port = dp.addPort(`ovn-${name}`, this.shared.mux.port(ip));
      tunnels.set(name, { ip, port });
      this.log.info({ chassis: name, ip, port }, 'controller: tunnel up');
    }
    return new Map([...tunnels].map(([n, t]) => [n, t.port]));
  }

  private onPacketIn(pin: PacketIn): void {
    for (const e of handlePunt(pin)) {
      if (e.kind === 'packet-out')
        this.opts.datapath.packetOut({ packet: e.packet, actions: e.actions });
      else if (e.kind === 'resume')
        this.opts.datapath.resume(e.pin, {
          ...(e.packet && { packet: e.packet }),
          fields: e.fields,
        });
      else if (e.kind === 'mac-binding') void this.learn(e.binding);
      else if (e.kind === 'fdb') void this.learnFdb(e.datapathKey, e.portKey, e.mac);
      else if (e.kind === 'bind-vport') void this.bindVport(e.vport, e.datapathKey, e.parentKey);
      else this.log.debug({ op: e.op }, 'controller: punt not handled');
    }
  }

  /** bind_vport: the virtual port follows the parent that announced its address, here. */
  private async bindVport(vport: string, dpKey: number, parentKey: number): Promise<void> {
    const view = this.view;
    const dp = view && [...view.datapaths.values()].find((d) => d.key === dpKey);
    const parent =
      dp && [...view.ports.values()].find((p) => p.datapath === dp.uuid && p.key === parentKey);
    const v = view && [...view.ports.values()].find((p) => p.name === vport);
    if (!parent || !v || (v.chassis === this.opts.chassis && v.virtualParent === parent.name))
      return;
    try {
      await this.sb.ports.claim(vport, this.opts.chassis);
      await this.sb.ports.update(v.uuid, { virtual_parent: parent.name });
    } catch (err) {
      this.log.warn(
        { err: (err as Error).message, vport },
        'controller: could not bind a virtual port',
      );
    }
  }

  private async learnFdb(dpKey: number, portKey: number, mac: bigint): Promise<void> {
    const text = formatMac(mac);
    const known = [...(this.view?.fdb?.values() ?? [])].find(
      (e) => e.dpKey === dpKey && e.mac === text,
    );
    if (known?.portKey === portKey) return;
    try {
      await this.sb.fdb.put({ mac: text, dpKey, portKey, timestamp: this.now() });
    } catch (err) {
      this.log.warn(
        { err: (err as Error).message, mac: text },
        'controller: could not store an FDB entry',
      );
    }
  }

  private async learn(b: LearntBinding): Promise<void> {
    const view = this.view;
    if (!view) return;
    const dp = [...view.datapaths.values()].find((d) => d.key === b.datapathKey);
    const port =
      dp && [...view.ports.values()].find((p) => p.datapath === dp.uuid && p.key === b.portKey);
    if (!dp || !port) return;
    const ip = b.v6 ? formatIp6(b.ip) : formatIp4(Number(b.ip));
    const mac = formatMac(b.mac);
    const known = [...view.macBindings.values()].find(
      (m) => m.logicalPort === port.name && m.ip === ip,
    );
    if (known?.mac === mac) return;
    try {
      await this.sb.macBindings.put({
        logicalPort: port.name,
        ip,
        mac,
        datapath: dp.uuid,
        timestamp: this.now(),
      });
    } catch (err) {
      this.log.warn(
        { err: (err as Error).message, port: port.name, ip },
        'controller: could not store a MAC binding',
      );
    }
  }
}
