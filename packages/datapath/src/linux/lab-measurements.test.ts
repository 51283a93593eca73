import { describe, expect, it } from 'vitest';
import { combinePings, type PingResult, parsePing } from './lab-measurements.js';

describe('ping output parsing', () => {
  it('reads counts, average, minimum and the median of the replies', () => {
    const out = [
      'PING 10.0.0.2 (10.0.0.2) 56(84) bytes of data.',
      '64 bytes from 10.0.0.2: icmp_seq=1 ttl=64 time=0.300 ms',
      '64 bytes from 10.0.0.2: icmp_seq=2 ttl=64 time=0.100 ms',
      '64 bytes from 10.0.0.2: icmp_seq=3 ttl=64 time=9.000 ms',
      '',
      '--- 10.0.0.2 ping statistics ---',
      '4 packets transmitted, 3 received, 25% packet loss, time 3004ms',
      'rtt min/avg/max/mdev = 0.100/3.133/9.000/4.150 ms',
    ].join('\n');
    expect(parsePing(out)).toEqual({
      transmitted: 4,
      received: 3,
      avgMs: 3.133,
      minMs: 0.1,
      medianMs: 0.3,
    });
  });

  it('reports nothing received when every request was lost', () => {
    const out =
      '--- 10.0.0.2 ping statistics ---\n2 packets transmitted, 0 received, 100% packet loss, time 1012ms\n';
    expect(parsePing(out)).toEqual({
      transmitted: 2,
      received: 0,
      avgMs: undefined,
      minMs: undefined,
      medianMs: undefined,
    });
  });
});

describe('several ping runs as one figure', () => {
  const run = (avgMs: number, minMs: number, medianMs: number): PingResult => ({
    transmitted: 200,
    received: 200,
    avgMs,
    minMs,
    medianMs,
  });

  it("averages the runs' rtt averages, keeps the least minimum and the median of the medians", () => {
    // Three runs whose averages are 0.2, 0.3 and 0.7 ms: one figure of (0.2 + 0.3 + 0.7) / 3 = 0.4 ms.
    const c = combinePings([run(0.2, 0.09, 0.15), run(0.3, 0.08, 0.2), run(0.7, 0.1, 0.18)]);
    expect(c.avgMs).toBeCloseTo(0.4, 10);
    expect(c.minMs).toBe(0.08);
    expect(c.medianMs).toBe(0.18);
    expect([c.transmitted, c.received]).toEqual([600, 600]);
  });

  it('leaves out runs where nothing came back, except in the counts', () => {
    const lost: PingResult = {
      transmitted: 200,
      received: 0,
      avgMs: undefined,
      minMs: undefined,
      medianMs: undefined,
    };
    const c = combinePings([lost, run(0.25, 0.1, 0.2), run(0.35, 0.12, 0.3)]);
    expect(c.avgMs).toBeCloseTo(0.3, 10);
    expect(c.medianMs).toBeCloseTo(0.25, 10);
    expect(c.received).toBe(400);
    expect(combinePings([lost]).avgMs).toBeUndefined();
  });
});
