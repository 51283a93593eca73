import type { LogicalRouterPort, LogicalSwitchPort } from '@ovn-ts/nb-db';
import type { NbModel } from '../model/nb-model.js';
import { type LportAddresses, parseLportAddresses, routerPortAddresses } from '../net/addresses.js';
import type {
  AclInput,
  NeighbourInput,
  RouterInput,
  RouterPortInput,
  RouterPortRef,
  SwitchInput,
  SwitchPortInput,
} from './inputs.js';

const byName = <T extends { row: { name: string } }>(a: T, b: T) =>
  a.row.name < b.row.name ? -1 : a.row.name > b.row.name ? 1 : 0;

/** The switch builders' view of switch `uuid`, read from the model (pure). */
export function deriveSwitch(nb: NbModel, uuid: string): SwitchInput | undefined {
  const row = nb.get('logical_switch', uuid);
  if (!row) return undefined;
  const ports = nb
    .rowsOf('logical_switch_port', nb.children('portsBySwitch', uuid))
    .map((p) => switchPort(nb, p));
  ports.sort(byName);

  const acls: AclInput[] = nb
    .rowsOf('acl', nb.children('aclsBySwitch', uuid))
    .map((a) => ({ row: a }));
  const groups = new Set<string>();
  for (const p of ports) for (const g of nb.children('portGroupsByPort', p.row.uuid)) groups.add(g);
  for (const g of [...groups].sort()) {
    const pg = nb.get('port_group', g);
    if (!pg) continue;
    for (const a of nb.rowsOf('acl', nb.children('aclsByPortGroup', g)))
      acls.push({ row: a, portGroup: pg });
  }
  acls.sort(
    (a, b) =>
      a.row.direction.localeCompare(b.row.direction) ||
      b.row.priority - a.row.priority ||
      a.row.uuid.localeCompare(b.row.uuid),
  );
  const loadBalancers = nb.rowsOf('load_balancer', nb.children('lbsBySwitch', uuid));
  const stateful = loadBalancers.length > 0 || acls.some((a) => a.row.action === 'allow-related');
  const defaultAclDrop = nb.globals()?.options?.default_acl_drop === 'true';
  return {
    kind: 'switch',
    row,
    ports,
    acls,
    loadBalancers,
    stateful,
    ...(defaultAclDrop && { defaultAclDrop }),
  };
}

function switchPort(nb: NbModel, row: LogicalSwitchPort): SwitchPortInput {
  const peer =
    row.type === 'router' ? routerPortByName(nb, row.options?.['router-port']) : undefined;
  const addresses: LportAddresses[] = [];
  let unknown = false;
  for (const a of row.addresses ?? []) {
    if (a === 'unknown') unknown = true;
    else if (a === 'router') {
      if (peer) addresses.push(peer.addresses);
    } else {
      const parsed = parseLportAddresses(a);
      if (parsed) addresses.push(parsed);
    }
  }
  const portSecurity = (row.port_security ?? []).flatMap((e) => parseLportAddresses(e) ?? []);
  const dhcpv4 = nb.get('dhcp_options', row.dhcpv4_options);
  const dhcpv6 = nb.get('dhcp_options', row.dhcpv6_options);
  return {
    row,
    addresses,
    unknown,
    portSecurity,
    enabled: row.enabled !== false,
    ...(peer && { peer }),
    ...(dhcpv4 && { dhcpv4 }),
    ...(dhcpv6 && { dhcpv6 }),
  };
}

function routerPortByName(nb: NbModel, name: string | undefined): RouterPortRef | undefined {
  if (!name) return undefined;
  const uuid = first(nb.children('routerPortsByName', name));
  const row = nb.get('logical_router_port', uuid);
  const router = row && nb.get('logical_router', row.router_uuid);
  if (!row || !router) return undefined;
  const distributedGateway =
    !router.options?.chassis &&
    (nb.children('gatewaysByRouterPort', row.uuid).size > 0 || !!row.options?.['redirect-chassis']);
  return {
    row,
    router,
    addresses: routerPortAddresses(row.mac, row.networks),
    ...(distributedGateway && { distributedGateway }),
  };
}

/** The router builders' view of router `uuid`, read from the model (pure). */
export function deriveRouter(nb: NbModel, uuid: string): RouterInput | undefined {
  const row = nb.get('logical_router', uuid);
  if (!row) return undefined;
  const ports = nb
    .rowsOf('logical_router_port', nb.children('routerPortsByRouter', uuid))
    .map((p) => routerPort(nb, p));
  ports.sort(byName);
  return {
    kind: 'router',
    row,
    ports,
    routes: nb.rowsOf('logical_router_static_route', nb.children('routesByRouter', uuid)),
    nats: nb.rowsOf('nat', nb.children('natsByRouter', uuid)),
    loadBalancers: nb.rowsOf('load_balancer', nb.children('lbsByRouter', uuid)),
  };
}

function routerPort(nb: NbModel, row: LogicalRouterPort): RouterPortInput {
  const addresses = routerPortAddresses(row.mac, row.networks);
  const lspUuid = first(nb.children('switchPortsByRouterPort', row.name));
  const lsp = nb.get('logical_switch_port', lspUuid);
  const ls = lsp && nb.get('logical_switch', lsp.switch_uuid);
  let peerSwitch: RouterPortInput['peerSwitch'];
  if (lsp && ls) {
    const neighbours: NeighbourInput[] = [];
    for (const p of nb.rowsOf('logical_switch_port', nb.children('portsBySwitch', ls.uuid))) {
      if (p.uuid === lsp.uuid) continue;
      const peer =
        p.type === 'router' ? routerPortByName(nb, p.options?.['router-port']) : undefined;
      const addrs: LportAddresses[] = [];
      for (const a of p.addresses ?? []) {
        if (a === 'router') {
          if (peer) addrs.push(peer.addresses);
        } else {
          const parsed = parseLportAddresses(a);
          if (parsed) addrs.push(parsed);
        }
      }
      if (addrs.length) neighbours.push({ port: p, addresses: addrs });
    }
    peerSwitch = { row: ls, port: lsp, neighbours };
  }
  const peerRouterPort = row.peer ? routerPortByName(nb, row.peer) : undefined;
  const gatewayChassis = nb
    .rowsOf('gateway_chassis', nb.children('gatewaysByRouterPort', row.uuid))
    .sort((a, b) => b.priority - a.priority || a.chassis_name.localeCompare(b.chassis_name));
  return {
    row,
    addresses,
    enabled: row.enabled !== false,
    ...(peerSwitch && { peerSwitch }),
    ...(peerRouterPort && { peerRouterPort }),
    gatewayChassis,
  };
}

function first(s: ReadonlySet<string>): string | undefined {
  // Several rows may claim the same name transiently; the smallest key wins, deterministically.
  let best: string | undefined;
  for (const k of s) if (best === undefined || k < best) best = k;
  return best;
}
