import type { FlowTable } from './classifier.js';
import { actionSource, type CAction, type RefC } from './compile-actions.js';
import type { CtRequest } from './conntrack/conntrack.js';
import { readField, writeField } from './fields.js';
import type { Flow } from './flow.js';
import { formatAction, formatActions } from './format-actions.js';
import { fiveTupleHash, type Group, selectBucket } from './group.js';
import * as K from './key-layout.js';
import { copyKey } from './key-slab.js';
import { carryFrameOffload } from './linux/frame-offload.js';
import { formatMatch } from './match.js';
import { O_ND_SLL, O_ND_TLL } from './packet/parse.js';
import * as RW from './packet/rewrite.js';
import type { Op, PacketCtx } from './packet-ctx.js';
import type { Continuation, PacketIn } from './packet-in.js';
import type { TunnelMetadata } from './port.js';
import type { PortEntry } from './port-entry.js';
import type { TraceEvent } from './trace.js';

/**
 * The slow path: runs a packet's key through the OpenFlow tables and actions and produces a list of
 * ops (header rewrites with constant values, outputs, conntrack, punts) that the fast path replays on
 * every packet with the same key. Header changes are tracked in the key and "committed" as rewrite
 * ops only when something observes the packet (output, ct, controller), as OVS's xlate does.
 *
 * It also records which key bits the outcome depended on (`wc`): the masks of the subtables the
 * classifier probed, the fields actions read, and every bit actions wrote. The same ops are then valid
 * for every key that agrees on those bits, which is what the megaflow cache relies on.
 *
 * ct(table=N) and controller(pause) end a pass: a ct pass continues as a new pass (recirculation)
 * keyed by the post-ct key; a paused pass continues when the controller resumes it.
 */

// OVN's `next` is a resubmit, so one packet crossing switch → router → switch on one chassis nests
// about a hundred of them (every logical table of three datapaths): 64 cut such paths short.
export const MAX_RESUBMIT_DEPTH = 256;
export const MAX_RESUBMITS = 4096;
/**
 * Datapath actions one translation may produce (OVS bounds them by its action buffer). Without a
 * cap, resubmit chains that output and fan out through groups grow until memory runs out.
 */
export const MAX_ACTIONS = 16384;
const MAX_STACK = 1024;

export interface TranslateEnv {
  table(id: number): FlowTable | undefined;
  group(id: number): Group | undefined;
  port(no: number): PortEntry | undefined;
  /** Ports with frames queued in the current batch. */
  readonly dirty: PortEntry[];
}

export interface Translation {
  readonly ops: Op[];
  readonly flows: Flow[];
  readonly tables: FlowTable[];
  readonly matched: FlowTable[];
  readonly groups: Group[];
  /** True when no op outputs, punts or recirculates: the packet is dropped. */
  readonly drops: boolean;
  /**
   * The key bits this outcome depends on (megaflow mask): every packet whose key agrees with the
   * translated one on these bits gets the same ops.
   */
  readonly wc: Uint32Array;
  readonly dropReason: string | undefined;
}

export type TranslateStart =
  | { readonly kind: 'table'; readonly table: number }
  | { readonly kind: 'actions'; readonly actions: readonly CAction[] }
  | { readonly kind: 'resume'; readonly continuation: Continuation };

interface Frame {
  actions: readonly CAction[];
  index: number;
}

function bitsOf(key: Uint32Array, r: RefC): bigint {
  return (readField(key, r.f) >> BigInt(r.ofs)) & ((1n << BigInt(r.nBits)) - 1n);
}

function setBits(key: Uint32Array, r: RefC, v: bigint): void {
  const m = ((1n << BigInt(r.nBits)) - 1n) << BigInt(r.ofs);
  writeField(key, r.f, v << BigInt(r.ofs), m);
}

function readU48(key: Uint32Array, w: number): [number, number] {
  return [key[w]!, key[w + 1]!];
}

