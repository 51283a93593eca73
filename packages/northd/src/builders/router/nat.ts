import type { RouterInput } from '../../inputs/inputs.js';
import type { FlowSink } from '../../lflow.js';
import { REG_INPORT_ETH_ADDR } from './registers.js';
import { routerVips } from './lb.js';
import { builtNats, isGatewayRouter, natRules } from './nat-rules.js';
import { enabledPorts, q } from './util.js';

const NAT = (uuid: string) => ({ table: 'nat', uuid });

/**
 * NAT on gateway routers (ovn-northd(8) "UNSNAT/DNAT on Gateway Routers", "UNDNAT", "SNAT"),
 * all in the router's conntrack zones on its chassis:
 *   lr_in_unsnat (90)    replies to SNATed traffic: ct_snat; undoes the SNAT
 *   lr_in_dnat (100)     traffic to a dnat external IP: ct_dnat(logical IP)
 *   lr_out_undnat (50)   replies from DNATed hosts: ct_dnat; undoes the DNAT
 *   lr_out_post_undnat   commits new connections, so their replies are recognised
 *   lr_out_snat          traffic from a logical IP/network: ct_snat(external IP), longer
 *                        logical prefixes first (priority = prefix length + 1)
 * and ARP replies for the external IPs and load balancer VIPs on every port (ip_input 90); the
 * egress flows serve load balancing too (lb.ts). Distributed routers' NAT (through a gateway
 * port) is not built yet: such rules are reported.
 */
export function buildNat(input: RouterInput, sink: FlowSink): void {
  if (!isGatewayRouter(input)) {
    for (const r of natRules(input)) sink.report(NAT(r.row.uuid), 'NAT on distributed routers is not supported yet (set options:chassis for a gateway router)');
    return;
  }
  for (const r of natRules(input)) if (!r.ok) sink.report(NAT(r.row.uuid), r.problem);
  const rules = builtNats(input);
  const vips = routerVips(input);
  if (!rules.length && !vips.length) return;

  const unsnat = new Set<string>();
  const arp = new Set<string>();
  const routerIps = new Set(input.ports.flatMap((p) => [...p.addresses.ipv4, ...p.addresses.ipv6].map((a) => a.addr)));
  const answerArp = (ip: string, src: { table: string; uuid: string }) => {
    if (routerIps.has(ip) || arp.has(ip)) return;
    arp.add(ip);
    for (const p of enabledPorts(input.ports)) {
      sink.add(
        'lr_in_ip_input',
        90,
        `inport == ${q(p.row.name)} && arp.op == 1 && arp.tpa == ${ip}`,
        `eth.dst = eth.src; eth.src = ${REG_INPORT_ETH_ADDR}; arp.op = 2; arp.tha = arp.sha; ` +
          `arp.sha = ${REG_INPORT_ETH_ADDR}; arp.tpa <-> arp.spa; outport = inport; flags.loopback = 1; output;`,
        src,
      );
    }
  };
  for (const r of rules) {
    const v = r.external.family;
    const src = NAT(r.row.uuid);
    if (r.row.type !== 'dnat' && !unsnat.has(r.external.addr)) {
      unsnat.add(r.external.addr);
      sink.add('lr_in_unsnat', 90, `ip && ip${v}.dst == ${r.external.addr}`, 'ct_snat;', src);
    }
    if (r.row.type !== 'snat') {
      // The router may send the packet back out of the port it came in on.
      sink.add('lr_in_dnat', 100, `ip && ip${v}.dst == ${r.external.addr}`, `flags.loopback = 1; ct_dnat(${r.logical.addr});`, src);
    }
    if (r.row.type !== 'dnat') {
      sink.add(
        'lr_out_snat',
        r.logical.plen + 1,
        `ip && ip${v}.src == ${r.logical.network}${r.logical.plen === (v === 4 ? 32 : 128) ? '' : `/${r.logical.plen}`} && (!ct.trk || !ct.rpl)`,
        `ct_snat(${r.external.addr});`,
        src,
      );
    }
    // Answer ARP for external IPv4 addresses that are not the router's own (those are answered
    // already), on every port.
    if (v === 4) answerArp(r.external.addr, src);
  }
  // The same for load balancer VIPs.
  for (const { lb, vip } of vips) if (vip.ip.family === 4) answerArp(vip.ip.addr, { table: 'load_balancer', uuid: lb.uuid });
  // ND and RS/RA are the router's own business, never NATed.
  sink.add('lr_out_undnat', 100, 'nd || nd_rs || nd_ra', 'next;');
  sink.add('lr_out_undnat', 50, 'ip', 'flags.loopback = 1; ct_dnat;');
  sink.add('lr_out_post_undnat', 50, 'ip && ct.new', 'ct_commit { }; next;');
  sink.add('lr_out_snat', 120, 'nd_ns', 'next;');
}
