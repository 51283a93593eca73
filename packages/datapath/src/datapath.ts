import type { Action } from './actions.js';
import { FlowTable } from './classifier.js';
import { type CAction, compileActions, MAX_TABLE } from './compile-actions.js';
import { type ConnSummary, Conntrack } from './conntrack/conntrack.js';
import type { CtTimeouts } from './conntrack/tcp-state.js';
import type { DatapathControl } from './datapath-control.js';
import { DatapathError } from './errors.js';
import { type MaskedValue, parseFieldValue } from './field-value.js';
import { fieldByName, writeField } from './fields.js';
import type { Flow } from './flow.js';
import { type CacheEntry, FlowCache, hashKey } from './flow-cache.js';
import type { BundleResult, FlowFilter, FlowMod, FlowSpec } from './flow-mod.js';
import { formatActions, portText } from './format-actions.js';
import { compileGroup, type Group, type GroupSpec } from './group.js';
import * as K from './key-layout.js';
import { type CompiledMatch, compileMatch, formatMatch } from './match.js';
import { MegaflowCache } from './megaflow-cache.js';
import { parseFrame } from './packet/parse.js';
import { PacketCtx } from './packet-ctx.js';
import type { PacketIn } from './packet-in.js';
import type { PortIo, TunnelMetadata } from './port.js';
import { PortEntry, type PortStats } from './port-entry.js';
import { formatTrace, type TraceEvent, type TraceResult } from './trace.js';
import { type TranslateStart, type Translation, Translator } from './translate.js';

export interface DatapathOptions {
  /** Milliseconds clock for conntrack timeouts. The datapath reads no clock of its own. */
  readonly now: () => number;
  /** Exact-match cache entries (default 8192, as OVS's EMC); 0 turns the cache off. */
  readonly cacheSize?: number;
  /** Megaflow cache entries behind it (default 65536); 0 turns it off. */
  readonly megaflowSize?: number;
  readonly ctTimeouts?: Partial<CtTimeouts>;
  /** Conntrack table size limit (default 1,000,000 connections). */
  readonly ctMaxConnections?: number;
}

export interface FlowStat {
  readonly table: number;
  readonly priority: number;
  readonly cookie: bigint;
  readonly match: string;
  readonly actions: string;
  readonly packets: number;
  readonly bytes: number;
}

export interface TableStat {
  readonly table: number;
  readonly flows: number;
  readonly lookups: number;
  readonly matched: number;
}

export interface DatapathStats {
  readonly packets: number;
  readonly cacheHits: number;
  /** Exact-match misses served by the megaflow cache. */
  readonly megaflowHits: number;
  /** Megaflows held now. */
  readonly megaflows: number;
  readonly cacheMisses: number;
  readonly recirculations: number;
  readonly drops: number;
  readonly packetIns: number;
  /** Packets whose processing threw (and were dropped). Should stay 0. */
  readonly errors: number;
  readonly generation: number;
}

export interface PacketOut {
  readonly packet: Uint8Array;
  /** The in_port the actions see (default CONTROLLER). */
  readonly inPort?: number;
  readonly actions: readonly Action[];
}

export interface TraceOptions {
  /** Leave conntrack unchanged (default true): ct shows what would happen. */
  readonly peek?: boolean;
  readonly tunnel?: TunnelMetadata;
}

const MAX_PASSES = 16;
/** Copies one packet may fork through ct(table=N) (a flood to ports with stateful ACLs forks one per port). */
const MAX_FORKS = 256;
const DEFAULT_PRIORITY = 32768;

type Listener = (pin: PacketIn) => void;

/**
 * A software OpenFlow switch: ports, up to 255 flow tables, groups, conntrack, and two caches in front
 * of the tables (exact-match, then megaflow).
 * Everything happens synchronously in the caller's turn: a port's deliver() runs the batch through the
 * pipeline and transmits before returning; flow changes take effect for the next packet.
 */
