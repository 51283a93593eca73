import type { StaticRoute } from '@ovn-ts/nb-db';
import ipaddr from 'ipaddr.js';
import type { RouterInput, RouterPortInput } from '../../inputs/inputs.js';
import type { FlowSink } from '../../lflow.js';
import { type IpAddress, parseIp } from '../../net/addresses.js';
import {
  nextHopReg,
  REG_ECMP_GROUP_ID,
  REG_ECMP_MEMBER_ID,
  REG_ROUTE_TABLE_ID,
  srcReg,
} from './registers.js';
import { routeTableIds } from './route-tables.js';
import { allNetworks, isLinkLocal, portSource, q } from './util.js';

/**
 * Route priorities, as OVN (northd.c ROUTE_PRIO_OFFSET_*): longest prefix first (3 per prefix
 * bit); for the same prefix a connected route beats a static one, and a destination route beats
 * a source-IP (policy=src-ip) one. This is OVN's scheme since 21.12 (ovn commit b0d9f4608; before
 * it, 2 × plen with +1 for destination routes, so connected and static routes of one prefix
 * tied; OVN 24+ spreads further, 12 × plen, for learned and IC routes we do not have).
 */
export const ROUTE_PRIO_MULTIPLIER = 3;
export const ROUTE_PRIO_CONNECTED = 2;
export const ROUTE_PRIO_STATIC = 1;

export function routePriority(
  plen: number,
  origin: 'connected' | 'static',
  srcRoute: boolean,
): number {
  if (srcRoute) return plen * ROUTE_PRIO_MULTIPLIER;
  return (
    plen * ROUTE_PRIO_MULTIPLIER +
    (origin === 'connected' ? ROUTE_PRIO_CONNECTED : ROUTE_PRIO_STATIC)
  );
}

const ROUTE = (r: StaticRoute) => ({ table: 'logical_router_static_route', uuid: r.uuid });

/** A static route with its prefix parsed and its outgoing port found. */
interface ResolvedRoute {
  readonly row: StaticRoute;
  readonly prefix: IpAddress;
  readonly srcRoute: boolean;
  /** Route table id (0: main). */
  readonly table: number;
  /** undefined for a discard route. */
  readonly nexthop?: string;
  readonly port?: RouterPortInput;
  /** The port's address on the next hop's network: the source of ARP/ND for it. */
  readonly portAddr?: string;
}

/**
 * lr_in_ip_routing and lr_in_ip_routing_ecmp: connected networks of every port and the static
 * routes. A route sets the next hop (reg0/xxreg0), the source for ARP (reg1/xxreg1), eth.src and
 * outport, and decrements the TTL (ip_input has already answered TTL ≤ 1). Routes sharing policy
 * and prefix form an ECMP group: routing picks a member with select() into reg8, and the ECMP
 * stage applies that member's next hop.
 */
export function buildRouting(input: RouterInput, sink: FlowSink): void {
  for (const p of input.ports) {
    for (const a of allNetworks(p)) {
      // Link-local networks are only reachable on the port they were received on.
      const scope = isLinkLocal(a) ? `inport == ${q(p.row.name)} && ` : '';
      sink.add(
        'lr_in_ip_routing',
        routePriority(a.plen, 'connected', false),
        `${scope}ip${a.family}.dst == ${a.network}/${a.plen}`,
        routeActions(a.family, `ip${a.family}.dst`, a.addr, p),
        portSource(p),
      );
    }
  }

  const routes = resolveRoutes(input, sink);
  for (const { routes: group, gid } of groupRoutes(routes)) {
    const first = group[0]!;
    const { prefix, srcRoute } = first;
    // Static routes apply to their route table only (0: the main one), as OVN's reg7 check.
    const match = `${REG_ROUTE_TABLE_ID} == ${first.table} && ip${prefix.family}.${srcRoute ? 'src' : 'dst'} == ${prefix.network}/${prefix.plen}`;
    const priority = routePriority(prefix.plen, 'static', srcRoute);
    if (gid === undefined) {
      const actions =
        first.nexthop === undefined
          ? 'drop;'
          : routeActions(prefix.family, first.nexthop, first.portAddr!, first.port!);
      sink.add('lr_in_ip_routing', priority, match, actions, ROUTE(first.row));
      continue;
    }
    const members = group.map((_, i) => i + 1);
    sink.add(
      'lr_in_ip_routing',
      priority,
      match,
      `ip.ttl--; flags.loopback = 1; ${REG_ECMP_GROUP_ID} = ${gid}; ${REG_ECMP_MEMBER_ID} = select(${members.join(', ')});`,
      ROUTE(first.row),
    );
    group.forEach((r, i) => {
      sink.add(
        'lr_in_ip_routing_ecmp',
        100,
        `${REG_ECMP_GROUP_ID} == ${gid} && ${REG_ECMP_MEMBER_ID} == ${i + 1}`,
        `${nextHopReg(prefix.family)} = ${r.nexthop}; ${srcReg(prefix.family)} = ${r.portAddr}; ` +
          `eth.src = ${r.port!.addresses.mac}; outport = ${q(r.port!.row.name)}; next;`,
        ROUTE(r.row),
      );
    });
  }

  sink.add('lr_in_ip_routing', 0, '1', 'drop;');
  sink.add('lr_in_ip_routing_ecmp', 150, `${REG_ECMP_GROUP_ID} == 0`, 'next;');
  sink.add('lr_in_ip_routing_ecmp', 0, '1', 'drop;');
}

