// Physical flows (OVN's controller/physical.c): how packets enter the logical pipelines from
// ports and tunnels, where a logical output port is (here, on another chassis, through a patch
// port), multicast fan-out, loopback checks, delivery, and the MAC binding tables.

import {
  type Action,
  clone,
  ctClear,
  type FieldRef,
  load,
  move,
  output,
  popVlan,
  pushVlan,
  resubmit,
  setField,
} from '@ovn-ts/datapath';
import { parseIpv4, parseIpv6, parseMac } from '@ovn-ts/expr';
import { type DesiredFlow, exact, type MaskedBits, uuidSource } from './desired.js';
import type { LocalContext, ViewDatapath, ViewPort } from './sb-view.js';
import { FLAG, REG, TABLE } from './tables.js';
import { attachedHere, patchPeer, requestedHere, type ViewIndex } from './view-index.js';

const ref = (field: string, ofs: number, nBits: number): FieldRef => ({ field, ofs, nBits });
const reg = (name: string, bits = 32) => ref(name, 0, bits);
const dpMatch = (dp: ViewDatapath) => ({ metadata: exact(dp.key, 64) });
const onFlag = (bit: number, value: number): MaskedBits => ({
  value: BigInt(value) << BigInt(bit),
  mask: 1n << BigInt(bit),
});

/** Where a port is, as far as this chassis is concerned. */
export type PortPlace =
  | { readonly kind: 'local'; readonly ofport: number }
  | { readonly kind: 'remote'; readonly tunnel: number }
  | { readonly kind: 'patch'; readonly peer: ViewPort }
  | { readonly kind: 'redirect-local'; readonly distributed: ViewPort }
  /** A virtual port bound here: delivered to its parent's interface (it has no way in of its own). */
  | { readonly kind: 'virtual-local'; readonly ofport: number }
  /** A localnet port whose physical network is mapped here. */
  | { readonly kind: 'localnet'; readonly ofport: number; readonly tag: number | null }
  /** A port on another chassis of a switch with a localnet port here: reached through it. */
  | { readonly kind: 'bridged'; readonly localnet: ViewPort }
  | { readonly kind: 'none' };

/** The localnet port of a switch whose network is mapped on this chassis, if any. */
export function localnetOf(
  ix: ViewIndex,
  cx: LocalContext,
  datapath: string,
): ViewPort | undefined {
  if (!cx.bridgeMappings?.size) return undefined;
  return ix
    .portsOf(datapath)
    .find((p) => p.type === 'localnet' && cx.bridgeMappings!.has(p.options.network_name ?? ''));
}

export function placeOf(ix: ViewIndex, cx: LocalContext, p: ViewPort): PortPlace {
  const ofport = requestedHere(p, cx.chassis) ? cx.localPorts.get(p.name) : undefined;
  if (ofport !== undefined && (p.type === '' || p.type === 'localport' || p.type === 'virtual'))
    return { kind: 'local', ofport };
  if (p.type === 'patch' || (p.type === 'l3gateway' && p.chassis === cx.chassis)) {
    const peer = patchPeer(ix, p);
    return peer ? { kind: 'patch', peer } : { kind: 'none' };
  }
  if (p.type === 'virtual' && p.chassis === cx.chassis && p.virtualParent) {
    const parentPort = ix.portByName.get(p.virtualParent);
    const of =
      parentPort && attachedHere(parentPort, cx.chassis, cx.localPorts)
        ? cx.localPorts.get(p.virtualParent)
        : undefined;
    if (of !== undefined) return { kind: 'virtual-local', ofport: of };
  }
  if (p.type === 'localnet') {
    const of = cx.bridgeMappings?.get(p.options.network_name ?? '');
    return of === undefined
      ? { kind: 'none' }
      : { kind: 'localnet', ofport: of, tag: p.tag ?? null };
  }
  if (p.type === 'chassisredirect' && p.chassis === cx.chassis) {
    const d = ix.portByName.get(p.options['distributed-port'] ?? '');
    return d && d.datapath === p.datapath
      ? { kind: 'redirect-local', distributed: d }
      : { kind: 'none' };
  }
  if (p.chassis && p.chassis !== cx.chassis) {
    // On a switch with a physical network, other chassis are reached through it, not tunnels.
    const ln = p.type === '' ? localnetOf(ix, cx, p.datapath) : undefined;
    if (ln) return { kind: 'bridged', localnet: ln };
    const tunnel = cx.tunnels.get(p.chassis);
    if (tunnel !== undefined) return { kind: 'remote', tunnel };
  }
  return { kind: 'none' };
}

