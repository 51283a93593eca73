// Logical actions (the @ovn-ts/expr action tree) → datapath actions, in OVN's manner
// (lib/actions.c encode_*): `next` resubmits to the next logical table's physical table, `output`
// to the output tables, conntrack actions become ct() with the zone register of the datapath kind,
// actions that need the controller (arp {}, icmp4 {}, put_arp …) become controller() punts whose
// userdata names the action and carries its nested actions.

import {
  type Action,
  clone,
  controller,
  ct,
  ctClear,
  decTtl,
  type FieldRef,
  formatIp4,
  formatIp6,
  type GroupSpec,
  group,
  load,
  move,
  pop,
  push,
  resubmit,
  setField,
  swap,
} from '@ovn-ts/datapath';
import {
  type ActionField,
  type CtZone,
  DHCPV4_OPTIONS,
  type IpAddress,
  type Action as LAction,
  optionIndex,
  type SymbolTable,
} from '@ovn-ts/expr';
import { CompileProblem, type DpSegment, pairSegments, segmentsOf } from './fields.js';
import { encodePunt } from './punt.js';
import type { DatapathKind } from './sb-view.js';
import { FLAG, type Pipeline, physicalTable, REG, TABLE } from './tables.js';

export interface ActionContext {
  readonly kind: DatapathKind;
  readonly pipeline: Pipeline;
  /** Logical table of the flow. */
  readonly table: number;
  /** Port and multicast group names of the datapath → tunnel keys. */
  readonly ports: ReadonlyMap<string, bigint>;
  readonly symtab: SymbolTable;
  /** Receives the groups select() and ct_lb_mark need. */
  readonly groups: Map<number, GroupSpec>;
}

const DHCP_V4 = optionIndex(DHCPV4_OPTIONS);

const ref = (field: string, ofs: number, nBits: number): FieldRef => ({ field, ofs, nBits });
const mask = (bits: number) => (1n << BigInt(bits)) - 1n;

