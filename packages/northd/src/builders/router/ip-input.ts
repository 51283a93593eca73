import type { RouterInput, RouterPortInput } from '../../inputs/inputs.js';
import type { FlowSink } from '../../lflow.js';
import { solicitedNode } from '../../net/addresses.js';
import { snatIps } from './force-snat.js';
import { REG_INPORT_ETH_ADDR, REGBIT_EGRESS_LOOPBACK } from './registers.js';
import { crPort, enabledPorts, ipv6Networks, isGatewayPort, portSource, q, set } from './util.js';

const STAGE = 'lr_in_ip_input';

/**
 * lr_in_ip_input (ovn-northd(8) "IP Input"): the router as an IP host. Drops martians and
 * packets claiming the router's own source addresses, answers ARP, ND, pings and (on routers
 * without gateways) UDP/TCP/other traffic to its addresses with the matching ICMP error or reset,
 * drops the rest of the traffic to its addresses, L2 broadcast and expired TTLs (answering
 * those with ICMP time exceeded), and passes everything else on to routing.
 */
export function buildIpInput(input: RouterInput, sink: FlowSink): void {
  const ports = enabledPorts(input.ports);
  // A router with a gateway (gateway router or distributed gateway port) accepts traffic to its
  // own addresses for NAT and load balancing, so it does not answer it with errors.
  const hasGateway =
    !!input.row.options?.chassis || input.ports.some((p) => isGatewayPort(input, p));

  sink.add(
    STAGE,
    100,
    'ip4.src_mcast || ip4.src == 255.255.255.255 || ip4.src == 127.0.0.0/8 || ip4.dst == 127.0.0.0/8 || ' +
      'ip4.src == 0.0.0.0/8 || ip4.dst == 0.0.0.0/8',
    'drop;',
  );
  sink.add(STAGE, 85, 'arp || nd', 'drop;');
  sink.add(STAGE, 84, 'nd_rs || nd_ra', 'next;');
  sink.add(STAGE, 83, 'ip6.mcast_rsvd', 'drop;');
  // Multicast relay is not built: other IP multicast is dropped.
  sink.add(STAGE, 82, 'ip4.mcast || ip6.mcast', 'drop;');
  sink.add(STAGE, 50, 'eth.bcast', 'drop;');
  // Multicast with an expired TTL gets no ICMP error (TTL 1 is normal for link-local groups).
  sink.add(STAGE, 32, 'ip.ttl == {0, 1} && !ip.later_frag && (ip4.mcast || ip6.mcast)', 'drop;');
  sink.add(STAGE, 29, 'ip.ttl == {0, 1}', 'drop;');
  sink.add(STAGE, 0, '1', 'next;');

  // Router addresses that SNAT also uses take replies to SNATed traffic: not dropped here
  // (arp_resolve drops them if unSNAT did not change the destination).
  const snat = snatIps(input);
  for (const p of ports) {
    const resident = isGatewayPort(input, p) ? ` && is_chassis_resident(${crPort(p)})` : '';
    ipv4Host(p, hasGateway, resident, snat, sink);
    ipv6Host(p, hasGateway, resident, snat, sink);
  }
}

function ipv4Host(
  p: RouterPortInput,
  hasGateway: boolean,
  resident: string,
  snat: ReadonlySet<string>,
  sink: FlowSink,
): void {
  const v4 = p.addresses.ipv4;
  const src = portSource(p);
  const name = q(p.row.name);
  if (v4.length) {
    // Our own addresses and subnet broadcasts are never valid sources, unless the packet is
    // ours coming back through egress loopback.
    const own = v4.flatMap((a) => [a.addr, a.bcast!]);
    sink.add(
      STAGE,
      100,
      `ip4.src == {${own.join(', ')}} && ${REGBIT_EGRESS_LOOPBACK} == 0`,
      'drop;',
      src,
    );
    // Ping replies: the inport does not matter, nor the TTL (RFC 1812 4.2.2.9).
    sink.add(
      STAGE,
      90,
      `ip4.dst == ${set(v4.map((a) => a.addr))} && icmp4.type == 8 && icmp4.code == 0`,
      'ip4.dst <-> ip4.src; ip.ttl = 255; icmp4.type = 0; flags.loopback = 1; next;',
      src,
    );
  }
  for (const a of v4) {
    // ARP replies, to requesters on the port's own subnet only.
    sink.add(
      STAGE,
      90,
      `inport == ${name} && arp.op == 1 && arp.tpa == ${a.addr} && arp.spa == ${a.network}/${a.plen}${resident}`,
      `eth.dst = eth.src; eth.src = ${REG_INPORT_ETH_ADDR}; arp.op = 2; arp.tha = arp.sha; ` +
        `arp.sha = ${REG_INPORT_ETH_ADDR}; arp.tpa <-> arp.spa; outport = inport; flags.loopback = 1; output;`,
      src,
    );
    if (!hasGateway) {
      const toUs = `ip4 && ip4.dst == ${a.addr} && !ip.later_frag`;
      sink.add(
        STAGE,
        80,
        `${toUs} && udp`,
        'icmp4 { eth.dst <-> eth.src; ip4.dst <-> ip4.src; ip.ttl = 255; icmp4.type = 3; icmp4.code = 3; next; };',
        src,
      );
      sink.add(
        STAGE,
        80,
        `${toUs} && tcp`,
        'tcp_reset { eth.dst <-> eth.src; ip4.dst <-> ip4.src; next; };',
        src,
      );
      sink.add(
        STAGE,
        80,
        `${toUs} && sctp`,
        'sctp_abort { eth.dst <-> eth.src; ip4.dst <-> ip4.src; next; };',
        src,
      );
      sink.add(
        STAGE,
        70,
        toUs,
        'icmp4 { eth.dst <-> eth.src; ip4.dst <-> ip4.src; ip.ttl = 255; icmp4.type = 3; icmp4.code = 2; next; };',
        src,
      );
    }
  }
  const dropped = v4.filter((a) => !snat.has(a.addr));
  if (dropped.length)
    sink.add(STAGE, 60, `ip4.dst == {${dropped.map((a) => a.addr).join(', ')}}`, 'drop;', src);

  // ICMP time exceeded, from the address of the sender's subnet if it is on one (31), else
  // from the port's first address (30). The error goes straight back out of the inport.
  const timeExceeded = (srcIp: string) =>
    `icmp4 { eth.dst = eth.src; eth.src = ${p.addresses.mac}; icmp4.type = 11; icmp4.code = 0; ` +
    `ip4.dst = ip4.src; ip4.src = ${srcIp}; ip.ttl = 254; outport = ${name}; flags.loopback = 1; output; };`;
  for (const a of v4) {
    sink.add(
      STAGE,
      31,
      `inport == ${name} && ip4 && ip4.src == ${a.network}/${a.plen} && ip.ttl == {0, 1} && !ip.later_frag${resident}`,
      timeExceeded(a.addr),
      src,
    );
  }
  if (v4.length) {
    sink.add(
      STAGE,
      30,
      `inport == ${name} && ip4 && ip.ttl == {0, 1} && !ip.later_frag${resident}`,
      timeExceeded(v4[0]!.addr),
      src,
    );
  }
}