export class Datapath implements DatapathControl {
  readonly conntrack: Conntrack;
  private readonly now: () => number;
  private readonly tables: (FlowTable | undefined)[] = new Array(MAX_TABLE + 1).fill(undefined);
  private readonly groups = new Map<number, Group>();
  private readonly ports = new Map<number, PortEntry>();
  private readonly portsByName = new Map<string, PortEntry>();
  private readonly dirty: PortEntry[] = [];
  private readonly cache: FlowCache | undefined;
  private readonly megaflows: MegaflowCache | undefined;
  private readonly translator: Translator;
  private readonly ctx: PacketCtx;
  private readonly pins: PacketIn[] = [];
  private readonly listeners = new Set<Listener>();
  private readonly closeWaiters = new Set<() => void>();
  private readonly pending: (() => void)[] = [];
  private busy = false;
  private closed = false;
  private tunIdSeen = 0n;
  private tunIdHi = 0;
  private tunIdLo = 0;
  private gen = 0;
  private seq = 0;
  private nPackets = 0;
  private hits = 0;
  private megaHits = 0;
  private misses = 0;
  private recircs = 0;
  private drops = 0;
  private nPins = 0;
  private errors = 0;
  /** The last exception caught while processing a packet (for debugging; `stats().errors` counts them). */
  lastError: unknown = undefined;

  constructor(options: DatapathOptions) {
    this.now = options.now;
    this.conntrack = new Conntrack(options.ctTimeouts, options.ctMaxConnections);
    const size = options.cacheSize ?? 1 << 13;
    this.cache = size > 0 ? new FlowCache(size) : undefined;
    const mega = options.megaflowSize ?? 65536;
    this.megaflows = mega > 0 ? new MegaflowCache(mega) : undefined;
    const env = {
      table: (id: number) => this.tables[id],
      group: (id: number) => this.groups.get(id),
      port: (no: number) => this.ports.get(no),
      dirty: this.dirty,
    };
    this.translator = new Translator(env);
    this.ctx = new PacketCtx(this.conntrack, (pin) => this.pins.push(pin));
  }

  // ---- ports -------------------------------------------------------------------------------------

  /** Attaches a port and starts it. Returns its port number (the lowest free one unless given). */
  addPort(name: string, io: PortIo, options: { port?: number } = {}): number {
    this.checkOpen();
    if (this.portsByName.has(name))
      throw new DatapathError('exists', `port ${name}: already exists`);
    let no = options.port;
    if (no !== undefined) {
      if (!Number.isInteger(no) || no < 1 || no >= 0xffffff00)
        throw new DatapathError('bad_port', `port ${name}: bad port number ${no}`);
      if (this.ports.has(no))
        throw new DatapathError(
          'exists',
          `port ${name}: port number ${no} is taken by ${this.ports.get(no)!.name}`,
        );
    } else {
      no = 1;
      while (this.ports.has(no)) no++;
    }
    const entry = new PortEntry(no, name, io);
    this.ports.set(no, entry);
    this.portsByName.set(name, entry);
    this.gen++;
    io.start((frames, meta) => this.receive(entry, frames, meta));
    return no;
  }

  /** Detaches and closes a port (by number or name). */
  async removePort(port: number | string): Promise<void> {
    const e = typeof port === 'number' ? this.ports.get(port) : this.portsByName.get(port);
    if (!e) throw new DatapathError('not_found', `port ${port}: no such port`);
    this.ports.delete(e.no);
    this.portsByName.delete(e.name);
    this.gen++;
    await e.io.close();
  }

  portNumber(name: string): number | undefined {
    return this.portsByName.get(name)?.no;
  }

  portStats(): PortStats[] {
    return [...this.ports.values()].sort((a, b) => a.no - b.no).map((p) => p.stats());
  }

  // ---- flows and groups --------------------------------------------------------------------------

