import type { RouterInput, RouterPortInput } from '../../inputs/inputs.js';
import type { FlowSink } from '../../lflow.js';
import { type LportAddresses, linkLocalFromMac, parseIp } from '../../net/addresses.js';
import { snatIps } from './force-snat.js';
import { REG_NEXT_HOP_IPV4, REG_NEXT_HOP_IPV6 } from './registers.js';
import { ipv6Networks, portSource, q } from './util.js';

/**
 * lr_in_arp_resolve (ovn-northd(8) "ARP/ND Resolution"): the next hop's MAC into eth.dst.
 * Neighbours known from NB are resolved statically: ports with addresses on the switch behind a
 * router port (a "router" port there stands for another router's port), and a router port joined
 * directly by peer. Other next hops are looked up in the MAC bindings (get_arp/get_nd), which
 * leaves eth.dst zero when unknown, for arp_request to resolve.
 */
export function buildArpResolve(input: RouterInput, sink: FlowSink): void {
  // Multicast already has its outport; nothing to resolve.
  sink.add('lr_in_arp_resolve', 500, 'ip4.mcast || ip6.mcast', 'next;');
  sink.add('lr_in_arp_resolve', 0, 'ip4', `get_arp(outport, ${REG_NEXT_HOP_IPV4}); next;`);
  sink.add('lr_in_arp_resolve', 0, 'ip6', `get_nd(outport, ${REG_NEXT_HOP_IPV6}); next;`);

  // A router address SNAT also uses is let through ip_input for unSNAT; if the destination is
  // still that address here, unSNAT found no connection: drop (priority 2, above the lookups).
  const snat = snatIps(input);
  for (const p of input.ports) {
    for (const family of [4, 6] as const) {
      const own = (family === 4 ? p.addresses.ipv4 : ipv6Networks(p)).filter((a) =>
        snat.has(a.addr),
      );
      if (own.length) {
        sink.add(
          'lr_in_arp_resolve',
          2,
          `ip${family}.dst == {${own.map((a) => a.addr).join(', ')}}`,
          'drop;',
          portSource(p),
        );
      }
    }
  }

  const dynamicNeighRouters = input.row.options?.dynamic_neigh_routers === 'true';
  for (const p of input.ports) {
    if (p.peerSwitch) {
      for (const n of p.peerSwitch.neighbours) {
        // A virtual port's owner moves between hosts: OVN leaves it to dynamic bindings.
        if (n.port.type === 'virtual') continue;
        for (const a of n.addresses) {
          // With options:dynamic_neigh_routers, other routers' ports are learnt, not configured.
          if (n.port.type === 'router' && dynamicNeighRouters) continue;
          // A "router" port stands for another router's port, link-local address included.
          const full = n.port.type === 'router' ? withLinkLocal(a) : a;
          staticBinding(p, full, sink, { table: 'logical_switch_port', uuid: n.port.uuid });
        }
      }
    }
    if (p.peerRouterPort && !dynamicNeighRouters) {
      const peer = p.peerRouterPort;
      staticBinding(p, withLinkLocal(peer.addresses), sink, {
        table: 'logical_router_port',
        uuid: peer.row.uuid,
      });
    }
  }
}

/** A router port's addresses with the link-local one OVN gives every router port. */
function withLinkLocal(a: LportAddresses): LportAddresses {
  const lla = linkLocalFromMac(a.mac);
  return a.ipv6.some((x) => x.addr === lla)
    ? a
    : { ...a, ipv6: [...a.ipv6, parseIp(`${lla}/64`)!] };
}

function staticBinding(
  p: RouterPortInput,
  a: LportAddresses,
  sink: FlowSink,
  source: { table: string; uuid: string },
): void {
  const out = q(p.row.name);
  for (const ip of a.ipv4) {
    sink.add(
      'lr_in_arp_resolve',
      100,
      `outport == ${out} && ${REG_NEXT_HOP_IPV4} == ${ip.addr}`,
      `eth.dst = ${a.mac}; next;`,
      source,
    );
  }
  for (const ip of a.ipv6) {
    sink.add(
      'lr_in_arp_resolve',
      100,
      `outport == ${out} && ${REG_NEXT_HOP_IPV6} == ${ip.addr}`,
      `eth.dst = ${a.mac}; next;`,
      source,
    );
  }
}
