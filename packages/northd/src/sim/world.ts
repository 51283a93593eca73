import { buildDatapath } from '../builders/build.js';
import { switchMulticastGroups } from '../builders/switch/index.js';
import { deriveRouter, deriveSwitch } from '../inputs/derive.js';
import type { NbModel } from '../model/nb-model.js';
import type { MacBinding, SimDatapath, SimPort, SimWorld } from './types.js';

/**
 * The logical network northd would compile from an NB model: every switch and router with its
 * flows, its ports patched to their peers (a switch's "router" port ↔ its router port, peered
 * router ports), distributed gateway ports' chassisredirect twins (cr-<name>), the switches'
 * multicast groups, and the address sets and port groups ACL matches name. Datapaths are named
 * after their rows.
 */
export function worldFromNb(nb: NbModel, macBindings: readonly MacBinding[] = []): SimWorld {
  const datapaths: SimDatapath[] = [];
  for (const uuid of [...nb.table('logical_switch').keys()].sort()) {
    const input = deriveSwitch(nb, uuid);
    if (!input) continue;
    const ports: SimPort[] = input.ports.map((p) =>
      p.peer
        ? { name: p.row.name, peer: { datapath: p.peer.router.name, port: p.peer.row.name } }
        : { name: p.row.name },
    );
    const multicastGroups = Object.fromEntries(
      switchMulticastGroups(input).map((g) => [g.name, g.ports]),
    );
    datapaths.push({
      name: input.row.name,
      kind: 'switch',
      flows: buildDatapath(input).flows,
      ports,
      multicastGroups,
    });
  }
  for (const uuid of [...nb.table('logical_router').keys()].sort()) {
    const input = deriveRouter(nb, uuid);
    if (!input) continue;
    const ports: SimPort[] = input.ports.map((p) => {
      if (p.peerSwitch)
        return {
          name: p.row.name,
          peer: { datapath: p.peerSwitch.row.name, port: p.peerSwitch.port.name },
        };
      if (p.peerRouterPort)
        return {
          name: p.row.name,
          peer: { datapath: p.peerRouterPort.router.name, port: p.peerRouterPort.row.name },
        };
      return { name: p.row.name };
    });
    // Each distributed gateway port has a chassisredirect twin, as in SB.
    for (const p of input.ports) {
      if (
        !input.row.options?.chassis &&
        (p.gatewayChassis.length > 0 || p.row.options?.['redirect-chassis'])
      ) {
        ports.push({ name: `cr-${p.row.name}`, redirect: p.row.name });
      }
    }
    datapaths.push({
      name: input.row.name,
      kind: 'router',
      flows: buildDatapath(input).flows,
      ports,
    });
  }
  const addressSets: Record<string, readonly string[]> = {};
  for (const a of nb.table('address_set').values()) addressSets[a.name] = a.addresses ?? [];
  const portGroups: Record<string, readonly string[]> = {};
  for (const g of nb.table('port_group').values()) {
    const ports = nb.rowsOf('logical_switch_port', nb.children('portsByPortGroup', g.uuid));
    portGroups[g.name] = ports.map((p) => p.name).sort();
  }
  return { datapaths, macBindings, addressSets, portGroups };
}
