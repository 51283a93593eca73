import type {
  SbView,
  ViewDatapath,
  ViewFlow,
  ViewMacBinding,
  ViewMulticastGroup,
  ViewPort,
} from './sb-view.js';

/** Lookups over an SbView that every part of the compiler needs. Built once per view. */
export interface ViewIndex {
  readonly view: SbView;
  readonly portByName: ReadonlyMap<string, ViewPort>;
  readonly portsOf: (datapath: string) => readonly ViewPort[];
  readonly groupsOf: (datapath: string) => readonly ViewMulticastGroup[];
  readonly flowsOf: (datapath: string) => readonly ViewFlow[];
  readonly macBindingsOf: (datapath: string) => readonly ViewMacBinding[];
  readonly datapath: (uuid: string) => ViewDatapath | undefined;
}

function groupBy<T>(rows: Iterable<T>, keys: (row: T) => readonly string[]): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const r of rows) {
    for (const k of keys(r)) {
      const list = m.get(k);
      if (list) list.push(r);
      else m.set(k, [r]);
    }
  }
  return m;
}

export function indexView(view: SbView): ViewIndex {
  const portByName = new Map<string, ViewPort>();
  for (const p of view.ports.values()) portByName.set(p.name, p);
  const ports = groupBy(view.ports.values(), (p) => [p.datapath]);
  const groups = groupBy(view.multicastGroups.values(), (g) => [g.datapath]);
  const flows = groupBy(view.flows.values(), (f) => f.datapaths);
  const macs = groupBy(view.macBindings.values(), (b) => [b.datapath]);
  const none: never[] = [];
  return {
    view,
    portByName,
    portsOf: (dp) => ports.get(dp) ?? none,
    groupsOf: (dp) => groups.get(dp) ?? none,
    flowsOf: (dp) => flows.get(dp) ?? none,
    macBindingsOf: (dp) => macs.get(dp) ?? none,
    datapath: (uuid) => view.datapaths.get(uuid),
  };
}

/**
 * The datapaths this chassis must implement (OVN's local_datapaths): those of ports attached or
 * bound here, and every datapath reachable from them through patch ports (a packet from a local VM
 * runs the whole logical path on the first hypervisor). Sorted by tunnel key.
 */
export function localDatapaths(
  ix: ViewIndex,
  chassis: string,
  localPorts: ReadonlyMap<string, number>,
): ViewDatapath[] {
  const found = new Set<string>();
  const queue: string[] = [];
  const add = (uuid: string) => {
    if (found.has(uuid) || !ix.view.datapaths.has(uuid)) return;
    found.add(uuid);
    queue.push(uuid);
  };
  for (const p of ix.view.ports.values()) {
    if (attachedHere(p, chassis, localPorts) || p.chassis === chassis) add(p.datapath);
  }
  while (queue.length > 0) {
    const dp = queue.shift()!;
    for (const p of ix.portsOf(dp)) {
      // A gateway router's port leads on only where the router is bound (elsewhere: a tunnel).
      if (p.type !== 'patch' && !(p.type === 'l3gateway' && p.chassis === chassis)) continue;
      const peer = patchPeer(ix, p);
      if (peer) add(peer.datapath);
    }
  }
  return [...found].map((u) => ix.view.datapaths.get(u)!).sort((a, b) => a.key - b.key);
}

/** Whether options:requested-chassis (if any) lets `chassis` bind the port. */
export function requestedHere(p: ViewPort, chassis: string): boolean {
  const r = p.options['requested-chassis'];
  return !r || r.split(',').some((c) => c.trim() === chassis);
}

/** The port's interface is attached here and the port may live here. */
export function attachedHere(
  p: ViewPort,
  chassis: string,
  localPorts: ReadonlyMap<string, number>,
): boolean {
  return localPorts.has(p.name) && requestedHere(p, chassis);
}

/** The peer of a patch port, when both name each other (as OVN requires). */
export function patchPeer(ix: ViewIndex, p: ViewPort): ViewPort | undefined {
  const peerName = p.options.peer;
  if (!peerName) return undefined;
  const peer = ix.portByName.get(peerName);
  if (!peer || peer.options.peer !== p.name) return undefined;
  return peer;
}