/** Whether is_chassis_resident(port) holds here: the port is attached or bound on this chassis. */
export function isResident(ix: ViewIndex, cx: LocalContext, name: string): boolean {
  const p = ix.portByName.get(name);
  if (!p) return cx.localPorts.has(name);
  return attachedHere(p, cx.chassis, cx.localPorts) || p.chassis === cx.chassis;
}

/** Loads of the conntrack zones a port's packets use: its own zone, and its router's zones. */
function zoneLoads(cx: LocalContext, p: ViewPort, dp: ViewDatapath): Action[] {
  const out: Action[] = [load(reg(REG.ctZone, 16), cx.zones.get(p.name) ?? 0)];
  if (dp.kind === 'router') {
    out.push(load(reg(REG.dnatZone, 16), cx.zones.get(`${dp.uuid}_dnat`) ?? 0));
    out.push(load(reg(REG.snatZone, 16), cx.zones.get(`${dp.uuid}_snat`) ?? 0));
  }
  return out;
}

/** Sends the packet to a remote chassis: VNI = datapath, Geneve option = inport << 16 | outport. */
export function tunnelActions(dp: ViewDatapath, outKey: number, tunnel: number): Action[] {
  return [
    setField('tun_id', BigInt(dp.key)),
    move(ref(REG.inport, 0, 15), ref('tun_metadata0', 16, 15)),
    load(ref('tun_metadata0', 0, 16), outKey),
    output(tunnel),
  ];
}

/** Entering the peer datapath from a patch port: a fresh logical context, as OVN builds it. */
function patchActions(ix: ViewIndex, cx: LocalContext, peer: ViewPort): Action[] {
  const peerDp = ix.datapath(peer.datapath)!;
  const out: Action[] = [ctClear()];
  for (let i = 0; i < 10; i++) out.push(load(reg(`reg${i}`), 0));
  out.push(
    load(reg(REG.flags), 0),
    load(reg(REG.outport), 0),
    load(reg(REG.dnatZone), 0),
    load(reg(REG.snatZone), 0),
  );
  out.push(...zoneLoads(cx, peer, peerDp));
  out.push(
    setField('metadata', BigInt(peerDp.key)),
    load(reg(REG.inport), peer.key),
    resubmit(TABLE.LOG_INGRESS),
  );
  return out;
}

/** Flows that do not depend on the SB contents. */
export function fixedFlows(): DesiredFlow[] {
  return [
    {
      table: TABLE.REMOTE_OUTPUT,
      priority: 0,
      match: {},
      actions: [resubmit(TABLE.LOCAL_OUTPUT)],
      source: 0,
    },
    {
      table: TABLE.CHECK_LOOPBACK,
      priority: 0,
      match: {},
      actions: [resubmit(TABLE.LOG_EGRESS)],
      source: 0,
    },
    {
      table: TABLE.SAVE_INPORT,
      priority: 0,
      match: {},
      actions: [resubmit(TABLE.LOG_TO_PHY)],
      source: 0,
    },
    // flags.loopback: forget the in_port so that output to the port the packet came in on is allowed.
    {
      table: TABLE.SAVE_INPORT,
      priority: 100,
      match: { [REG.flags]: onFlag(FLAG.loopback, 1) },
      actions: [load(reg('in_port'), 0), resubmit(TABLE.LOG_TO_PHY)],
      source: 0,
    },
  ];
}

/** Table 0 for the tunnels: the logical context travels in the VNI and the Geneve option. */
export function tunnelIngressFlows(cx: LocalContext): DesiredFlow[] {
  return [...new Set(cx.tunnels.values())]
    .sort((a, b) => a - b)
    .map((ofport) => ({
      table: TABLE.PHY_TO_LOG,
      priority: 100,
      match: { in_port: exact(ofport, 32) },
      actions: [
        move(ref('tun_id', 0, 24), ref('metadata', 0, 24)),
        move(ref('tun_metadata0', 16, 15), ref(REG.inport, 0, 15)),
        move(ref('tun_metadata0', 0, 16), ref(REG.outport, 0, 16)),
        resubmit(TABLE.LOCAL_OUTPUT),
      ],
      source: 0,
    }));
}

