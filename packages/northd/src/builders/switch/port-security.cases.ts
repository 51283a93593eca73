// Golden cases for L2/IP/ND port security (ovn-northd(8): "Admission Control and Ingress Port
// Security - L2", "Ingress Port Security - IP", "- Neighbor discovery", "Egress Port Security").
import type { GoldenCase } from './golden-case.js';

const STAGES = [
  'ls_in_port_sec_l2',
  'ls_in_port_sec_ip',
  'ls_in_port_sec_nd',
  'ls_out_port_sec_ip',
  'ls_out_port_sec_l2',
] as const;

const M1 = '00:00:00:00:00:01';
const M2 = '00:00:00:00:00:02';
// EUI-64 link-local of M1: flip the U/L bit of the first octet, insert ff:fe in the middle.
const LLA1 = 'fe80::200:ff:fe00:1';

/** Flows every switch has in these stages, whatever its ports. */
const ADMISSION = [
  'ls_in_port_sec_l2 (priority=100), match=(eth.src[40]), action=(drop;)',
  'ls_in_port_sec_l2 (priority=100), match=(vlan.present), action=(drop;)',
];
const IN_IP_DEFAULT = 'ls_in_port_sec_ip (priority=0), match=(1), action=(next;)';
const IN_ND_DEFAULT = 'ls_in_port_sec_nd (priority=0), match=(1), action=(next;)';
const OUT_IP_DEFAULT = 'ls_out_port_sec_ip (priority=0), match=(1), action=(next;)';
const OUT_MCAST = 'ls_out_port_sec_l2 (priority=100), match=(eth.mcast), action=(output;)';

