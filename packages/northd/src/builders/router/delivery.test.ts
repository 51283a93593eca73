import { describe, expect, test } from 'vitest';
import { lines, routerFlows, routerGolden, twoSubnets } from './test-util.js';

describe('lr_out_delivery', () => {
  test('enabled ports get output; a disabled one falls to the default drop', () => {
    const f = twoSubnets();
    expect(routerGolden(f, 'lr0', ['lr_out_delivery'])).toBe(
      lines(
        'lr_out_delivery (priority=100), match=(outport == "lrp0"), action=(output;)',
        'lr_out_delivery (priority=100), match=(outport == "lrp1"), action=(output;)',
      ),
    );
    f.update('logical_router_port', f.id('lrp0'), { enabled: false });
    expect(routerGolden(f, 'lr0', ['lr_out_delivery'])).toBe(
      'lr_out_delivery (priority=100), match=(outport == "lrp1"), action=(output;)',
    );
  });

  test('a disabled router has no flows at all', () => {
    const f = twoSubnets();
    f.update('logical_router', f.id('lr0'), { enabled: false });
    expect(routerFlows(f, 'lr0').flows).toEqual([]);
  });
});