  /**
   * Applies flow and group changes all-or-nothing: every mod is validated and compiled first; if one
   * is bad, nothing changes and the DatapathError names it. Mods apply in order.
   */
  bundle(mods: readonly FlowMod[]): BundleResult {
    this.checkOpen();
    type Prepared =
      | { kind: 'add'; flow: Flow }
      | {
          kind: 'modify';
          filter: PreparedFilter;
          actions: readonly Action[];
          cactions: CAction[];
          newCookie: bigint | undefined;
        }
      | { kind: 'delete'; filter: PreparedFilter }
      | { kind: 'group'; id: number; group: Group | undefined };
    const prepared: Prepared[] = [];
    const groupIds = new Set(this.groups.keys());
    mods.forEach((m, i) => {
      const what = `bundle: mod ${i}`;
      try {
        switch (m.kind) {
          case 'add':
            prepared.push({ kind: 'add', flow: this.prepareFlow(m.flow) });
            break;
          case 'modify':
            prepared.push({
              kind: 'modify',
              filter: prepareFilter(m.filter),
              actions: m.actions,
              cactions: compileActions(m.actions),
              newCookie: m.newCookie,
            });
            break;
          case 'delete':
            prepared.push({ kind: 'delete', filter: prepareFilter(m.filter) });
            break;
          case 'add_group':
          case 'modify_group': {
            const exists = groupIds.has(m.group.id);
            if (m.kind === 'add_group' && exists)
              throw new DatapathError('exists', `group ${m.group.id}: already exists`);
            if (m.kind === 'modify_group' && !exists)
              throw new DatapathError('not_found', `group ${m.group.id}: no such group`);
            groupIds.add(m.group.id);
            prepared.push({ kind: 'group', id: m.group.id, group: compileGroup(m.group) });
            break;
          }
          case 'delete_group':
            groupIds.delete(m.id);
            prepared.push({ kind: 'group', id: m.id, group: undefined });
            break;
        }
      } catch (e) {
        const de = DatapathError.from(e);
        const code =
          de.code === 'internal' ? (m.kind.includes('group') ? 'bad_group' : 'bad_flow') : de.code;
        throw new DatapathError(code, `${what} (${describeMod(m)}): ${de.message}`, { cause: e });
      }
    });
    let added = 0;
    let replaced = 0;
    let modified = 0;
    let deleted = 0;
    let groupsChanged = 0;
    for (const p of prepared) {
      switch (p.kind) {
        case 'add': {
          let t = this.tables[p.flow.table];
          if (!t) {
            t = new FlowTable(p.flow.table);
            this.tables[p.flow.table] = t;
          }
          if (t.insert(p.flow)) replaced++;
          else added++;
          break;
        }
        case 'modify':
          for (const f of this.select(p.filter)) {
            const wasConj = f.conj;
            f.actions = p.actions;
            f.cactions = p.cactions;
            if (p.newCookie !== undefined) f.cookie = p.newCookie;
            const isConj =
              p.cactions.length > 0 && p.cactions.every((a) => a.kind === 'conjunction');
            if (wasConj !== isConj) {
              const t = this.tables[f.table]!;
              t.remove(f);
              f.conj = isConj;
              t.insert(f);
            }
            modified++;
          }
          break;
        case 'delete':
          for (const f of this.select(p.filter)) {
            this.tables[f.table]!.remove(f);
            deleted++;
          }
          break;
        case 'group':
          if (p.group) this.groups.set(p.id, p.group);
          else this.groups.delete(p.id);
          groupsChanged++;
          break;
      }
    }
    if (prepared.length > 0) this.gen++;
    return { added, replaced, modified, deleted, groupsChanged };
  }

  addFlow(flow: FlowSpec): void {
    this.bundle([{ kind: 'add', flow }]);
  }

