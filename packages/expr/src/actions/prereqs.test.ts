import { describe, expect, it } from 'vitest';
import { parseExpr } from '../match.js';
import { parseActions } from './parse-actions.js';
import { andPrereqs, matchWithPrereqs, parsePrereqs } from './prereqs.js';

describe('prerequisites', () => {
  it('are listed once each, in the order the actions need them', () => {
    const r = parseActions('tcp.dst = 80; ip.ttl--; tcp.src = 1; ct_next;');
    expect(r.ok && r.value.prereqs).toEqual(['tcp', 'ip']);
    expect(r.ok && r.value.prereqMatch).toBe('tcp && ip');
  });

  it('are absent for actions that need nothing of the packet', () => {
    const r = parseActions('reg0 = 1; outport = "p"; output;');
    expect(r.ok && r.value.prereqs).toEqual([]);
    expect(r.ok && r.value.prereqMatch).toBeUndefined();
  });

  it('of a new packet built by arp { } do not constrain the flow', () => {
    const r = parseActions('arp { tcp.dst = 1; vlan.pcp = 2; };');
    expect(r.ok && r.value.prereqs).toEqual(['ip4']);
  });

  it('are parenthesized when not bare names', () => {
    expect(andPrereqs(['ip4', 'ip.proto == 6 || ip.proto == 17'])).toBe(
      'ip4 && (ip.proto == 6 || ip.proto == 17)',
    );
    expect(matchWithPrereqs('inport == "a" || inport == "b"', ['ip4'])).toBe(
      '(inport == "a" || inport == "b") && ip4',
    );
    expect(matchWithPrereqs('1', ['ip'])).toBe('ip');
    expect(matchWithPrereqs('outport == "p"', [])).toBe('outport == "p"');
  });

  it('parse as match expressions over the same symbol table', () => {
    const samples = [
      'ip.ttl--; tcp.dst = 80; udp.src = 1; sctp.dst = 2; vlan.pcp = 1;',
      'put_nd(inport, nd.target, nd.sll); reg0[0] = lookup_nd(inport, nd.target, nd.tll);',
      'put_arp(inport, arp.spa, arp.sha); icmp4 { output; }; icmp6 { output; };',
      'tcp_reset { output; }; sctp_abort { output; }; nd_na { output; }; reg0[0] = dns_lookup();',
      'ct_commit; ct_lb_mark; ip4.dst = 1.2.3.4; ip6.dst = ::1;',
    ];
    for (const s of samples) {
      const r = parseActions(s);
      if (!r.ok) throw new Error(r.error.message);
      const ast = parsePrereqs(r.value.prereqs);
      expect(ast.ok && ast.value !== undefined).toBe(true);
      // And they annotate, i.e. expand to base-field tests the compiler understands.
      expect(parseExpr(r.value.prereqMatch!).ok).toBe(true);
    }
  });
});