export class Translator {
  private readonly key = new Uint32Array(K.KEY_WORDS);
  /** Bits consulted (megaflow wildcard mask) and bits written by actions, per key word. */
  private readonly wc = new Uint32Array(K.KEY_WORDS);
  private readonly written = new Uint32Array(K.KEY_WORDS);
  private readonly committed = new Uint32Array(K.KEY_WORDS);
  private ops: Op[] = [];
  private mut: boolean[] = [];
  private holders: ({ copy: boolean } | undefined)[] = [];
  private flows: Flow[] = [];
  private tables: FlowTable[] = [];
  private matched: FlowTable[] = [];
  private groups: Group[] = [];
  private stack: bigint[] = [];
  private frames: Frame[] = [];
  private readonly framePool: Frame[] = [];
  private depth = 0;
  private resubmits = 0;
  private halted = false;
  private endsInRecirc = false;
  /** ct(table=N) ops of this pass; all fork except a last one, which recirculates the packet itself. */
  private recircModes: { index: number; mode: { fork: boolean } }[] = [];
  private observers = 0;
  private curTable = 0;
  private curFlow: Flow | undefined;
  private tpid = K.ETH_TYPE_VLAN;
  private dropReason: string | undefined;
  private trace: TraceEvent[] | undefined;

  constructor(private readonly env: TranslateEnv) {}

  translate(key0: Uint32Array, start: TranslateStart, trace?: TraceEvent[]): Translation {
    this.key.set(key0);
    this.committed.set(key0);
    this.wc.fill(0);
    this.written.fill(0);
    // The pass number decides the first table.
    this.wc[K.K_RECIRC] = 0xffffffff;
    this.ops = [];
    this.mut = [];
    this.holders = [];
    this.flows = [];
    this.tables = [];
    this.matched = [];
    this.groups = [];
    this.stack.length = 0;
    this.frames.length = 0;
    this.depth = 0;
    this.resubmits = 0;
    this.halted = false;
    this.endsInRecirc = false;
    this.recircModes = [];
    this.observers = 0;
    this.curFlow = undefined;
    this.tpid = K.ETH_TYPE_VLAN;
    this.dropReason = undefined;
    this.trace = trace;
    if (start.kind === 'table') {
      this.runTable(start.table);
    } else if (start.kind === 'actions') {
      this.curTable = -1;
      this.executeList(start.actions, 0);
    } else {
      const c = start.continuation;
      this.stack.push(...c.stack);
      this.curTable = c.table;
      this.curFlow = c.flow;
      // Innermost frame first: in a recursive interpreter the inner list finishes before the outer resumes.
      for (let i = c.frames.length - 1; i >= 0 && !this.halted; i--) {
        const f = c.frames[i]!;
        this.depth = i;
        this.executeList(f.actions, f.index + 1);
      }
    }
    const lastRecirc = this.recircModes[this.recircModes.length - 1];
    if (lastRecirc && lastRecirc.index === this.ops.length - 1) {
      lastRecirc.mode.fork = false;
      this.endsInRecirc = true;
    }
    // Frames output before a later rewrite (or before recirculation) must be copies.
    let later = this.endsInRecirc;
    for (let i = this.ops.length - 1; i >= 0; i--) {
      const h = this.holders[i];
      if (h) h.copy = later;
      if (this.mut[i]) later = true;
    }
    // Written bits are consulted too: the ops hold their values as constants, and a header rewrite
    // is emitted only when the value differs from the packet's.
    for (let i = 0; i < K.KEY_WORDS; i++) this.wc[i] = (this.wc[i]! | this.written[i]!) >>> 0;
    const drops = this.observers === 0;
    if (drops && !this.dropReason) this.dropReason = 'no output action';
    if (drops && this.trace) this.trace.push({ kind: 'drop', depth: 0, reason: this.dropReason! });
    return {
      ops: this.ops,
      flows: this.flows,
      tables: this.tables,
      matched: this.matched,
      groups: this.groups,
      drops,
      dropReason: drops ? this.dropReason : undefined,
      wc: copyKey(this.wc),
    };
  }

