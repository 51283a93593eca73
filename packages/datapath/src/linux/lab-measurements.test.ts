import { describe, expect, it } from 'vitest';
import { parsePing } from './lab-measurements.js';

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