  /**
   * Makes `flows` the complete set of one owner's flows, without a flush (Antrea's restart scheme).
   * Cookies are `owner << 32 | generation`: every flow is added with the new generation (a flow with
   * the same table, priority and match is replaced in place, so its traffic never stops), then the
   * owner's flows of any other generation are deleted. Other owners' flows are untouched. All of it
   * happens before the next packet; if a flow is bad nothing changes.
   */
  resync(owner: number, generation: number, flows: readonly FlowSpec[]): BundleResult {
    if (!Number.isInteger(owner) || owner < 0 || owner > 0xffffffff)
      throw new DatapathError('bad_flow', `resync: bad owner ${owner}`);
    if (!Number.isInteger(generation) || generation < 0 || generation > 0xffffffff) {
      throw new DatapathError('bad_flow', `resync: bad generation ${generation}`);
    }
    const cookie = (BigInt(owner) << 32n) | BigInt(generation);
    const r = this.bundle(flows.map((f) => ({ kind: 'add' as const, flow: { ...f, cookie } })));
    const stale = this.select(
      prepareFilter({ cookie: BigInt(owner) << 32n, cookieMask: 0xffffffff00000000n }),
    ).filter((f) => f.cookie !== cookie);
    for (const f of stale) this.tables[f.table]!.remove(f);
    if (stale.length > 0) this.gen++;
    return { ...r, deleted: r.deleted + stale.length };
  }

  addFlows(flows: readonly FlowSpec[]): BundleResult {
    return this.bundle(flows.map((flow) => ({ kind: 'add', flow })));
  }

  deleteFlows(filter: FlowFilter = {}): number {
    return this.bundle([{ kind: 'delete', filter }]).deleted;
  }

  addGroup(group: GroupSpec): void {
    this.bundle([{ kind: 'add_group', group }]);
  }

  private prepareFlow(spec: FlowSpec): Flow {
    const table = spec.table ?? 0;
    if (!Number.isInteger(table) || table < 0 || table > MAX_TABLE)
      throw new DatapathError('bad_flow', `bad table ${table}`);
    const priority = spec.priority ?? DEFAULT_PRIORITY;
    if (!Number.isInteger(priority) || priority < 0 || priority > 0xffff)
      throw new DatapathError('bad_flow', `bad priority ${priority}`);
    const match = compileMatch(spec.match ?? {});
    const cactions = compileActions(spec.actions);
    return {
      table,
      priority,
      cookie: spec.cookie ?? 0n,
      match,
      actions: spec.actions,
      cactions,
      conj: cactions.length > 0 && cactions.every((a) => a.kind === 'conjunction'),
      packets: 0,
      bytes: 0,
      seq: this.seq++,
    };
  }

  private *allFlows(table?: number): IterableIterator<Flow> {
    if (table !== undefined) {
      const t = this.tables[table];
      if (t) yield* t.flows();
      return;
    }
    for (const t of this.tables) if (t) yield* t.flows();
  }

  private select(f: PreparedFilter): Flow[] {
    const out: Flow[] = [];
    for (const flow of this.allFlows(f.table)) if (filterSelects(f, flow)) out.push(flow);
    return out;
  }

  /**
   * The cookies of the selected flows, in no particular order: what a controller asks when it only
   * needs to know whose flows (and which generation) are installed, without formatting each flow
   * as flowStats does.
   */
  flowCookies(filter: FlowFilter = {}): bigint[] {
    return this.select(prepareFilter(filter)).map((f) => f.cookie);
  }

  flowStats(filter: FlowFilter = {}): FlowStat[] {
    const f = prepareFilter(filter);
    return this.select(f)
      .sort((a, b) => a.table - b.table || b.priority - a.priority || a.seq - b.seq)
      .map((x) => ({
        table: x.table,
        priority: x.priority,
        cookie: x.cookie,
        match: formatMatch(x.match),
        actions: formatActions(x.actions),
        packets: x.packets,
        bytes: x.bytes,
      }));
  }

  tableStats(): TableStat[] {
    const out: TableStat[] = [];
    for (const t of this.tables)
      if (t) out.push({ table: t.id, flows: t.size, lookups: t.lookups, matched: t.matched });
    return out;
  }

  stats(): DatapathStats {
    return {
      packets: this.nPackets,
      cacheHits: this.hits,
      megaflowHits: this.megaHits,
      megaflows: this.megaflows?.size ?? 0,
      cacheMisses: this.misses,
      recirculations: this.recircs,
      drops: this.drops,
      packetIns: this.nPins,
      errors: this.errors,
      generation: this.gen,
    };
  }

