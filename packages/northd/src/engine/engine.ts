import { buildDatapath } from '../builders/build.js';
import { deriveRouter, deriveSwitch } from '../inputs/derive.js';
import type { Diagnostic } from '../lflow.js';
import { type NbChange, NbModel } from '../model/nb-model.js';
import { Affected, collectAffected } from './affected.js';
import { routerBindings, switchBindings } from './bindings.js';
import type { DatapathResult, SbDelta, StreamedDelta } from './desired.js';
import { DATAPATH_KEYS, KeyAllocator, KeysExhausted, PORT_KEYS } from './keys.js';

/** Keys that SB already holds, so that a restarted northd keeps them. */
export interface KnownKeys {
  readonly datapaths: ReadonlyArray<{ nbUuid: string; key: number }>;
  readonly ports: ReadonlyArray<{ datapathNbUuid: string; logicalPort: string; key: number }>;
}

/** Counters for `ovn-ts northd` status and the benchmark. */
export interface EngineStats {
  fullRecomputes: number;
  incrementalRuns: number;
  datapathsRecomputed: number;
  changesApplied: number;
}

/**
 * The incremental engine. Its state is the NB model and, per datapath, the last result. Two
 * nodes, wired here:
 *
 *   NB changes ──► model (apply) ──► affected datapaths ──► per-datapath build ──► SbDelta
 *                                └─► affected address sets / port groups ───────┘
 *
 * The full compile is the specification: `recomputeAll` builds every datapath; `apply` rebuilds
 * only those a change touches (see affected.ts), and must give the same result (engine.test.ts
 * checks that on random change sequences). Pure: no I/O, no clock.
 */
export class NorthdEngine {
  readonly nb = new NbModel();
  readonly stats: EngineStats = {
    fullRecomputes: 0,
    incrementalRuns: 0,
    datapathsRecomputed: 0,
    changesApplied: 0,
  };
  private readonly results = new Map<string, DatapathResult>();
  private readonly dpKeys = new KeyAllocator('datapath', DATAPATH_KEYS.min, DATAPATH_KEYS.max);
  private readonly portKeys = new Map<string, KeyAllocator>();
  /** Logical port names that switch ports use (they win SB's namespace), by owning switch. */
  private readonly switchPortNames = new Map<string, string>();
  private readonly namesBySwitch = new Map<string, string[]>();

  /** Port key range: OVN's 15 bits; tests shrink it to run out. */
  private readonly portRange: { readonly min: number; readonly max: number };

  /** Whether state() keeps each datapath's flows (tests compare them; the daemon need not). */
  private readonly retainFlows: boolean;

  constructor(
    known?: KnownKeys,
    opts: { portKeys?: { min: number; max: number }; retainFlows?: boolean } = {},
  ) {
    this.portRange = opts.portKeys ?? PORT_KEYS;
    this.retainFlows = opts.retainFlows ?? true;
    for (const d of known?.datapaths ?? []) this.dpKeys.adopt(d.nbUuid, d.key);
    for (const p of known?.ports ?? [])
      this.portAllocator(p.datapathNbUuid).adopt(p.logicalPort, p.key);
  }

  /** Loads rows without computing (the initial snapshot), then call recomputeAll. */
  load(changes: Iterable<NbChange>): void {
    for (const c of changes) this.nb.apply(c);
  }

  /** Rebuilds every datapath from the model. */
  recomputeAll(): SbDelta {
    this.stats.fullRecomputes++;
    const switches = [...this.nb.table('logical_switch').keys()];
    const routers = [...this.nb.table('logical_router').keys()];
    const removed = [...this.results.keys()].filter(
      (k) => !this.nb.get('logical_switch', k) && !this.nb.get('logical_router', k),
    );
    for (const k of removed) this.forget(k);
    const changed = this.rebuild(new Set(switches), new Set(routers));
    return {
      full: true,
      changed,
      removed,
      addressSets: { upsert: this.addressSets(), remove: [] },
      portGroups: { upsert: this.portGroups(), remove: [] },
    };
  }

  /**
   * recomputeAll with the datapaths' results made one at a time, as the caller iterates `changed`
   * (once, to the end, before anything else runs on the engine): the SB writer hashes or writes
   * each datapath's flows while the next ones compile, and need not hold all flows at once.
   */
  recomputeAllStreaming(): StreamedDelta {
    this.stats.fullRecomputes++;
    const switches = [...this.nb.table('logical_switch').keys()];
    const routers = [...this.nb.table('logical_router').keys()];
    const removed = [...this.results.keys()].filter(
      (k) => !this.nb.get('logical_switch', k) && !this.nb.get('logical_router', k),
    );
    for (const k of removed) this.forget(k);
    return {
      full: true,
      changed: this.rebuildEach(new Set(switches), new Set(routers)),
      removed,
      addressSets: { upsert: this.addressSets(), remove: [] },
      portGroups: { upsert: this.portGroups(), remove: [] },
    };
  }

