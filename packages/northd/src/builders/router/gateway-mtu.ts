import type { RouterInput, RouterPortInput } from '../../inputs/inputs.js';
import type { FlowSink } from '../../lflow.js';
import { stageTable } from '../../stages.js';
import { REGBIT_EGRESS_LOOPBACK, REGBIT_PKT_LARGER } from './registers.js';
import { enabledPorts, portSource, q } from './util.js';

/** Ethernet header length that check_pkt_larger counts besides the IP MTU (no VLAN tags). */
const ETH_HEADER_LEN = 14;

/** A port's options:gateway_mtu, when set to a positive integer. */
export function gatewayMtu(p: RouterPortInput): number | undefined {
  const mtu = Number(p.row.options?.gateway_mtu);
  return Number.isInteger(mtu) && mtu > 0 ? mtu : undefined;
}

/** The check admission adds on a gateway-MTU port (see admission.ts). */
export function pktLargerCheck(p: RouterPortInput): string {
  const mtu = gatewayMtu(p);
  return mtu === undefined
    ? ''
    : `${REGBIT_PKT_LARGER} = check_pkt_larger(${mtu + ETH_HEADER_LEN}); `;
}

/**
 * Gateway MTU (ovn-northd(8) "Check packet length", "Handle larger packets", and the IP Input
 * flows for REGBIT_PKT_LARGER): for a port with options:gateway_mtu = M, packets routed out of
 * it are checked against M (lr_in_chk_pkt_len 50) and, when larger, answered with ICMP
 * "fragmentation needed" (IPv4) / "packet too big" (IPv6) from the router port they came in on
 * (lr_in_larger_pkts 150), the error re-entering the ingress pipeline as if received there.
 * Packets coming in on the port are checked at admission and answered from it (ip_input 150).
 */
export function buildGatewayMtu(input: RouterInput, sink: FlowSink): void {
  for (const gw of input.ports) {
    const mtu = gatewayMtu(gw);
    if (mtu === undefined) continue;
    const name = q(gw.row.name);
    sink.add(
      'lr_in_chk_pkt_len',
      50,
      `outport == ${name}`,
      `${REGBIT_PKT_LARGER} = check_pkt_larger(${mtu + ETH_HEADER_LEN}); next;`,
      portSource(gw),
    );
    // Too big on the way in through the gateway port: answered back out of it.
    needFrag(gw, mtu, 'lr_in_ip_input', `inport == ${name}`, sink);
    // Too big on the way out: answered to the sender, from the port it came in on.
    for (const p of enabledPorts(input.ports)) {
      if (p !== gw)
        needFrag(
          p,
          mtu,
          'lr_in_larger_pkts',
          `inport == ${q(p.row.name)} && outport == ${name}`,
          sink,
        );
    }
  }
}

function needFrag(
  p: RouterPortInput,
  mtu: number,
  stage: 'lr_in_ip_input' | 'lr_in_larger_pkts',
  where: string,
  sink: FlowSink,
): void {
  const again = `next(pipeline=ingress, table=${stageTable('lr_in_admission')});`;
  const flags = `${REGBIT_EGRESS_LOOPBACK} = 1; ${REGBIT_PKT_LARGER} = 0;`;
  const v4 = p.addresses.ipv4[0];
  const v6 = p.addresses.ipv6[0];
  const check = `${REGBIT_PKT_LARGER} && ${REGBIT_EGRESS_LOOPBACK} == 0`;
  if (v4) {
    sink.add(
      stage,
      150,
      `${where} && ip4 && ${check}`,
      `icmp4_error { ${flags} eth.dst = ${p.addresses.mac}; ip4.dst = ip4.src; ip4.src = ${v4.addr}; ip.ttl = 255; ` +
        `icmp4.type = 3; icmp4.code = 4; icmp4.frag_mtu = ${mtu}; ${again} };`,
      portSource(p),
    );
  }
  if (v6) {
    sink.add(
      stage,
      150,
      `${where} && ip6 && ${check}`,
      `icmp6_error { ${flags} eth.dst = ${p.addresses.mac}; ip6.dst = ip6.src; ip6.src = ${v6.addr}; ip.ttl = 255; ` +
        `icmp6.type = 2; icmp6.code = 0; icmp6.frag_mtu = ${mtu}; ${again} };`,
      portSource(p),
    );
  }
}
