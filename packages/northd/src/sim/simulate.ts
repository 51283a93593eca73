// The logical pipeline simulator: runs a packet through the logical flows of a set of datapaths,
// as ovn-trace does, and records every step. Pure: the world and options in, a trace out.
//
// Map: simulate() sets up a Run; Run.table() finds the matching flow of one stage and runs its
// actions (Run.exec); `next` moves to another table, `output` from ingress to egress (toEgress,
// which also fans out multicast groups), `output` from egress leaves the datapath (deliver: a
// patched port continues into the peer datapath). Generator actions (arp { … } …) and clone
// run their nested actions on a new packet in a branch of the trace.

import {
  type EvalEnv,
  evaluate,
  LOGICAL_FLAG_BITS,
  ovnSymbolTable,
  type SetEnv,
} from '@ovn-ts/expr';
import { type Pipeline, type Stage, stageAt } from '../stages.js';
import { Conntrack } from './conntrack.js';
import { CtActions } from './ct-actions.js';
import {
  type Action,
  type ActionField,
  type ActionOf,
  type CompiledFlow,
  compileFlow,
} from './expr-bridge.js';
import { describeIp, type GeneratorName, generate } from './generate.js';
import { readField, stringBase, writeField } from './packet.js';
import { hashPick, type Selector } from './select.js';
import type {
  MacBinding,
  Outcome,
  SimDatapath,
  SimPacket,
  SimWorld,
  StageRef,
  TraceStep,
} from './types.js';

export interface SimOptions {
  /** Connection state that outlives one run (pass the same one to trace a reply). */
  readonly conntrack?: Conntrack;
  /** Picks a member for select() and ct_lb_mark; default: a hash of the connection tuple. */
  readonly select?: Selector;
  readonly isChassisResident?: (port: string) => boolean;
  /** Flow executions before the run is cut short as a loop (default 10000). */
  readonly maxFlows?: number;
  /** The frame's length in bytes, for check_pkt_larger (default 0: never too large). */
  readonly packetLength?: number;
}

export interface SimStart {
  readonly datapath: string;
  readonly inport: string;
  readonly packet: SimPacket;
}

const GENERATORS = new Set<string>([
  'arp',
  'nd_ns',
  'nd_na',
  'nd_na_router',
  'icmp4',
  'icmp4_error',
  'icmp6',
  'icmp6_error',
  'tcp_reset',
  'sctp_abort',
  'reject',
]);
const MCAST_KEY_BASE = 32768n;
const LOOPBACK_BIT = 1n << BigInt(LOGICAL_FLAG_BITS.loopback);

interface Datapath {
  readonly dp: SimDatapath;
  readonly byStage: Map<Stage, CompiledFlow[]>;
  readonly keys: Map<string, bigint>;
  readonly names: Map<bigint, string>;
  readonly env: EvalEnv;
}

/** Runs `start.packet` in at `start.inport` of `start.datapath`. */
export function simulate(
  world: SimWorld,
  start: SimStart,
  opts: SimOptions = {},
): {
  steps: TraceStep[];
  outcomes: Outcome[];
  macBindings: MacBinding[];
} {
  const run = new Run(world, opts);
  const steps: TraceStep[] = [];
  const dp = run.datapath(start.datapath);
  const key = dp.keys.get(start.inport);
  if (key === undefined) throw new Error(`sim: ${start.datapath} has no port ${start.inport}`);
  const pkt: SimPacket = new Map(start.packet);
  pkt.set('reg14', key);
  steps.push({ kind: 'pipeline', datapath: dp.dp.name, pipeline: 'ingress', inport: start.inport });
  run.table(dp, 'ingress', 0, pkt, steps);
  return { steps, outcomes: run.outcomes, macBindings: run.macBindings };
}

/** What the actions of one flow did to the packet's journey. */
interface Flow {
  continued: boolean;
  replaced: boolean;
}

