import { describe, expect, test } from 'vitest';
import { gatewayChassis, lines, routerGolden, twoSubnets } from './test-util.js';

// ovn-northd(8) "Check packet length" / "Handle larger packets": lrp1 is a distributed gateway
// port with options:gateway_mtu=1400, so frames over 1400 + 14 bytes are refused with ICMP
// "fragmentation needed" (type 3 code 4, frag_mtu 1400) from the port the packet came in on.
describe('gateway_mtu', () => {
  test('check at admission and before leaving, errors from the inport', () => {
    const f = twoSubnets();
    gatewayChassis(f, 'lrp1', 'hv1');
    f.update('logical_router_port', f.id('lrp1'), { options: { gateway_mtu: '1400' } });
    const err = (mac: string, ip: string) =>
      `icmp4_error { reg9[0] = 1; reg9[1] = 0; eth.dst = ${mac}; ip4.dst = ip4.src; ip4.src = ${ip}; ip.ttl = 255; icmp4.type = 3; icmp4.code = 4; icmp4.frag_mtu = 1400; next(pipeline=ingress, table=0); };`;
    const text = routerGolden(f, 'lr0', [
      'lr_in_admission',
      'lr_in_ip_input',
      'lr_in_chk_pkt_len',
      'lr_in_larger_pkts',
    ])
      .split('\n')
      .filter((l) => l.includes('reg9[1]'));
    expect(text.join('\n')).toBe(
      lines(
        'lr_in_admission (priority=50), match=(eth.dst == 00:00:00:00:ff:02 && inport == "lrp1" && is_chassis_resident("cr-lrp1")), action=(reg9[1] = check_pkt_larger(1414); xreg0[0..47] = 00:00:00:00:ff:02; next;)',
        `lr_in_ip_input (priority=150), match=(inport == "lrp1" && ip4 && reg9[1] && reg9[0] == 0), action=(${err('00:00:00:00:ff:02', '20.0.0.1')})`,
        'lr_in_chk_pkt_len (priority=50), match=(outport == "lrp1"), action=(reg9[1] = check_pkt_larger(1414); next;)',
        `lr_in_larger_pkts (priority=150), match=(inport == "lrp0" && outport == "lrp1" && ip4 && reg9[1] && reg9[0] == 0), action=(${err('00:00:00:00:ff:01', '10.0.0.1')})`,
      ),
    );
  });
});
