import type { SwitchInput } from '../../inputs/inputs.js';
import type { FlowSink } from '../../lflow.js';
import {
  REG_ORIG_DIP_IPV4,
  REG_ORIG_DIP_IPV6,
  REG_ORIG_TP_DPORT,
  REGBIT_CONNTRACK_DEFRAG,
  REGBIT_CONNTRACK_NAT,
} from './registers.js';
import { switchFacts } from './switch-facts.js';

/**
 * Pre-stateful (ls_in_pre_stateful, ls_out_pre_stateful): acts on the hints of pre-ACL and
 * pre-LB. REGBIT_CONNTRACK_DEFRAG → ct_next (track, defragment); REGBIT_CONNTRACK_NAT →
 * ct_lb_mark (track and apply an established load-balancer DNAT), remembering the original
 * destination for hairpin handling. The NAT flows exist only where pre-LB can set the bit.
 */
export function buildPreStateful(input: SwitchInput, sink: FlowSink): void {
  for (const stage of ['ls_in_pre_stateful', 'ls_out_pre_stateful'] as const) {
    sink.add(stage, 0, '1', 'next;');
    sink.add(stage, 100, `${REGBIT_CONNTRACK_DEFRAG} == 1`, 'ct_next;');
  }
  if (!switchFacts(input).hasLbVip) return;
  for (const proto of ['tcp', 'udp', 'sctp']) {
    sink.add(
      'ls_in_pre_stateful',
      120,
      `${REGBIT_CONNTRACK_NAT} == 1 && ip4 && ${proto}`,
      `${REG_ORIG_DIP_IPV4} = ip4.dst; ${REG_ORIG_TP_DPORT} = ${proto}.dst; ct_lb_mark;`,
    );
    sink.add(
      'ls_in_pre_stateful',
      120,
      `${REGBIT_CONNTRACK_NAT} == 1 && ip6 && ${proto}`,
      `${REG_ORIG_DIP_IPV6} = ip6.dst; ${REG_ORIG_TP_DPORT} = ${proto}.dst; ct_lb_mark;`,
    );
  }
  sink.add('ls_in_pre_stateful', 110, `${REGBIT_CONNTRACK_NAT} == 1`, 'ct_lb_mark;');
  sink.add('ls_out_pre_stateful', 110, `${REGBIT_CONNTRACK_NAT} == 1`, 'ct_lb_mark;');
}
