import { describe, expect, test } from 'vitest';
import { twoSubnets } from '../builders/router/test-util.js';
import { formatTrace } from './format-trace.js';
import { parseMicroflow, traceMicroflow } from './microflow.js';
import { describePacket } from './packet.js';
import { worldFromNb } from './world.js';

describe('microflows (ovn-trace input)', () => {
  test('fields and prerequisites become the packet', () => {
    const m = parseMicroflow(
      'inport == "vm1" && eth.src == 00:00:00:00:00:01 && ip4.dst == 20.0.0.2 && ip.ttl == 64 && icmp4.type == 8',
    );
    expect(typeof m).toBe('object');
    if (typeof m === 'string') return;
    expect(m.inport).toBe('vm1');
    // icmp4 brings eth.type 0x800 and ip.proto 1 with it.
    expect(describePacket(m.packet)).toEqual({
      'eth.src': '00:00:00:00:00:01',
      'eth.type': '0x800',
      'ip.proto': '1',
      'ip.ttl': '64',
      'ip4.dst': '20.0.0.2',
      'icmp4.type': '8',
    });
  });

  test('the first alternative of a disjunction; bit ranges combine', () => {
    const m = parseMicroflow('inport == "p" && ip && reg0[0..7] == 5 && reg0[8..15] == 1');
    if (typeof m === 'string') throw new Error(m);
    expect(describePacket(m.packet)).toMatchObject({ 'eth.type': '0x800' });
    expect(m.packet.get('reg0')).toBe(0x105n);
  });

  test('problems are reported as ovn-trace does', () => {
    expect(parseMicroflow('eth.src == 00:00:00:00:00:01')).toBe(
      'microflow does not specify ingress port',
    );
    expect(parseMicroflow('inport == "p" && ip4.src == 1.2.3.4 && ip4.src == 1.2.3.5')).toBe(
      'microflow: conflicting values for ip4.src',
    );
    expect(parseMicroflow('inport == "p" && ip4.src ==')).toMatch(/^microflow: /);
    expect(parseMicroflow('inport == "p" && ip4.src != 0.0.0.0')).toBe(
      'microflow: the expression describes no packet',
    );
  });

  test('traceMicroflow finds the datapath from the inport and traces', () => {
    const w = worldFromNb(twoSubnets().model);
    const r = traceMicroflow(
      w,
      'inport == "vm1" && eth.src == 00:00:00:00:00:01 && eth.dst == 00:00:00:00:ff:01 && ip4.src == 10.0.0.2 && ip4.dst == 20.0.0.2 && ip.ttl == 64 && icmp4.type == 8',
    );
    if ('error' in r) throw new Error(r.error);
    expect(formatTrace(r.steps, 'minimal', r.microflow.packet)).toBe(
      [
        'eth.src = 00:00:00:00:ff:02;',
        'eth.dst = 00:00:00:00:00:02;',
        'ip.ttl = 63;',
        'output("vm2");',
      ].join('\n'),
    );
    expect(traceMicroflow(w, 'inport == "nope"')).toEqual({ error: 'unknown port "nope"' });
  });
});
