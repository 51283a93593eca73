import type { SwitchInput, SwitchPortInput } from '../../inputs/inputs.js';
import type { FlowSink } from '../../lflow.js';
import { parseLportAddresses } from '../../net/addresses.js';
import { lspSource } from './port-security-addrs.js';
import { MC_FLOOD, MC_UNKNOWN, portKey } from './registers.js';
import { switchFacts } from './switch-facts.js';

/**
 * Destination lookup (ls_in_l2_lkup, ls_in_l2_unknown): broadcast and multicast frames flood to
 * every enabled port (_MC_flood); a frame to a known MAC (a port's static or dynamic address, a
 * router-type port's peer router MAC) goes to that port; any other destination is looked up in
 * the learnt FDB. What the FDB does not know either ("none") goes to the ports that take
 * unknown MACs (_MC_unknown), or is dropped when there are none.
 */
export function buildL2Lookup(input: SwitchInput, sink: FlowSink): void {
  sink.add('ls_in_l2_lkup', 70, 'eth.mcast', `outport = ${portKey(MC_FLOOD)}; output;`);
  sink.add('ls_in_l2_lkup', 0, '1', 'outport = get_fdb(eth.dst); next;');
  const hasLocalnet = input.ports.some((p) => p.row.type === 'localnet');
  for (const p of input.ports) {
    // External ports are reached through localnet ports.
    if (p.row.type === 'external') continue;
    const actions = `outport = ${portKey(p.row.name)}; output;`;
    // A distributed gateway port's MAC, seen from the physical network (through a localnet
    // port), belongs to the gateway chassis only: elsewhere the frame is not for this router.
    const resident =
      hasLocalnet && p.peer?.distributedGateway
        ? ` && is_chassis_resident(${portKey(`cr-${p.peer.row.name}`)})`
        : '';
    for (const mac of knownMacs(p)) {
      const peerMac = resident && mac === p.peer!.addresses.mac;
      sink.add(
        'ls_in_l2_lkup',
        50,
        `eth.dst == ${mac}${peerMac ? resident : ''}`,
        actions,
        lspSource(p),
      );
    }
  }
  sink.add(
    'ls_in_l2_unknown',
    50,
    'outport == "none"',
    switchFacts(input).hasUnknown ? `outport = ${portKey(MC_UNKNOWN)}; output;` : 'drop;',
  );
  sink.add('ls_in_l2_unknown', 0, '1', 'output;');
}

/** The port's MACs: static entries (for "router", the peer's), and an assigned dynamic MAC. */
function knownMacs(p: SwitchPortInput): string[] {
  const macs = p.addresses.map((a) => a.mac);
  const dynamicRequested = (p.row.addresses ?? []).some(
    (a) => a.startsWith('dynamic') || a.endsWith(' dynamic'),
  );
  if (dynamicRequested && p.row.dynamic_addresses) {
    const d = parseLportAddresses(p.row.dynamic_addresses);
    if (d) macs.push(d.mac);
  }
  // Two entries may share a MAC; one flow each is enough.
  return macs.length > 1 ? [...new Set(macs)] : macs;
}