  private emit(op: Op, mutating: boolean, holder?: { copy: boolean }): void {
    if (this.ops.length >= MAX_ACTIONS) {
      this.halt(`more than ${MAX_ACTIONS} datapath actions`);
      return;
    }
    this.ops.push(op);
    this.mut.push(mutating);
    this.holders.push(holder);
  }

  private halt(reason: string): void {
    this.halted = true;
    this.dropReason = reason;
  }

  private runTable(t: number): void {
    if (this.depth >= MAX_RESUBMIT_DEPTH) {
      this.halt(`resubmit depth exceeded ${MAX_RESUBMIT_DEPTH}`);
      return;
    }
    if (++this.resubmits > MAX_RESUBMITS) {
      this.halt(`more than ${MAX_RESUBMITS} resubmits`);
      return;
    }
    const table = this.env.table(t);
    const flow = table?.lookup(this.key, this.wc);
    if (table) this.tables.push(table);
    if (this.trace) {
      this.trace.push({
        kind: 'table',
        depth: this.depth,
        table: t,
        flow: flow && {
          cookie: flow.cookie,
          priority: flow.priority,
          match: formatMatch(flow.match),
          actions: formatActions(flow.actions),
        },
      });
    }
    if (!flow) {
      this.dropReason = `no flow matched in table ${t}`;
      return;
    }
    this.matched.push(table!);
    this.flows.push(flow);
    const savedTable = this.curTable;
    const savedFlow = this.curFlow;
    this.curTable = t;
    this.curFlow = flow;
    this.executeList(flow.cactions, 0);
    this.curTable = savedTable;
    this.curFlow = savedFlow;
  }

  private executeList(actions: readonly CAction[], from: number): void {
    // Frames are pooled by depth: a translation allocates them only the first time a depth is reached.
    const depth = this.frames.length;
    let frame = this.framePool[depth];
    if (!frame) this.framePool[depth] = frame = { actions, index: from };
    frame.actions = actions;
    frame.index = from;
    this.frames.push(frame);
    for (let i = from; i < actions.length && !this.halted; i++) {
      frame.index = i;
      const a = actions[i]!;
      if (this.trace && a.kind !== 'resubmit') {
        const src = actionSource(a);
        if (src) this.trace.push({ kind: 'action', depth: this.depth, text: formatAction(src) });
      }
      this.execute(a);
    }
    this.frames.pop();
  }

  /** Runs `body` on a copy of the key and stack (clone, group type all). */
  private isolated(body: () => void): void {
    const savedKey = this.key.slice();
    const savedStack = this.stack.length;
    const savedTpid = this.tpid;
    body();
    this.key.set(savedKey);
    this.stack.length = savedStack;
    this.tpid = savedTpid;
    this.halted = false;
  }

