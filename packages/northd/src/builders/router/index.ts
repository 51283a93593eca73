import type { RouterInput } from '../../inputs/inputs.js';
import type { FlowSink } from '../../lflow.js';
import { buildAdmission } from './admission.js';
import { buildArpRequest } from './arp-request.js';
import { buildArpResolve } from './arp-resolve.js';
import { buildDefaults } from './defaults.js';
import { buildDelivery } from './delivery.js';
import { buildForceSnat } from './force-snat.js';
import { buildGatewayMtu } from './gateway-mtu.js';
import { buildIpInput } from './ip-input.js';
import { buildRouterLb } from './lb.js';
import { buildNat } from './nat.js';
import { buildNeighbor } from './neighbor.js';
import { buildRoutingPre } from './route-tables.js';
import { buildRouting } from './routing.js';

export type RouterBuilder = (input: RouterInput, sink: FlowSink) => void;

/**
 * A disabled router (enabled=false) forwards nothing: OVN gives it no datapath, so no flows.
 */
const whenEnabled =
  (build: RouterBuilder): RouterBuilder =>
  (input, sink) => {
    if (input.row.enabled !== false) build(input, sink);
  };

/** The router pipeline, one builder per feature, each in its own file. */
export const ROUTER_BUILDERS: ReadonlyArray<readonly [name: string, build: RouterBuilder]> = (
  [
    ['lr-admission', buildAdmission],
    ['lr-neighbor', buildNeighbor],
    ['lr-ip-input', buildIpInput],
    ['lr-nat', buildNat],
    ['lr-lb', buildRouterLb],
    ['lr-force-snat', buildForceSnat],
    ['lr-routing-pre', buildRoutingPre],
    ['lr-routing', buildRouting],
    ['lr-arp-resolve', buildArpResolve],
    ['lr-gateway-mtu', buildGatewayMtu],
    ['lr-arp-request', buildArpRequest],
    ['lr-delivery', buildDelivery],
    ['lr-defaults', buildDefaults],
  ] as const
).map(([name, build]) => [name, whenEnabled(build)] as const);
