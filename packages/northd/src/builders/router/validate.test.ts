import { describe, expect, test } from 'vitest';
import type { LFlow } from '../../lflow.js';
import { compileFlow } from '../../sim/expr-bridge.js';
import type { NbFixture } from '../../testing/nb-fixture.js';
import { gatewayChassis, gatewayRouter, nat, routerFlows, twoSubnets } from './test-util.js';

// routerFlows() validates every flow it builds, so each golden case checks its whole router.
// Here: that the check is real (it rejects bad text), and that flows are well formed as OVN
// wants them in SB: no flow twice, no two flows with the same stage, priority and match but
// different actions (which one wins would be undefined).
const withLb = (f: NbFixture, router: string, vips: Record<string, string>) => {
  const lb = f.insert('load_balancer', { name: 'lb', vips, protocol: 'tcp' });
  f.insert('logical_router_load_balancer', {
    router_uuid: f.id(router),
    load_balancer_uuid: lb.uuid,
  });
  return f;
};

const fixtures: { name: string; router: string; setup: () => NbFixture }[] = [
  {
    name: 'distributed router with routes and ECMP',
    router: 'lr0',
    setup: () => {
      const f = twoSubnets();
      f.route('lr0', '0.0.0.0/0', '20.0.0.254');
      f.route('lr0', '30.0.0.0/24', '20.0.0.3');
      f.route('lr0', '30.0.0.0/24', '20.0.0.4');
      f.route('lr0', '30.0.0.0/24', '10.0.0.3', { policy: 'src-ip' });
      return f;
    },
  },
  {
    name: 'gateway router with NAT, load balancer and force SNAT',
    router: 'gr0',
    setup: () => {
      const f = gatewayRouter();
      f.update('logical_router', f.id('gr0'), {
        options: {
          chassis: 'hv1',
          lb_force_snat_ip: 'router_ip',
          dnat_force_snat_ip: '172.16.0.250',
        },
      });
      nat(f, 'gr0', 'snat', '172.16.0.100', '10.0.0.0/24');
      nat(f, 'gr0', 'snat', '172.16.0.1', '10.0.0.0/25');
      nat(f, 'gr0', 'dnat_and_snat', '172.16.0.110', '10.0.0.2');
      nat(f, 'gr0', 'dnat', '172.16.0.120', '10.0.0.3');
      return withLb(f, 'gr0', {
        '172.16.0.200:80': '10.0.0.2:8080',
        '172.16.0.110:443': '10.0.0.3:443',
      });
    },
  },
  {
    name: 'distributed gateway port with NAT and a load balancer',
    router: 'lr0',
    setup: () => {
      const f = twoSubnets();
      gatewayChassis(f, 'lrp1', 'hv1');
      nat(f, 'lr0', 'snat', '20.0.0.100', '10.0.0.0/24');
      nat(f, 'lr0', 'dnat_and_snat', '20.0.0.110', '10.0.0.2');
      return withLb(f, 'lr0', { '20.0.0.200:80': '10.0.0.2:8080,10.0.0.3:8080' });
    },
  },
];

describe('router flows', () => {
  test('a bad match or bad actions are refused, naming the stage', () => {
    const bad = (match: string, actions: string): LFlow => ({
      stage: 'lr_in_ip_input',
      priority: 1,
      match,
      actions,
      provenance: { builder: 't' },
    });
    expect(() => compileFlow(bad('ip4.dst == 1.2.3', 'next;'))).toThrow(/lr_in_ip_input match/);
    expect(() => compileFlow(bad('ip4', 'reg0 = ;'))).toThrow(/lr_in_ip_input actions/);
    expect(() => compileFlow(bad('ip4', 'inport = "p"; next;'))).not.toThrow();
  });

  test.each(fixtures)('$name: no duplicate and no conflicting flows', ({ router, setup }) => {
    const seen = new Map<string, string>();
    const flows = routerFlows(setup(), router).flows;
    expect(flows.length).toBeGreaterThan(50);
    for (const fl of flows) {
      const key = `${fl.stage} ${fl.priority} ${fl.match}`;
      expect(
        seen.has(key),
        `duplicate or conflicting: ${key} → ${fl.actions} / ${seen.get(key)}`,
      ).toBe(false);
      seen.set(key, fl.actions);
    }
  });
});
