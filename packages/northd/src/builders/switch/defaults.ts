import type { SwitchInput } from '../../inputs/inputs.js';
import type { FlowSink } from '../../lflow.js';
import type { SwitchStage } from '../../stages.js';

/**
 * Stages of OVN's switch pipeline whose features ovn-ts does not build yet (QoS, DNS, external
 * ports). A logical table drops what it does not match, so each still needs its priority-0
 * pass-through for packets to traverse the pipeline.
 */
const PASS_THROUGH: readonly SwitchStage[] = [
  'ls_in_qos_mark',
  'ls_in_qos_meter',
  'ls_in_dns_lookup',
  'ls_in_dns_response',
  'ls_in_external_port',
  'ls_out_qos_mark',
  'ls_out_qos_meter',
];

export function buildPassThrough(_input: SwitchInput, sink: FlowSink): void {
  for (const stage of PASS_THROUGH) sink.add(stage, 0, '1', 'next;');
}