class Run {
  readonly outcomes: Outcome[] = [];
  readonly macBindings: MacBinding[];
  private readonly dps = new Map<string, Datapath>();
  private readonly ct: CtActions;
  private readonly select: Selector;
  private readonly fdb = new Map<string, Map<bigint, bigint>>();
  private readonly stack: bigint[] = [];
  /** Chassisredirect ports the packet has been redirected to: it is on their chassis now. */
  private readonly resident = new Set<string>();
  private budget: number;

  constructor(
    world: SimWorld,
    private readonly opts: SimOptions,
  ) {
    this.macBindings = [...(world.macBindings ?? [])];
    this.select = opts.select ?? hashPick;
    this.ct = new CtActions(opts.conntrack ?? new Conntrack(), this.select);
    this.budget = opts.maxFlows ?? 10000;
    const sets = setsOf(world);
    for (const dp of world.datapaths) this.dps.set(dp.name, this.index(dp, sets));
  }

  private index(dp: SimDatapath, sets: SetEnv): Datapath {
    const byStage = new Map<Stage, CompiledFlow[]>();
    for (const f of dp.flows) {
      const list = byStage.get(f.stage) ?? [];
      list.push(compileFlow(f, sets));
      byStage.set(f.stage, list);
    }
    // Highest priority first; among equals the earlier flow wins (OVN leaves that undefined).
    for (const list of byStage.values()) list.sort((a, b) => b.flow.priority - a.flow.priority);
    const keys = new Map<string, bigint>();
    for (const [i, p] of dp.ports.entries()) keys.set(p.name, BigInt(i + 1));
    for (const [i, g] of Object.keys(dp.multicastGroups ?? {}).entries())
      keys.set(g, MCAST_KEY_BASE + BigInt(i));
    const names = new Map([...keys].map(([n, k]) => [k, n]));
    // "none" is OVN's name for no port (key 0): what get_fdb leaves when the MAC is unknown.
    const env: EvalEnv = {
      ports: new Map([...keys, ['none', 0n]]),
      isChassisResident: (port) =>
        this.resident.has(port) || (this.opts.isChassisResident?.(port) ?? false),
    };
    return { dp, byStage, keys, names, env };
  }

  datapath(name: string): Datapath {
    const d = this.dps.get(name);
    if (!d) throw new Error(`sim: no datapath ${name}`);
    return d;
  }

  private drop(
    at: StageRef | undefined,
    datapath: string,
    reason: string,
    steps: TraceStep[],
  ): void {
    const outcome: Outcome = at
      ? { kind: 'dropped', at, datapath, reason }
      : { kind: 'dropped', datapath, reason };
    this.outcomes.push(outcome);
    steps.push({ kind: 'outcome', outcome });
  }

  /** Runs table `table` of `pipeline` on the packet: the highest-priority matching flow. */
  table(d: Datapath, pipeline: Pipeline, table: number, pkt: SimPacket, steps: TraceStep[]): void {
    const stage = stageAt(d.dp.kind, pipeline, table);
    if (!stage) {
      this.drop(undefined, d.dp.name, `${pipeline} table ${table} does not exist`, steps);
      return;
    }
    const at: StageRef = { datapath: d.dp.name, pipeline, stage, table };
    if (--this.budget < 0) {
      this.drop(at, d.dp.name, 'too many flows: the packet loops', steps);
      return;
    }
    const hit = (d.byStage.get(stage) ?? []).find((f) =>
      evaluate(f.match, pkt, d.env, ovnSymbolTable),
    );
    if (!hit) {
      steps.push({ kind: 'no-match', at });
      this.drop(at, d.dp.name, `no flow matched in ${stage}`, steps);
      return;
    }
    steps.push({ kind: 'flow', at, flow: hit.flow });
    // Two matching flows of one priority: OVN leaves the winner undefined; say so.
    const rival = (d.byStage.get(stage) ?? []).find(
      (f) =>
        f !== hit &&
        f.flow.priority === hit.flow.priority &&
        evaluate(f.match, pkt, d.env, ovnSymbolTable),
    );
    if (rival)
      steps.push({
        kind: 'note',
        text: `ambiguous: "${rival.flow.match}" matches at the same priority too`,
      });
    const state: Flow = { continued: false, replaced: false };
    this.exec(hit.actions, d, at, pkt, steps, state);
    if (!state.continued && !state.replaced) {
      this.drop(at, d.dp.name, hit.actions.length === 0 ? 'drop' : 'no next or output', steps);
    }
  }