export const PORT_SECURITY_CASES: readonly GoldenCase[] = [
  {
    name: 'a port without port security admits any source on its inport and receives any destination',
    setup: (fx) => {
      fx.switch('sw0');
      fx.port('sw0', 'p1', { addresses: [`${M1} 10.0.0.1`] });
    },
    stages: STAGES,
    expected: [
      ...ADMISSION,
      'ls_in_port_sec_l2 (priority=50), match=(inport == "p1"), action=(next;)',
      IN_IP_DEFAULT,
      IN_ND_DEFAULT,
      OUT_IP_DEFAULT,
      OUT_MCAST,
      'ls_out_port_sec_l2 (priority=50), match=(outport == "p1"), action=(output;)',
    ],
  },
  {
    name: 'MAC-only port security: eth.src/eth.dst pinned, ARP/ND must carry the MAC, IP unconstrained',
    setup: (fx) => {
      fx.switch('sw0');
      fx.port('sw0', 'p1', { addresses: [M1], port_security: [M1] });
    },
    stages: STAGES,
    expected: [
      ...ADMISSION,
      `ls_in_port_sec_l2 (priority=50), match=(inport == "p1" && eth.src == ${M1}), action=(next;)`,
      IN_IP_DEFAULT,
      // No IP in the entry: both the ARP and the ND flow, neither constrains addresses.
      `ls_in_port_sec_nd (priority=90), match=(inport == "p1" && eth.src == ${M1} && arp.sha == ${M1}), action=(next;)`,
      `ls_in_port_sec_nd (priority=90), match=(inport == "p1" && eth.src == ${M1} && ip6 && nd && ((nd.sll == 00:00:00:00:00:00 || nd.sll == ${M1}) || ((nd.tll == 00:00:00:00:00:00 || nd.tll == ${M1})))), action=(next;)`,
      'ls_in_port_sec_nd (priority=80), match=(inport == "p1" && (arp || nd)), action=(drop;)',
      IN_ND_DEFAULT,
      OUT_IP_DEFAULT,
      OUT_MCAST,
      `ls_out_port_sec_l2 (priority=50), match=(outport == "p1" && eth.dst == ${M1}), action=(output;)`,
    ],
  },
  {
    name: 'MAC + host addresses: listed sources only, DHCP discovery and DAD allowed, subnet broadcast received',
    setup: (fx) => {
      fx.switch('sw0');
      fx.port('sw0', 'p1', {
        addresses: [`${M1} 10.0.0.5 fd00::5`],
        port_security: [`${M1} 10.0.0.5/24 fd00::5`],
      });
    },
    stages: STAGES,
    expected: [
      ...ADMISSION,
      `ls_in_port_sec_l2 (priority=50), match=(inport == "p1" && eth.src == ${M1}), action=(next;)`,
      // 10.0.0.5/24 has host bits set: only 10.0.0.5 itself.
      `ls_in_port_sec_ip (priority=90), match=(inport == "p1" && eth.src == ${M1} && ip4.src == 0.0.0.0 && ip4.dst == 255.255.255.255 && udp.src == 68 && udp.dst == 67), action=(next;)`,
      `ls_in_port_sec_ip (priority=90), match=(inport == "p1" && eth.src == ${M1} && ip4.src == 10.0.0.5), action=(next;)`,
      `ls_in_port_sec_ip (priority=90), match=(inport == "p1" && eth.src == ${M1} && ip6.src == :: && ip6.dst == ff02::/16 && icmp6.type == {131, 135, 143}), action=(next;)`,
      `ls_in_port_sec_ip (priority=90), match=(inport == "p1" && eth.src == ${M1} && ip6.src == {${LLA1}, fd00::5}), action=(next;)`,
      `ls_in_port_sec_ip (priority=80), match=(inport == "p1" && eth.src == ${M1} && ip), action=(drop;)`,
      IN_IP_DEFAULT,
      `ls_in_port_sec_nd (priority=90), match=(inport == "p1" && eth.src == ${M1} && arp.sha == ${M1} && arp.spa == 10.0.0.5), action=(next;)`,
      `ls_in_port_sec_nd (priority=90), match=(inport == "p1" && eth.src == ${M1} && ip6 && nd && ((nd.sll == 00:00:00:00:00:00 || nd.sll == ${M1}) || ((nd.tll == 00:00:00:00:00:00 || nd.tll == ${M1}) && (nd.target == ${LLA1} || nd.target == fd00::5)))), action=(next;)`,
      'ls_in_port_sec_nd (priority=80), match=(inport == "p1" && (arp || nd)), action=(drop;)',
      IN_ND_DEFAULT,
      // Egress: broadcast, multicast, the address and its subnet's broadcast 10.0.0.255.
      `ls_out_port_sec_ip (priority=90), match=(outport == "p1" && eth.dst == ${M1} && ip4.dst == {255.255.255.255, 224.0.0.0/4, 10.0.0.5, 10.0.0.255}), action=(next;)`,
      `ls_out_port_sec_ip (priority=90), match=(outport == "p1" && eth.dst == ${M1} && ip6.dst == {${LLA1}, ff00::/8, fd00::5}), action=(next;)`,
      `ls_out_port_sec_ip (priority=80), match=(outport == "p1" && eth.dst == ${M1} && ip), action=(drop;)`,
      OUT_IP_DEFAULT,
      OUT_MCAST,
      `ls_out_port_sec_l2 (priority=50), match=(outport == "p1" && eth.dst == ${M1}), action=(output;)`,
    ],
  },
  {
    name: 'a network address (host bits zero) allows the whole subnet',
    setup: (fx) => {
      fx.switch('sw0');
      fx.port('sw0', 'p1', { addresses: [M1], port_security: [`${M1} 10.0.0.0/24`] });
    },
    stages: ['ls_in_port_sec_ip', 'ls_in_port_sec_nd', 'ls_out_port_sec_ip'],
    expected: [
      `ls_in_port_sec_ip (priority=90), match=(inport == "p1" && eth.src == ${M1} && ip4.src == 0.0.0.0 && ip4.dst == 255.255.255.255 && udp.src == 68 && udp.dst == 67), action=(next;)`,
      `ls_in_port_sec_ip (priority=90), match=(inport == "p1" && eth.src == ${M1} && ip4.src == 10.0.0.0/24), action=(next;)`,
      `ls_in_port_sec_ip (priority=80), match=(inport == "p1" && eth.src == ${M1} && ip), action=(drop;)`,
      IN_IP_DEFAULT,
      // IPv4 only: the ARP flow, no ND flow (ND is still dropped at 80).
      `ls_in_port_sec_nd (priority=90), match=(inport == "p1" && eth.src == ${M1} && arp.sha == ${M1} && arp.spa == 10.0.0.0/24), action=(next;)`,
      'ls_in_port_sec_nd (priority=80), match=(inport == "p1" && (arp || nd)), action=(drop;)',
      IN_ND_DEFAULT,
      `ls_out_port_sec_ip (priority=90), match=(outport == "p1" && eth.dst == ${M1} && ip4.dst == {255.255.255.255, 224.0.0.0/4, 10.0.0.0/24}), action=(next;)`,
      `ls_out_port_sec_ip (priority=80), match=(outport == "p1" && eth.dst == ${M1} && ip), action=(drop;)`,
      OUT_IP_DEFAULT,
    ],
  },
  {
    name: 'several port-security entries: any of their MACs, IP rules per entry',
    setup: (fx) => {
      fx.switch('sw0');
      fx.port('sw0', 'p1', { addresses: [M1], port_security: [`${M1} 10.0.0.1`, M2] });
    },
    stages: ['ls_in_port_sec_l2', 'ls_in_port_sec_ip', 'ls_out_port_sec_l2'],
    expected: [
      ...ADMISSION,
      `ls_in_port_sec_l2 (priority=50), match=(inport == "p1" && eth.src == {${M1}, ${M2}}), action=(next;)`,
      `ls_in_port_sec_ip (priority=90), match=(inport == "p1" && eth.src == ${M1} && ip4.src == 0.0.0.0 && ip4.dst == 255.255.255.255 && udp.src == 68 && udp.dst == 67), action=(next;)`,
      `ls_in_port_sec_ip (priority=90), match=(inport == "p1" && eth.src == ${M1} && ip4.src == 10.0.0.1), action=(next;)`,
      `ls_in_port_sec_ip (priority=80), match=(inport == "p1" && eth.src == ${M1} && ip), action=(drop;)`,
      IN_IP_DEFAULT,
      OUT_MCAST,
      `ls_out_port_sec_l2 (priority=50), match=(outport == "p1" && eth.dst == {${M1}, ${M2}}), action=(output;)`,
    ],
  },
  {
    name: 'a disabled port: its frames are dropped, and it receives nothing, not even broadcasts',
    setup: (fx) => {
      fx.switch('sw0');
      fx.port('sw0', 'p1', { addresses: [M1], port_security: [`${M1} 10.0.0.1`], enabled: false });
    },
    stages: STAGES,
    expected: [
      ...ADMISSION.slice(0, 1),
      'ls_in_port_sec_l2 (priority=100), match=(inport == "p1"), action=(drop;)',
      ...ADMISSION.slice(1),
      IN_IP_DEFAULT,
      IN_ND_DEFAULT,
      OUT_IP_DEFAULT,
      // 150 outranks the broadcast/multicast flow at 100.
      'ls_out_port_sec_l2 (priority=150), match=(outport == "p1"), action=(drop;)',
      OUT_MCAST,
    ],
  },
  {
    name: 'localnet ports are not subject to port security; a VLAN-transparent switch keeps tagged frames',
    setup: (fx) => {
      fx.switch('sw0', { other_config: { 'vlan-passthru': 'true' } });
      fx.port('sw0', 'ln', { type: 'localnet', addresses: ['unknown'], port_security: [M1] });
    },
    stages: STAGES,
    expected: [
      'ls_in_port_sec_l2 (priority=100), match=(eth.src[40]), action=(drop;)',
      'ls_in_port_sec_l2 (priority=50), match=(inport == "ln"), action=(next;)',
      IN_IP_DEFAULT,
      IN_ND_DEFAULT,
      OUT_IP_DEFAULT,
      OUT_MCAST,
      'ls_out_port_sec_l2 (priority=50), match=(outport == "ln"), action=(output;)',
    ],
  },
  {
    name: 'a vtep port skips the ACL stages: straight to L2 lookup (ingress table 24)',
    setup: (fx) => {
      fx.switch('sw0');
      fx.port('sw0', 'vt', { type: 'vtep', addresses: ['unknown'] });
    },
    stages: ['ls_in_port_sec_l2'],
    expected: [
      ...ADMISSION,
      'ls_in_port_sec_l2 (priority=50), match=(inport == "vt"), action=(next(pipeline=ingress, table=24);)',
    ],
  },
];
