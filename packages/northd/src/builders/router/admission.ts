import type { RouterInput } from '../../inputs/inputs.js';
import type { FlowSink } from '../../lflow.js';
import { pktLargerCheck } from './gateway-mtu.js';
import { REG_INPORT_ETH_ADDR } from './registers.js';
import { crPort, enabledPorts, isGatewayPort, portSource, q } from './util.js';

/**
 * lr_in_admission (ovn-northd(8) "L2 Admission Control"): drop VLAN-tagged frames and multicast
 * sources; per enabled port, accept multicast and frames to the port's own MAC, remembering that
 * MAC in REG_INPORT_ETH_ADDR for ARP/ND replies later (and, with options:gateway_mtu, measuring
 * unicast frames). Everything else (including all traffic of
 * disabled ports) falls to the priority-0 drop.
 */
export function buildAdmission(input: RouterInput, sink: FlowSink): void {
  sink.add('lr_in_admission', 100, 'vlan.present || eth.src[40]', 'drop;');
  for (const p of enabledPorts(input.ports)) {
    const actions = `${REG_INPORT_ETH_ADDR} = ${p.addresses.mac}; next;`;
    sink.add(
      'lr_in_admission',
      50,
      `eth.mcast && inport == ${q(p.row.name)}`,
      actions,
      portSource(p),
    );
    // A gateway port's MAC lives on the gateway chassis only: frames to it are taken there.
    const resident = isGatewayPort(input, p) ? ` && is_chassis_resident(${crPort(p)})` : '';
    // Unicast on a port with options:gateway_mtu is also measured (gateway-mtu.ts).
    sink.add(
      'lr_in_admission',
      50,
      `eth.dst == ${p.addresses.mac} && inport == ${q(p.row.name)}${resident}`,
      `${pktLargerCheck(p)}${actions}`,
      portSource(p),
    );
  }
  sink.add('lr_in_admission', 0, '1', 'drop;');
}
