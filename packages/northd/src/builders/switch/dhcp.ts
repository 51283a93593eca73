import { parseActions } from '@ovn-ts/expr';
import type { DhcpOptions } from '@ovn-ts/nb-db';
import type { SwitchInput, SwitchPortInput } from '../../inputs/inputs.js';
import type { FlowSink } from '../../lflow.js';
import { type IpAddress, parseIp } from '../../net/addresses.js';
import { stageTable } from '../../stages.js';
import { lspSource } from './port-security-addrs.js';
import { portKey, REGBIT_DHCP_OPTS_RESULT } from './registers.js';
import { switchFacts } from './switch-facts.js';

/** DHCP_Options keys a DHCPv4 server needs; without them the switch does not answer. */
const REQUIRED = ['server_id', 'server_mac', 'lease_time'] as const;

/**
 * Native DHCPv4 (ls_in_dhcp_options, ls_in_dhcp_response, and an ls_out_acl exemption): for an
 * enabled VM port with dhcpv4_options and an IPv4 address inside the options' cidr, DHCP
 * requests from the port's MAC — broadcast discovery from 0.0.0.0, or renewal from the offered
 * address — are turned into a reply by put_dhcp_opts (offering that address) and sent straight
 * back to the port by the response stage. The reply must not be stopped by the port's egress
 * ACLs, so a priority-34000 flow lets it through (committing it on stateful switches).
 */
export function buildDhcp(input: SwitchInput, sink: FlowSink): void {
  sink.add('ls_in_dhcp_options', 0, '1', 'next;');
  sink.add('ls_in_dhcp_response', 0, '1', 'next;');
  // One report per DHCP_Options row, however many ports share it.
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
    const opts = p.dhcpv4;
    if (!opts || !p.enabled || p.row.type !== '') continue;
    const server = serverOf(opts);
    if (!server) {
      report(opts, `cidr must be IPv4 and options must set ${REQUIRED.join(', ')}`);
      continue;
    }
    // Only where a reply can be generated (OVN adds it for every port with the options).
    const offered = portFlows(p, opts, server, sink);
    if (typeof offered === 'string') report(opts, offered);
    if (offered !== true) continue;
    sink.add(
      'ls_out_acl',
      34000,
      `outport == ${portKey(p.row.name)} && eth.src == ${server.mac} && ip4.src == ${server.ip} && udp && udp.src == 67 && udp.dst == 68`,
      switchFacts(input).stateful ? 'ct_commit; next;' : 'next;',
      lspSource(p),
    );
  }
}

interface Server {
  readonly ip: string;
  readonly mac: string;
  readonly cidr: IpAddress;
}

function serverOf(opts: DhcpOptions): Server | undefined {
  const cidr = parseIp(opts.cidr);
  const o = opts.options ?? {};
  if (cidr?.family !== 4 || REQUIRED.some((k) => !o[k])) return undefined;
  return { ip: o.server_id!, mac: o.server_mac!, cidr };
}

const OPTIONS_ENV = { pipeline: 'ingress', table: stageTable('ls_in_dhcp_options') } as const;

/**
 * Adds the port's offer and response flows: true if it has an address in the cidr, false if
 * not, or the problem with the options (a value put_dhcp_opts refuses) and no flows.
 */
function portFlows(
  p: SwitchPortInput,
  opts: DhcpOptions,
  server: Server,
  sink: FlowSink,
): boolean | string {
  const key = portKey(p.row.name);
  const src = lspSource(p);
  let offered = false;
  for (const a of p.addresses) {
    // The first of the entry's addresses inside the cidr is the one offered.
    const offer = a.ipv4.find((ip) => inSubnet(ip.addr, server.cidr));
    if (!offer) continue;
    offered = true;
    const options: Record<string, string> = { ...opts.options, netmask: netmask(server.cidr.plen) };
    delete options.server_mac; // a server setting, not a DHCP option
    const hostname = p.row.options?.hostname;
    if (hostname) options.hostname = hostname; // the port's own hostname wins
    const list = Object.keys(options)
      .sort()
      .map((k) => `${k} = ${options[k]}`);
    const put = `${REGBIT_DHCP_OPTS_RESULT} = put_dhcp_opts(offerip = ${offer.addr}, ${list.join(', ')}); next;`;
    // Option names and values come from the user: the controller would refuse a bad one.
    const checked = parseActions(put, OPTIONS_ENV);
    if (!checked.ok) return `options: ${checked.error.message}`;
    const from = `inport == ${key} && eth.src == ${a.mac}`;
    sink.add(
      'ls_in_dhcp_options',
      100,
      `${from} && ip4.src == 0.0.0.0 && ip4.dst == 255.255.255.255 && udp.src == 68 && udp.dst == 67`,
      put,
      src,
    );
    sink.add(
      'ls_in_dhcp_options',
      100,
      `${from} && ip4.src == ${offer.addr} && ip4.dst == {${server.ip}, 255.255.255.255} && udp.src == 68 && udp.dst == 67`,
      put,
      src,
    );
    sink.add(
      'ls_in_dhcp_response',
      100,
      `${from} && ip4 && udp.src == 68 && udp.dst == 67 && ${REGBIT_DHCP_OPTS_RESULT}`,
      `eth.dst = eth.src; eth.src = ${server.mac}; ip4.src = ${server.ip}; udp.src = 67; udp.dst = 68; ` +
        'outport = inport; flags.loopback = 1; output;',
      src,
    );
  }
  return offered;
}

function ip4ToInt(addr: string): number {
  return addr.split('.').reduce((n, o) => n * 256 + Number(o), 0);
}

function inSubnet(addr: string, net: IpAddress): boolean {
  const size = 2 ** (32 - net.plen);
  return Math.floor(ip4ToInt(addr) / size) === Math.floor(ip4ToInt(net.network) / size);
}

function netmask(plen: number): string {
  const m = plen === 0 ? 0 : (0xffffffff << (32 - plen)) >>> 0;
  return [24, 16, 8, 0].map((s) => (m >>> s) & 0xff).join('.');
}
