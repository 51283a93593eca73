// Shared by the router builder tests and the simulator tests: fixtures and a flow dump helper.
import { deriveRouter } from '../../inputs/derive.js';
import type { Diagnostic, LFlow } from '../../lflow.js';
import { compileFlow } from '../../sim/expr-bridge.js';
import type { Stage } from '../../stages.js';
import { formatFlows } from '../../testing/format-flows.js';
import { NbFixture } from '../../testing/nb-fixture.js';
import { buildDatapath } from '../build.js';

/**
 * Flows and diagnostics of router `name`. Every flow's match and actions must parse and validate
 * with the expression package (this throws, naming the flow, if one does not): so every golden
 * case also checks all the flows of its router, not only the stages it shows.
 */
export function routerFlows(
  f: NbFixture,
  name: string,
): { flows: LFlow[]; diagnostics: Diagnostic[] } {
  const input = deriveRouter(f.model, f.id(name));
  if (!input) throw new Error(`no router ${name}`);
  const built = buildDatapath(input);
  for (const flow of built.flows) compileFlow(flow);
  return built;
}

/** Golden text of router `name`'s flows in `stages`. */
export function routerGolden(f: NbFixture, name: string, stages: readonly Stage[]): string {
  return formatFlows(routerFlows(f, name).flows, { stages });
}

/**
 * The usual two-subnet topology: sw0 (10.0.0.0/24, vm1 10.0.0.2) and sw1 (20.0.0.0/24,
 * vm2 20.0.0.2) joined by lr0 through lrp0 (…:ff:01, 10.0.0.1) and lrp1 (…:ff:02, 20.0.0.1).
 */
export function twoSubnets(): NbFixture {
  const f = new NbFixture();
  f.switch('sw0');
  f.switch('sw1');
  f.router('lr0');
  f.routerPort('lr0', 'lrp0', '00:00:00:00:ff:01', ['10.0.0.1/24']);
  f.routerPort('lr0', 'lrp1', '00:00:00:00:ff:02', ['20.0.0.1/24']);
  f.connect('sw0', 'sw0-lr0', 'lrp0');
  f.connect('sw1', 'sw1-lr0', 'lrp1');
  f.port('sw0', 'vm1', { addresses: ['00:00:00:00:00:01 10.0.0.2'] });
  f.port('sw1', 'vm2', { addresses: ['00:00:00:00:00:02 20.0.0.2'] });
  return f;
}

/** Attaches a gateway chassis to router port `lrp`, making it a distributed gateway port. */
export function gatewayChassis(f: NbFixture, lrp: string, chassis: string, priority = 1): void {
  f.insert('gateway_chassis', {
    name: `${lrp}-${chassis}`,
    router_port_uuid: f.id(lrp),
    chassis_name: chassis,
    priority,
  });
}

/** Golden text: lines joined, for readable table-driven expectations. */
export const lines = (...ls: string[]): string => ls.join('\n');

/**
 * A gateway router gr0 (options:chassis=hv1): lrp-int (…:ff:01, 10.0.0.1/24) on sw0 with vm1
 * 10.0.0.2 and vm3 10.0.0.3, lrp-ext (…:ff:ee, 172.16.0.1/24) on ext with outside 172.16.0.50
 * and a catch-all port "upstream"; a default route via 172.16.0.254.
 */
export function gatewayRouter(): NbFixture {
  const f = new NbFixture();
  f.switch('sw0');
  f.switch('ext');
  f.router('gr0', { options: { chassis: 'hv1' } });
  f.routerPort('gr0', 'lrp-int', '00:00:00:00:ff:01', ['10.0.0.1/24']);
  f.routerPort('gr0', 'lrp-ext', '00:00:00:00:ff:ee', ['172.16.0.1/24']);
  f.connect('sw0', 'sw0-gr0', 'lrp-int');
  f.connect('ext', 'ext-gr0', 'lrp-ext');
  f.port('sw0', 'vm1', { addresses: ['00:00:00:00:00:01 10.0.0.2'] });
  f.port('sw0', 'vm3', { addresses: ['00:00:00:00:00:03 10.0.0.3'] });
  f.port('ext', 'outside', { addresses: ['00:00:00:00:00:50 172.16.0.50'] });
  f.route('gr0', '0.0.0.0/0', '172.16.0.254');
  return f;
}

/** Adds a NAT rule to router `lr`. */
export function nat(
  f: NbFixture,
  lr: string,
  type: 'snat' | 'dnat' | 'dnat_and_snat',
  external: string,
  logical: string,
) {
  return f.insert('nat', {
    router_uuid: f.id(lr),
    type,
    external_ip: external,
    logical_ip: logical,
  });
}
