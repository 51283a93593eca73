import type { RouterInput, RouterPortInput } from '../../inputs/inputs.js';
import type { FlowSink } from '../../lflow.js';
import { solicitedNode } from '../../net/addresses.js';
import { forceSnat } from './force-snat.js';
import { routerVips } from './lb.js';
import { builtNats, isGatewayRouter, type NatRule, natRules } from './nat-rules.js';
import {
  REG_INPORT_ETH_ADDR,
  REG_NEXT_HOP_IPV4,
  REG_NEXT_HOP_IPV6,
  REGBIT_EGRESS_LOOPBACK,
} from './registers.js';
import { crPort, enabledPorts, gatewayPorts, q } from './util.js';

const NAT = (uuid: string) => ({ table: 'nat', uuid });
type Rule = Extract<NatRule, { ok: true }>;

const ARP_REPLY =
  `eth.dst = eth.src; eth.src = ${REG_INPORT_ETH_ADDR}; arp.op = 2; arp.tha = arp.sha; ` +
  `arp.sha = ${REG_INPORT_ETH_ADDR}; arp.tpa <-> arp.spa; outport = inport; flags.loopback = 1; output;`;

/**
 * NAT (ovn-northd(8) "UNSNAT", "DNAT", "UNDNAT", "SNAT", "Gateway Redirect", "Egress Loopback").
 *
 * Gateway routers (options:chassis) NAT everything in their two conntrack zones:
 *   lr_in_unsnat (90)    replies to SNATed traffic: ct_snat; undoes the SNAT
 *   lr_in_dnat (100)     traffic to a dnat external IP: ct_dnat(logical IP)
 *   lr_out_undnat (50)   replies from DNATed hosts: ct_dnat; undoes the DNAT
 *   lr_out_post_undnat   commits new connections, so their replies are recognised
 *   lr_out_snat          from a logical IP/network: ct_snat(external IP), longer logical
 *                        prefixes first (priority = prefix length + 1)
 * and answer ARP (IPv4) or neighbour solicitations (IPv6) for the external IPs and load balancer
 * VIPs on every port (ip_input 90).
 *
 * Distributed routers NAT on their distributed gateway port (GW), centrally, where its
 * chassisredirect twin cr-GW resides: the same stages matching inport/outport == GW and
 * is_chassis_resident(cr-GW) (unsnat/dnat/undnat 100, snat prefix length + 129); gw_redirect
 * sends traffic for GW to cr-GW (50); ARP for external IPs is answered on GW there (92);
 * arp_resolve knows the external IPs as GW's own MAC (100) and drops what came back in through
 * GW still addressed to one (150); and egress loopback sends traffic to an external IP back
 * into ingress for unSNAT/DNAT (100). Distributed NAT (logical_port with external_mac) is
 * handled centrally like the rest.
 */
export function buildNat(input: RouterInput, sink: FlowSink): void {
  for (const r of natRules(input)) if (!r.ok) sink.report(NAT(r.row.uuid), r.problem);
  if (isGatewayRouter(input)) gatewayRouterNat(input, builtNats(input), sink);
  else distributedNat(input, builtNats(input), sink);
}