  /** Applies NB row changes (one batch, in commit order) and rebuilds what they touch. */
  apply(changes: readonly NbChange[]): SbDelta {
    return this.applyWith(changes, () => this.recomputeAll());
  }

  /** apply, but a change that needs a full recompute gives recomputeAllStreaming's delta. */
  applyStreaming(changes: readonly NbChange[]): SbDelta | StreamedDelta {
    return this.applyWith(changes, () => this.recomputeAllStreaming());
  }

  private applyWith<D>(changes: readonly NbChange[], recompute: () => D): SbDelta | D {
    this.stats.incrementalRuns++;
    this.stats.changesApplied += changes.length;
    const affected = new Affected();
    for (const c of changes) {
      if (!this.nb.has(c.table)) continue;
      if (c.table === 'nb_global' && c.op === 'update') {
        // nbctl --wait and northd itself bump the counters; only options change what northd builds.
        const old = this.nb.globals();
        this.nb.apply(c);
        if (JSON.stringify(old?.options ?? {}) !== JSON.stringify(c.row.options ?? {}))
          affected.full = true;
        continue;
      }
      collectAffected(
        this.nb,
        c.table,
        this.nb.get(c.table as never, rowKeyOf(c)) as never,
        affected,
      );
      this.nb.apply(c);
      collectAffected(
        this.nb,
        c.table,
        c.op === 'delete' ? c.row : (this.nb.get(c.table as never, rowKeyOf(c)) as never),
        affected,
      );
    }
    if (affected.full) return recompute();

    const removed: string[] = [];
    for (const ls of [...affected.switches, ...affected.routers]) {
      if (
        !this.nb.get('logical_switch', ls) &&
        !this.nb.get('logical_router', ls) &&
        this.results.has(ls)
      ) {
        this.forget(ls);
        removed.push(ls);
      }
    }
    const changed = this.rebuild(affected.switches, affected.routers);
    const setDelta = <T>(names: Set<string>, all: Map<string, T>) => ({
      upsert: new Map([...names].filter((n) => all.has(n)).map((n) => [n, all.get(n)!] as const)),
      remove: [...names].filter((n) => !all.has(n)),
    });
    return {
      full: false,
      changed,
      removed,
      addressSets: setDelta(affected.addressSets, this.addressSets(affected.addressSets)),
      portGroups: setDelta(affected.portGroups, this.portGroups(affected.portGroups)),
    };
  }

  /** The current result of every datapath (what SB should hold; without retainFlows, no flows). */
  state(): ReadonlyMap<string, DatapathResult> {
    return this.results;
  }

  diagnostics(): Diagnostic[] {
    return [...this.results.values()].flatMap((r) => r.diagnostics);
  }

  private rebuild(switches: ReadonlySet<string>, routers: ReadonlySet<string>): DatapathResult[] {
    return [...this.rebuildEach(switches, routers)];
  }

  private *rebuildEach(
    switches: ReadonlySet<string>,
    routers: ReadonlySet<string>,
  ): Generator<DatapathResult, void, undefined> {
    // Switches first: they claim logical port names before routers look for conflicts.
    for (const ls of [...switches].sort()) {
      const input = deriveSwitch(this.nb, ls);
      if (!input) continue;
      this.dropSwitchPortNames(ls);
      const names = input.ports.map((p) => p.row.name);
      for (const n of names) this.switchPortNames.set(n, ls);
      this.namesBySwitch.set(ls, names);
      const keys = this.portAllocator(ls);
      // Free the keys of ports that left before handing out keys to ports that came.
      this.releaseStale(keys, names);
      const noKey: string[] = [];
      const { ports, multicastGroups } = switchBindings(input, keyOrNone(keys, noKey));
      this.releaseStale(
        keys,
        ports.map((p) => p.logicalPort),
      );
      const built = buildDatapath(input);
      const unbound = noKey.map((name) =>
        noKeyDiagnostic(
          'logical_switch_port',
          input.ports.find((p) => p.row.name === name)!.row.uuid,
          name,
          keys,
        ),
      );
      this.stats.datapathsRecomputed++;
      yield this.store({
        datapath: this.datapath(ls, 'switch', input.row.name),
        ports,
        multicastGroups,
        flows: built.flows,
        diagnostics: [...built.diagnostics, ...unbound],
      });
    }
    for (const lr of [...routers].sort()) {
      const input = deriveRouter(this.nb, lr);
      if (!input) continue;
      const keys = this.portAllocator(lr);
      this.releaseStale(
        keys,
        input.ports.flatMap((p) => [p.row.name, `cr-${p.row.name}`]),
      );
      const noKey: string[] = [];
      const { ports, conflicts } = routerBindings(input, keyOrNone(keys, noKey), (n) =>
        this.switchPortNames.has(n),
      );
      this.releaseStale(
        keys,
        ports.map((p) => p.logicalPort),
      );
      const built = buildDatapath(input);
      const diagnostics = [
        ...built.diagnostics,
        ...conflicts.map((name) => ({
          nbTable: 'logical_router_port',
          nbUuid: input.ports.find((p) => p.row.name === name || `cr-${p.row.name}` === name)!.row
            .uuid,
          builder: 'port-bindings',
          problem: `router port ${name}: a switch port has the same name; the router port is not bound`,
        })),
        ...noKey.map((name) =>
          noKeyDiagnostic(
            'logical_router_port',
            input.ports.find((p) => p.row.name === name || `cr-${p.row.name}` === name)!.row.uuid,
            name,
            keys,
          ),
        ),
      ];
      this.stats.datapathsRecomputed++;
      yield this.store({
        datapath: this.datapath(lr, 'router', input.row.name),
        ports,
        multicastGroups: [],
        flows: built.flows,
        diagnostics,
      });
    }
  }

