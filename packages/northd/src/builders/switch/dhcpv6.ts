import { parseActions } from '@ovn-ts/expr';
import type { DhcpOptions } from '@ovn-ts/nb-db';
import ipaddr from 'ipaddr.js';
import type { SwitchInput, SwitchPortInput } from '../../inputs/inputs.js';
import type { FlowSink } from '../../lflow.js';
import { type IpAddress, linkLocalFromMac, parseIp } from '../../net/addresses.js';
import { stageTable } from '../../stages.js';
import { lspSource } from './port-security-addrs.js';
import { portKey, REGBIT_DHCP_OPTS_RESULT } from './registers.js';
import { switchFacts } from './switch-facts.js';

const MAC = /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/i;
const OPTIONS_ENV = { pipeline: 'ingress', table: stageTable('ls_in_dhcp_options') } as const;

/**
 * Native DHCPv6 (ls_in_dhcp_options, ls_in_dhcp_response, and an ls_out_acl exemption): for an
 * enabled VM port with dhcpv6_options and an IPv6 address inside the options' cidr, a client
 * message to All_DHCP_Relay_Agents_and_Servers (ff02::1:2) from the port's MAC becomes a reply
 * (put_dhcpv6_opts, offering the address unless options:dhcpv6_stateless=true), sent back to the
 * port from the server's link-local address, derived from options:server_id (the server MAC).
 */
export function buildDhcpv6(input: SwitchInput, sink: FlowSink): void {
  const reported = new Set<string>();
  const report = (opts: DhcpOptions, problem: string) => {
    if (reported.has(opts.uuid)) return;
    reported.add(opts.uuid);
    sink.report(
      { table: 'dhcp_options', uuid: opts.uuid },
      `DHCP_Options ${opts.cidr}: ${problem}`,
    );
  };
  for (const p of input.ports) {
    const opts = p.dhcpv6;
    if (!opts || !p.enabled || p.row.type !== '') continue;
    const cidr = parseIp(opts.cidr);
    const serverMac = opts.options?.server_id;
    if (cidr?.family !== 6 || !serverMac || !MAC.test(serverMac)) {
      report(opts, 'cidr must be IPv6 and options:server_id the server MAC');
      continue;
    }
    const offered = portFlows(p, opts, cidr, serverMac.toLowerCase(), sink);
    if (typeof offered === 'string') report(opts, offered);
    if (offered !== true) continue;
    const server = linkLocalFromMac(serverMac);
    sink.add(
      'ls_out_acl',
      34000,
      `outport == ${portKey(p.row.name)} && eth.src == ${serverMac.toLowerCase()} && ip6.src == ${server} && udp && udp.src == 547 && udp.dst == 546`,
      switchFacts(input).stateful ? 'ct_commit; next;' : 'next;',
      lspSource(p),
    );
  }
}

function portFlows(
  p: SwitchPortInput,
  opts: DhcpOptions,
  cidr: IpAddress,
  serverMac: string,
  sink: FlowSink,
): boolean | string {
  const net = ipaddr.parse(cidr.network);
  const stateless = opts.options?.dhcpv6_stateless === 'true';
  let offered = false;
  for (const a of p.addresses) {
    const offer = a.ipv6.find((ip) => ipaddr.parse(ip.addr).match(net, cidr.plen));
    if (!offer) continue;
    offered = true;
    const list = Object.keys(opts.options ?? {})
      .filter((k) => k !== 'dhcpv6_stateless')
      .sort()
      .map((k) => `${k} = ${opts.options![k]}`);
    // Stateless DHCPv6 hands out options only; the address comes from router advertisements.
    if (!stateless) list.unshift(`ia_addr = ${offer.addr}`);
    const put = `${REGBIT_DHCP_OPTS_RESULT} = put_dhcpv6_opts(${list.join(', ')}); next;`;
    const checked = parseActions(put, OPTIONS_ENV);
    if (!checked.ok) return `options: ${checked.error.message}`;
    const m = `inport == ${portKey(p.row.name)} && eth.src == ${a.mac} && ip6.dst == ff02::1:2 && udp.src == 546 && udp.dst == 547`;
    const src = lspSource(p);
    sink.add('ls_in_dhcp_options', 100, m, put, src);
    sink.add(
      'ls_in_dhcp_response',
      100,
      `${m} && ${REGBIT_DHCP_OPTS_RESULT}`,
      `eth.dst = eth.src; eth.src = ${serverMac}; ip6.dst = ip6.src; ip6.src = ${linkLocalFromMac(serverMac)}; ` +
        'udp.src = 547; udp.dst = 546; outport = inport; flags.loopback = 1; output;',
      src,
    );
  }
  return offered;
}