  /** Runs an action list on `pkt` in the context of the flow at `at`. */
  private exec(
    actions: readonly Action[],
    d: Datapath,
    at: StageRef,
    pkt: SimPacket,
    steps: TraceStep[],
    state: Flow,
  ): void {
    const note = (text: string) => steps.push({ kind: 'note', text });
    for (const a of actions) {
      switch (a.kind) {
        case 'next':
          state.continued = true;
          this.table(d, a.pipeline, a.table, pkt, steps);
          break;
        case 'simple':
          this.simple(a, d, at, pkt, steps, state);
          break;
        case 'load':
          if (a.value.kind === 'string') this.setPort(d, a.dst, a.value.value, pkt, note);
          else this.write(pkt, a.dst, a.value.value);
          break;
        case 'move':
          this.write(pkt, a.dst, this.read(pkt, a.src));
          break;
        case 'exchange': {
          const va = this.read(pkt, a.a);
          this.write(pkt, a.a, this.read(pkt, a.b));
          this.write(pkt, a.b, va);
          break;
        }
        case 'push':
          this.stack.push(this.read(pkt, a.field));
          break;
        case 'pop':
          this.write(pkt, a.field, this.stack.pop() ?? 0n);
          break;
        case 'nested':
          if (a.name === 'clone') {
            const copy: SimPacket = new Map(pkt);
            const branch: TraceStep[] = [];
            steps.push({ kind: 'branch', label: 'clone', steps: branch });
            const inner: Flow = { continued: false, replaced: false };
            this.exec(a.actions, d, at, copy, branch, inner);
            if (!inner.continued && !inner.replaced)
              this.drop(at, d.dp.name, 'clone ends without output', branch);
          } else if (a.name === 'ct_commit') {
            this.exec(a.actions, d, at, pkt, steps, state);
            this.ct.commit(zoneOf(d), pkt, note);
          } else if (GENERATORS.has(a.name)) {
            this.generated(a.name as GeneratorName, a.actions, d, at, pkt, steps);
            state.replaced = true;
          }
          break;
        case 'ct_next':
          this.ct.next(zoneOf(d, a.zone), pkt, note);
          state.continued = true;
          this.table(d, at.pipeline, at.table + 1, pkt, steps);
          break;
        case 'ct_commit_to_zone':
        case 'ct_commit_nat':
          this.ct.commit(zoneOf(d, a.zone), pkt, note);
          state.continued = true;
          this.table(d, at.pipeline, at.table + 1, pkt, steps);
          break;
        case 'ct_nat':
          this.ct.nat(zoneOf(d, a.name.startsWith('ct_dnat') ? 'dnat' : 'snat'), a, pkt, note);
          state.continued = true;
          this.table(d, at.pipeline, at.table + 1, pkt, steps);
          break;
        case 'ct_lb':
          this.ct.lb(zoneOf(d), a, pkt, note);
          state.continued = true;
          this.table(d, at.pipeline, at.table + 1, pkt, steps);
          break;
        case 'select': {
          const id = this.select(a.members, pkt);
          note(`select: member ${id} of ${a.members.map((m) => m.id).join(', ')}`);
          this.write(pkt, a.dst, BigInt(id));
          // select() forwards to the next table itself (its group buckets resubmit).
          state.continued = true;
          this.table(d, at.pipeline, at.table + 1, pkt, steps);
          break;
        }
        case 'get_arp':
        case 'get_nd': {
          const port = this.portName(d, pkt, a.port);
          const ip = this.ipText(pkt, a.ip, a.kind === 'get_nd');
          const b = this.binding(d.dp.name, port, ip);
          pkt.set('eth.dst', b ? BigInt(`0x${b.mac.replaceAll(':', '')}`) : 0n);
          note(
            b
              ? `${a.kind}: ${ip} on "${port}" is ${b.mac}`
              : `${a.kind}: ${ip} on "${port}" is unknown (eth.dst = 00:00:00:00:00:00)`,
          );
          break;
        }
        case 'put_arp':
        case 'put_nd': {
          const port = this.portName(d, pkt, a.port);
          const ip = this.ipText(pkt, a.ip, a.kind === 'put_nd');
          const mac = macText(this.read(pkt, a.mac));
          const i = this.macBindings.findIndex(
            (b) => b.datapath === d.dp.name && b.port === port && b.ip === ip,
          );
          const b: MacBinding = { datapath: d.dp.name, port, ip, mac };
          if (i >= 0) this.macBindings[i] = b;
          else this.macBindings.push(b);
          note(`${a.kind}: learnt ${ip} is ${mac} on "${port}"`);
          break;
        }
        case 'lookup_arp':
        case 'lookup_nd': {
          const port = this.portName(d, pkt, a.port);
          const ip = this.ipText(pkt, a.ip, a.kind === 'lookup_nd');
          const mac = macText(this.read(pkt, a.mac));
          this.write(pkt, a.dst, this.binding(d.dp.name, port, ip)?.mac === mac ? 1n : 0n);
          break;
        }
        case 'lookup_arp_ip':
        case 'lookup_nd_ip': {
          const port = this.portName(d, pkt, a.port);
          const ip = this.ipText(pkt, a.ip, a.kind === 'lookup_nd_ip');
          this.write(pkt, a.dst, this.binding(d.dp.name, port, ip) ? 1n : 0n);
          break;
        }
        case 'put_fdb': {
          const fdb = this.fdb.get(d.dp.name) ?? new Map<bigint, bigint>();
          fdb.set(this.read(pkt, a.mac), this.read(pkt, a.port));
          this.fdb.set(d.dp.name, fdb);
          break;
        }
        case 'get_fdb':
        case 'get_remote_fdb':
          this.write(pkt, a.dst, this.fdb.get(d.dp.name)?.get(this.read(pkt, a.mac)) ?? 0n);
          break;
        case 'lookup_fdb':
          this.write(
            pkt,
            a.dst,
            this.fdb.get(d.dp.name)?.get(this.read(pkt, a.mac)) === this.read(pkt, a.port)
              ? 1n
              : 0n,
          );
          break;
        case 'fwd_group': {
          const child = a.childPorts[0];
          if (child)
            this.setPort(
              d,
              { kind: 'fieldRef', name: 'outport', ofs: 0, nBits: 0, width: 0 },
              child,
              pkt,
              note,
            );
          state.continued = true;
          this.output(d, at, pkt, steps);
          break;
        }
        case 'result':
        case 'put_dhcp_opts':
        case 'put_dhcpv6_opts':
        case 'put_nd_ra_opts':
        case 'dhcp_relay_req_chk':
        case 'dhcp_relay_resp_chk':
        case 'chk_evpn_arp':
          // Services the simulator does not model answer "no": the flows' fallbacks run.
          note(`${a.kind === 'result' ? a.name : a.kind}: not simulated, result 0`);
          this.write(pkt, a.dst, 0n);
          break;
        case 'check_pkt_larger': {
          // The frame's length (L2 header included) is an input: a packet has no payload here.
          const len = this.opts.packetLength ?? 0;
          note(`check_pkt_larger(${a.length}): the packet is ${len} bytes`);
          this.write(pkt, a.dst, len > a.length ? 1n : 0n);
          break;
        }
        default:
          note(`${a.kind}: no effect in simulation`);
      }
    }
  }

