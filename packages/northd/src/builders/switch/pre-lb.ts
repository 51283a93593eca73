import type { SwitchInput } from '../../inputs/inputs.js';
import type { FlowSink } from '../../lflow.js';
import { lspSource } from './port-security-addrs.js';
import { portKey, REGBIT_CONNTRACK_NAT } from './registers.js';
import { switchFacts } from './switch-facts.js';

/**
 * Pre-LB (ls_in_pre_lb, ls_out_pre_lb): with a load balancer VIP on the switch, all IP traffic
 * is marked for conntrack through ct_lb_mark (REGBIT_CONNTRACK_NAT), so that established
 * load-balanced connections are (un)DNATed and invalid replies can be recognised. Multicast,
 * ND/MLD and router/localnet port traffic never go to conntrack here.
 */
export function buildPreLb(input: SwitchInput, sink: FlowSink): void {
  for (const stage of ['ls_in_pre_lb', 'ls_out_pre_lb'] as const) {
    sink.add(stage, 0, '1', 'next;');
    sink.add(stage, 110, 'eth.mcast', 'next;');
    sink.add(stage, 110, 'nd || nd_rs || nd_ra || mldv1 || mldv2', 'next;');
  }
  const facts = switchFacts(input);
  for (const p of facts.ctSkipPorts) {
    const key = portKey(p.row.name);
    sink.add('ls_in_pre_lb', 110, `ip && inport == ${key}`, 'next;', lspSource(p));
    sink.add('ls_out_pre_lb', 110, `ip && outport == ${key}`, 'next;', lspSource(p));
  }
  if (facts.hasLbVip) {
    sink.add('ls_in_pre_lb', 100, 'ip', `${REGBIT_CONNTRACK_NAT} = 1; next;`);
    sink.add('ls_out_pre_lb', 100, 'ip', `${REGBIT_CONNTRACK_NAT} = 1; next;`);
  }
}
