import type { RouterInput } from '../../inputs/inputs.js';
import type { FlowSink } from '../../lflow.js';
import {
  REGBIT_LOOKUP_NEIGHBOR_IP_RESULT as IP_RESULT,
  REGBIT_LOOKUP_NEIGHBOR_RESULT as RESULT,
} from './registers.js';
import { crPort, enabledPorts, isGatewayPort, portSource, q } from './util.js';

/**
 * lr_in_lookup_neighbor and lr_in_learn_neighbor: learn MAC bindings from ARP and ND, as OVN.
 * Lookup sets RESULT when the binding is already known (or the packet is not ARP/ND), and, when
 * the router does not always learn from requests (options:always_learn_from_arp_request=false),
 * IP_RESULT says whether learning is allowed: only for replies, requests for our own address, or
 * senders already known by IP. Learning runs put_arp/put_nd when needed.
 */
export function buildNeighbor(input: RouterInput, sink: FlowSink): void {
  const always = input.row.options?.always_learn_from_arp_request !== 'false';
  const known = always ? '' : `${IP_RESULT} = 1; `;

  sink.add(
    'lr_in_lookup_neighbor',
    100,
    'arp.op == 2',
    `${RESULT} = lookup_arp(inport, arp.spa, arp.sha); ${known}next;`,
  );
  sink.add(
    'lr_in_lookup_neighbor',
    100,
    'nd_na',
    `${RESULT} = lookup_nd(inport, nd.target, nd.tll); ${known}next;`,
  );
  sink.add(
    'lr_in_lookup_neighbor',
    100,
    'nd_ns',
    `${RESULT} = lookup_nd(inport, ip6.src, nd.sll); ${always ? '' : `${IP_RESULT} = lookup_nd_ip(inport, ip6.src); `}next;`,
  );
  // Not ARP/ND: nothing to learn.
  sink.add('lr_in_lookup_neighbor', 0, '1', `${RESULT} = 1; next;`);

  // ARP requests are learnt only from senders on the port's own subnets.
  for (const p of enabledPorts(input.ports)) {
    const resident = isGatewayPort(input, p) ? ` && is_chassis_resident(${crPort(p)})` : '';
    for (const a of p.addresses.ipv4) {
      const subnet = `inport == ${q(p.row.name)} && arp.spa == ${a.network}/${a.plen}`;
      if (!always) {
        sink.add(
          'lr_in_lookup_neighbor',
          110,
          `${subnet} && arp.tpa == ${a.addr} && arp.op == 1${resident}`,
          `${RESULT} = lookup_arp(inport, arp.spa, arp.sha); ${IP_RESULT} = 1; next;`,
          portSource(p),
        );
      }
      sink.add(
        'lr_in_lookup_neighbor',
        100,
        `${subnet} && arp.op == 1${resident}`,
        `${RESULT} = lookup_arp(inport, arp.spa, arp.sha); ${always ? '' : `${IP_RESULT} = lookup_arp_ip(inport, arp.spa); `}next;`,
        portSource(p),
      );
    }
  }

  sink.add(
    'lr_in_learn_neighbor',
    100,
    always ? `${RESULT} == 1` : `${RESULT} == 1 || ${IP_RESULT} == 0`,
    'next;',
  );
  // An NS from the unspecified address or without a source link-layer address teaches nothing.
  sink.add('lr_in_learn_neighbor', 95, 'nd_ns && (ip6.src == 0 || nd.sll == 0)', 'next;');
  sink.add('lr_in_learn_neighbor', 90, 'arp', 'put_arp(inport, arp.spa, arp.sha); next;');
  sink.add('lr_in_learn_neighbor', 90, 'nd_na', 'put_nd(inport, nd.target, nd.tll); next;');
  sink.add('lr_in_learn_neighbor', 90, 'nd_ns', 'put_nd(inport, ip6.src, nd.sll); next;');
  sink.add('lr_in_learn_neighbor', 0, '1', 'drop;');
}
