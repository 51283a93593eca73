import type { LoadBalancer } from '@ovn-ts/nb-db';
import type { RouterInput } from '../../inputs/inputs.js';
import type { FlowSink } from '../../lflow.js';
import { type LbVip, parseLbVip } from '../switch/lb-vip.js';
import { isGatewayRouter } from './nat-rules.js';
import { nextHopReg } from './registers.js';

/** Where defrag keeps the VIP's L4 port before ct_dnat rewrites it (OVN's REG_ORIG_TP_DPORT_ROUTER). */
export const REG_ORIG_TP_DPORT_ROUTER = 'reg9[16..31]';

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
 * Load balancing on gateway routers (ovn-northd(8) "DEFRAG", "DNAT"), as OVN did before its
 * ct-extract stage: defrag keeps the VIP in reg0 (and the L4 port in reg9[16..31]) and sends the
 * packet through ct_dnat, which un-NATs established connections; the DNAT stage then
 * load-balances new connections to a VIP (ct_lb_mark, 120 with a port, 110 without) and passes
 * established load-balanced ones (ct_mark.natted). Replies are un-DNATed in lr_out_undnat (see
 * nat.ts). A VIP without backends drops new connections. Distributed routers' load balancing
 * (through a gateway port) is not built yet.
 */
export function buildRouterLb(input: RouterInput, sink: FlowSink): void {
  if (!input.loadBalancers.length) return;
  if (!isGatewayRouter(input)) {
    for (const lb of input.loadBalancers)
      sink.report(
        LB(lb),
        'load balancing on distributed routers is not supported yet (set options:chassis for a gateway router)',
      );
    return;
  }
  for (const { lb, vip } of routerVips(input, sink)) {
    const src = LB(lb);
    const v = vip.ip.family;
    const proto = lb.protocol ?? 'tcp';
    const reg = nextHopReg(v);
    const hash = lb.selection_fields?.length
      ? `; hash_fields=${JSON.stringify(lb.selection_fields.join(','))}`
      : '';
    const lbAction = vip.backends.length
      ? `ct_lb_mark(backends=${vip.backends.join(',')}${hash});`
      : 'drop;';
    if (vip.port !== undefined) {
      sink.add(
        'lr_in_defrag',
        110,
        `ip && ip${v}.dst == ${vip.ip.addr} && ${proto}`,
        `${reg} = ${vip.ip.addr}; ${REG_ORIG_TP_DPORT_ROUTER} = ${proto}.dst; ct_dnat;`,
        src,
      );
      const m = `ip${v} && ${reg} == ${vip.ip.addr} && ${proto} && ${REG_ORIG_TP_DPORT_ROUTER} == ${vip.port}`;
      sink.add('lr_in_dnat', 120, `ct.new && ${m}`, lbAction, src);
      sink.add('lr_in_dnat', 120, `ct.est && ${m} && ct_mark.natted == 1`, 'next;', src);
    } else {
      sink.add(
        'lr_in_defrag',
        100,
        `ip && ip${v}.dst == ${vip.ip.addr}`,
        `${reg} = ${vip.ip.addr}; ct_dnat;`,
        src,
      );
      const m = `ip${v} && ${reg} == ${vip.ip.addr}`;
      sink.add('lr_in_dnat', 110, `ct.new && ${m}`, lbAction, src);
      sink.add('lr_in_dnat', 110, `ct.est && ${m} && ct_mark.natted == 1`, 'next;', src);
    }
  }
}
