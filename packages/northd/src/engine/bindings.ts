import type { RouterInput, SwitchInput } from '../inputs/inputs.js';
import type { DesiredMulticastGroup, DesiredPort } from './desired.js';
import { MC_FLOOD, MC_UNKNOWN } from './keys.js';

/** Port bindings and multicast groups of a switch; `portKey` allocates a port's tunnel key. */
export function switchBindings(
  sw: SwitchInput,
  portKey: (name: string) => number | undefined,
): { ports: DesiredPort[]; multicastGroups: DesiredMulticastGroup[] } {
  const ports: DesiredPort[] = [];
  const flood: string[] = [];
  const unknown: string[] = [];
  for (const p of sw.ports) {
    const r = p.row;
    const type = r.type === 'router' ? 'patch' : r.type;
    const options: Record<string, string> = { ...r.options };
    if (r.type === 'router') {
      delete options['router-port'];
      if (r.options?.['router-port']) options.peer = r.options['router-port'];
    }
    const key = portKey(r.name);
    if (key === undefined) continue; // no key left: the caller reports it
    ports.push({
      logicalPort: r.name,
      datapath: sw.row.uuid,
      key,
      type,
      mac: r.addresses ?? [],
      portSecurity: r.port_security ?? [],
      options,
      parentPort: r.parent_name ?? null,
      tag: r.tag ?? r.tag_request ?? null,
      nbUuid: r.uuid,
    });
    if (p.enabled) {
      flood.push(r.name);
      if (p.unknown || r.type === 'localnet') unknown.push(r.name);
    }
  }
  const multicastGroups: DesiredMulticastGroup[] = [
    { datapath: sw.row.uuid, name: MC_FLOOD.name, key: MC_FLOOD.key, ports: flood },
  ];
  if (unknown.length) {
    multicastGroups.push({
      datapath: sw.row.uuid,
      name: MC_UNKNOWN.name,
      key: MC_UNKNOWN.key,
      ports: unknown,
    });
  }
  return { ports, multicastGroups };
}

/**
 * Port bindings of a router: each router port is a patch port to its switch's "router" port (or to
 * a peer router port). Ports whose name a switch port already uses are left out (`taken`), since
 * SB has one namespace for logical ports.
 */
export function routerBindings(
  lr: RouterInput,
  portKey: (name: string) => number | undefined,
  taken: (name: string) => boolean,
): { ports: DesiredPort[]; conflicts: string[] } {
  const ports: DesiredPort[] = [];
  const conflicts: string[] = [];
  for (const p of lr.ports) {
    const r = p.row;
    if (taken(r.name)) {
      conflicts.push(r.name);
      continue;
    }
    const peer = p.peerSwitch?.port.name ?? p.peerRouterPort?.row.name;
    const mac = [[r.mac, ...r.networks].join(' ')];
    const key = portKey(r.name);
    if (key === undefined) continue; // no key left: the caller reports it
    ports.push({
      logicalPort: r.name,
      datapath: lr.row.uuid,
      key,
      type: 'patch',
      mac,
      portSecurity: [],
      options: { ...r.options, ...(peer && { peer }) },
      parentPort: null,
      tag: null,
      nbUuid: r.uuid,
    });
    // A distributed gateway port has a twin, cr-PORT, bound where the gateway chassis is: the
    // router's NAT and load balancing for that port happen there (is_chassis_resident).
    const distributed =
      !lr.row.options?.chassis &&
      (p.gatewayChassis.length > 0 || !!r.options?.['redirect-chassis']);
    if (distributed) {
      const cr = `cr-${r.name}`;
      const crKey = taken(cr) ? undefined : portKey(cr);
      if (taken(cr)) conflicts.push(cr);
      else if (crKey !== undefined)
        ports.push({
          logicalPort: cr,
          datapath: lr.row.uuid,
          key: crKey,
          type: 'chassisredirect',
          mac,
          portSecurity: [],
          options: { 'distributed-port': r.name },
          parentPort: null,
          tag: null,
          nbUuid: r.uuid,
        });
    }
  }
  return { ports, conflicts };
}