/** The physical flows of one port binding of a local datapath. */
export function portFlows(
  ix: ViewIndex,
  cx: LocalContext,
  dp: ViewDatapath,
  p: ViewPort,
): DesiredFlow[] {
  const place = placeOf(ix, cx, p);
  const source = uuidSource(p.uuid);
  const out = (
    table: number,
    match: Record<string, MaskedBits>,
    actions: Action[],
    priority = 100,
  ): DesiredFlow => ({
    table,
    priority,
    match,
    actions,
    source,
  });
  const toPort = { ...dpMatch(dp), [REG.outport]: exact(p.key, 32) };
  const loopback = out(
    TABLE.CHECK_LOOPBACK,
    { ...toPort, [REG.inport]: exact(p.key, 32), [REG.flags]: onFlag(FLAG.loopback, 0) },
    [],
  );
  switch (place.kind) {
    case 'local':
      return [
        out(TABLE.PHY_TO_LOG, { in_port: exact(place.ofport, 32) }, [
          ...zoneLoads(cx, p, dp),
          setField('metadata', BigInt(dp.key)),
          load(reg(REG.inport), p.key),
          resubmit(TABLE.LOG_INGRESS),
        ]),
        out(TABLE.LOCAL_OUTPUT, toPort, [...zoneLoads(cx, p, dp), resubmit(TABLE.CHECK_LOOPBACK)]),
        loopback,
        out(TABLE.LOG_TO_PHY, toPort, [output(place.ofport)]),
      ];
    case 'patch':
      // In clone(), as OVN does: the caller (a flood) goes on with the packet it had.
      return [
        out(TABLE.LOCAL_OUTPUT, toPort, [...zoneLoads(cx, p, dp), resubmit(TABLE.CHECK_LOOPBACK)]),
        loopback,
        out(TABLE.LOG_TO_PHY, toPort, [clone(patchActions(ix, cx, place.peer))]),
      ];
    case 'remote':
      return [out(TABLE.REMOTE_OUTPUT, toPort, tunnelActions(dp, p.key, place.tunnel))];
    case 'virtual-local':
      return [
        out(TABLE.LOCAL_OUTPUT, toPort, [...zoneLoads(cx, p, dp), resubmit(TABLE.CHECK_LOOPBACK)]),
        loopback,
        out(TABLE.LOG_TO_PHY, toPort, [output(place.ofport)]),
      ];
    case 'bridged':
      return [
        out(TABLE.REMOTE_OUTPUT, toPort, [
          load(reg(REG.outport), place.localnet.key),
          resubmit(TABLE.LOCAL_OUTPUT),
        ]),
      ];
    case 'localnet': {
      const vid = place.tag === null ? undefined : 0x1000 | place.tag;
      const inMatch: Record<string, MaskedBits> = {
        in_port: exact(place.ofport, 32),
        vlan_tci:
          vid === undefined ? { value: 0n, mask: 0x1000n } : { value: BigInt(vid), mask: 0x1fffn },
      };
      return [
        out(TABLE.PHY_TO_LOG, inMatch, [
          ...(vid === undefined ? [] : [popVlan()]),
          ...zoneLoads(cx, p, dp),
          setField('metadata', BigInt(dp.key)),
          load(reg(REG.inport), p.key),
          resubmit(TABLE.LOG_INGRESS),
        ]),
        out(TABLE.LOCAL_OUTPUT, toPort, [...zoneLoads(cx, p, dp), resubmit(TABLE.CHECK_LOOPBACK)]),
        loopback,
        out(TABLE.LOG_TO_PHY, toPort, [
          ...(vid === undefined ? [] : [pushVlan(), setField('vlan_vid', vid)]),
          output(place.ofport),
        ]),
      ];
    }
    case 'redirect-local':
      return [
        out(TABLE.LOCAL_OUTPUT, toPort, [
          load(reg(REG.outport), place.distributed.key),
          ...zoneLoads(cx, place.distributed, dp),
          load(reg('in_port'), 0),
          resubmit(TABLE.CHECK_LOOPBACK),
        ]),
      ];
    case 'none':
      return [];
  }
}

/**
 * A multicast group (OVN's consider_mc_group). Local output (table 56, also reached from tunnels):
 * each local VIF member. Remote output (table 54, only on the chassis where the packet entered):
 * one copy per remote chassis that binds a member, then the patch members (so the next datapath
 * runs once, here), then the local members. Copies into another datapath run in clone() but the
 * last, which keeps the number of clones, and so of conntrack recirculations inside clones, low.
 */