function ipv6Host(
  p: RouterPortInput,
  hasGateway: boolean,
  resident: string,
  snat: ReadonlySet<string>,
  sink: FlowSink,
): void {
  const v6 = ipv6Networks(p);
  const src = portSource(p);
  const name = q(p.row.name);
  sink.add(
    STAGE,
    90,
    `ip6.dst == ${set(v6.map((a) => a.addr))} && icmp6.type == 128 && icmp6.code == 0`,
    'ip6.dst <-> ip6.src; ip.ttl = 255; icmp6.type = 129; flags.loopback = 1; next;',
    src,
  );
  for (const a of v6) {
    // Neighbour solicitations for our address, sent to it or to its solicited-node group.
    sink.add(
      STAGE,
      90,
      `inport == ${name} && ip6.dst == {${a.addr}, ${solicitedNode(a.addr)}} && nd_ns && nd.target == ${a.addr}${resident}`,
      `nd_na_router { eth.src = ${REG_INPORT_ETH_ADDR}; ip6.src = ${a.addr}; nd.target = ${a.addr}; ` +
        `nd.tll = ${REG_INPORT_ETH_ADDR}; outport = inport; flags.loopback = 1; output; };`,
      src,
    );
  }
  if (!hasGateway) {
    for (const a of v6) {
      const toUs = `ip6 && ip6.dst == ${a.addr} && !ip.later_frag`;
      sink.add(
        STAGE,
        80,
        `${toUs} && tcp`,
        'tcp_reset { eth.dst <-> eth.src; ip6.dst <-> ip6.src; next; };',
        src,
      );
      sink.add(
        STAGE,
        80,
        `${toUs} && sctp`,
        'sctp_abort { eth.dst <-> eth.src; ip6.dst <-> ip6.src; next; };',
        src,
      );
      sink.add(
        STAGE,
        80,
        `${toUs} && udp`,
        'icmp6 { eth.dst <-> eth.src; ip6.dst <-> ip6.src; ip.ttl = 255; icmp6.type = 1; icmp6.code = 4; next; };',
        src,
      );
      sink.add(
        STAGE,
        70,
        toUs,
        'icmp6 { eth.dst <-> eth.src; ip6.dst <-> ip6.src; ip.ttl = 255; icmp6.type = 1; icmp6.code = 3; next; };',
        src,
      );
    }
  }
  const dropped = v6.filter((a) => !snat.has(a.addr));
  if (dropped.length)
    sink.add(STAGE, 60, `ip6.dst == {${dropped.map((a) => a.addr).join(', ')}}`, 'drop;', src);

  // Time exceeded, as for IPv4; the link-local address (last) only serves as the default source.
  const timeExceeded = (srcIp: string) =>
    `icmp6 { eth.dst = eth.src; eth.src = ${p.addresses.mac}; ip6.dst = ip6.src; ip6.src = ${srcIp}; ip.ttl = 254; ` +
    `icmp6.type = 3; icmp6.code = 0; outport = ${name}; flags.loopback = 1; output; };`;
  for (const a of v6.slice(0, -1)) {
    sink.add(
      STAGE,
      31,
      `inport == ${name} && ip6 && ip6.src == ${a.network}/${a.plen} && ip.ttl == {0, 1} && !ip.later_frag${resident}`,
      timeExceeded(a.addr),
      src,
    );
  }
  sink.add(
    STAGE,
    30,
    `inport == ${name} && ip6 && ip.ttl == {0, 1} && !ip.later_frag${resident}`,
    timeExceeded(v6[0]!.addr),
    src,
  );
}
