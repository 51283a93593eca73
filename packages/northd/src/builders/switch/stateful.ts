import type { SwitchInput } from '../../inputs/inputs.js';
import type { FlowSink } from '../../lflow.js';
import { REG_LABEL, REGBIT_ACL_LABEL, REGBIT_CONNTRACK_COMMIT } from './registers.js';

/**
 * Stateful (ls_in_stateful, ls_out_stateful): commits the connections the ACL stage allowed
 * (REGBIT_CONNTRACK_COMMIT). Anything that gets this far is allowed, so the commit always clears
 * ct_mark.blocked; with an ACL label (REGBIT_ACL_LABEL) the label is stored in ct_label.label.
 * The flows cost nothing on switches where no ACL sets the bit, so they are always present.
 */
export function buildStateful(_input: SwitchInput, sink: FlowSink): void {
  for (const stage of ['ls_in_stateful', 'ls_out_stateful'] as const) {
    sink.add(stage, 0, '1', 'next;');
    sink.add(
      stage,
      100,
      `${REGBIT_CONNTRACK_COMMIT} == 1 && ${REGBIT_ACL_LABEL} == 1`,
      `ct_commit { ct_mark.blocked = 0; ct_label.label = ${REG_LABEL}; }; next;`,
    );
    sink.add(
      stage,
      100,
      `${REGBIT_CONNTRACK_COMMIT} == 1 && ${REGBIT_ACL_LABEL} == 0`,
      'ct_commit { ct_mark.blocked = 0; }; next;',
    );
  }
}