  /** Flows as ovs-ofctl dump-flows prints them (one per line, tables ascending, priority descending). */
  dumpFlows(filter: FlowFilter = {}): string {
    return this.flowStats(filter)
      .map(
        (s) =>
          `cookie=0x${s.cookie.toString(16)}, table=${s.table}, n_packets=${s.packets}, n_bytes=${s.bytes}, ` +
          `priority=${s.priority}${s.match ? `,${s.match}` : ''} actions=${s.actions}`,
      )
      .join('\n');
  }

  dumpGroups(): string {
    return [...this.groups.values()]
      .sort((a, b) => a.spec.id - b.spec.id)
      .map(
        (g) =>
          `group_id=${g.spec.id},type=${g.spec.type},n_packets=${g.packets},` +
          g.spec.buckets
            .map((b) => `bucket=weight:${b.weight ?? 1},actions=${formatActions(b.actions)}`)
            .join(','),
      )
      .join('\n');
  }

  dumpConntrack(): ConnSummary[] {
    return this.conntrack.dump();
  }

  // ---- controller channel -----------------------------------------------------------------------

  /** Subscribes to packet-ins; returns the unsubscribe function. */
  onPacketIn(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Packet-ins as an async iterator (ends when the datapath closes or the loop breaks). */
  packetIns(): AsyncIterableIterator<PacketIn> {
    const queue: PacketIn[] = [];
    let wake: (() => void) | undefined;
    const off = this.onPacketIn((p) => {
      queue.push(p);
      wake?.();
    });
    // close() wakes a waiting next() so the loop ends.
    const onClose = (): void => wake?.();
    this.closeWaiters.add(onClose);
    const self = this;
    return {
      [Symbol.asyncIterator]() {
        return this;
      },
      async next(): Promise<IteratorResult<PacketIn>> {
        while (queue.length === 0) {
          if (self.closed) return { done: true, value: undefined };
          await new Promise<void>((r) => (wake = r));
          wake = undefined;
        }
        return { done: false, value: queue.shift()! };
      },
      async return(): Promise<IteratorResult<PacketIn>> {
        off();
        self.closeWaiters.delete(onClose);
        return { done: true, value: undefined };
      },
    };
  }

  /** Runs `actions` on a packet from the controller (or as if received on `inPort`). */
  packetOut(po: PacketOut): void {
    this.checkOpen();
    let cactions: CAction[];
    try {
      cactions = compileActions(po.actions);
    } catch (e) {
      throw new DatapathError('bad_packet_out', `packet-out: ${(e as Error).message}`, {
        cause: e,
      });
    }
    const frame = Uint8Array.from(po.packet);
    this.run(() => {
      const p = this.ctx;
      p.now = this.now();
      this.loadKey(p, frame, po.inPort ?? K.PORT_CONTROLLER, undefined);
      this.runPasses(p, { kind: 'actions', actions: cactions });
    });
  }

  /**
   * Continues a pipeline paused by controller(pause). The controller may pass a changed packet and
   * field values (e.g. a result bit in a register), as OVN's put_dhcp_opts does.
   */
  resume(
    pin: PacketIn,
    changes: { packet?: Uint8Array; fields?: Readonly<Record<string, MaskedValue>> } = {},
  ): void {
    this.checkOpen();
    const c = pin.continuation;
    if (!c)
      throw new DatapathError(
        'bad_packet_out',
        'resume: the packet-in has no continuation (not paused)',
      );
    const frame = Uint8Array.from(changes.packet ?? pin.packet);
    const key = c.key.slice();
    for (const [name, v] of Object.entries(changes.fields ?? {})) {
      const f = fieldByName(name);
      if (!f?.writable)
        throw new DatapathError('bad_packet_out', `resume: field ${name} is unknown or read-only`);
      const pv = parseFieldValue(f, v);
      writeField(key, f, pv.value, pv.mask);
    }
    this.run(() => {
      const p = this.ctx;
      p.now = this.now();
      p.frame = frame;
      p.key.set(key);
      p.key.fill(0, K.HEADER_FIRST, K.HEADER_END);
      parseFrame(frame, p.key, p.off);
      this.runPasses(p, { kind: 'resume', continuation: { ...c, key: p.key.slice() } });
    });
  }

  /** Resolves once everything submitted so far has been processed (all work is synchronous). */
  async barrier(): Promise<void> {
    this.checkOpen();
  }

  // ---- trace -------------------------------------------------------------------------------------

  /** Follows a packet through the tables without transmitting it or (by default) touching conntrack. */
  trace(packet: Uint8Array, inPort: number, options: TraceOptions = {}): TraceResult {
    const events: TraceEvent[] = [];
    let punts = 0;
    const p = new PacketCtx(this.conntrack, () => punts++);
    p.trace = events;
    p.traceOutputs = [];
    p.peek = options.peek ?? true;
    p.now = this.now();
    this.loadKey(p, Uint8Array.from(packet), inPort, options.tunnel);
    let last: Translation | undefined;
    const translator = new Translator({
      table: (id) => this.tables[id],
      group: (id) => this.groups.get(id),
      port: (no) => this.ports.get(no),
      dirty: [],
    });
    const chain = (): void => {
      for (let pass = 0; pass < MAX_PASSES; pass++) {
        const recirc = p.key[K.K_RECIRC]!;
        if (recirc) events.push({ kind: 'recirc', depth: 0, table: recirc - 1 });
        last = translator.translate(
          p.key,
          { kind: 'table', table: recirc ? recirc - 1 : 0 },
          events,
        );
        const wc = last.wc;
        const masked = new Uint32Array(K.KEY_WORDS);
        for (let i = 0; i < K.KEY_WORDS; i++) masked[i] = (p.key[i]! & wc[i]!) >>> 0;
        p.recirc = false;
        for (const op of last.ops) op(p);
        events.push({
          kind: 'megaflow',
          depth: 0,
          match: formatMatch({ value: masked, mask: wc }),
        });
        if (!p.recirc) break;
      }
    };
    chain();
    for (let n = 0; p.forks.length > 0 && n < MAX_FORKS; n++) {
      const f = p.forks.shift()!;
      p.frame = f.frame;
      p.off.set(f.off);
      p.key.set(f.key);
      chain();
    }
    const outputs = p.traceOutputs;
    const dropReason =
      outputs.length === 0 && punts === 0 ? (last?.dropReason ?? 'no output action') : undefined;
    return { events, outputs, punts, dropReason, text: formatTrace(events) };
  }

  // ---- packet path -------------------------------------------------------------------------------

  private receive(
    port: PortEntry,
    frames: readonly Uint8Array[],
    meta: readonly (TunnelMetadata | undefined)[] | undefined,
  ): void {
    if (this.closed || !this.ports.has(port.no)) return;
    if (this.busy) {
      // Re-entered from a port's transmit (e.g. two memory ports wired together): queue a copy.
      const copies = frames.map((f) => Uint8Array.from(f));
      const m = meta ? [...meta] : undefined;
      this.pending.push(() => this.processBatch(port, copies, m));
      return;
    }
    this.run(() => this.processBatch(port, frames, meta));
  }

  private run(work: () => void): void {
    if (this.busy) {
      this.pending.push(work);
      return;
    }
    this.busy = true;
    try {
      work();
      this.flush();
      while (this.pending.length > 0) {
        this.pending.shift()!();
        this.flush();
      }
    } finally {
      this.busy = false;
    }
    this.deliverPacketIns();
  }

  private loadKey(
    p: PacketCtx,
    frame: Uint8Array,
    inPort: number,
    tun: TunnelMetadata | undefined,
  ): void {
    const key = p.key;
    key.fill(0);
    key[K.K_IN_PORT] = inPort;
    if (tun) {
      // A tunnel port delivers the same tun_id datagram after datagram: split the BigInt once.
      const id = tun.tunId;
      if (id !== this.tunIdSeen) {
        this.tunIdSeen = id;
        this.tunIdHi = Number((id >> 32n) & 0xffffffffn);
        this.tunIdLo = Number(id & 0xffffffffn);
      }
      key[K.K_TUN_ID] = this.tunIdHi;
      key[K.K_TUN_ID + 1] = this.tunIdLo;
      key[K.K_TUN_METADATA0] = (tun.geneveOption ?? 0) >>> 0;
    }
    p.frame = frame;
    parseFrame(frame, key, p.off);
  }

  private processBatch(
    port: PortEntry,
    frames: readonly Uint8Array[],
    meta: readonly (TunnelMetadata | undefined)[] | undefined,
  ): void {
    const p = this.ctx;
    p.now = this.now();
    const tunnel = port.tunnel && meta !== undefined;
    for (let i = 0; i < frames.length; i++) {
      const f = frames[i]!;
      port.rxPackets++;
      port.rxBytes += f.length;
      try {
        this.loadKey(p, f, port.no, tunnel ? meta[i] : undefined);
        this.runPasses(p, undefined);
      } catch (e) {
        // One bad packet (or a bug its shape exposes) must not take the batch or the port down.
        this.errors++;
        this.lastError = e;
      }
    }
  }

  /**
   * Runs a packet through as many passes as it recirculates, through the caches when possible, then
   * the copies forked by ct(table=N) in the middle of a pass, each the same way.
   */
  private runPasses(p: PacketCtx, first: TranslateStart | undefined): void {
    this.nPackets++;
    p.forks.length = 0;
    this.runChain(p, first);
    for (let n = 0; p.forks.length > 0; n++) {
      if (n >= MAX_FORKS) {
        this.drops += p.forks.length;
        p.forks.length = 0;
        break;
      }
      const f = p.forks.shift()!;
      p.frame = f.frame;
      p.off.set(f.off);
      p.key.set(f.key);
      this.recircs++;
      this.runChain(p, undefined);
    }
  }

  private runChain(p: PacketCtx, first: TranslateStart | undefined): void {
    const len = p.frame.length;
    for (let pass = 0; pass < MAX_PASSES; pass++) {
      let e: CacheEntry | undefined;
      const key = p.key;
      if (pass === 0 && first) {
        e = this.translator.translate(key, first);
      } else {
        const cache = this.cache;
        const h = cache ? hashKey(key) : 0;
        e = cache?.lookup(key, h, this.gen);
        if (e !== undefined) {
          this.hits++;
        } else {
          e = this.megaflows?.lookup(key, this.gen);
          if (e !== undefined) {
            this.megaHits++;
            // As OVS does, promote only some megaflow hits into the exact-match cache: a stream of
            // short flows would otherwise churn it (here deterministically, one hit in eight).
            if ((this.megaHits & 7) === 0) cache?.insert(key, h, this.gen, e);
          } else {
            this.misses++;
            const recirc = key[K.K_RECIRC]!;
            const t = this.translator.translate(key, {
              kind: 'table',
              table: recirc ? recirc - 1 : 0,
            });
            this.megaflows?.insert(key, t.wc, t, this.gen);
            e = t;
            cache?.insert(key, h, this.gen, e);
          }
        }
      }
      const flows = e.flows;
      for (let i = 0; i < flows.length; i++) {
        const f = flows[i]!;
        f.packets++;
        f.bytes += len;
      }
      const tables = e.tables;
      for (let i = 0; i < tables.length; i++) tables[i]!.lookups++;
      const matched = e.matched;
      for (let i = 0; i < matched.length; i++) matched[i]!.matched++;
      const groups = e.groups;
      for (let i = 0; i < groups.length; i++) {
        groups[i]!.packets++;
        groups[i]!.bytes += len;
      }
      if (e.drops) this.drops++;
      p.recirc = false;
      const ops = e.ops;
      for (let i = 0; i < ops.length; i++) ops[i]!(p);
      if (!p.recirc) return;
      this.recircs++;
    }
    this.drops++;
  }

  private flush(): void {
    const dirty = this.dirty;
    for (let i = 0; i < dirty.length; i++) {
      const port = dirty[i]!;
      const n = port.tx.length;
      let bytes = 0;
      for (let j = 0; j < n; j++) bytes += port.tx[j]!.length;
      try {
        port.io.transmit(port.tx, port.tunnel ? port.txMeta : undefined);
        port.txPackets += n;
        port.txBytes += bytes;
      } catch {
        port.txErrors += n;
      }
      port.tx.length = 0;
      port.txMeta.length = 0;
    }
    dirty.length = 0;
  }

  private deliverPacketIns(): void {
    while (this.pins.length > 0) {
      const pin = this.pins.shift()!;
      this.nPins++;
      for (const l of [...this.listeners]) {
        try {
          l(pin);
        } catch {
          // A failing listener must not stop the others or the datapath.
        }
      }
    }
  }

  // ---- lifecycle ---------------------------------------------------------------------------------

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const w of this.closeWaiters) w();
    this.closeWaiters.clear();
    const ports = [...this.ports.values()];
    this.ports.clear();
    this.portsByName.clear();
    await Promise.all(ports.map((p) => p.io.close()));
  }

  private checkOpen(): void {
    if (this.closed) throw new DatapathError('closed', 'datapath is closed');
  }
}

