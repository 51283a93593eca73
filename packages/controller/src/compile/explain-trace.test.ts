import { buildPacket } from '@ovn-ts/datapath';
import { NbFixture } from '@ovn-ts/northd';
import { describe, expect, test } from 'vitest';
import { ChassisHarness } from '../testing/chassis-harness.js';
import { viewFromNorthd } from '../testing/northd-view.js';
import { explainTrace } from './explain-trace.js';

describe('explainTrace', () => {
  test('names the logical flows a packet went through, and the physical tables', () => {
    const fx = new NbFixture();
    fx.switch('sw0');
    fx.port('sw0', 'vm1', { addresses: ['0a:00:00:00:00:01 10.0.0.1'] });
    fx.port('sw0', 'vm2', { addresses: ['0a:00:00:00:00:02 10.0.0.2'] });
    const view = viewFromNorthd(fx, { bindings: { vm1: 'hv1', vm2: 'hv1' } });
    const h = new ChassisHarness(view, {
      chassis: 'hv1',
      localPorts: new Map([
        ['vm1', 1],
        ['vm2', 2],
      ]),
      tunnels: new Map(),
      zones: new Map(),
    });
    const ping = buildPacket({
      eth: { src: '0a:00:00:00:00:01', dst: '0a:00:00:00:00:02' },
      ip4: { src: '10.0.0.1', dst: '10.0.0.2' },
      icmp: { type: 8, code: 0 },
    });
    const text = explainTrace(h.dp.trace(ping, 1), view);
    const lines = text.split('\n').map((l) => l.trim());
    expect(lines[0]).toMatch(/^0: physical to logical, priority 100, in_port=1 actions=/);
    expect(lines).toContain(
      '8: ls_in_port_sec_l2 (priority 50) match=(inport == "vm1") actions=(next;) [00000007-0000-4000-8000-000000000003]',
    );
    expect(
      lines.some((l) =>
        l.startsWith('32: ls_in_l2_lkup (priority 50) match=(eth.dst == 0a:00:00:00:00:02)'),
      ),
    ).toBe(true);
    expect(lines.at(-1)).toBe('→ output to port 2');
  });
});
