// The controller's compiler: SB view + this chassis → desired datapath state. Pure.
//
// `ControllerCompiler.update` is incremental, at three levels: a local datapath whose flows (the
// same objects), port keys, residency answers and named sets are unchanged keeps everything it
// compiled; in a changed datapath each (logical flow, datapath) pair compiles again only if its
// text or what it names changed (the ports and groups it quotes, the address sets and port groups
// it uses, the ports it tests with is_chassis_resident); a datapath's physical flows are rebuilt
// only when its ports, groups, MAC bindings or their places and zones here changed.
// `compileView` is the same with nothing cached: the specification the incremental path must
// always agree with (incremental.test.ts).

import type { GroupSpec } from '@ovn-ts/datapath';
import { type DesiredFlow, type DesiredState, FlowCollector, flowKey } from './desired.js';
import { type CompiledLflow, compileLflow, type LflowEnv } from './lflow.js';
import {
  fdbFlows,
  fixedFlows,
  groupFlows,
  isResident,
  macBindingFlows,
  placeOf,
  portFlows,
  tunnelIngressFlows,
} from './physical.js';
import type {
  LocalContext,
  SbView,
  ViewDatapath,
  ViewFlow,
  ViewMacBinding,
  ViewMulticastGroup,
  ViewPort,
} from './sb-view.js';
import { indexView, localDatapaths, type ViewIndex } from './view-index.js';

export interface CompileProblemReport {
  readonly flow: string;
  readonly problem: string;
}

export interface CompileResult extends DesiredState {
  readonly datapaths: readonly ViewDatapath[];
  /** Logical flows that compiled to nothing because of a problem (unsupported action …). */
  readonly problems: readonly CompileProblemReport[];
  /** Flow identities claimed by two flows with different actions (the first in uuid order won). */
  readonly conflicts: readonly string[];
}

export interface CompilerStats {
  updates: number;
  lflowsCompiled: number;
  lflowsReused: number;
}

interface CacheEntry {
  /** The flow object compiled (the model keeps an unchanged flow's object). */
  readonly flow: ViewFlow;
  readonly dpSig: string;
  /** What it read besides its text, in refsOf order (compared element by element). */
  readonly deps: readonly unknown[];
  readonly flows: readonly DesiredFlow[];
  readonly groups: ReadonlyMap<number, GroupSpec>;
  readonly problem: string | undefined;
}

const bigintText = (_k: string, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v);

const SET_REF = /[$@]([A-Za-z_][\w.]*)/g;
const RESIDENT_REF = /is_chassis_resident\(\s*"([^"]*)"\s*\)/g;
const QUOTED = /"((?:[^"\\]|\\.)*)"/g;

/**
 * What a logical flow's compilation reads besides its own text: the names it quotes (ports and
 * multicast groups, resolved to keys on its datapath), the address sets and port groups it names
 * (a port group's members are resolved to keys too), and the ports it tests with
 * is_chassis_resident. Found once per flow object (the model keeps unchanged flows' objects).
 */
interface FlowRefs {
  readonly quoted: readonly string[];
  readonly sets: readonly string[];
  readonly resident: readonly string[];
}

const refsCache = new WeakMap<ViewFlow, FlowRefs>();

/** The same logical flow text (another object: a reloaded view). */
const sameText = (a: ViewFlow, b: ViewFlow) =>
  a.pipeline === b.pipeline &&
  a.tableId === b.tableId &&
  a.priority === b.priority &&
  a.match === b.match &&
  a.actions === b.actions;

const flowText = (f: ViewFlow) =>
  `${f.pipeline}\u0000${f.tableId}\u0000${f.priority}\u0000${f.match}\u0000${f.actions}`;

function sameDeps(a: readonly unknown[], b: readonly unknown[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function refsOf(f: ViewFlow): FlowRefs {
  let r = refsCache.get(f);
  if (!r) {
    const both = `${f.match}\u0000${f.actions}`;
    r = {
      quoted: [...new Set([...both.matchAll(QUOTED)].map((m) => m[1]!))],
      sets: [...new Set([...f.match.matchAll(SET_REF)].map((m) => m[0]))],
      resident: f.match.includes('is_chassis_resident')
        ? [...f.match.matchAll(RESIDENT_REF)].map((m) => m[1]!)
        : [],
    };
    refsCache.set(f, r);
  }
  return r;
}

/** A local datapath's compiled logical flows, and what they were compiled from. */
interface DpCache {
  readonly dp: ViewDatapath;
  /** Its flows as the view index listed them (compared element by element). */
  readonly flows: readonly ViewFlow[];
  /** Its ports' and multicast groups' names and keys. */
  readonly portsSig: string;
  /** The ports its flows test with is_chassis_resident, and the answers then. */
  readonly resident: readonly string[];
  readonly residentVals: readonly boolean[];
  /** The address sets and port groups its flows name, and their values then (by identity). */
  readonly setRefs: readonly string[];
  readonly setVals: readonly unknown[];
  /** By flow uuid, and in uuid order (the order flows are collected in). */
  readonly entries: ReadonlyMap<string, CacheEntry>;
  readonly order: readonly { readonly uuid: string; readonly entry: CacheEntry }[];
}

/** Structural equality of flow parts (plain objects, arrays, bigints, byte arrays). */
function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) || a instanceof Uint8Array) {
    const x = a as ArrayLike<unknown>;
    const y = b as ArrayLike<unknown>;
    if (!(Array.isArray(b) || b instanceof Uint8Array) || x.length !== y.length) return false;
    for (let i = 0; i < x.length; i++) if (!deepEqual(x[i], y[i])) return false;
    return true;
  }
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  for (const k of ka)
    if (!deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]))
      return false;
  return true;
}

