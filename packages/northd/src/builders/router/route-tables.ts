import type { RouterInput } from '../../inputs/inputs.js';
import type { FlowSink } from '../../lflow.js';
import { REG_ROUTE_TABLE_ID } from './registers.js';
import { portSource, q } from './util.js';

/**
 * Route table ids: 0 is the main table (routes with an empty route_table, ports without
 * options:route_table); named tables get 1, 2 … in name order, so ids do not depend on row order.
 */
export function routeTableIds(input: RouterInput): Map<string, number> {
  const names = new Set<string>();
  for (const p of input.ports) if (p.row.options?.route_table) names.add(p.row.options.route_table);
  for (const r of input.routes) if (r.route_table) names.add(r.route_table);
  const ids = new Map<string, number>([['', 0]]);
  for (const [i, n] of [...names].sort().entries()) ids.set(n, i + 1);
  return ids;
}

/**
 * lr_in_ip_routing_pre (ovn-northd(8) "IP Routing Pre"): a packet from a port with
 * options:route_table is routed with that table's static routes (reg7 = its id); others with the
 * main table's (reg7 = 0). Connected routes apply whatever the table.
 */
export function buildRoutingPre(input: RouterInput, sink: FlowSink): void {
  const ids = routeTableIds(input);
  for (const p of input.ports) {
    const table = p.row.options?.route_table;
    if (table)
      sink.add(
        'lr_in_ip_routing_pre',
        100,
        `inport == ${q(p.row.name)}`,
        `${REG_ROUTE_TABLE_ID} = ${ids.get(table)}; next;`,
        portSource(p),
      );
  }
  sink.add('lr_in_ip_routing_pre', 0, '1', `${REG_ROUTE_TABLE_ID} = 0; next;`);
}
