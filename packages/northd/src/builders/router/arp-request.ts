import ipaddr from 'ipaddr.js';
import type { RouterInput } from '../../inputs/inputs.js';
import type { FlowSink } from '../../lflow.js';
import { parseIp, solicitedNode } from '../../net/addresses.js';
import { REG_NEXT_HOP_IPV4, REG_NEXT_HOP_IPV6, REG_SRC_IPV4 } from './registers.js';

/**
 * lr_in_arp_request (ovn-northd(8) "ARP Request"): a packet whose next hop is still unresolved
 * (eth.dst all zero after arp_resolve) is replaced by an ARP request for reg0 from reg1, or a
 * neighbour solicitation for xxreg0, sent out of the chosen port. Everything else goes to egress.
 */
export function buildArpRequest(input: RouterInput, sink: FlowSink): void {
  // Static IPv6 next hops are solicited at their solicited-node address (OVN does this only for
  // static routes; connected destinations use nd_ns's defaults).
  const seen = new Set<string>();
  for (const r of input.routes) {
    const nh = parseIp(r.nexthop);
    if (nh?.family !== 6 || nh.plen !== 128 || seen.has(nh.addr)) continue;
    seen.add(nh.addr);
    const sn = solicitedNode(nh.addr);
    const b = ipaddr.parse(sn).toByteArray();
    const mac = ['33', '33', ...b.slice(12).map((x) => x.toString(16).padStart(2, '0'))].join(':');
    sink.add(
      'lr_in_arp_request',
      200,
      `eth.dst == 00:00:00:00:00:00 && ip6 && ${REG_NEXT_HOP_IPV6} == ${nh.addr}`,
      `nd_ns { eth.dst = ${mac}; ip6.dst = ${sn}; nd.target = ${nh.addr}; output; };`,
      { table: 'logical_router_static_route', uuid: r.uuid },
    );
  }
  sink.add(
    'lr_in_arp_request',
    100,
    'eth.dst == 00:00:00:00:00:00 && ip4',
    `arp { eth.dst = ff:ff:ff:ff:ff:ff; arp.spa = ${REG_SRC_IPV4}; arp.tpa = ${REG_NEXT_HOP_IPV4}; arp.op = 1; output; };`,
  );
  sink.add(
    'lr_in_arp_request',
    100,
    'eth.dst == 00:00:00:00:00:00 && ip6',
    `nd_ns { nd.target = ${REG_NEXT_HOP_IPV6}; output; };`,
  );
  sink.add('lr_in_arp_request', 0, '1', 'output;');
}
