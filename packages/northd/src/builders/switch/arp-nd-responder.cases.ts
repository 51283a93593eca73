// Golden cases for the ARP/ND responder (ovn-northd(8): "ARP/ND responder").
import type { NbFixture } from '../../testing/nb-fixture.js';
import type { GoldenCase } from './golden-case.js';

const M1 = '00:00:00:00:00:01';
const RMAC = '00:00:00:00:ff:01';
const arpReply = (mac: string, ip: string) =>
  `eth.dst = eth.src; eth.src = ${mac}; arp.op = 2; arp.tha = arp.sha; arp.sha = ${mac}; arp.tpa = arp.spa; arp.spa = ${ip}; outport = inport; flags.loopback = 1; output;`;
const naReply = (kind: string, mac: string, ip: string) =>
  `${kind} { eth.src = ${mac}; ip6.src = ${ip}; nd.target = ${ip}; nd.tll = ${mac}; outport = inport; flags.loopback = 1; output; };`;

function mixedSwitch(fx: NbFixture, extra: Parameters<NbFixture['switch']>[1] = {}): void {
  fx.switch('sw0', extra);
  fx.port('sw0', 'p1', { addresses: [`${M1} 10.0.0.1 fd00::1`] });
  // Takes unknown MACs: its addresses are not authoritative, no proxy reply.
  fx.port('sw0', 'p2', { addresses: ['00:00:00:00:00:02 10.0.0.2', 'unknown'] });
  // Disabled: no reply.
  fx.port('sw0', 'p3', { addresses: ['00:00:00:00:00:03 10.0.0.3'], enabled: false });
  fx.port('sw0', 'ln', { type: 'localnet', addresses: ['unknown'] });
  fx.router('lr0');
  fx.routerPort('lr0', 'lrp0', RMAC, ['10.0.0.254/24', 'fd00::fe/64']);
  fx.connect('sw0', 'sw0-lr0', 'lrp0');
}

