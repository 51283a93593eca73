import type { RouterInput } from '../../inputs/inputs.js';
import type { FlowSink } from '../../lflow.js';
import { type IpAddress, parseIp } from '../../net/addresses.js';
import { builtNats, isGatewayRouter } from './nat-rules.js';
import { portSource, q } from './util.js';

/** The first IPv4 and first IPv6 address of a space-separated option value (OVN's parsing). */
function forceSnatAddrs(value: string | undefined): IpAddress[] {
  const out: IpAddress[] = [];
  for (const token of (value ?? '').split(/\s+/)) {
    const ip = parseIp(token);
    if (ip && ip.plen === (ip.family === 4 ? 32 : 128) && !out.some((a) => a.family === ip.family))
      out.push(ip);
  }
  return out;
}

/** The gateway router's force-SNAT settings: what DNATed / load-balanced traffic leaves as. */
export function forceSnat(input: RouterInput): {
  dnat: IpAddress[];
  lb: IpAddress[] | 'router_ip';
} {
  if (!isGatewayRouter(input)) return { dnat: [], lb: [] };
  const lb = input.row.options?.lb_force_snat_ip;
  return {
    dnat: forceSnatAddrs(input.row.options?.dnat_force_snat_ip),
    lb: lb === 'router_ip' ? 'router_ip' : forceSnatAddrs(lb),
  };
}

/**
 * Force SNAT on gateway routers (options:dnat_force_snat_ip, lb_force_snat_ip): traffic that was
 * DNATed (flags.force_snat_for_dnat) or load balanced (flags.force_snat_for_lb) also leaves with
 * the given source address (egress SNAT 100), and replies to that address are unSNATed (110).
 * With lb_force_snat_ip=router_ip, the source is the first address of the outgoing port (110).
 * The DNAT and load balancing flows set the flags (nat.ts, lb.ts).
 */
export function buildForceSnat(input: RouterInput, sink: FlowSink): void {
  const { dnat, lb } = forceSnat(input);
  const byAddress = (addrs: IpAddress[], context: 'dnat' | 'lb') => {
    for (const a of addrs) {
      sink.add('lr_in_unsnat', 110, `ip${a.family} && ip${a.family}.dst == ${a.addr}`, 'ct_snat;');
      sink.add(
        'lr_out_snat',
        100,
        `flags.force_snat_for_${context} == 1 && ip${a.family}`,
        `ct_snat(${a.addr});`,
      );
    }
  };
  byAddress(dnat, 'dnat');
  if (lb !== 'router_ip') {
    byAddress(lb, 'lb');
    return;
  }
  for (const p of input.ports) {
    // Only ports that lead somewhere; the link-local address never serves.
    if (!p.peerSwitch && !p.peerRouterPort) continue;
    for (const a of [p.addresses.ipv4[0], p.addresses.ipv6[0]]) {
      if (!a) continue;
      const v = a.family;
      sink.add(
        'lr_in_unsnat',
        110,
        `inport == ${q(p.row.name)} && ip${v}.dst == ${a.addr}`,
        'ct_snat;',
        portSource(p),
      );
      sink.add(
        'lr_out_snat',
        110,
        `flags.force_snat_for_lb == 1 && ip${v} && outport == ${q(p.row.name)}`,
        `ct_snat(${a.addr});`,
        portSource(p),
      );
    }
  }
}

/**
 * Addresses the router SNATs to: NAT rules' external IPs (snat, dnat_and_snat) and the force-SNAT
 * addresses (router port addresses with lb_force_snat_ip=router_ip). Traffic to them may be a
 * reply to unSNAT, so ip_input does not drop it even when it is a router address.
 */
export function snatIps(input: RouterInput): Set<string> {
  const out = new Set(
    builtNats(input)
      .filter((r) => r.row.type !== 'dnat')
      .map((r) => r.external.addr),
  );
  const { dnat, lb } = forceSnat(input);
  for (const a of dnat) out.add(a.addr);
  if (lb === 'router_ip') {
    for (const p of input.ports) {
      if (!p.peerSwitch && !p.peerRouterPort) continue;
      for (const a of [p.addresses.ipv4[0], p.addresses.ipv6[0]]) if (a) out.add(a.addr);
    }
  } else for (const a of lb) out.add(a.addr);
  return out;
}
