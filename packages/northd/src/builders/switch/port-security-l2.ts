import type { SwitchInput } from '../../inputs/inputs.js';
import type { FlowSink } from '../../lflow.js';
import { stageTable } from '../../stages.js';
import { lspSource, macSet } from './port-security-addrs.js';
import { portKey } from './registers.js';
import { effectivePortSecurity } from './switch-facts.js';

/**
 * Admission control and L2 port security (ls_in_port_sec_l2, ls_out_port_sec_l2).
 *
 * Ingress: frames with a VLAN tag or a multicast source are dropped outright; each enabled port
 * admits frames from its own inport (and, with port security, only its listed eth.src); a
 * disabled port's frames are dropped. Egress: broadcast/multicast is delivered to every enabled
 * port, unicast to a port only for its listed eth.dst, and nothing at all to a disabled port.
 * Everything else misses the table and is dropped (logical tables drop by default).
 */
export function buildPortSecurityL2(input: SwitchInput, sink: FlowSink): void {
  // other_config:vlan-passthru lets tagged frames through (the switch is VLAN-transparent).
  if (input.row.other_config?.['vlan-passthru'] !== 'true') {
    sink.add('ls_in_port_sec_l2', 100, 'vlan.present', 'drop;');
  }
  sink.add('ls_in_port_sec_l2', 100, 'eth.src[40]', 'drop;');
  sink.add('ls_out_port_sec_l2', 100, 'eth.mcast', 'output;');

  // VTEP (RAMP) traffic is subject to ACLs in egress only: skip straight to L2 lookup.
  const toL2Lookup = `next(pipeline=ingress, table=${stageTable('ls_in_l2_lkup')});`;
  for (const p of input.ports) {
    // External ports are reached through localnet ports, never directly.
    if (p.row.type === 'external') continue;
    const key = portKey(p.row.name);
    const src = lspSource(p);
    if (!p.enabled) {
      // Explicit (not just a table miss) so traces name the reason; priority 150 egress
      // overrides the multicast flow so a disabled port receives no flooded frames either.
      sink.add('ls_in_port_sec_l2', 100, `inport == ${key}`, 'drop;', src);
      sink.add('ls_out_port_sec_l2', 150, `outport == ${key}`, 'drop;', src);
      continue;
    }
    const macs = effectivePortSecurity(p).map((ps) => ps.mac);
    const inMatch = macs.length
      ? `inport == ${key} && eth.src == ${macSet(macs)}`
      : `inport == ${key}`;
    const outMatch = macs.length
      ? `outport == ${key} && eth.dst == ${macSet(macs)}`
      : `outport == ${key}`;
    sink.add('ls_in_port_sec_l2', 50, inMatch, p.row.type === 'vtep' ? toL2Lookup : 'next;', src);
    sink.add('ls_out_port_sec_l2', 50, outMatch, 'output;', src);
  }
}