export function groupFlows(
  ix: ViewIndex,
  cx: LocalContext,
  dp: ViewDatapath,
  g: { uuid: string; key: number; ports: readonly string[] },
): DesiredFlow[] {
  const local: Action[] = [];
  const patches: ViewPort[] = [];
  const chassis = new Set<number>();
  for (const name of [...g.ports].sort()) {
    const p = ix.portByName.get(name);
    if (!p || p.datapath !== dp.uuid) continue;
    const place = placeOf(ix, cx, p);
    if (place.kind === 'local' || place.kind === 'localnet' || place.kind === 'virtual-local') {
      local.push(
        load(reg(REG.outport), p.key),
        ...zoneLoads(cx, p, dp),
        resubmit(TABLE.CHECK_LOOPBACK),
      );
    } else if (place.kind === 'redirect-local') {
      local.push(load(reg(REG.outport), place.distributed.key), resubmit(TABLE.CHECK_LOOPBACK));
    } else if (place.kind === 'patch' && p.type === 'l3gateway') {
      // A gateway router's port bound here: also for copies that arrived through a tunnel.
      local.push(
        load(reg(REG.outport), p.key),
        ...zoneLoads(cx, p, dp),
        resubmit(TABLE.CHECK_LOOPBACK),
      );
    } else if (place.kind === 'patch') {
      patches.push(p);
    } else if (place.kind === 'remote') {
      chassis.add(place.tunnel);
    }
    // ('bridged' members are reached through the localnet member's copy.)
  }
  const source = uuidSource(g.uuid);
  const match = { ...dpMatch(dp), [REG.outport]: exact(g.key, 32) };
  const restore = load(reg(REG.outport), g.key);
  const flows: DesiredFlow[] = [];
  if (local.length > 0)
    flows.push({
      table: TABLE.LOCAL_OUTPUT,
      priority: 100,
      match,
      actions: [...local, restore],
      source,
    });
  const remote: Action[] = [];
  for (const t of [...chassis].sort((a, b) => a - b)) remote.push(...tunnelActions(dp, g.key, t));
  if (local.length > 0) remote.push(resubmit(TABLE.LOCAL_OUTPUT));
  patches.forEach((p, i) => {
    const copy = [
      load(reg(REG.outport), p.key),
      ...zoneLoads(cx, p, dp),
      resubmit(TABLE.CHECK_LOOPBACK),
    ];
    if (i < patches.length - 1) remote.push(clone(copy), restore);
    else remote.push(...copy);
  });
  if (remote.length > 0)
    flows.push({ table: TABLE.REMOTE_OUTPUT, priority: 100, match, actions: remote, source });
  return flows;
}

/** A learnt MAC: get_fdb (table 95) and lookup_fdb (table 96) of its switch. */
export function fdbFlows(
  dp: ViewDatapath,
  e: { uuid: string; mac: string; portKey: number },
): DesiredFlow[] {
  const mac = parseMac(e.mac);
  if (mac === undefined) return [];
  const source = uuidSource(e.uuid);
  const md = dpMatch(dp);
  return [
    {
      table: TABLE.GET_FDB,
      priority: 100,
      match: { ...md, eth_dst: exact(mac, 48) },
      actions: [load(reg(REG.outport), e.portKey)],
      source,
    },
    {
      table: TABLE.LOOKUP_FDB,
      priority: 100,
      match: { ...md, [REG.inport]: exact(e.portKey, 32), eth_src: exact(mac, 48) },
      actions: [load(ref(REG.flags, FLAG.lookupFdb, 1), 1)],
      source,
    },
  ];
}

/** MAC bindings: get_arp (table 90), lookup_arp (table 91), lookup_arp_ip (table 114). */
export function macBindingFlows(
  dp: ViewDatapath,
  b: { uuid: string; logicalPort: string; ip: string; mac: string },
  portKey: number,
): DesiredFlow[] {
  let ipMatch: Record<string, MaskedBits>;
  const v6 = b.ip.includes(':');
  if (!v6) {
    const v = parseIpv4(b.ip);
    if (v === undefined) return [];
    ipMatch = { reg0: exact(v, 32) };
  } else {
    const v = parseIpv6(b.ip);
    if (v === undefined) return [];
    ipMatch = {};
    for (let i = 0; i < 4; i++)
      ipMatch[`reg${i}`] = exact((v >> BigInt(96 - 32 * i)) & 0xffffffffn, 32);
  }
  const mac = parseMac(b.mac);
  if (mac === undefined) return [];
  const source = uuidSource(b.uuid);
  const md = dpMatch(dp);
  const flag = load(ref(REG.flags, FLAG.lookupMac, 1), 1);
  return [
    {
      table: TABLE.MAC_BINDING,
      priority: 100,
      match: { ...md, [REG.outport]: exact(portKey, 32), ...ipMatch },
      actions: [setField('eth_dst', mac)],
      source,
    },
    {
      table: TABLE.MAC_LOOKUP,
      priority: 100,
      match: { ...md, [REG.inport]: exact(portKey, 32), ...ipMatch, eth_src: exact(mac, 48) },
      actions: [flag],
      source,
    },
    {
      table: TABLE.MAC_LOOKUP_IP,
      priority: 100,
      match: { ...md, [REG.inport]: exact(portKey, 32), ...ipMatch },
      actions: [flag],
      source,
    },
  ];
}
