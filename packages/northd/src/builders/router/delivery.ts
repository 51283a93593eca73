import type { RouterInput } from '../../inputs/inputs.js';
import type { FlowSink } from '../../lflow.js';
import { enabledPorts, portSource, q } from './util.js';

/**
 * lr_out_delivery: output to enabled ports. A disabled port has no flow, so packets routed to it
 * are dropped by the table's default (OVN's logical tables drop what no flow matches).
 */
export function buildDelivery(input: RouterInput, sink: FlowSink): void {
  for (const p of enabledPorts(input.ports)) {
    sink.add('lr_out_delivery', 100, `outport == ${q(p.row.name)}`, 'output;', portSource(p));
  }
}
