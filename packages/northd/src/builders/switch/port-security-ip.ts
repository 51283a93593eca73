import type { SwitchInput, SwitchPortInput } from '../../inputs/inputs.js';
import type { FlowSink } from '../../lflow.js';
import { linkLocalFromMac } from '../../net/addresses.js';
import { allowedIp, isHostInSubnet, lspSource, valueSet } from './port-security-addrs.js';
import { portKey } from './registers.js';
import { effectivePortSecurity } from './switch-facts.js';

/**
 * IP port security (ls_in_port_sec_ip, ls_out_port_sec_ip), for port-security entries that list
 * IP addresses. Per entry "MAC IP…": IPv4/IPv6 from (to) that MAC is allowed only with a listed
 * source (destination) address (priority 90), any other IP from (to) that MAC is dropped
 * (priority 80). Ingress also lets through the two exchanges a host makes before it has an
 * address: DHCP discovery from 0.0.0.0 and duplicate address detection from ::. Egress also
 * delivers broadcast and multicast destinations. Entries with a MAC only leave IP alone.
 */
export function buildPortSecurityIp(input: SwitchInput, sink: FlowSink): void {
  sink.add('ls_in_port_sec_ip', 0, '1', 'next;');
  sink.add('ls_out_port_sec_ip', 0, '1', 'next;');
  for (const p of input.ports) {
    // Disabled ports never get this far (dropped in the L2 stages).
    if (!p.enabled) continue;
    ingress(p, sink);
    egress(p, sink);
  }
}

function ingress(p: SwitchPortInput, sink: FlowSink): void {
  const key = portKey(p.row.name);
  const src = lspSource(p);
  for (const ps of effectivePortSecurity(p)) {
    if (!ps.ipv4.length && !ps.ipv6.length) continue;
    const base = `inport == ${key} && eth.src == ${ps.mac}`;
    if (ps.ipv4.length) {
      sink.add(
        'ls_in_port_sec_ip',
        90,
        `${base} && ip4.src == 0.0.0.0 && ip4.dst == 255.255.255.255 && udp.src == 68 && udp.dst == 67`,
        'next;',
        src,
      );
      sink.add(
        'ls_in_port_sec_ip',
        90,
        `${base} && ip4.src == ${valueSet(ps.ipv4.map(allowedIp))}`,
        'next;',
        src,
      );
    }
    if (ps.ipv6.length) {
      sink.add(
        'ls_in_port_sec_ip',
        90,
        `${base} && ip6.src == :: && ip6.dst == ff02::/16 && icmp6.type == {131, 135, 143}`,
        'next;',
        src,
      );
      // The link-local address derived from the MAC is always the host's own.
      const allowed = [linkLocalFromMac(ps.mac), ...ps.ipv6.map(allowedIp)];
      sink.add('ls_in_port_sec_ip', 90, `${base} && ip6.src == ${valueSet(allowed)}`, 'next;', src);
    }
    sink.add('ls_in_port_sec_ip', 80, `${base} && ip`, 'drop;', src);
  }
}

function egress(p: SwitchPortInput, sink: FlowSink): void {
  const key = portKey(p.row.name);
  const src = lspSource(p);
  for (const ps of effectivePortSecurity(p)) {
    if (!ps.ipv4.length && !ps.ipv6.length) continue;
    const base = `outport == ${key} && eth.dst == ${ps.mac}`;
    if (ps.ipv4.length) {
      const allowed = ['255.255.255.255', '224.0.0.0/4'];
      for (const ip of ps.ipv4) {
        allowed.push(allowedIp(ip));
        // A host inside a subnet also receives that subnet's broadcast.
        if (isHostInSubnet(ip)) allowed.push(ip.bcast!);
      }
      sink.add(
        'ls_out_port_sec_ip',
        90,
        `${base} && ip4.dst == ${valueSet(allowed)}`,
        'next;',
        src,
      );
    }
    if (ps.ipv6.length) {
      const allowed = [linkLocalFromMac(ps.mac), 'ff00::/8', ...ps.ipv6.map(allowedIp)];
      sink.add(
        'ls_out_port_sec_ip',
        90,
        `${base} && ip6.dst == ${valueSet(allowed)}`,
        'next;',
        src,
      );
    }
    sink.add('ls_out_port_sec_ip', 80, `${base} && ip`, 'drop;', src);
  }
}