  private simple(
    a: ActionOf<'simple'>,
    d: Datapath,
    at: StageRef,
    pkt: SimPacket,
    steps: TraceStep[],
    state: Flow,
  ): void {
    switch (a.name) {
      case 'output':
        state.continued = true;
        this.output(d, at, pkt, steps);
        return;
      case 'dec_ttl': {
        const ttl = pkt.get('ip.ttl') ?? 0n;
        if (ttl === 0n) {
          state.replaced = true;
          this.drop(at, d.dp.name, 'ip.ttl-- on TTL 0', steps);
          return;
        }
        pkt.set('ip.ttl', ttl - 1n);
        return;
      }
      case 'ct_clear':
        for (const f of ['ct_state', 'ct_mark', 'ct_label']) pkt.delete(f);
        return;
      default:
        steps.push({ kind: 'note', text: `${a.name}: no effect in simulation` });
    }
  }

  /** `output`: from ingress to the egress of the same datapath; from egress out of the port. */
  private output(d: Datapath, at: StageRef, pkt: SimPacket, steps: TraceStep[]): void {
    if (at.pipeline === 'ingress') this.toEgress(d, at, pkt, steps);
    else this.deliver(d, at, pkt, steps);
  }

  private toEgress(d: Datapath, at: StageRef, pkt: SimPacket, steps: TraceStep[]): void {
    const key = pkt.get('reg15') ?? 0n;
    const name = d.names.get(key);
    if (!name) {
      this.drop(
        at,
        d.dp.name,
        key === 0n ? 'output with no outport' : `outport key ${key} is no port`,
        steps,
      );
      return;
    }
    const redirect = d.dp.ports.find((p) => p.name === name)?.redirect;
    if (redirect !== undefined) {
      const key = d.keys.get(redirect);
      if (key === undefined) {
        this.drop(at, d.dp.name, `chassisredirect "${name}" stands for no port`, steps);
        return;
      }
      this.resident.add(name);
      steps.push({
        kind: 'note',
        text: `chassisredirect "${name}": on to the chassis where it resides, outport = "${redirect}"`,
      });
      pkt.set('reg15', key);
      this.unicastEgress(d, at, pkt, redirect, steps);
      return;
    }
    const members = d.dp.multicastGroups?.[name];
    if (members) {
      const inKey = pkt.get('reg14') ?? 0n;
      const loopback = ((pkt.get('reg10') ?? 0n) & LOOPBACK_BIT) !== 0n;
      for (const m of members) {
        // Flooding never sends a copy back out of the inport (unless flags.loopback): no drop,
        // just no copy, as ovn-trace reports it.
        if (d.keys.get(m) === inKey && !loopback) {
          steps.push({
            kind: 'note',
            text: `multicast "${name}": omitting output to "${m}" because inport == outport`,
          });
          continue;
        }
        const copy: SimPacket = new Map(pkt);
        copy.set('reg15', d.keys.get(m)!);
        const branch: TraceStep[] = [];
        steps.push({ kind: 'branch', label: `multicast "${name}" → "${m}"`, steps: branch });
        this.unicastEgress(d, at, copy, m, branch);
      }
      return;
    }
    this.unicastEgress(d, at, pkt, name, steps);
  }