  private execute(a: CAction): void {
    const key = this.key;
    switch (a.kind) {
      case 'output':
        this.output(a.port);
        return;
      case 'output_field':
        this.consultRef(a.src);
        this.output(Number(bitsOf(key, a.src)));
        return;
      case 'resubmit': {
        if (this.trace)
          this.trace.push({
            kind: 'action',
            depth: this.depth,
            text: `resubmit(${a.port < 0 ? '' : a.port},${a.table})`,
          });
        const saved = key[K.K_IN_PORT]!;
        if (a.port >= 0) {
          key[K.K_IN_PORT] = a.port;
          this.write(K.K_IN_PORT, 0xffffffff);
        }
        this.depth++;
        this.runTable(a.table);
        this.depth--;
        if (a.port >= 0) key[K.K_IN_PORT] = saved;
        return;
      }
      case 'set_words':
        for (let i = 0; i < a.idx.length; i++) {
          const w = a.idx[i]!;
          key[w] = ((key[w]! & ~a.masks[i]!) | a.vals[i]!) >>> 0;
          this.write(w, a.masks[i]!);
        }
        return;
      case 'move':
        this.consultRef(a.src);
        this.writeRef(a.dst);
        setBits(key, a.dst, bitsOf(key, a.src));
        return;
      case 'swap': {
        this.consultRef(a.a);
        this.consultRef(a.b);
        this.writeRef(a.a);
        this.writeRef(a.b);
        const x = bitsOf(key, a.a);
        setBits(key, a.a, bitsOf(key, a.b));
        setBits(key, a.b, x);
        return;
      }
      case 'push':
        if (this.stack.length >= MAX_STACK) {
          this.halt('field stack overflow');
          return;
        }
        this.consultRef(a.src);
        this.stack.push(bitsOf(key, a.src));
        return;
      case 'pop': {
        const v = this.stack.pop();
        if (v === undefined) {
          this.halt('pop from an empty field stack');
          return;
        }
        this.writeRef(a.dst);
        setBits(key, a.dst, v & ((1n << BigInt(a.dst.nBits)) - 1n));
        return;
      }
      case 'dec_ttl': {
        this.consult(K.K_ETH_TYPE, 0xffffffff);
        const et = key[K.K_ETH_TYPE];
        if (et !== K.ETH_TYPE_IP && et !== K.ETH_TYPE_IPV6) return;
        this.consult(K.K_NW_TTL, 0xffffffff);
        const ttl = key[K.K_NW_TTL]!;
        if (ttl <= 1) {
          if (a.onZero === 'controller') this.punt('invalid_ttl', undefined, false);
          this.halt('TTL expired');
          return;
        }
        key[K.K_NW_TTL] = ttl - 1;
        this.write(K.K_NW_TTL, 0xffffffff);
        return;
      }
      case 'push_vlan':
        this.consult(K.K_VLAN_TCI, K.VLAN_PRESENT);
        if (key[K.K_VLAN_TCI]! & K.VLAN_PRESENT) {
          this.trace?.push({
            kind: 'skip',
            depth: this.depth,
            text: 'push_vlan on a tagged packet: double tagging is not supported',
          });
          return;
        }
        key[K.K_VLAN_TCI] = K.VLAN_PRESENT;
        this.write(K.K_VLAN_TCI, 0xffffffff);
        this.tpid = a.tpid;
        return;
      case 'pop_vlan':
        key[K.K_VLAN_TCI] = 0;
        this.write(K.K_VLAN_TCI, 0xffffffff);
        return;
      case 'drop':
        this.halt(a.reason);
        return;
      case 'exit':
        this.halted = true;
        return;
      case 'group':
        this.group(a.id);
        return;
      case 'controller':
        this.punt(a.reason, a.userdata, a.pause);
        if (a.pause) this.halted = true;
        return;
      case 'ct':
        this.ct(a);
        return;
      case 'ct_clear':
        key[K.K_CT_STATE] = 0;
        key[K.K_CT_ZONE] = 0;
        key[K.K_CT_MARK] = 0;
        key.fill(0, K.K_CT_LABEL, K.K_CT_LABEL + 4);
        key.fill(0, K.K_CT_NW_PROTO, K.K_CT_NW_PROTO + K.CT_TUPLE_WORDS);
        for (const w of [K.K_CT_STATE, K.K_CT_ZONE, K.K_CT_MARK]) this.write(w, 0xffffffff);
        for (let i = 0; i < 4; i++) this.write(K.K_CT_LABEL + i, 0xffffffff);
        for (let i = 0; i < K.CT_TUPLE_WORDS; i++) this.write(K.K_CT_NW_PROTO + i, 0xffffffff);
        return;
      case 'clone':
        this.isolated(() => this.executeList(a.actions, 0));
        return;
      case 'note':
      case 'conjunction':
        return;
    }
  }

