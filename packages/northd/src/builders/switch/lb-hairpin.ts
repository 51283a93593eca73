import type { SwitchInput } from '../../inputs/inputs.js';
import type { FlowSink } from '../../lflow.js';
import { REGBIT_HAIRPIN, REGBIT_HAIRPIN_REPLY } from './registers.js';
import { switchFacts } from './switch-facts.js';

/**
 * Load-balancer hairpin (ls_in_pre_hairpin, ls_in_nat_hairpin, ls_in_hairpin): a backend that
 * reaches its own VIP is balanced back to itself. Its source is SNATed to the VIP so the reply
 * returns through conntrack, and such packets go straight back out of their inport.
 */
export function buildLbHairpin(input: SwitchInput, sink: FlowSink): void {
  sink.add('ls_in_pre_hairpin', 0, '1', 'next;');
  sink.add('ls_in_nat_hairpin', 0, '1', 'next;');
  sink.add('ls_in_hairpin', 0, '1', 'next;');
  if (!switchFacts(input).hasLbVip) return;
  sink.add(
    'ls_in_pre_hairpin',
    100,
    'ip && ct.trk',
    `${REGBIT_HAIRPIN} = chk_lb_hairpin(); ${REGBIT_HAIRPIN_REPLY} = chk_lb_hairpin_reply(); next;`,
  );
  // New hairpinned connections: SNAT to the VIP; established ones already have the SNAT entry.
  sink.add(
    'ls_in_nat_hairpin',
    100,
    `ip && ct.new && ct.trk && ${REGBIT_HAIRPIN} == 1`,
    'ct_snat_to_vip; next;',
  );
  sink.add(
    'ls_in_nat_hairpin',
    100,
    `ip && ct.est && ct.trk && ${REGBIT_HAIRPIN} == 1`,
    'ct_snat;',
  );
  // Replies of hairpinned connections: un-SNAT.
  sink.add('ls_in_nat_hairpin', 90, `ip && ${REGBIT_HAIRPIN_REPLY} == 1`, 'ct_snat;');
  sink.add(
    'ls_in_hairpin',
    1,
    `${REGBIT_HAIRPIN} == 1 || ${REGBIT_HAIRPIN_REPLY} == 1`,
    'eth.dst <-> eth.src; outport = inport; flags.loopback = 1; output;',
  );
}