function routeActions(
  family: 4 | 6,
  nexthop: string,
  portAddr: string,
  p: RouterPortInput,
): string {
  return (
    `ip.ttl--; ${REG_ECMP_GROUP_ID} = 0; ${nextHopReg(family)} = ${nexthop}; ${srcReg(family)} = ${portAddr}; ` +
    `eth.src = ${p.addresses.mac}; outport = ${q(p.row.name)}; flags.loopback = 1; next;`
  );
}

/**
 * Routes grouped by (route table, policy, prefix), each group sorted by next hop, groups by
 * table, policy, then prefix (numerically, IPv4 first): a stable order, so ECMP group and member ids do not depend on row order. Duplicate routes (same
 * policy, prefix and next hop) collapse into one, as in OVN.
 */
function groupRoutes(routes: ResolvedRoute[]): { routes: ResolvedRoute[]; gid?: number }[] {
  const groups = new Map<string, ResolvedRoute[]>();
  for (const r of routes) {
    const key = `${r.table} ${r.srcRoute ? 'src' : 'dst'} ${r.prefix.network}/${r.prefix.plen}`;
    const g = groups.get(key) ?? [];
    if (!g.some((x) => x.nexthop === r.nexthop)) g.push(r);
    groups.set(key, g);
  }
  const out = [...groups.values()].sort(
    (a, b) =>
      a[0]!.table - b[0]!.table ||
      Number(a[0]!.srcRoute) - Number(b[0]!.srcRoute) ||
      compareIp(a[0]!.prefix.network, b[0]!.prefix.network) ||
      a[0]!.prefix.plen - b[0]!.prefix.plen,
  );
  let next = 0;
  return out.map((g) => {
    g.sort((a, b) => compareIp(a.nexthop, b.nexthop) || a.row.uuid.localeCompare(b.row.uuid));
    // A discard route cannot share a prefix with forwarding routes: it alone is kept.
    const discard = g.find((r) => r.nexthop === undefined);
    if (discard) g.splice(0, g.length, discard);
    return g.length > 1 ? { routes: g, gid: ++next } : { routes: g };
  });
}

function compareIp(a: string | undefined, b: string | undefined): number {
  if (a === b) return 0;
  if (a === undefined) return -1;
  if (b === undefined) return 1;
  const ba = ipaddr.parse(a).toByteArray();
  const bb = ipaddr.parse(b).toByteArray();
  if (ba.length !== bb.length) return ba.length - bb.length;
  for (let i = 0; i < ba.length; i++) if (ba[i] !== bb[i]) return ba[i]! - bb[i]!;
  return 0;
}

function resolveRoutes(input: RouterInput, sink: FlowSink): ResolvedRoute[] {
  const out: ResolvedRoute[] = [];
  const tables = routeTableIds(input);
  for (const row of input.routes) {
    const prefix = parseIp(row.ip_prefix);
    if (!prefix) {
      sink.report(ROUTE(row), `bad ip_prefix "${row.ip_prefix}"`);
      continue;
    }
    const srcRoute = row.policy === 'src-ip';
    if (row.nexthop === 'discard') {
      out.push({ row, prefix, srcRoute, table: tables.get(row.route_table ?? '')! });
      continue;
    }
    const nh = parseIp(row.nexthop);
    if (!nh || nh.plen !== (nh.family === 4 ? 32 : 128)) {
      sink.report(ROUTE(row), `bad nexthop "${row.nexthop}"`);
      continue;
    }
    if (nh.family !== prefix.family) {
      sink.report(
        ROUTE(row),
        `nexthop ${nh.addr} and prefix ${row.ip_prefix} are of different families`,
      );
      continue;
    }
    const found = outPort(input, row, nh);
    if (!found) {
      sink.report(
        ROUTE(row),
        row.output_port
          ? `output_port ${row.output_port} is not a port of this router with an IPv${nh.family} address`
          : `no port of this router has a network containing nexthop ${nh.addr}`,
      );
      continue;
    }
    out.push({
      row,
      prefix,
      srcRoute,
      table: tables.get(row.route_table ?? '')!,
      nexthop: nh.addr,
      port: found.port,
      portAddr: found.addr,
    });
  }
  return out;
}

/**
 * The port a next hop is reached by (OVN's find_static_route_outport): the output_port if set,
 * taking the address on the next hop's network or else its first address of that family;
 * otherwise the port with the longest network containing the next hop.
 */
function outPort(
  input: RouterInput,
  row: StaticRoute,
  nh: IpAddress,
): { port: RouterPortInput; addr: string } | undefined {
  const contains = (net: IpAddress) => {
    const n = ipaddr.parse(net.network);
    return n.kind() === ipaddr.parse(nh.addr).kind() && ipaddr.parse(nh.addr).match(n, net.plen);
  };
  const nets = (p: RouterPortInput) => allNetworks(p).filter((a) => a.family === nh.family);
  if (row.output_port) {
    const port = input.ports.find((p) => p.row.name === row.output_port);
    if (!port) return undefined;
    const addr = nets(port).find(contains) ?? nets(port)[0];
    return addr && { port, addr: addr.addr };
  }
  let best: { port: RouterPortInput; addr: IpAddress } | undefined;
  for (const port of input.ports) {
    for (const a of nets(port))
      if (contains(a) && (!best || a.plen > best.addr.plen)) best = { port, addr: a };
  }
  return best && { port: best.port, addr: best.addr.addr };
}