  private group(id: number): void {
    const g = this.env.group(id);
    if (!g) {
      this.trace?.push({ kind: 'skip', depth: this.depth, text: `group ${id} does not exist` });
      return;
    }
    this.groups.push(g);
    if (g.spec.type === 'all') {
      for (const b of g.buckets) this.isolated(() => this.executeList(b.actions, 0));
      return;
    }
    if (g.spec.type === 'select') {
      for (const w of [
        K.K_ETH_TYPE,
        K.K_NW_PROTO,
        K.K_IP4_SRC,
        K.K_IP4_DST,
        K.K_TP_SRC,
        K.K_TP_DST,
      ])
        this.consult(w, 0xffffffff);
      for (let j = 0; j < 4; j++) {
        this.consult(K.K_IP6_SRC + j, 0xffffffff);
        this.consult(K.K_IP6_DST + j, 0xffffffff);
      }
    }
    const i = g.spec.type === 'indirect' ? 0 : selectBucket(g, fiveTupleHash(this.key));
    if (i < 0) {
      this.halt(`group ${id} has no live bucket`);
      return;
    }
    if (this.trace)
      this.trace.push({ kind: 'skip', depth: this.depth, text: `group ${id}: bucket ${i}` });
    this.executeList(g.buckets[i]!.actions, 0);
  }

  private output(portNo: number): void {
    const key = this.key;
    let no = portNo;
    this.consult(K.K_IN_PORT, 0xffffffff);
    if (no === K.PORT_CONTROLLER) {
      this.punt('action', undefined, false);
      return;
    }
    if (no === K.PORT_IN_PORT) no = key[K.K_IN_PORT]!;
    else if (no === key[K.K_IN_PORT]) {
      this.trace?.push({
        kind: 'skip',
        depth: this.depth,
        text: `output:${no} skipped: it is the input port`,
      });
      return;
    }
    const port = this.env.port(no);
    if (!port) {
      this.trace?.push({
        kind: 'skip',
        depth: this.depth,
        text: `output:${no} skipped: no such port`,
      });
      return;
    }
    this.commit();
    this.observers++;
    if (port.tunnel) {
      this.consult(K.K_TUN_ID, 0xffffffff);
      this.consult(K.K_TUN_ID + 1, 0xffffffff);
      this.consult(K.K_TUN_METADATA0, 0xffffffff);
    }
    const meta: TunnelMetadata | undefined = port.tunnel
      ? {
          tunId: (BigInt(key[K.K_TUN_ID]!) << 32n) | BigInt(key[K.K_TUN_ID + 1]!),
          geneveOption: key[K.K_TUN_METADATA0]!,
        }
      : undefined;
    const holder = { copy: false };
    const dirty = this.env.dirty;
    this.trace?.push({ kind: 'output', depth: this.depth, port: no });
    this.emit(
      (p: PacketCtx) => {
        const f = holder.copy ? carryFrameOffload(p.frame, p.frame.slice()) : p.frame;
        if (p.traceOutputs) {
          p.traceOutputs.push({ port: no, frame: f.slice() });
          return;
        }
        if (port.tx.length === 0) dirty.push(port);
        port.tx.push(f);
        port.txMeta.push(meta);
      },
      false,
      holder,
    );
  }

  private punt(reason: string, userdata: Uint8Array | undefined, pause: boolean): void {
    // The packet-in reports the whole key: such an outcome holds for this exact key only.
    this.wc.fill(0xffffffff);
    this.commit();
    this.observers++;
    const snap = this.key.slice();
    const table = this.curTable;
    const cookie = this.curFlow?.cookie ?? 0n;
    const continuation: Continuation | undefined = pause
      ? {
          kind: 'continuation',
          frames: this.frames.map((f) => ({ actions: f.actions, index: f.index })),
          key: snap,
          stack: [...this.stack],
          table,
          flow: this.curFlow,
        }
      : undefined;
    this.trace?.push({ kind: 'punt', depth: this.depth, reason, pause });
    this.emit((p: PacketCtx) => {
      const pin: PacketIn = {
        reason,
        table,
        cookie,
        inPort: snap[K.K_IN_PORT]!,
        packet: p.frame.slice(),
        metadata: (BigInt(snap[K.K_METADATA]!) << 32n) | BigInt(snap[K.K_METADATA + 1]!),
        regs: snap.slice(K.K_REG0, K.K_REG0 + 16),
        ctState: snap[K.K_CT_STATE]!,
        ctZone: snap[K.K_CT_ZONE]!,
        ctMark: snap[K.K_CT_MARK]!,
        tunId: (BigInt(snap[K.K_TUN_ID]!) << 32n) | BigInt(snap[K.K_TUN_ID + 1]!),
        pktMark: snap[K.K_PKT_MARK]!,
        userdata,
        fields: snap,
        continuation: continuation && { ...continuation, key: snap.slice() },
      };
      p.punt(pin);
    }, false);
  }