export const ARP_ND_RESPONDER_CASES: readonly GoldenCase[] = [
  {
    name: 'replies for VM and router-peer addresses, never to the owner, never from localnet',
    setup: (fx) => mixedSwitch(fx),
    stages: ['ls_in_arp_rsp'],
    expected: [
      'ls_in_arp_rsp (priority=100), match=(arp.tpa == 10.0.0.1 && arp.op == 1 && inport == "p1"), action=(next;)',
      'ls_in_arp_rsp (priority=100), match=(arp.tpa == 10.0.0.254 && arp.op == 1 && inport == "sw0-lr0"), action=(next;)',
      'ls_in_arp_rsp (priority=100), match=(inport == "ln"), action=(next;)',
      // Solicited-node multicast of fd00::1 is ff02::1:ff00:1 (ff02::1:ff + the low 24 bits).
      'ls_in_arp_rsp (priority=100), match=(nd_ns && ip6.dst == {fd00::1, ff02::1:ff00:1} && nd.target == fd00::1 && inport == "p1"), action=(next;)',
      'ls_in_arp_rsp (priority=100), match=(nd_ns && ip6.dst == {fd00::fe, ff02::1:ff00:fe} && nd.target == fd00::fe && inport == "sw0-lr0"), action=(next;)',
      `ls_in_arp_rsp (priority=50), match=(arp.tpa == 10.0.0.1 && arp.op == 1), action=(${arpReply(M1, '10.0.0.1')})`,
      `ls_in_arp_rsp (priority=50), match=(arp.tpa == 10.0.0.254 && arp.op == 1), action=(${arpReply(RMAC, '10.0.0.254')})`,
      `ls_in_arp_rsp (priority=50), match=(nd_ns && ip6.dst == {fd00::1, ff02::1:ff00:1} && nd.target == fd00::1), action=(${naReply('nd_na', M1, 'fd00::1')})`,
      // A router's advertisement has the router flag: nd_na_router.
      `ls_in_arp_rsp (priority=50), match=(nd_ns && ip6.dst == {fd00::fe, ff02::1:ff00:fe} && nd.target == fd00::fe), action=(${naReply('nd_na_router', RMAC, 'fd00::fe')})`,
      'ls_in_arp_rsp (priority=0), match=(1), action=(next;)',
    ],
  },
  {
    name: 'a VLAN-transparent switch does not proxy ARP (the VLAN is unknown to it)',
    setup: (fx) => mixedSwitch(fx, { other_config: { 'vlan-passthru': 'true' } }),
    stages: ['ls_in_arp_rsp'],
    expected: [
      'ls_in_arp_rsp (priority=100), match=(inport == "ln"), action=(next;)',
      'ls_in_arp_rsp (priority=0), match=(1), action=(next;)',
    ],
  },
  {
    name: "virtual ports are bound by their parents' announcements; arp_proxy answers with the router MAC",
    setup: (fx) => {
      fx.switch('sw0');
      fx.port('sw0', 'vm1', { addresses: [`${M1} 10.0.0.1`] });
      fx.port('sw0', 'vm2', { addresses: ['00:00:00:00:00:02 10.0.0.2'] });
      fx.port('sw0', 'vip', {
        type: 'virtual',
        addresses: ['00:00:00:00:00:10 10.0.0.10'],
        // A parent that is not on this switch is ignored.
        options: { 'virtual-ip': '10.0.0.10', 'virtual-parents': 'vm1,vm2,elsewhere' },
      });
      fx.router('lr0');
      fx.routerPort('lr0', 'lrp0', RMAC, ['10.0.0.254/24']);
      fx.port('sw0', 'sw0-lr0', {
        type: 'router',
        addresses: ['router'],
        options: { 'router-port': 'lrp0', arp_proxy: '10.0.0.50 10.0.0.51' },
      });
    },
    stages: ['ls_in_arp_rsp'],
    expected: [
      `ls_in_arp_rsp (priority=100), match=(arp.tpa == 10.0.0.1 && arp.op == 1 && inport == "vm1"), action=(next;)`,
      'ls_in_arp_rsp (priority=100), match=(arp.tpa == 10.0.0.2 && arp.op == 1 && inport == "vm2"), action=(next;)',
      'ls_in_arp_rsp (priority=100), match=(arp.tpa == 10.0.0.254 && arp.op == 1 && inport == "sw0-lr0"), action=(next;)',
      // A gratuitous ARP (spa == tpa == VIP) or an ARP reply from the VIP, sent by a parent.
      'ls_in_arp_rsp (priority=100), match=(inport == "vm1" && ((arp.op == 1 && arp.spa == 10.0.0.10 && arp.tpa == 10.0.0.10) || (arp.op == 2 && arp.spa == 10.0.0.10))), action=(bind_vport("vip", inport); next;)',
      'ls_in_arp_rsp (priority=100), match=(inport == "vm2" && ((arp.op == 1 && arp.spa == 10.0.0.10 && arp.tpa == 10.0.0.10) || (arp.op == 2 && arp.spa == 10.0.0.10))), action=(bind_vport("vip", inport); next;)',
      `ls_in_arp_rsp (priority=50), match=(arp.op == 1 && arp.tpa == {10.0.0.50, 10.0.0.51}), action=(eth.dst = eth.src; eth.src = ${RMAC}; arp.op = 2; arp.tha = arp.sha; arp.sha = ${RMAC}; arp.tpa <-> arp.spa; outport = inport; flags.loopback = 1; output;)`,
      `ls_in_arp_rsp (priority=50), match=(arp.tpa == 10.0.0.1 && arp.op == 1), action=(${arpReply(M1, '10.0.0.1')})`,
      `ls_in_arp_rsp (priority=50), match=(arp.tpa == 10.0.0.2 && arp.op == 1), action=(${arpReply('00:00:00:00:00:02', '10.0.0.2')})`,
      // The virtual port's own address is not proxied: the parent holding it answers.
      `ls_in_arp_rsp (priority=50), match=(arp.tpa == 10.0.0.254 && arp.op == 1), action=(${arpReply(RMAC, '10.0.0.254')})`,
      'ls_in_arp_rsp (priority=0), match=(1), action=(next;)',
    ],
  },
];