function gatewayRouterNat(input: RouterInput, rules: Rule[], sink: FlowSink): void {
  const vips = routerVips(input);
  if (!rules.length && !vips.length) return;
  const arp = arpAnswerer(input, sink);
  // DNATed traffic also leaves SNATed when options:dnat_force_snat_ip says so (force-snat.ts).
  const forced = forceSnat(input).dnat.length > 0;
  const unsnat = new Set<string>();
  for (const r of rules) {
    const v = r.external.family;
    const src = NAT(r.row.uuid);
    if (r.row.type !== 'dnat' && !unsnat.has(r.external.addr)) {
      unsnat.add(r.external.addr);
      sink.add(
        'lr_in_unsnat',
        90,
        `ip && ip${v}.dst == ${r.external.addr}`,
        stateless(r) ? 'next;' : 'ct_snat;',
        src,
      );
    }
    if (r.row.type !== 'snat') {
      // The router may send the packet back out of the port it came in on.
      sink.add(
        'lr_in_dnat',
        100,
        `ip && ip${v}.dst == ${r.external.addr}`,
        `${forced ? 'flags.force_snat_for_dnat = 1; ' : ''}flags.loopback = 1; ${stateless(r) ? `ip${v}.dst=${r.logical.addr}; next;` : `ct_dnat(${natTarget(r, r.logical.addr)});`}`,
        src,
      );
    }
    if (r.row.type !== 'dnat') {
      sink.add(
        'lr_out_snat',
        r.logical.plen + 1,
        `ip && ip${v}.src == ${prefix(r)}${stateless(r) ? '' : ' && (!ct.trk || !ct.rpl)'}`,
        stateless(r)
          ? `ip${v}.src=${r.external.addr}; next;`
          : `ct_snat(${natTarget(r, r.external.addr)});`,
        src,
      );
    }
    for (const p of enabledPorts(input.ports)) arp(p, r.external.addr, 90, '', src);
  }
  for (const { lb, vip } of vips) {
    for (const p of enabledPorts(input.ports))
      arp(p, vip.ip.addr, 90, '', { table: 'load_balancer', uuid: lb.uuid });
  }
  // ND and RS/RA are the router's own business, never NATed.
  sink.add('lr_out_undnat', 100, 'nd || nd_rs || nd_ra', 'next;');
  sink.add('lr_out_undnat', 50, 'ip', 'flags.loopback = 1; ct_dnat;');
  sink.add('lr_out_post_undnat', 50, 'ip && ct.new', 'ct_commit { }; next;');
  sink.add('lr_out_snat', 120, 'nd_ns', 'next;');
}

function distributedNat(input: RouterInput, rules: Rule[], sink: FlowSink): void {
  // Everything for a gateway port goes to the chassis where its cr- twin is.
  for (const gw of gatewayPorts(input)) {
    sink.add(
      'lr_in_gw_redirect',
      50,
      `outport == ${q(gw.row.name)}`,
      `outport = ${crPort(gw)}; next;`,
      { table: 'logical_router_port', uuid: gw.row.uuid },
    );
  }
  const arp = arpAnswerer(input, sink);
  // Load balancer VIPs are answered for on the first gateway port, where balancing happens.
  const first = gatewayPorts(input)[0];
  if (first) {
    for (const { lb, vip } of routerVips(input)) {
      arp(first, vip.ip.addr, 90, ` && is_chassis_resident(${crPort(first)})`, {
        table: 'load_balancer',
        uuid: lb.uuid,
      });
    }
  }
  if (!rules.length) return;
  const seen = new Set<string>();
  const once = (key: string) => !seen.has(key) && !!seen.add(key);
  for (const r of rules) {
    const gw = r.gw!;
    const v = r.external.family;
    const src = NAT(r.row.uuid);
    const name = q(gw.row.name);
    const here = `is_chassis_resident(${crPort(gw)})`;
    if (r.row.type !== 'dnat' && once(`unsnat ${r.external.addr}`)) {
      sink.add(
        'lr_in_unsnat',
        100,
        `ip && ip${v}.dst == ${r.external.addr} && inport == ${name} && ${here}`,
        stateless(r) ? 'next;' : 'ct_snat;',
        src,
      );
    }
    if (r.row.type === 'snat' && once(`in ${r.external.addr}`)) {
      // SNATed east-west traffic comes back in through GW with an external source: let it pass.
      sink.add(
        'lr_in_ip_input',
        120,
        `inport == ${name} && ip${v}.src == ${r.external.addr}`,
        'next;',
        src,
      );
    }
    if (r.row.type !== 'snat') {
      sink.add(
        'lr_in_dnat',
        100,
        `ip && ip${v}.dst == ${r.external.addr} && inport == ${name} && ${here}`,
        stateless(r)
          ? `ip${v}.dst=${r.logical.addr}; next;`
          : `ct_dnat(${natTarget(r, r.logical.addr)});`,
        src,
      );
      sink.add(
        'lr_out_undnat',
        100,
        `ip && ip${v}.src == ${r.logical.addr} && outport == ${name} && ${here}`,
        stateless(r) ? 'next;' : 'ct_dnat;',
        src,
      );
    }
    if (r.row.type !== 'dnat') {
      sink.add(
        'lr_out_snat',
        r.logical.plen + 1 + 128,
        `ip && ip${v}.src == ${prefix(r)} && outport == ${name} && ${here}${stateless(r) ? '' : ' && (!ct.trk || !ct.rpl)'}`,
        stateless(r)
          ? `ip${v}.src=${r.external.addr}; next;`
          : `ct_snat(${natTarget(r, r.external.addr)});`,
        src,
      );
    }
    if (!once(`ext ${r.external.addr}`)) continue;
    arp(gw, r.external.addr, 92, ` && ${here}`, src);
    // The external IP is GW's own, as a neighbour; what comes back in still addressed to it
    // found no NAT: drop rather than loop.
    const nh = v === 4 ? REG_NEXT_HOP_IPV4 : REG_NEXT_HOP_IPV6;
    sink.add(
      'lr_in_arp_resolve',
      100,
      `outport == ${name} && ${nh} == ${r.external.addr}`,
      `eth.dst = ${gw.addresses.mac}; next;`,
      src,
    );
    sink.add(
      'lr_in_arp_resolve',
      150,
      `inport == ${name} && outport == ${name} && ip${v}.dst == ${r.external.addr}`,
      'drop;',
      src,
    );
    // Traffic routed to an external IP loops back into ingress on the gateway, for unSNAT/DNAT.
    const clear = Array.from({ length: 10 }, (_, i) => `reg${i} = 0; `).join('');
    sink.add(
      'lr_out_egr_loop',
      100,
      `ip${v}.dst == ${r.external.addr} && outport == ${name} && ${here}`,
      `clone { ct_clear; inport = outport; outport = ""; flags = 0; flags.loopback = 1; ${clear}${REGBIT_EGRESS_LOOPBACK} = 1; next(pipeline=ingress, table=0); };`,
      src,
    );
  }
}

