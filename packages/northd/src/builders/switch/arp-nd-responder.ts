import type { SwitchInput, SwitchPortInput } from '../../inputs/inputs.js';
import type { FlowSink } from '../../lflow.js';
import { parseIp, solicitedNode } from '../../net/addresses.js';
import { lspSource, valueSet } from './port-security-addrs.js';
import { portKey } from './registers.js';

/**
 * ARP/ND responder (ls_in_arp_rsp): the switch answers ARP requests and IPv6 neighbour
 * solicitations for addresses it knows (ports' static addresses; for router-type ports, the
 * peer router port's, and its options:arp_proxy addresses), so they need not be flooded (proxy
 * ARP). It does not answer:
 * - the port that owns the address (priority 100, `next;`): a host probing its own address is
 *   detecting duplicates, and a reply would make it give the address up;
 * - requests arriving from localnet or vtep ports (priority 100): every chassis would answer;
 * - for disabled ports, ports taking unknown MACs (their addresses are not authoritative),
 *   virtual and external ports, and on VLAN-transparent switches.
 */
export function buildArpNdResponder(input: SwitchInput, sink: FlowSink): void {
  sink.add('ls_in_arp_rsp', 0, '1', 'next;');
  for (const p of input.ports) {
    if (p.row.type === 'localnet' || p.row.type === 'vtep') {
      sink.add('ls_in_arp_rsp', 100, `inport == ${portKey(p.row.name)}`, 'next;', lspSource(p));
    }
  }
  if (input.row.other_config?.['vlan-passthru'] === 'true') return;
  for (const p of input.ports) {
    if (p.enabled) arpProxy(p, sink);
    if (!answersFor(p)) continue;
    const key = portKey(p.row.name);
    const src = lspSource(p);
    for (const a of p.addresses) {
      for (const ip of a.ipv4) {
        const m = `arp.tpa == ${ip.addr} && arp.op == 1`;
        sink.add(
          'ls_in_arp_rsp',
          50,
          m,
          `eth.dst = eth.src; eth.src = ${a.mac}; arp.op = 2; arp.tha = arp.sha; arp.sha = ${a.mac}; ` +
            `arp.tpa = arp.spa; arp.spa = ${ip.addr}; outport = inport; flags.loopback = 1; output;`,
          src,
        );
        sink.add('ls_in_arp_rsp', 100, `${m} && inport == ${key}`, 'next;', src);
      }
      for (const ip of a.ipv6) {
        // Solicitations go to the address itself or to its solicited-node multicast address.
        const m = `nd_ns && ip6.dst == {${ip.addr}, ${solicitedNode(ip.addr)}} && nd.target == ${ip.addr}`;
        // A router's advertisement carries the router flag.
        const na = p.row.type === 'router' ? 'nd_na_router' : 'nd_na';
        sink.add(
          'ls_in_arp_rsp',
          50,
          m,
          `${na} { eth.src = ${a.mac}; ip6.src = ${ip.addr}; nd.target = ${ip.addr}; nd.tll = ${a.mac}; ` +
            'outport = inport; flags.loopback = 1; output; };',
          src,
        );
        sink.add('ls_in_arp_rsp', 100, `${m} && inport == ${key}`, 'next;', src);
      }
    }
  }
}

/**
 * options:arp_proxy on a router-type port: the switch answers ARP for these IPv4 addresses with
 * the peer router port's MAC (the router then routes what is sent to them).
 */
function arpProxy(p: SwitchPortInput, sink: FlowSink): void {
  const list = p.row.options?.arp_proxy;
  if (!p.peer || !list) return;
  const ips = list
    .split(/[\s,]+/)
    .map((t) => parseIp(t))
    .filter((ip) => ip?.family === 4 && ip.plen === 32)
    .map((ip) => ip!.addr);
  if (!ips.length) return;
  const mac = p.peer.addresses.mac;
  sink.add(
    'ls_in_arp_rsp',
    50,
    `arp.op == 1 && arp.tpa == ${valueSet(ips)}`,
    `eth.dst = eth.src; eth.src = ${mac}; arp.op = 2; arp.tha = arp.sha; arp.sha = ${mac}; arp.tpa <-> arp.spa; ` +
      'outport = inport; flags.loopback = 1; output;',
    lspSource(p),
  );
}

function answersFor(p: SwitchPortInput): boolean {
  const t = p.row.type;
  return p.enabled && !p.unknown && t !== 'virtual' && t !== 'external' && t !== 'localnet';
}
