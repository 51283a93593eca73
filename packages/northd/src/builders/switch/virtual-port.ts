import type { SwitchInput } from '../../inputs/inputs.js';
import type { FlowSink } from '../../lflow.js';
import { parseIp, solicitedNode } from '../../net/addresses.js';
import { portKey } from './registers.js';

/**
 * Virtual ports (ls_in_arp_rsp, priority 100): a "virtual" port V owns options:virtual-ip, which
 * one of its options:virtual-parents claims at a time (e.g. keepalived's VIP). When a parent
 * announces the VIP (gratuitous ARP, an ARP reply from it, a neighbour solicitation or
 * advertisement for it), bind_vport binds V to that parent's chassis; the packet goes on.
 * Parents must be ports of the same switch; a malformed VIP gives no flows (as OVN).
 */
export function buildVirtualPorts(input: SwitchInput, sink: FlowSink): void {
  let names: Set<string> | undefined;
  for (const v of input.ports) {
    if (v.row.type !== 'virtual') continue;
    const vipText = v.row.options?.['virtual-ip'];
    const parents = v.row.options?.['virtual-parents'];
    const vip = vipText ? parseIp(vipText) : undefined;
    if (!vip || vipText!.includes('/') || !parents) continue;
    names ??= new Set(input.ports.map((p) => p.row.name));
    const src = { table: 'logical_switch_port', uuid: v.row.uuid };
    const announce =
      vip.family === 4
        ? `((arp.op == 1 && arp.spa == ${vip.addr} && arp.tpa == ${vip.addr}) || (arp.op == 2 && arp.spa == ${vip.addr}))`
        : `((nd_ns && ip6.dst == {${vip.addr}, ${solicitedNode(vip.addr)}} && nd.target == ${vip.addr}) || (nd_na && nd.target == ${vip.addr}))`;
    for (const parent of parents.split(',').map((s) => s.trim())) {
      if (!names.has(parent)) continue;
      sink.add(
        'ls_in_arp_rsp',
        100,
        `inport == ${portKey(parent)} && ${announce}`,
        `bind_vport(${portKey(v.row.name)}, inport); next;`,
        src,
      );
    }
  }
}
