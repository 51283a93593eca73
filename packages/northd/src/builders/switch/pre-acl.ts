import type { SwitchInput } from '../../inputs/inputs.js';
import type { FlowSink } from '../../lflow.js';
import { aclSource, checkedAcls } from './acl-parse.js';
import { lspSource } from './port-security-addrs.js';
import { ACL_PRIORITY_OFFSET, portKey, REGBIT_CONNTRACK_DEFRAG } from './registers.js';
import { switchFacts } from './switch-facts.js';

/** Traffic conntrack must not see: neighbour discovery, MLD and DHCPv6 client requests. */
const NO_CT_IN_PRE_ACL =
  'nd || nd_rs || nd_ra || mldv1 || mldv2 || (udp && udp.src == 546 && udp.dst == 547)';

/**
 * Pre-ACL (ls_in_pre_acl, ls_out_pre_acl): with a stateful ACL on the switch, IP traffic in both
 * directions is marked for conntrack (REGBIT_CONNTRACK_DEFRAG), since return traffic must be
 * tracked whichever direction the ACL sits in. Exempt: multicast, ND/MLD/DHCPv6, traffic
 * through router and localnet ports (their connections are tracked by the router, or not at all
 * here), and traffic an allow-stateless ACL matches (stateless always wins over stateful).
 */
export function buildPreAcl(input: SwitchInput, sink: FlowSink): void {
  sink.add('ls_in_pre_acl', 0, '1', 'next;');
  sink.add('ls_out_pre_acl', 0, '1', 'next;');
  const facts = switchFacts(input);
  if (!facts.hasStatefulAcl) return;

  for (const p of facts.ctSkipPorts) {
    const key = portKey(p.row.name);
    sink.add('ls_in_pre_acl', 110, `ip && inport == ${key}`, 'next;', lspSource(p));
    sink.add('ls_out_pre_acl', 110, `ip && outport == ${key}`, 'next;', lspSource(p));
  }
  for (const c of checkedAcls(input)) {
    // A bad match is reported by the ACL builder; here it is only left out.
    if (!c.ok || c.acl.row.action !== 'allow-stateless') continue;
    const stage = c.acl.row.direction === 'from-lport' ? 'ls_in_pre_acl' : 'ls_out_pre_acl';
    sink.add(
      stage,
      c.acl.row.priority + ACL_PRIORITY_OFFSET,
      c.acl.row.match,
      'next;',
      aclSource(c.acl),
    );
  }
  for (const stage of ['ls_in_pre_acl', 'ls_out_pre_acl'] as const) {
    sink.add(stage, 110, NO_CT_IN_PRE_ACL, 'next;');
    sink.add(stage, 110, 'eth.mcast', 'next;');
    sink.add(stage, 100, 'ip', `${REGBIT_CONNTRACK_DEFRAG} = 1; next;`);
  }
}
