import type { SwitchInput } from '../../inputs/inputs.js';
import type { FlowSink } from '../../lflow.js';
import { linkLocalFromMac } from '../../net/addresses.js';
import { allowedIp, lspSource, valueSet } from './port-security-addrs.js';
import { portKey } from './registers.js';
import { effectivePortSecurity } from './switch-facts.js';

/**
 * Neighbour discovery port security (ls_in_port_sec_nd): a port with port security may only
 * announce its own bindings. Per entry "MAC IP…": ARP with that eth.src and arp.sha (and, with
 * IPv4 addresses, a listed arp.spa), and IPv6 NS/NA whose link-layer option is absent (zero) or
 * that MAC (and, with IPv6 addresses, an NA target among them or the link-local address) pass at
 * priority 90; any other ARP/ND from the port is dropped at priority 80.
 */
export function buildPortSecurityNd(input: SwitchInput, sink: FlowSink): void {
  sink.add('ls_in_port_sec_nd', 0, '1', 'next;');
  for (const p of input.ports) {
    const entries = effectivePortSecurity(p);
    if (!p.enabled || !entries.length) continue;
    const key = portKey(p.row.name);
    const src = lspSource(p);
    for (const ps of entries) {
      const noIp = !ps.ipv4.length && !ps.ipv6.length;
      if (ps.ipv4.length || noIp) {
        let m = `inport == ${key} && eth.src == ${ps.mac} && arp.sha == ${ps.mac}`;
        if (ps.ipv4.length) m += ` && arp.spa == ${valueSet(ps.ipv4.map(allowedIp))}`;
        sink.add('ls_in_port_sec_nd', 90, m, 'next;', src);
      }
      if (ps.ipv6.length || noIp) {
        const zero = '00:00:00:00:00:00';
        let m =
          `inport == ${key} && eth.src == ${ps.mac} && ip6 && nd && ` +
          `((nd.sll == ${zero} || nd.sll == ${ps.mac}) || ((nd.tll == ${zero} || nd.tll == ${ps.mac})`;
        if (ps.ipv6.length) {
          const targets = [linkLocalFromMac(ps.mac), ...ps.ipv6.map(allowedIp)];
          m += ` && (${targets.map((t) => `nd.target == ${t}`).join(' || ')})`;
        }
        m += '))';
        sink.add('ls_in_port_sec_nd', 90, m, 'next;', src);
      }
    }
    sink.add('ls_in_port_sec_nd', 80, `inport == ${key} && (arp || nd)`, 'drop;', src);
  }
}
