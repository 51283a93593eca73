import { describe, expect, test } from 'vitest';
import type { LFlow } from '../../lflow.js';
import { compileFlow } from '../../sim/expr-bridge.js';
import { routerFlows, twoSubnets } from './test-util.js';

// routerFlows() validates every flow it builds, so each golden case checks its whole router.
// Here: that the check is real (it rejects bad text), and that flows are well formed as OVN
// wants them in SB (no duplicate flow with different actions).
describe('router flows validate with the expression package', () => {
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

  test('no two flows share stage, priority and match with different actions', () => {
    const f = twoSubnets();
    f.route('lr0', '0.0.0.0/0', '20.0.0.254');
    f.route('lr0', '30.0.0.0/24', '20.0.0.3');
    f.route('lr0', '30.0.0.0/24', '20.0.0.4');
    const seen = new Map<string, string>();
    for (const fl of routerFlows(f, 'lr0').flows) {
      const key = `${fl.stage} ${fl.priority} ${fl.match}`;
      expect(seen.get(key) ?? fl.actions, key).toBe(fl.actions);
      seen.set(key, fl.actions);
    }
    expect(seen.size).toBeGreaterThan(50);
  });
});