  private unicastEgress(
    d: Datapath,
    at: StageRef,
    pkt: SimPacket,
    outport: string,
    steps: TraceStep[],
  ): void {
    const inKey = pkt.get('reg14') ?? 0n;
    // A packet does not go back out of the port it came in on, unless flags.loopback says so.
    if (inKey === d.keys.get(outport) && ((pkt.get('reg10') ?? 0n) & LOOPBACK_BIT) === 0n) {
      this.drop(at, d.dp.name, `outport "${outport}" is the inport (no flags.loopback)`, steps);
      return;
    }
    const inport = d.names.get(inKey) ?? '';
    steps.push({ kind: 'pipeline', datapath: d.dp.name, pipeline: 'egress', inport, outport });
    this.table(d, 'egress', 0, pkt, steps);
  }

  private deliver(d: Datapath, at: StageRef, pkt: SimPacket, steps: TraceStep[]): void {
    const name = d.names.get(pkt.get('reg15') ?? 0n);
    const port = d.dp.ports.find((p) => p.name === name);
    if (!name || !port) {
      this.drop(at, d.dp.name, 'egress output to no port', steps);
      return;
    }
    if (!port.peer) {
      const outcome: Outcome = {
        kind: 'delivered',
        datapath: d.dp.name,
        port: name,
        inport: d.names.get(pkt.get('reg14') ?? 0n) ?? '',
        packet: new Map(pkt),
      };
      this.outcomes.push(outcome);
      steps.push({ kind: 'outcome', outcome });
      return;
    }
    // Through a patch port: a fresh logical context on the peer datapath.
    const peer = this.datapath(port.peer.datapath);
    const next: SimPacket = new Map();
    for (const [k, v] of pkt)
      if (k !== 'metadata' && !/^reg\d+$/.test(k) && !k.startsWith('ct_')) next.set(k, v);
    const key = peer.keys.get(port.peer.port);
    if (key === undefined) {
      this.drop(
        at,
        d.dp.name,
        `patch peer ${port.peer.datapath}/${port.peer.port} does not exist`,
        steps,
      );
      return;
    }
    next.set('reg14', key);
    steps.push({
      kind: 'pipeline',
      datapath: peer.dp.name,
      pipeline: 'ingress',
      inport: port.peer.port,
    });
    this.table(peer, 'ingress', 0, next, steps);
  }