/** Generator actions: the daemon builds a new packet and runs the nested actions on it. */
const GENERATORS = new Set([
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

/** Result functions this datapath has no table for: they answer 0, so the flows' fallbacks run. */
const ZERO_RESULTS = new Set([
  'result',
  'put_dhcpv6_opts',
  'put_nd_ra_opts',
  'dhcp_relay_req_chk',
  'dhcp_relay_resp_chk',
  'check_pkt_larger',
  'chk_evpn_arp',
]);

/** Actions with no effect on forwarding here (logging, sampling, metering, queues, services). */
const NO_OPS = new Set([
  'log',
  'sample',
  'set_meter',
  'set_queue',
  'trigger_event',
  'handle_svc_check',
  'mirror',
  'commit_ecmp_nh',
  'commit_lb_aff',
]);

export function compileActions(actions: readonly LAction[], cx: ActionContext): Action[] {
  const out: Action[] = [];
  for (const a of actions) compileAction(a, cx, out);
  return out;
}

function segs(f: ActionField, cx: ActionContext): DpSegment[] {
  return segmentsOf(f.name, f.ofs, f.nBits, cx.symtab);
}

/** Loads a constant into a logical field, segment by segment (a masked constant sets only its bits). */
function loadConstant(
  dst: ActionField,
  value: bigint,
  cmask: bigint | undefined,
  cx: ActionContext,
  out: Action[],
): void {
  for (const s of segs(dst, cx)) {
    const part = (value >> BigInt(s.at)) & mask(s.ref.nBits);
    if (cmask === undefined) {
      out.push(load(s.ref, part));
    } else {
      const m = (cmask >> BigInt(s.at)) & mask(s.ref.nBits);
      if (m === 0n) continue;
      out.push(setField(s.ref.field, part << BigInt(s.ref.ofs), m << BigInt(s.ref.ofs)));
    }
  }
}

function moveField(src: ActionField, dst: ActionField, cx: ActionContext, out: Action[]): void {
  for (const [s, d] of pairSegments(segs(src, cx), segs(dst, cx))) {
    if (s.field === d.field && s.ofs === d.ofs) continue;
    out.push(move(s, d));
  }
}

function zoneRef(kind: DatapathKind, zone: CtZone | 'commit'): FieldRef {
  if (kind === 'switch') return ref(REG.ctZone, 0, 16);
  if (zone === 'snat' || zone === 'commit') return ref(REG.snatZone, 0, 16);
  return ref(REG.dnatZone, 0, 16);
}

const ipText = (ip: IpAddress) =>
  ip.family === 'ipv4' ? formatIp4(Number(ip.value)) : formatIp6(ip.value);

function nextTable(cx: ActionContext): number {
  return physicalTable(cx.pipeline, cx.table + 1);
}

/** A stable group id for a group's content (FNV-1a over its text), so equal groups are shared. */
function groupId(spec: Omit<GroupSpec, 'id'>): number {
  const text = JSON.stringify(spec, (_k, v) => (typeof v === 'bigint' ? v.toString() : v));
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return (h & 0x0fffffff) + 1;
}

function addGroup(spec: Omit<GroupSpec, 'id'>, cx: ActionContext): number {
  const id = groupId(spec);
  cx.groups.set(id, { id, ...spec });
  return id;
}

function compileAction(a: LAction, cx: ActionContext, out: Action[]): void {
  switch (a.kind) {
    case 'next':
      out.push(resubmit(physicalTable(a.pipeline, a.table)));
      return;
    case 'simple':
      switch (a.name) {
        case 'output':
          out.push(resubmit(cx.pipeline === 'ingress' ? TABLE.REMOTE_OUTPUT : TABLE.SAVE_INPORT));
          return;
        case 'dec_ttl':
          out.push(decTtl('drop'));
          return;
        case 'ct_clear':
          out.push(ctClear());
          return;
        case 'ct_snat_to_vip':
          // Load balancer hairpin only, which chk_lb_hairpin (answered 0 here) never reports.
          return;
        default:
          throw new CompileProblem(`${a.name} is not supported`);
      }
    case 'load':
      if (a.value.kind === 'string') {
        const key = cx.ports.get(a.value.value) ?? 0n;
        loadConstant(a.dst, key, undefined, cx, out);
      } else {
        loadConstant(a.dst, a.value.value, a.value.mask, cx, out);
      }
      return;
    case 'move':
      moveField(a.src, a.dst, cx, out);
      return;
    case 'exchange':
      for (const [x, y] of pairSegments(segs(a.a, cx), segs(a.b, cx))) out.push(swap(x, y));
      return;
    case 'push':
      for (const s of segs(a.field, cx)) out.push(push(s.ref));
      return;
    case 'pop':
      for (const s of segs(a.field, cx).reverse()) out.push(pop(s.ref));
      return;
    case 'ct_next':
      out.push(ct({ zone: zoneRef(cx.kind, a.zone), table: nextTable(cx) }));
      return;
    case 'ct_commit_to_zone':
      out.push(ct({ commit: true, zone: zoneRef(cx.kind, a.zone), table: nextTable(cx) }));
      return;
    case 'ct_commit_nat':
      out.push(ct({ commit: true, zone: zoneRef(cx.kind, a.zone), table: nextTable(cx), nat: {} }));
      return;
    case 'ct_nat': {
      const dnat = a.name.startsWith('ct_dnat');
      const zone = a.name.endsWith('_in_czone')
        ? zoneRef(cx.kind, 'dnat')
        : zoneRef(cx.kind, dnat ? 'dnat' : 'snat');
      if (!a.ip) {
        out.push(ct({ zone, table: nextTable(cx), nat: {} }));
        return;
      }
      const ip = ipText(a.ip);
      const range = a.portRange
        ? { portMin: a.portRange.lo, portMax: a.portRange.hi ?? a.portRange.lo }
        : {};
      out.push(
        ct({
          commit: true,
          zone,
          table: nextTable(cx),
          nat: { kind: dnat ? 'dst' : 'src', ipMin: ip, ipMax: ip, ...range },
        }),
      );
      return;
    }
    case 'ct_lb': {
      const zone = zoneRef(cx.kind, 'dnat');
      if (a.backends.length === 0) {
        out.push(ct({ zone, table: nextTable(cx), nat: {} }));
        return;
      }
      // ct_mark.natted (bit 1), plus skip_snat (bit 2) / force_snat (bit 3) when asked.
      let markBits = 0b10n;
      if (a.flag === 'skip_snat') markBits |= 0b100n;
      if (a.flag === 'force_snat') markBits |= 0b1000n;
      const buckets = a.backends.map((b) => {
        const ip = ipText(b.ip);
        const ports = b.l4Port ? { portMin: b.l4Port, portMax: b.l4Port } : {};
        return {
          weight: 100,
          actions: [
            ct({
              commit: true,
              zone,
              table: nextTable(cx),
              nat: { kind: 'dst' as const, ipMin: ip, ipMax: ip, ...ports },
              exec: [setField('ct_mark', markBits, markBits)],
            }),
          ],
        };
      });
      out.push(group(addGroup({ type: 'select', buckets }, cx)));
      return;
    }
    case 'select': {
      const buckets = a.members.map((m) => {
        const acts: Action[] = [];
        loadConstant(a.dst, BigInt(m.id), undefined, cx, acts);
        acts.push(resubmit(nextTable(cx)));
        return { weight: m.weight, actions: acts };
      });
      out.push(group(addGroup({ type: 'select', buckets }, cx)));
      return;
    }
    case 'nested':
      compileNested(a.name, a.actions, cx, out);
      return;
    case 'get_arp':
    case 'get_nd':
      compileGetMac(a.port, a.ip, a.kind === 'get_nd', cx, out);
      return;
    case 'put_arp':
    case 'put_nd': {
      const fields: Record<string, FieldRef[]> = {
        port: segs(a.port, cx).map((s) => s.ref),
        ip: segs(a.ip, cx).map((s) => s.ref),
        mac: segs(a.mac, cx).map((s) => s.ref),
      };
      out.push(controller({ userdata: encodePunt({ op: a.kind, fields }) }));
      return;
    }
    case 'lookup_arp':
    case 'lookup_nd':
      compileLookupMac(a.dst, a.port, a.ip, a.mac, a.kind === 'lookup_nd', cx, out);
      return;
    case 'lookup_arp_ip':
    case 'lookup_nd_ip':
      compileLookupMac(a.dst, a.port, a.ip, undefined, a.kind === 'lookup_nd_ip', cx, out);
      return;
    case 'bind_vport': {
      const fields: Record<string, FieldRef[]> = { parent: segs(a.parent, cx).map((s) => s.ref) };
      out.push(controller({ userdata: encodePunt({ op: 'bind_vport', vport: a.vport, fields }) }));
      return;
    }
    case 'put_dhcp_opts': {
      // Paused: the controller turns the request into the reply, sets the result bit and resumes.
      const dhcp = a.options.map((o) => {
        const def = DHCP_V4.get(o.name);
        if (!def) throw new CompileProblem(`put_dhcp_opts: unknown option ${o.name}`);
        const values = o.value.values.map((c) =>
          c.kind === 'string'
            ? c.value
            : c.mask === undefined
              ? { v: c.value }
              : { v: c.value, m: c.mask },
        );
        return { code: def.code, type: def.type, values };
      });
      const result = segs(a.dst, cx).map((s) => s.ref);
      out.push(
        controller({ pause: true, userdata: encodePunt({ op: 'put_dhcp_opts', result, dhcp }) }),
      );
      return;
    }
    case 'get_fdb':
      compileGetFdb(a.dst, a.mac, cx, out);
      return;
    case 'get_remote_fdb':
      // Remote (EVPN) MACs are not learnt here: "none".
      loadConstant(a.dst, 0n, undefined, cx, out);
      return;
    case 'lookup_fdb': {
      const flag = ref(REG.flags, FLAG.lookupFdb, 1);
      let body: Action[] = [load(flag, 0), resubmit(TABLE.LOOKUP_FDB)];
      body = withArgument(a.mac, ETH_SRC, cx, body);
      body = withArgument(a.port, INPORT, cx, body);
      out.push(...body);
      const [d] = segs(a.dst, cx);
      if (!d) throw new CompileProblem('lookup_fdb result has no bits');
      out.push(move(flag, d.ref));
      return;
    }
    case 'put_fdb': {
      const fields: Record<string, FieldRef[]> = {
        port: segs(a.port, cx).map((s) => s.ref),
        mac: segs(a.mac, cx).map((s) => s.ref),
      };
      out.push(controller({ userdata: encodePunt({ op: 'put_fdb', fields }) }));
      return;
    }
    default:
      if (ZERO_RESULTS.has(a.kind) && 'dst' in a) {
        loadConstant(a.dst, 0n, undefined, cx, out);
        return;
      }
      if (NO_OPS.has(a.kind)) return;
      throw new CompileProblem(`${a.kind} is not supported`);
  }
}

function compileNested(
  name: string,
  inner: readonly LAction[],
  cx: ActionContext,
  out: Action[],
): void {
  if (name === 'clone') {
    out.push(clone(compileActions(inner, cx)));
    return;
  }
  if (name === 'ct_commit') {
    const exec: Action[] = [];
    for (const x of inner) {
      // The datapath's ct exec() takes constants only: a register copied into the label (an ACL's
      // label) is left out rather than losing the whole flow.
      if (x.kind === 'move') continue;
      if (x.kind !== 'load' || x.value.kind !== 'integer')
        throw new CompileProblem('ct_commit { } may only set ct_mark and ct_label');
      for (const s of segs(x.dst, cx)) {
        const part = (x.value.value >> BigInt(s.at)) & mask(s.ref.nBits);
        const m =
          x.value.mask === undefined
            ? mask(s.ref.nBits)
            : (x.value.mask >> BigInt(s.at)) & mask(s.ref.nBits);
        exec.push(setField(s.ref.field, part << BigInt(s.ref.ofs), m << BigInt(s.ref.ofs)));
      }
    }
    out.push(
      ct({ commit: true, zone: zoneRef(cx.kind, 'commit'), ...(exec.length > 0 && { exec }) }),
    );
    return;
  }
  if (GENERATORS.has(name)) {
    out.push(
      controller({ userdata: encodePunt({ op: name, actions: compileActions(inner, cx) }) }),
    );
    return;
  }
  throw new CompileProblem(`${name} { } is not supported`);
}

/** Runs `body` with `dst` holding `src`, saving and restoring `dst` around it (OVN's encode_get_arp). */
function withArgument(
  src: ActionField,
  dst: ActionField,
  cx: ActionContext,
  body: Action[],
): Action[] {
  const same = pairSegments(segs(src, cx), segs(dst, cx)).every(
    ([s, d]) => s.field === d.field && s.ofs === d.ofs,
  );
  if (same) return body;
  const saved = segs(dst, cx);
  const pre: Action[] = saved.map((s) => push(s.ref));
  moveField(src, dst, cx, pre);
  const post = [...saved].reverse().map((s) => pop(s.ref));
  return [...pre, ...body, ...post];
}

const OUTPORT: ActionField = { kind: 'fieldRef', name: 'outport', ofs: 0, nBits: 0, width: 0 };
const INPORT: ActionField = { kind: 'fieldRef', name: 'inport', ofs: 0, nBits: 0, width: 0 };
const REG0: ActionField = { kind: 'fieldRef', name: 'reg0', ofs: 0, nBits: 32, width: 32 };
const XXREG0: ActionField = { kind: 'fieldRef', name: 'xxreg0', ofs: 0, nBits: 128, width: 128 };
const ETH_SRC: ActionField = { kind: 'fieldRef', name: 'eth.src', ofs: 0, nBits: 48, width: 48 };
const ETH_DST: ActionField = { kind: 'fieldRef', name: 'eth.dst', ofs: 0, nBits: 48, width: 48 };

/** P = get_fdb(M): eth.dst = M, outport = 0, the FDB table sets outport, P takes it. */
function compileGetFdb(dst: ActionField, mac: ActionField, cx: ActionContext, out: Action[]): void {
  const outport = ref(REG.outport, 0, 32);
  let body: Action[] = [load(outport, 0), resubmit(TABLE.GET_FDB)];
  body = withArgument(mac, ETH_DST, cx, body);
  const [d] = segs(dst, cx);
  if (!d) throw new CompileProblem('get_fdb result has no bits');
  if (d.ref.field === REG.outport && d.ref.ofs === 0) {
    out.push(...body);
    return;
  }
  out.push(push(outport), ...body);
  for (const [s, t] of pairSegments(segs(OUTPORT, cx), segs(dst, cx))) out.push(move(s, t));
  out.push(pop(outport));
}

/** get_arp(P, A): outport = P, reg0 = A, eth.dst = 0, then the MAC binding table sets eth.dst. */
function compileGetMac(
  port: ActionField,
  ip: ActionField,
  v6: boolean,
  cx: ActionContext,
  out: Action[],
): void {
  let body: Action[] = [setField('eth_dst', 0n), resubmit(TABLE.MAC_BINDING)];
  body = withArgument(ip, v6 ? XXREG0 : REG0, cx, body);
  body = withArgument(port, OUTPORT, cx, body);
  out.push(...body);
}

/**
 * R = lookup_arp(P, A, M): inport = P, reg0 = A, eth.src = M; the lookup table sets the flag bit
 * when a binding matches; R takes the bit. lookup_arp_ip(P, A) leaves the MAC out.
 */
function compileLookupMac(
  dst: ActionField,
  port: ActionField,
  ip: ActionField,
  mac: ActionField | undefined,
  v6: boolean,
  cx: ActionContext,
  out: Action[],
): void {
  const flag = ref(REG.flags, FLAG.lookupMac, 1);
  let body: Action[] = [load(flag, 0), resubmit(mac ? TABLE.MAC_LOOKUP : TABLE.MAC_LOOKUP_IP)];
  if (mac) body = withArgument(mac, ETH_SRC, cx, body);
  body = withArgument(ip, v6 ? XXREG0 : REG0, cx, body);
  body = withArgument(port, INPORT, cx, body);
  out.push(...body);
  const [d] = segs(dst, cx);
  if (!d) throw new CompileProblem('lookup result has no bits');
  out.push(move(flag, d.ref));
}
