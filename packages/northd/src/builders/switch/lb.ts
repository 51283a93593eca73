import type { LoadBalancer } from '@ovn-ts/nb-db';
import type { SwitchInput } from '../../inputs/inputs.js';
import type { FlowSink } from '../../lflow.js';
import { stageTable } from '../../stages.js';
import { parseLbVip } from './lb-vip.js';
import {
  REG_ORIG_DIP_IPV4,
  REG_ORIG_DIP_IPV6,
  REG_ORIG_TP_DPORT,
  REGBIT_CONNTRACK_COMMIT,
} from './registers.js';

/**
 * Load balancing (ls_in_lb): a new connection to a VIP (with its L4 port: priority 120; IP
 * only: 110) is DNATed by conntrack to one of the backends (ct_lb_mark). The original
 * destination is kept in registers for hairpin handling, and the ACL stage's commit request is
 * cleared because ct_lb_mark commits the connection itself. Established load-balanced traffic
 * is (un)DNATed earlier, by pre-stateful. A VIP without backends drops, or rejects with
 * options:reject=true. A malformed VIP is reported on its Load_Balancer row and left out.
 */
export function buildLoadBalancing(input: SwitchInput, sink: FlowSink): void {
  sink.add('ls_in_lb', 0, '1', 'next;');
  for (const lb of input.loadBalancers) buildLb(lb, sink);
}

function buildLb(lb: LoadBalancer, sink: FlowSink): void {
  const src = { table: 'load_balancer', uuid: lb.uuid };
  const proto = lb.protocol ?? 'tcp';
  const hash = lb.selection_fields?.length
    ? `; hash_fields=${JSON.stringify(lb.selection_fields.join(','))}`
    : '';
  for (const [key, value] of Object.entries(lb.vips ?? {}).sort(([a], [b]) =>
    a < b ? -1 : a > b ? 1 : 0,
  )) {
    const vip = parseLbVip(key, value);
    if (typeof vip === 'string') {
      sink.report(src, `Load_Balancer ${lb.name || lb.uuid}: ${vip}`);
      continue;
    }
    const v4 = vip.ip.family === 4;
    let actions = `${REGBIT_CONNTRACK_COMMIT} = 0; ${v4 ? REG_ORIG_DIP_IPV4 : REG_ORIG_DIP_IPV6} = ${vip.ip.addr}; `;
    let match = `ct.new && ${v4 ? 'ip4' : 'ip6'}.dst == ${vip.ip.addr}`;
    if (vip.port !== undefined) {
      actions += `${REG_ORIG_TP_DPORT} = ${vip.port}; `;
      match += ` && ${proto}.dst == ${vip.port}`;
    }
    if (vip.backends.length) {
      actions += `ct_lb_mark(backends=${vip.backends.join(',')}${hash});`;
    } else if (lb.options?.reject === 'true') {
      // As an ingress ACL reject: answer from the egress pipeline, QoS on.
      actions = `reg0 = 0; reject { outport <-> inport; next(pipeline=egress,table=${stageTable('ls_out_qos_mark')}); };`;
    } else {
      actions = 'drop;';
    }
    sink.add('ls_in_lb', vip.port !== undefined ? 120 : 110, match, actions, src);
  }
}
