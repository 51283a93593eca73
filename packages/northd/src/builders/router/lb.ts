import type { LoadBalancer } from '@ovn-ts/nb-db';
import type { RouterInput } from '../../inputs/inputs.js';
import type { FlowSink } from '../../lflow.js';
import { type LbVip, parseLbVip } from '../switch/lb-vip.js';
import { forceSnat } from './force-snat.js';
import { isGatewayRouter } from './nat-rules.js';
import { nextHopReg, REG_ORIG_TP_DPORT_ROUTER } from './registers.js';
import { crPort, gatewayPorts, q } from './util.js';

const LB = (lb: LoadBalancer) => ({ table: 'load_balancer', uuid: lb.uuid });

/** A router load balancer's usable VIPs (malformed ones reported on their row). */
export function routerVips(
  input: RouterInput,
  sink?: FlowSink,
): { lb: LoadBalancer; vip: LbVip }[] {
  const out: { lb: LoadBalancer; vip: LbVip }[] = [];
  for (const lb of [...input.loadBalancers].sort((a, b) => a.uuid.localeCompare(b.uuid))) {
    for (const [key, value] of Object.entries(lb.vips ?? {}).sort(([a], [b]) =>
      a < b ? -1 : a > b ? 1 : 0,
    )) {
      const vip = parseLbVip(key, value);
      if (typeof vip === 'string')
        sink?.report(LB(lb), `Load_Balancer ${lb.name || lb.uuid}: ${vip}`);
      else out.push({ lb, vip });
    }
  }
  return out;
}

/**
 * Load balancing (ovn-northd(8) "DEFRAG", "DNAT", "Gateway Redirect", "UNDNAT"), as OVN did
 * before its ct-extract stage: defrag keeps the VIP in reg0 (and the L4 port in reg9[16..31])
 * and sends the packet through ct_dnat, which un-NATs established connections; the DNAT stage
 * then load-balances new connections to a VIP (ct_lb_mark, 120 with a port, 110 without) and
 * passes established load-balanced ones (ct_mark.natted). A VIP without backends drops new
 * connections.
 *
 * On a gateway router, replies are un-DNATed by the general lr_out_undnat flow (nat.ts). On a
 * distributed router, load balancing happens where the (first) distributed gateway port's cr-
 * twin resides: the DNAT flows require is_chassis_resident(cr-GW), backends' traffic to GW is
 * redirected there (gw_redirect 200) and un-DNATed there (undnat 120).
 */
export function buildRouterLb(input: RouterInput, sink: FlowSink): void {
  if (!input.loadBalancers.length) return;
  const gw = isGatewayRouter(input) ? undefined : gatewayPorts(input)[0];
  if (!isGatewayRouter(input) && !gw) {
    for (const lb of input.loadBalancers) {
      sink.report(
        LB(lb),
        'load balancing on a distributed router needs a distributed gateway port (a port with gateway chassis)',
      );
    }
    return;
  }
  const here = gw ? ` && is_chassis_resident(${crPort(gw)})` : '';
  const fs = forceSnat(input).lb;
  const forcesLb = fs === 'router_ip' || fs.length > 0;
  let skipFlow = false;
  for (const { lb, vip } of routerVips(input, sink)) {
    const src = LB(lb);
    const v = vip.ip.family;
    const proto = lb.protocol ?? 'tcp';
    const reg = nextHopReg(v);
    const hash = lb.selection_fields?.length
      ? `; hash_fields=${JSON.stringify(lb.selection_fields.join(','))}`
      : '';
    // Load-balanced traffic may be told to skip SNAT or to leave with a forced source address.
    const flag =
      lb.options?.skip_snat === 'true'
        ? 'flags.skip_snat_for_lb = 1; '
        : forcesLb
          ? 'flags.force_snat_for_lb = 1; '
          : '';
    const lbAction = vip.backends.length
      ? `${flag}ct_lb_mark(backends=${vip.backends.join(',')}${hash});`
      : 'drop;';
    let m: string;
    let priority: number;
    if (vip.port !== undefined) {
      sink.add(
        'lr_in_defrag',
        110,
        `ip && ip${v}.dst == ${vip.ip.addr} && ${proto}`,
        `${reg} = ${vip.ip.addr}; ${REG_ORIG_TP_DPORT_ROUTER} = ${proto}.dst; ct_dnat;`,
        src,
      );
      m = `ip${v} && ${reg} == ${vip.ip.addr} && ${proto} && ${REG_ORIG_TP_DPORT_ROUTER} == ${vip.port}`;
      priority = 120;
    } else {
      sink.add(
        'lr_in_defrag',
        100,
        `ip && ip${v}.dst == ${vip.ip.addr}`,
        `${reg} = ${vip.ip.addr}; ct_dnat;`,
        src,
      );
      m = `ip${v} && ${reg} == ${vip.ip.addr}`;
      priority = 110;
    }
    sink.add('lr_in_dnat', priority, `ct.new && ${m}${here}`, lbAction, src);
    sink.add(
      'lr_in_dnat',
      priority,
      `ct.est && ${m} && ct_mark.natted == 1${here}`,
      `${flag}next;`,
      src,
    );
    if (flag.startsWith('flags.skip') && !skipFlow) {
      skipFlow = true;
      sink.add('lr_out_snat', 120, 'flags.skip_snat_for_lb == 1 && ip', 'next;', src);
    }
    if (gw && vip.backends.length) {
      // Backends' answers must be un-DNATed where the connection was DNATed: on the gateway.
      const fromBackends = vip.backends
        .map((b) => backend(b))
        .map((b) =>
          b.port === undefined
            ? `(ip${v}.src == ${b.ip})`
            : `(ip${v}.src == ${b.ip} && ${proto}.src == ${b.port})`,
        )
        .join(' || ');
      const name = q(gw.row.name);
      sink.add(
        'lr_in_gw_redirect',
        200,
        `ip${v} && (${fromBackends}) && outport == ${name}`,
        `outport = ${crPort(gw)}; next;`,
        src,
      );
      sink.add(
        'lr_out_undnat',
        120,
        `ip${v} && (${fromBackends}) && (inport == ${name} || outport == ${name})${here}`,
        'ct_dnat;',
        src,
      );
    }
  }
}

/** A backend as ct_lb_mark writes it ("10.0.0.3:80", "[fd00::3]:80", "10.0.0.3"), split. */
function backend(text: string): { ip: string; port?: number } {
  const v6 = /^\[(.+)\]:(\d+)$/.exec(text);
  if (v6) return { ip: v6[1]!, port: Number(v6[2]) };
  const v4 = /^([\d.]+):(\d+)$/.exec(text);
  if (v4) return { ip: v4[1]!, port: Number(v4[2]) };
  return { ip: text };
}