  /**
   * Keeps a datapath's result. Without retainFlows only its flows are dropped: the SB writer
   * diffs against what SB holds, and a large network's flows are most of northd's memory.
   */
  private store(r: DatapathResult): DatapathResult {
    this.results.set(r.datapath.nbUuid, this.retainFlows ? r : { ...r, flows: [] });
    return r;
  }

  private datapath(nbUuid: string, kind: 'switch' | 'router', name: string) {
    return { nbUuid, kind, name, key: this.dpKeys.ensure(nbUuid) };
  }

  private forget(nbUuid: string): void {
    this.results.delete(nbUuid);
    this.dpKeys.release(nbUuid);
    this.portKeys.delete(nbUuid);
    this.dropSwitchPortNames(nbUuid);
  }

  private dropSwitchPortNames(ls: string): void {
    for (const n of this.namesBySwitch.get(ls) ?? [])
      if (this.switchPortNames.get(n) === ls) this.switchPortNames.delete(n);
    this.namesBySwitch.delete(ls);
  }

  private portAllocator(dp: string): KeyAllocator {
    const have = this.portKeys.get(dp);
    if (have) return have;
    const a = new KeyAllocator('port', this.portRange.min, this.portRange.max);
    this.portKeys.set(dp, a);
    return a;
  }

  /** Frees the keys of ports that left the datapath. */
  private releaseStale(keys: KeyAllocator, current: readonly string[]): void {
    const keep = new Set(current);
    for (const owner of keys.ownerNames()) if (!keep.has(owner)) keys.release(owner);
  }

  /** The address sets and port groups SB should hold now, by name, with sorted members. */
  desiredSets(): {
    addressSets: Map<string, readonly string[]>;
    portGroups: Map<string, readonly string[]>;
  } {
    return { addressSets: this.addressSets(), portGroups: this.portGroups() };
  }

  private addressSets(only?: ReadonlySet<string>): Map<string, readonly string[]> {
    const out = new Map<string, readonly string[]>();
    // An incremental run looks up only the sets it touched (by name), not all of them.
    const rows = only
      ? [...only].flatMap((n) =>
          this.nb.rowsOf('address_set', this.nb.children('addressSetsByName', n)),
        )
      : this.nb.table('address_set').values();
    for (const as of rows) out.set(as.name, [...as.addresses].sort());
    return out;
  }

  private portGroups(only?: ReadonlySet<string>): Map<string, readonly string[]> {
    const out = new Map<string, readonly string[]>();
    const rows = only
      ? [...only].flatMap((n) =>
          this.nb.rowsOf('port_group', this.nb.children('portGroupsByName', n)),
        )
      : this.nb.table('port_group').values();
    for (const pg of rows) {
      const names = this.nb
        .rowsOf('logical_switch_port', this.nb.children('portsByPortGroup', pg.uuid))
        .map((p) => p.name)
        .sort();
      out.set(pg.name, names);
    }
    return out;
  }
}

function rowKeyOf(c: NbChange): string {
  const r = c.row;
  switch (c.table) {
    case 'port_group_port':
      return `${r.port_group_uuid}/${r.port_uuid}`;
    case 'logical_switch_load_balancer':
      return `${r.switch_uuid}/${r.load_balancer_uuid}`;
    case 'logical_router_load_balancer':
      return `${r.router_uuid}/${r.load_balancer_uuid}`;
    default:
      return String(r.uuid);
  }
}

/**
 * A port key allocator for the bindings that reports, instead of throwing, when the datapath has
 * no key left: that port is not bound (and says why); the rest of the network still compiles.
 */
function keyOrNone(keys: KeyAllocator, noKey: string[]): (name: string) => number | undefined {
  return (name) => {
    try {
      return keys.ensure(name);
    } catch (err) {
      if (!(err instanceof KeysExhausted)) throw err;
      noKey.push(name);
      return undefined;
    }
  };
}

function noKeyDiagnostic(
  nbTable: string,
  nbUuid: string,
  port: string,
  keys: KeyAllocator,
): Diagnostic {
  return {
    nbTable,
    nbUuid,
    builder: 'port-bindings',
    problem: `port ${port}: no free port tunnel key on its datapath (all of ${keys.min}..${keys.max} are in use); the port is not bound`,
  };
}