  private ct(a: Extract<CAction, { kind: 'ct' }>): void {
    this.commit();
    this.observers++;
    if (a.zoneRef) this.consultRef(a.zoneRef);
    const zone = a.zoneRef ? Number(bitsOf(this.key, a.zoneRef)) : a.zone;
    // exec(move:…) copies key bits into the mark or label: read them now, they are constants for the ops.
    let mark = a.mark;
    let label = a.label;
    for (const mv of a.moves) {
      this.consultRef(mv.src);
      const v = bitsOf(this.key, mv.src) << BigInt(mv.dst.ofs);
      const m = ((1n << BigInt(mv.dst.nBits)) - 1n) << BigInt(mv.dst.ofs);
      if (mv.dst.f.name === 'ct_mark') {
        const pm = mark ?? { value: 0, mask: 0 };
        const mm = Number(m);
        mark = { value: ((pm.value & ~mm) | Number(v & m)) >>> 0, mask: (pm.mask | mm) >>> 0 };
      } else {
        const pl = label ?? { value: 0n, mask: 0n };
        label = { value: (pl.value & ~m) | (v & m), mask: pl.mask | m };
      }
    }
    const req: CtRequest = { zone, commit: a.commit, nat: a.nat, mark, label };
    const peekReq: CtRequest = { ...req, peek: true };
    const recirc = a.table >= 0;
    // The ct outcome is known only when the op runs; reserve the event's place in the trace now.
    const slot:
      | {
          -readonly [P in keyof Extract<TraceEvent, { kind: 'ct' }>]: Extract<
            TraceEvent,
            { kind: 'ct' }
          >[P];
        }
      | undefined = this.trace
      ? {
          kind: 'ct',
          depth: this.depth,
          zone,
          commit: a.commit,
          stateBefore: this.key[K.K_CT_STATE]!,
          stateAfter: 0,
          mark: 0,
          recircTable: recirc ? a.table : undefined,
        }
      : undefined;
    if (slot) this.trace!.push(slot);
    // The key at this point is the packet's own key with the written bits replaced by the values
    // the actions gave them (the same for every packet this outcome is cached for).
    const wIdx: number[] = [];
    const wMask: number[] = [];
    const wVal: number[] = [];
    for (let i = 0; i < K.KEY_WORDS; i++) {
      const m = this.written[i]!;
      if (m === 0) continue;
      wIdx.push(i);
      wMask.push(m);
      wVal.push((this.key[i]! & m) >>> 0);
    }
    const before = this.key[K.K_CT_STATE]!;
    const table = a.table;
    const mode = { fork: true };
    this.emit(
      (p: PacketCtx) => {
        let k = p.key;
        let frame = p.frame;
        let off = p.off;
        if (!recirc) {
          k = p.scratchKey;
          k.set(p.key);
        } else if (mode.fork) {
          // The recirculated copy gets its own frame and key; the packet goes on unchanged.
          k = p.key.slice();
          frame = carryFrameOffload(p.frame, p.frame.slice());
          off = p.off.slice();
        }
        for (let i = 0; i < wIdx.length; i++) {
          const w = wIdx[i]!;
          k[w] = ((k[w]! & ~wMask[i]!) | wVal[i]!) >>> 0;
        }
        const r = p.conntrack.process(k, frame, off, p.peek ? peekReq : req, p.now);
        if (recirc) {
          k[K.K_CT_STATE] = r.state;
          k[K.K_CT_ZONE] = zone;
          k[K.K_CT_MARK] = r.mark;
          // Plain loops: TypedArray.set costs more than it saves on four or thirteen words.
          const label = r.label;
          for (let i = 0; i < 4; i++) k[K.K_CT_LABEL + i] = label[i]!;
          const ow = r.conn?.origWords;
          for (let i = 0; i < K.CT_TUPLE_WORDS; i++) k[K.K_CT_NW_PROTO + i] = ow ? ow[i]! : 0;
          k[K.K_RECIRC] = table + 1;
          if (mode.fork) p.forks.push({ frame, off, key: k });
          else p.recirc = true;
        }
        if (slot) {
          slot.stateBefore = before;
          slot.stateAfter = r.state;
          slot.mark = r.mark;
        }
      },
      a.nat !== undefined && !recirc,
    );
    // A recirculating ct does not end the pass: what follows runs on the packet, without ct state.
    if (recirc) this.recircModes.push({ index: this.ops.length - 1, mode });
  }