/**
 * A stateless rule (dnat_and_snat with options:stateless=true) rewrites addresses without
 * conntrack, both ways, by plain assignments.
 */
function stateless(r: Rule): boolean {
  return r.row.type === 'dnat_and_snat' && r.row.options?.stateless === 'true';
}

/** A NAT target address, with the rule's external_port_range if it has one ("IP,LO-HI"). */
function natTarget(r: Rule, ip: string): string {
  return r.row.external_port_range ? `${ip},${r.row.external_port_range}` : ip;
}

/** A logical IP or network as a match operand. */
function prefix(r: Rule): string {
  return r.logical.plen === (r.logical.family === 4 ? 32 : 128)
    ? r.logical.addr
    : `${r.logical.network}/${r.logical.plen}`;
}

/** Adds ARP replies for an address on a port, once per (port, address), not for router IPs. */
function arpAnswerer(input: RouterInput, sink: FlowSink) {
  const routerIps = new Set(
    input.ports.flatMap((p) => [...p.addresses.ipv4, ...p.addresses.ipv6].map((a) => a.addr)),
  );
  const done = new Set<string>();
  return (
    p: RouterPortInput,
    ip: string,
    priority: number,
    extra: string,
    src: { table: string; uuid: string },
  ) => {
    const key = `${p.row.name} ${ip}`;
    if (routerIps.has(ip) || done.has(key)) return;
    done.add(key);
    if (!ip.includes(':')) {
      sink.add(
        'lr_in_ip_input',
        priority,
        `inport == ${q(p.row.name)} && arp.op == 1 && arp.tpa == ${ip}${extra}`,
        ARP_REPLY,
        src,
      );
      return;
    }
    // IPv6: answer solicitations for the address, sent to it or its solicited-node group.
    sink.add(
      'lr_in_ip_input',
      priority,
      `inport == ${q(p.row.name)} && nd_ns && ip6.dst == {${ip}, ${solicitedNode(ip)}} && nd.target == ${ip}${extra}`,
      `nd_na { eth.src = ${REG_INPORT_ETH_ADDR}; ip6.src = ${ip}; nd.target = ${ip}; nd.tll = ${REG_INPORT_ETH_ADDR}; ` +
        'outport = inport; flags.loopback = 1; output; };',
      src,
    );
  };
}