  private generated(
    name: GeneratorName,
    actions: readonly Action[],
    d: Datapath,
    at: StageRef,
    pkt: SimPacket,
    steps: TraceStep[],
  ): void {
    const branch: TraceStep[] = [];
    steps.push({ kind: 'branch', label: `${name} { … }`, steps: branch });
    const fresh = generate(name, pkt);
    if (!fresh) {
      this.drop(at, d.dp.name, `${name} does not apply to this packet`, branch);
      return;
    }
    const inner: Flow = { continued: false, replaced: false };
    this.exec(actions, d, at, fresh, branch, inner);
    if (!inner.continued && !inner.replaced)
      this.drop(at, d.dp.name, `${name} packet not sent`, branch);
  }

  // Fields.

  private read(pkt: SimPacket, f: ActionField): bigint {
    const base = stringBase(f.name);
    if (base) return pkt.get(base) ?? 0n;
    return readField(pkt, f.name, f.ofs, f.nBits);
  }

  private write(pkt: SimPacket, f: ActionField, v: bigint): void {
    const base = stringBase(f.name);
    if (base) pkt.set(base, v);
    else writeField(pkt, f.name, v, f.ofs, f.nBits);
  }

  private setPort(
    d: Datapath,
    f: ActionField,
    port: string,
    pkt: SimPacket,
    note: (t: string) => void,
  ): void {
    // "" means no port (OVN's egress loopback clears outport so).
    const key = port === '' ? 0n : d.keys.get(port);
    if (key === undefined) note(`${f.name} = "${port}": no such port on ${d.dp.name}`);
    this.write(pkt, f, key ?? 0n);
  }

  private portName(d: Datapath, pkt: SimPacket, f: ActionField): string {
    const k = this.read(pkt, f);
    return d.names.get(k) ?? `#${k}`;
  }

  private ipText(pkt: SimPacket, f: ActionField, v6: boolean): string {
    const scratch: SimPacket = new Map([[v6 ? 'ip6.dst' : 'ip4.dst', this.read(pkt, f)]]);
    return describeIp(scratch, v6 ? 'ip6.dst' : 'ip4.dst');
  }

  private binding(datapath: string, port: string, ip: string): MacBinding | undefined {
    return this.macBindings.find((b) => b.datapath === datapath && b.port === port && b.ip === ip);
  }
}

// One set environment per world, so compiled matches are cached across runs on the same world.
const worldSets = new WeakMap<SimWorld, SetEnv>();
function setsOf(world: SimWorld): SetEnv {
  let sets = worldSets.get(world);
  if (!sets) {
    sets = { addressSets: world.addressSets ?? {}, portGroups: world.portGroups ?? {} };
    worldSets.set(world, sets);
  }
  return sets;
}

/**
 * The conntrack zone an action uses. A router has two (OVN's DNAT and SNAT zones): ct_dnat,
 * ct_lb_mark, ct_commit and ct_next use the DNAT zone unless told otherwise, ct_snat the SNAT
 * zone. A switch has one.
 */
function zoneOf(d: Datapath, zone: 'dnat' | 'snat' = 'dnat'): string {
  return d.dp.kind === 'router' ? `${d.dp.name}/${zone}` : d.dp.name;
}

function macText(v: bigint): string {
  return v.toString(16).padStart(12, '0').match(/../g)!.join(':');
}