  private consult(w: number, m: number): void {
    this.wc[w] = (this.wc[w]! | m) >>> 0;
  }

  private write(w: number, m: number): void {
    this.written[w] = (this.written[w]! | m) >>> 0;
  }

  private consultRef(r: RefC): void {
    for (let i = 0; i < r.wordMasks.length; i++) this.consult(r.f.word + i, r.wordMasks[i]!);
  }

  private writeRef(r: RefC): void {
    for (let i = 0; i < r.wordMasks.length; i++) this.write(r.f.word + i, r.wordMasks[i]!);
  }

  private changed(w: number, n: number): boolean {
    for (let i = 0; i < n; i++) if (this.key[w + i] !== this.committed[w + i]) return true;
    return false;
  }

  /** Emits rewrite ops for every header field whose key value differs from what the packet holds. */
  private commit(): void {
    const k = this.key;
    const c = this.committed;
    let diff = false;
    for (let i = K.HEADER_FIRST; i < K.HEADER_END; i++) {
      if (k[i] !== c[i]) {
        diff = true;
        break;
      }
    }
    if (!diff) return;
    // Which rewrites apply, and how checksums are kept, depends on the packet's protocols.
    this.consult(K.K_ETH_TYPE, 0xffffffff);
    this.consult(K.K_NW_PROTO, 0xffffffff);
    const et = c[K.K_ETH_TYPE]!;
    const proto = c[K.K_NW_PROTO]!;
    const v6 = et === K.ETH_TYPE_IPV6;
    const changed = (w: number, n = 1): boolean => this.changed(w, n);
    // VLAN first: pushing or popping a tag moves every later offset.
    if (changed(K.K_VLAN_TCI)) {
      const had = (c[K.K_VLAN_TCI]! & K.VLAN_PRESENT) !== 0;
      const has = (k[K.K_VLAN_TCI]! & K.VLAN_PRESENT) !== 0;
      const tci = k[K.K_VLAN_TCI]! & ~K.VLAN_PRESENT & 0xffff;
      const tpid = this.tpid;
      if (had && !has)
        this.emit(
          (p) => (p.frame = carryFrameOffload(p.frame, RW.popVlan(p.frame, p.off), -4)),
          true,
        );
      else if (!had && has)
        this.emit(
          (p) => (p.frame = carryFrameOffload(p.frame, RW.pushVlan(p.frame, p.off, tci, tpid), 4)),
          true,
        );
      else if (has) this.emit((p) => RW.setVlanTci(p.frame, p.off, tci), true);
    }
    if (changed(K.K_ETH_SRC, 2)) {
      const [hi, lo] = readU48(k, K.K_ETH_SRC);
      this.emit((p) => RW.setEthSrc(p.frame, hi, lo), true);
    }
    if (changed(K.K_ETH_DST, 2)) {
      const [hi, lo] = readU48(k, K.K_ETH_DST);
      this.emit((p) => RW.setEthDst(p.frame, hi, lo), true);
    }
    if (et === K.ETH_TYPE_IP || v6) {
      if (changed(K.K_NW_TOS)) {
        const tos = k[K.K_NW_TOS]!;
        this.emit((p) => RW.setTos(p.frame, p.off, v6, tos), true);
      }
      if (changed(K.K_NW_TTL)) {
        const ttl = k[K.K_NW_TTL]!;
        this.emit((p) => RW.setTtl(p.frame, p.off, v6, ttl), true);
      }
    }
    if (et === K.ETH_TYPE_IP) {
      if (changed(K.K_IP4_SRC)) {
        const a = k[K.K_IP4_SRC]!;
        this.emit((p) => RW.setIp4Addr(p.frame, p.off, 12, a, proto), true);
      }
      if (changed(K.K_IP4_DST)) {
        const a = k[K.K_IP4_DST]!;
        this.emit((p) => RW.setIp4Addr(p.frame, p.off, 16, a, proto), true);
      }
    }
    if (v6) {
      if (changed(K.K_IP6_SRC, 4)) {
        const w = k.slice(K.K_IP6_SRC, K.K_IP6_SRC + 4);
        this.emit((p) => RW.setIp6Addr(p.frame, p.off, 8, w, proto), true);
      }
      if (changed(K.K_IP6_DST, 4)) {
        const w = k.slice(K.K_IP6_DST, K.K_IP6_DST + 4);
        this.emit((p) => RW.setIp6Addr(p.frame, p.off, 24, w, proto), true);
      }
      if (changed(K.K_ND_TARGET, 4)) {
        const w = k.slice(K.K_ND_TARGET, K.K_ND_TARGET + 4);
        this.emit((p) => RW.setNdTarget(p.frame, p.off, w), true);
      }
      if (changed(K.K_ND_SLL, 2)) {
        const [hi, lo] = readU48(k, K.K_ND_SLL);
        this.emit((p) => RW.setNdLla(p.frame, p.off, O_ND_SLL, hi, lo), true);
      }
      if (changed(K.K_ND_TLL, 2)) {
        const [hi, lo] = readU48(k, K.K_ND_TLL);
        this.emit((p) => RW.setNdLla(p.frame, p.off, O_ND_TLL, hi, lo), true);
      }
    }
    if (et === K.ETH_TYPE_IP || v6) {
      if (changed(K.K_TP_SRC)) {
        const v = k[K.K_TP_SRC]!;
        this.emit((p) => RW.setTpField(p.frame, p.off, 0, v, proto), true);
      }
      if (changed(K.K_TP_DST)) {
        const v = k[K.K_TP_DST]!;
        this.emit((p) => RW.setTpField(p.frame, p.off, 2, v, proto), true);
      }
    }
    if (et === K.ETH_TYPE_ARP) {
      if (changed(K.K_ARP_OP)) {
        const v = k[K.K_ARP_OP]!;
        this.emit((p) => RW.setArp16(p.frame, p.off, 6, v), true);
      }
      if (changed(K.K_ARP_SHA, 2)) {
        const [hi, lo] = readU48(k, K.K_ARP_SHA);
        this.emit((p) => RW.setArpMac(p.frame, p.off, 8, hi, lo), true);
      }
      if (changed(K.K_ARP_SPA)) {
        const v = k[K.K_ARP_SPA]!;
        this.emit((p) => RW.setArp32(p.frame, p.off, 14, v), true);
      }
      if (changed(K.K_ARP_THA, 2)) {
        const [hi, lo] = readU48(k, K.K_ARP_THA);
        this.emit((p) => RW.setArpMac(p.frame, p.off, 18, hi, lo), true);
      }
      if (changed(K.K_ARP_TPA)) {
        const v = k[K.K_ARP_TPA]!;
        this.emit((p) => RW.setArp32(p.frame, p.off, 24, v), true);
      }
    }
    // Read-only or absent headers keep their packet values; remember what the packet now holds.
    c.set(k.subarray(K.HEADER_FIRST, K.HEADER_END), K.HEADER_FIRST);
  }
}
