import type { SwitchInput } from '../../inputs/inputs.js';
import type { FlowSink } from '../../lflow.js';
import {
  REGBIT_ACL_HINT_ALLOW,
  REGBIT_ACL_HINT_ALLOW_NEW,
  REGBIT_ACL_HINT_BLOCK,
  REGBIT_ACL_HINT_DROP,
} from './registers.js';
import { switchFacts } from './switch-facts.js';

const set = (...bits: string[]) => `${bits.map((b) => `${b} = 1; `).join('')}next;`;

/**
 * ACL hints (ls_in_acl_hint, ls_out_acl_hint): classify the packet's conntrack state once, so
 * each ACL's flows test one register bit instead of repeating conntrack conditions. A packet may
 * get several hints. Only stateful switches need them; elsewhere the stage just passes.
 */
export function buildAclHints(input: SwitchInput, sink: FlowSink): void {
  const facts = switchFacts(input);
  for (const stage of ['ls_in_acl_hint', 'ls_out_acl_hint'] as const) {
    if (!facts.hasAcls && !facts.hasLbVip) sink.add(stage, 65535, '1', 'next;');
    else sink.add(stage, 0, '1', 'next;');
    if (!facts.stateful) continue;
    // A new connection may meet an allow ACL (then commit it) or a drop ACL.
    sink.add(stage, 7, 'ct.new && !ct.est', set(REGBIT_ACL_HINT_ALLOW_NEW, REGBIT_ACL_HINT_DROP));
    // A request of a blocked connection: an allow ACL re-admits (re-commits) it, or it drops.
    sink.add(
      stage,
      6,
      '!ct.new && ct.est && !ct.rpl && ct_mark.blocked == 1',
      set(REGBIT_ACL_HINT_ALLOW_NEW, REGBIT_ACL_HINT_DROP),
    );
    // Untracked traffic (e.g. conntrack was skipped) is simply allowed or dropped.
    sink.add(stage, 5, '!ct.trk', set(REGBIT_ACL_HINT_ALLOW, REGBIT_ACL_HINT_DROP));
    // A request of an allowed connection: allowed as is, or a drop ACL must mark it blocked.
    sink.add(
      stage,
      4,
      '!ct.new && ct.est && !ct.rpl && ct_mark.blocked == 0',
      set(REGBIT_ACL_HINT_ALLOW, REGBIT_ACL_HINT_BLOCK),
    );
    sink.add(stage, 3, '!ct.est', set(REGBIT_ACL_HINT_DROP));
    sink.add(stage, 2, 'ct.est && ct_mark.blocked == 1', set(REGBIT_ACL_HINT_DROP));
    sink.add(stage, 1, 'ct.est && ct_mark.blocked == 0', set(REGBIT_ACL_HINT_BLOCK));
  }
}