interface PreparedFilter {
  readonly table: number | undefined;
  readonly match: CompiledMatch | undefined;
  readonly priority: number | undefined;
  readonly strict: boolean;
  readonly cookie: bigint;
  readonly cookieMask: bigint;
}

function prepareFilter(f: FlowFilter): PreparedFilter {
  if (f.strict && (f.priority === undefined || f.match === undefined)) {
    throw new DatapathError('bad_flow', 'a strict flow filter needs both match and priority');
  }
  return {
    table: f.table,
    match: f.match === undefined ? undefined : compileMatch(f.match),
    priority: f.priority,
    strict: f.strict ?? false,
    cookie: f.cookie ?? 0n,
    cookieMask: f.cookieMask ?? (f.cookie === undefined ? 0n : 0xffffffffffffffffn),
  };
}

function filterSelects(f: PreparedFilter, flow: Flow): boolean {
  if ((flow.cookie & f.cookieMask) !== (f.cookie & f.cookieMask)) return false;
  if (f.strict) {
    if (flow.priority !== f.priority) return false;
    const m = f.match!;
    for (let i = 0; i < K.KEY_WORDS; i++) {
      if (flow.match.mask[i] !== m.mask[i] || flow.match.value[i] !== m.value[i]) return false;
    }
    return true;
  }
  if (f.priority !== undefined && flow.priority !== f.priority) return false;
  if (!f.match) return true;
  const m = f.match;
  for (let i = 0; i < K.KEY_WORDS; i++) {
    const fm = m.mask[i]!;
    if ((fm & ~flow.match.mask[i]!) !== 0) return false;
    if ((flow.match.value[i]! & fm) >>> 0 !== m.value[i]) return false;
  }
  return true;
}

function describeMod(m: FlowMod): string {
  switch (m.kind) {
    case 'add': {
      const f = m.flow;
      let match: string;
      try {
        match = JSON.stringify(f.match ?? {}, (_k, v) =>
          typeof v === 'bigint' ? `0x${v.toString(16)}` : v,
        );
      } catch {
        match = '?';
      }
      return `add table=${f.table ?? 0} priority=${f.priority ?? DEFAULT_PRIORITY} cookie=0x${(f.cookie ?? 0n).toString(16)} match=${match}`;
    }
    case 'modify':
    case 'delete':
      return `${m.kind} table=${m.filter.table ?? 'all'}`;
    case 'add_group':
    case 'modify_group':
      return `${m.kind} ${m.group.id}`;
    case 'delete_group':
      return `delete_group ${m.id}`;
  }
}

export { portText };