function sameArray<T>(a: readonly T[], b: readonly T[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Compiled logical flows shared by the controllers of one process (the sandbox's hypervisors, the
 * e2e benchmark): a flow compiles to the same datapath flows wherever its datapath, text and the
 * values it reads are the same, so N controllers compile a new flow once instead of N times.
 * Bounded; the oldest entries go first.
 */
export class LflowCompileCache {
  private readonly entries = new Map<string, CompiledLflow>();
  hits = 0;
  misses = 0;

  constructor(private readonly capacity = 100_000) {}

  get(key: string): CompiledLflow | undefined {
    const e = this.entries.get(key);
    if (e) this.hits++;
    else this.misses++;
    return e;
  }

  set(key: string, value: CompiledLflow): void {
    this.entries.set(key, value);
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
  }
}

const depText = (deps: readonly unknown[]) =>
  deps.map((d) => (d === undefined ? '\u0002' : String(d))).join('\u0003');

export class ControllerCompiler {
  readonly stats: CompilerStats = { updates: 0, lflowsCompiled: 0, lflowsReused: 0 };
  private dpCaches = new Map<string, DpCache>();
  private physical = new Map<string, DesiredFlow[]>();
  private dpPhysical = new Map<string, DpPhysical>();
  /** The flows that depend only on the tunnel ports. */
  private base: { sig: string | undefined; flows: readonly DesiredFlow[] } = {
    sig: undefined,
    flows: [],
  };

  constructor(private readonly shared?: LflowCompileCache) {}

  update(view: SbView, cx: LocalContext): CompileResult {
    this.stats.updates++;
    const ix = indexView(view);
    const dps = localDatapaths(ix, cx.chassis, cx.localPorts);
    const setText = new Map<string, string>();
    const setValue = (ref: string): unknown =>
      ref[0] === '$' ? view.addressSets.get(ref.slice(1)) : view.portGroups.get(ref.slice(1));
    const setSig = (ref: string, dp: string, ports: ReadonlyMap<string, bigint>): string => {
      let t = setText.get(ref);
      if (t === undefined) {
        t = JSON.stringify(setValue(ref) ?? null);
        setText.set(ref, t);
      }
      if (ref[0] !== '@') return t;
      // A port group's members are resolved to keys on the flow's datapath.
      const at = `${ref}\u0000${dp}`;
      let withKeys = setText.get(at);
      if (withKeys === undefined) {
        withKeys = t;
        for (const name of view.portGroups.get(ref.slice(1)) ?? [])
          withKeys += `${ports.get(name) ?? '-'},`;
        setText.set(at, withKeys);
      }
      return withKeys;
    };
    const sets = { addressSets: view.addressSets, portGroups: view.portGroups };
    const resident = (port: string) => isResident(ix, cx, port);

    const next = new Map<string, DpCache>();
    const collector = new FlowCollector();
    const groups = new Map<number, GroupSpec>();
    const problems: CompileProblemReport[] = [];
    for (const dp of dps) {
      const listed = ix.flowsOf(dp.uuid);
      let portsSig = '';
      for (const p of ix.portsOf(dp.uuid)) portsSig += `${p.name}=${p.key},`;
      for (const g of ix.groupsOf(dp.uuid)) portsSig += `${g.name}=${g.key},`;
      const prev = this.dpCaches.get(dp.uuid);
      let cache: DpCache;
      if (
        prev &&
        prev.dp === dp &&
        prev.portsSig === portsSig &&
        sameArray(prev.flows, listed) &&
        prev.resident.every((r, i) => resident(r) === prev.residentVals[i]) &&
        prev.setRefs.every((r, i) => setValue(r) === prev.setVals[i])
      ) {
        // Nothing this datapath's flows read has changed: all of them stand.
        cache = prev;
        this.stats.lflowsReused += prev.order.length;
      } else {
        cache = this.compileDatapath(dp, listed, portsSig, prev, {
          ports: portKeys(ix, dp),
          resident,
          sets,
          setSig,
          setValue,
        });
      }
      next.set(dp.uuid, cache);
      for (const { uuid, entry } of cache.order) {
        for (const fl of entry.flows) collector.add(fl);
        for (const [gid, g] of entry.groups) {
          const had = groups.get(gid);
          // Group ids are content hashes: equal ids with different buckets are a (rare) collision.
          if (had && had !== g && JSON.stringify(had, bigintText) !== JSON.stringify(g, bigintText))
            collector.conflicts.push(`group ${gid}`);
          else groups.set(gid, g);
        }
        if (entry.problem) problems.push({ flow: uuid, problem: entry.problem });
      }
    }
    this.dpCaches = next;

    // A datapath's physical flows are rebuilt when its ports, groups, MAC bindings or their places
    // here changed; the fixed and tunnel flows when the tunnels changed. FDB flows are rebuilt
    // each time: an equal one keeps the previous object, so that the installer recognises it
    // without comparing contents.
    const dpPhysical = new Map<string, DpPhysical>();
    const tunnelsSig = [...cx.tunnels.values()].join(',');
    if (tunnelsSig !== this.base.sig)
      this.base = { sig: tunnelsSig, flows: [...fixedFlows(), ...tunnelIngressFlows(cx)] };
    const built: DesiredFlow[] = [...this.base.flows];
    for (const dp of dps) {
      const sig = placesSig(ix, cx, dp);
      const prev = this.dpPhysical.get(dp.uuid);
      const ph =
        prev &&
        prev.dp === dp &&
        prev.sig === sig &&
        sameArray(prev.ports, ix.portsOf(dp.uuid)) &&
        sameArray(prev.groups, ix.groupsOf(dp.uuid)) &&
        sameArray(prev.macs, ix.macBindingsOf(dp.uuid))
          ? prev
          : buildDpPhysical(ix, cx, dp, sig);
      dpPhysical.set(dp.uuid, ph);
      for (const fl of ph.flows) collector.add(fl);
    }
    this.dpPhysical = dpPhysical;
    const byKey = new Map(dps.map((d) => [d.key, d]));
    for (const e of [...(view.fdb?.values() ?? [])].sort((a, b) => (a.uuid < b.uuid ? -1 : 1))) {
      const dp = byKey.get(e.dpKey);
      if (dp) built.push(...fdbFlows(dp, e));
    }
    const physical = new Map<string, DesiredFlow[]>();
    for (const f of built) {
      const bucket = `${f.source}/${f.table}/${f.priority}`;
      const fl =
        this.physical
          .get(bucket)
          ?.find((o) => deepEqual(o.match, f.match) && deepEqual(o.actions, f.actions)) ?? f;
      const list = physical.get(bucket);
      if (list) list.push(fl);
      else physical.set(bucket, [fl]);
      collector.add(fl);
    }
    this.physical = physical;
    return {
      flows: collector.flows,
      groups,
      datapaths: dps,
      problems,
      conflicts: collector.conflicts,
    };
  }

  /** One datapath's flows, each compiled again only if it or what it reads changed. */
  private compileDatapath(
    dp: ViewDatapath,
    listed: readonly ViewFlow[],
    portsSig: string,
    prev: DpCache | undefined,
    env: {
      ports: ReadonlyMap<string, bigint>;
      resident: (port: string) => boolean;
      sets: LflowEnv['sets'];
      setSig: (ref: string, dp: string, ports: ReadonlyMap<string, bigint>) => string;
      setValue: (ref: string) => unknown;
    },
  ): DpCache {
    const dpSig = `${dp.kind}/${dp.key}`;
    const entries = new Map<string, CacheEntry>();
    const order: { uuid: string; entry: CacheEntry }[] = [];
    const residentNames = new Set<string>();
    const setRefs = new Set<string>();
    const flows = [...listed].sort((a, b) => (a.uuid < b.uuid ? -1 : a.uuid > b.uuid ? 1 : 0));
    for (const f of flows) {
      const refs = refsOf(f);
      const deps: unknown[] = [];
      for (const q of refs.quoted) deps.push(env.ports.get(q));
      for (const r of refs.sets) {
        deps.push(env.setSig(r, dp.uuid, env.ports));
        setRefs.add(r);
      }
      for (const r of refs.resident) {
        deps.push(env.resident(r));
        residentNames.add(r);
      }
      let entry = prev?.entries.get(f.uuid);
      if (
        entry &&
        entry.dpSig === dpSig &&
        (entry.flow === f || sameText(entry.flow, f)) &&
        sameDeps(entry.deps, deps)
      ) {
        this.stats.lflowsReused++;
      } else {
        const key =
          this.shared && `${f.uuid}\u0001${dpSig}\u0001${flowText(f)}\u0001${depText(deps)}`;
        let r = key === undefined ? undefined : this.shared!.get(key);
        if (!r) {
          r = compileLflow(f, dp, {
            ports: env.ports,
            isChassisResident: env.resident,
            sets: env.sets,
          });
          if (key !== undefined) this.shared!.set(key, r);
        }
        entry = {
          flow: f,
          dpSig,
          deps,
          flows: r.flows,
          groups: r.groups,
          problem: r.problem,
        };
        this.stats.lflowsCompiled++;
      }
      entries.set(f.uuid, entry);
      order.push({ uuid: f.uuid, entry });
    }
    const resident = [...residentNames];
    const refs = [...setRefs];
    return {
      dp,
      flows: [...listed],
      portsSig,
      resident,
      residentVals: resident.map(env.resident),
      setRefs: refs,
      setVals: refs.map(env.setValue),
      entries,
      order,
    };
  }
}

/** Port and multicast group names of a datapath → keys (string fields compare against these). */
function portKeys(ix: ViewIndex, dp: ViewDatapath): Map<string, bigint> {
  // "none" is OVN's name for no port (key 0): `outport == "none"` after a failed get_fdb.
  const m = new Map<string, bigint>([['none', 0n]]);
  for (const p of ix.portsOf(dp.uuid)) m.set(p.name, BigInt(p.key));
  for (const g of ix.groupsOf(dp.uuid)) m.set(g.name, BigInt(g.key));
  return m;
}

/** A local datapath's physical flows, and what they were built from. */
interface DpPhysical {
  readonly dp: ViewDatapath;
  readonly ports: readonly ViewPort[];
  readonly groups: readonly ViewMulticastGroup[];
  readonly macs: readonly ViewMacBinding[];
  /** Where each port is for this chassis, and the zones its flows load. */
  readonly sig: string;
  readonly flows: readonly DesiredFlow[];
}

/** Everything from the chassis context that a datapath's physical flows depend on, as text. */
function placesSig(ix: ViewIndex, cx: LocalContext, dp: ViewDatapath): string {
  const zone = (name: string) => cx.zones.get(name) ?? 0;
  let s = `${zone(`${dp.uuid}_dnat`)}/${zone(`${dp.uuid}_snat`)}|`;
  for (const p of ix.portsOf(dp.uuid)) {
    const place = placeOf(ix, cx, p);
    s += `${p.name}:${zone(p.name)}:${place.kind}`;
    switch (place.kind) {
      case 'local':
      case 'virtual-local':
        s += `:${place.ofport}`;
        break;
      case 'remote':
        s += `:${place.tunnel}`;
        break;
      case 'patch': {
        const peer = place.peer;
        const pd = ix.datapath(peer.datapath);
        s += `:${peer.uuid}:${peer.name}:${peer.key}:${zone(peer.name)}:${pd?.key}:${pd?.kind}`;
        if (pd) s += `:${zone(`${pd.uuid}_dnat`)}:${zone(`${pd.uuid}_snat`)}`;
        break;
      }
      case 'redirect-local':
        s += `:${place.distributed.name}:${place.distributed.key}:${zone(place.distributed.name)}`;
        break;
      case 'localnet':
        s += `:${place.ofport}:${place.tag}`;
        break;
      case 'bridged':
        s += `:${place.localnet.key}`;
        break;
      case 'none':
        break;
    }
    s += ';';
  }
  return s;
}

function buildDpPhysical(
  ix: ViewIndex,
  cx: LocalContext,
  dp: ViewDatapath,
  sig: string,
): DpPhysical {
  const out: DesiredFlow[] = [];
  const ports = [...ix.portsOf(dp.uuid)].sort((a, b) => a.key - b.key);
  for (const p of ports) out.push(...portFlows(ix, cx, dp, p));
  for (const g of [...ix.groupsOf(dp.uuid)].sort((a, b) => a.key - b.key))
    out.push(...groupFlows(ix, cx, dp, g));
  const keyOf = new Map(ports.map((p) => [p.name, p.key]));
  for (const b of [...ix.macBindingsOf(dp.uuid)].sort((a, c) => (a.uuid < c.uuid ? -1 : 1))) {
    const k = keyOf.get(b.logicalPort);
    if (k !== undefined) out.push(...macBindingFlows(dp, b, k));
  }
  return {
    dp,
    ports: ix.portsOf(dp.uuid),
    groups: ix.groupsOf(dp.uuid),
    macs: ix.macBindingsOf(dp.uuid),
    sig,
    flows: out,
  };
}

/** A full compile, with nothing cached: what every incremental update must equal. */
export function compileView(view: SbView, cx: LocalContext): CompileResult {
  return new ControllerCompiler().update(view, cx);
}

export { flowKey };
