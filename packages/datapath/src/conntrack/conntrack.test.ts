import { describe, expect, it } from 'vitest';
import { ct } from '../actions.js';
import { type CAction, compileActions } from '../compile-actions.js';
import * as K from '../key-layout.js';
import { formatIp4 } from '../packet/addr.js';
import { buildPacket, TCP_ACK, TCP_FIN, TCP_RST, TCP_SYN } from '../packet/build.js';
import { OFFSETS_LEN, parseFrame } from '../packet/parse.js';
import { verifyChecksums } from '../packet/verify.js';
import { Conntrack, type CtRequest } from './conntrack.js';

const eth = { src: '00:00:00:00:00:01', dst: '00:00:00:00:00:02' };
const {
  CS_NEW: NEW,
  CS_EST: EST,
  CS_REL: REL,
  CS_RPL: RPL,
  CS_INV: INV,
  CS_TRK: TRK,
  CS_SNAT: SNAT,
  CS_DNAT: DNAT,
} = K;

function tcp(src: string, dst: string, sport: number, dport: number, flags: number): Uint8Array {
  return buildPacket({
    eth,
    ip4: { src, dst },
    tcp: { sport, dport, flags },
    payload: Uint8Array.of(1, 2, 3),
  });
}
function udp(src: string, dst: string, sport: number, dport: number): Uint8Array {
  return buildPacket({ eth, ip4: { src, dst }, udp: { sport, dport } });
}
function icmp(src: string, dst: string, type: number, id = 0, payload?: Uint8Array): Uint8Array {
  return buildPacket({
    eth,
    ip4: { src, dst },
    icmp: { type, id, seq: 1 },
    ...(payload ? { payload } : {}),
  });
}

function req(opts: Parameters<typeof ct>[0] = {}, zone = 0): CtRequest {
  const c = compileActions([ct(opts)])[0] as Extract<CAction, { kind: 'ct' }>;
  return {
    zone: opts.zone === undefined ? zone : c.zone,
    commit: c.commit,
    nat: c.nat,
    mark: c.mark,
    label: c.label,
  };
}

/** Runs a packet through conntrack; returns state and the (possibly NATed) packet with its key. */
function run(
  t: Conntrack,
  b: Uint8Array,
  r: CtRequest,
  now = 0,
): { state: number; mark: number; key: Uint32Array; b: Uint8Array } {
  const key = new Uint32Array(K.KEY_WORDS);
  const off = new Int32Array(OFFSETS_LEN);
  parseFrame(b, key, off);
  const res = t.process(key, b, off, r, now);
  return { state: res.state, mark: res.mark, key, b };
}

describe('conntrack: TCP', () => {
  it('walks the handshake, data and teardown', () => {
    const t = new Conntrack();
    const c = req({ commit: true });
    const l = req();
    expect(run(t, tcp('10.0.0.1', '10.0.0.2', 1000, 80, TCP_SYN), l).state).toBe(TRK | NEW); // not committed
    expect(t.size).toBe(0);
    expect(run(t, tcp('10.0.0.1', '10.0.0.2', 1000, 80, TCP_SYN), c).state).toBe(TRK | NEW);
    expect(t.size).toBe(1);
    // A retransmitted SYN before any reply is still new.
    expect(run(t, tcp('10.0.0.1', '10.0.0.2', 1000, 80, TCP_SYN), l).state).toBe(TRK | NEW);
    expect(run(t, tcp('10.0.0.2', '10.0.0.1', 80, 1000, TCP_SYN | TCP_ACK), l).state).toBe(
      TRK | EST | RPL,
    );
    expect(run(t, tcp('10.0.0.1', '10.0.0.2', 1000, 80, TCP_ACK), l).state).toBe(TRK | EST);
    expect(t.dump()[0]!.state).toBe('established');
    expect(run(t, tcp('10.0.0.1', '10.0.0.2', 1000, 80, TCP_FIN | TCP_ACK), l).state).toBe(
      TRK | EST,
    );
    expect(run(t, tcp('10.0.0.2', '10.0.0.1', 80, 1000, TCP_FIN | TCP_ACK), l).state).toBe(
      TRK | EST | RPL,
    );
    expect(run(t, tcp('10.0.0.1', '10.0.0.2', 1000, 80, TCP_ACK), l).state).toBe(TRK | EST);
    expect(t.dump()[0]!.state).toBe('time_wait');
  });

  it('calls a mid-stream packet without a connection invalid, and a SYN in an established connection', () => {
    const t = new Conntrack();
    expect(
      run(t, tcp('10.0.0.1', '10.0.0.2', 1000, 80, TCP_ACK), req({ commit: true })).state,
    ).toBe(TRK | INV);
    expect(t.size).toBe(0);
    run(t, tcp('10.0.0.1', '10.0.0.2', 1000, 80, TCP_SYN), req({ commit: true }));
    // A bare ACK from the server before its SYN-ACK does not fit syn_sent.
    expect(run(t, tcp('10.0.0.2', '10.0.0.1', 80, 1000, TCP_ACK), req()).state).toBe(TRK | INV);
    run(t, tcp('10.0.0.2', '10.0.0.1', 80, 1000, TCP_SYN | TCP_ACK), req());
    run(t, tcp('10.0.0.1', '10.0.0.2', 1000, 80, TCP_ACK), req());
    expect(run(t, tcp('10.0.0.1', '10.0.0.2', 1000, 80, TCP_SYN), req()).state).toBe(TRK | INV);
  });

  it('closes on RST, then lets a new SYN reuse the tuple', () => {
    const t = new Conntrack();
    run(t, tcp('10.0.0.1', '10.0.0.2', 1000, 80, TCP_SYN), req({ commit: true }));
    run(t, tcp('10.0.0.2', '10.0.0.1', 80, 1000, TCP_RST), req());
    expect(t.dump()[0]!.state).toBe('closed');
    expect(
      run(t, tcp('10.0.0.1', '10.0.0.2', 1000, 80, TCP_SYN), req({ commit: true })).state,
    ).toBe(TRK | NEW);
    expect(t.dump()[0]!.state).toBe('syn_sent');
  });

  it('expires by state timeout, with time passed in', () => {
    const t = new Conntrack({ tcpSynSent: 1000 });
    run(t, tcp('10.0.0.1', '10.0.0.2', 1000, 80, TCP_SYN), req({ commit: true }), 0);
    expect(run(t, tcp('10.0.0.2', '10.0.0.1', 80, 1000, TCP_SYN | TCP_ACK), req(), 999).state).toBe(
      TRK | EST | RPL,
    );
    const u = new Conntrack({ tcpSynSent: 1000 });
    run(u, tcp('10.0.0.1', '10.0.0.2', 1000, 80, TCP_SYN), req({ commit: true }), 0);
    // After the timeout the SYN-ACK has no connection: it cannot open one, so it is invalid.
    expect(
      run(u, tcp('10.0.0.2', '10.0.0.1', 80, 1000, TCP_SYN | TCP_ACK), req(), 1000).state,
    ).toBe(TRK | INV);
    expect(u.size).toBe(0);
  });
});

describe('conntrack: UDP, ICMP, zones, mark and label', () => {
  it('UDP: new until a reply, then established; zones are separate', () => {
    const t = new Conntrack();
    expect(run(t, udp('10.0.0.1', '8.8.8.8', 5000, 53), req({ commit: true, zone: 1 })).state).toBe(
      TRK | NEW,
    );
    expect(run(t, udp('10.0.0.1', '8.8.8.8', 5000, 53), req({ zone: 1 })).state).toBe(TRK | NEW);
    expect(run(t, udp('8.8.8.8', '10.0.0.1', 53, 5000), req({ zone: 2 })).state).toBe(TRK | NEW);
    expect(run(t, udp('8.8.8.8', '10.0.0.1', 53, 5000), req({ zone: 1 })).state).toBe(
      TRK | EST | RPL,
    );
    expect(run(t, udp('10.0.0.1', '8.8.8.8', 5000, 53), req({ zone: 1 })).state).toBe(TRK | EST);
  });

  it('ICMP echo: the reply with the same id is established, an unsolicited reply invalid', () => {
    const t = new Conntrack();
    expect(run(t, icmp('10.0.0.1', '10.0.0.2', 8, 77), req({ commit: true })).state).toBe(
      TRK | NEW,
    );
    expect(run(t, icmp('10.0.0.2', '10.0.0.1', 0, 77), req()).state).toBe(TRK | EST | RPL);
    expect(run(t, icmp('10.0.0.2', '10.0.0.1', 0, 78), req()).state).toBe(TRK | INV);
    // An echo request in the reverse direction is a different connection.
    expect(run(t, icmp('10.0.0.2', '10.0.0.1', 8, 77), req()).state).toBe(TRK | NEW);
  });

  it('relates an ICMP error to the connection it quotes', () => {
    const t = new Conntrack();
    const orig = udp('10.0.0.1', '10.0.0.2', 5000, 9999);
    run(t, orig, req({ commit: true }));
    const quoted = orig.subarray(14, 14 + 28); // IP header + 8 bytes of UDP
    const err = icmp('10.0.0.2', '10.0.0.1', 3, 0, quoted);
    expect(run(t, err, req()).state).toBe(TRK | REL | RPL);
    const unrelated = icmp(
      '10.0.0.2',
      '10.0.0.1',
      3,
      0,
      udp('10.0.0.1', '10.0.0.2', 5001, 9999).subarray(14, 42),
    );
    expect(run(t, unrelated, req()).state).toBe(TRK | INV);
  });

  it('sets mark and label on commit and reports them later', () => {
    const t = new Conntrack();
    run(
      t,
      udp('10.0.0.1', '10.0.0.2', 1, 2),
      req({
        commit: true,
        exec: [
          { kind: 'set_field', field: 'ct_mark', value: 5 },
          { kind: 'set_field', field: 'ct_label', value: 1n << 100n },
        ],
      }),
    );
    const r = run(t, udp('10.0.0.2', '10.0.0.1', 2, 1), req());
    expect(r.mark).toBe(5);
    expect(t.dump()[0]!.label).toBe(1n << 100n);
  });
});

describe('conntrack: NAT', () => {
  it('SNAT rewrites the source, un-NATs replies, and keeps checksums', () => {
    const t = new Conntrack();
    const snat = req({ commit: true, nat: { kind: 'src', ipMin: '192.0.2.1' } });
    const a = run(t, tcp('10.0.0.1', '198.51.100.7', 1000, 80, TCP_SYN), snat);
    expect(a.state).toBe(TRK | NEW | SNAT);
    expect(formatIp4(a.key[K.K_IP4_SRC]!)).toBe('192.0.2.1');
    expect(a.key[K.K_TP_SRC]).toBe(1000); // the original port was free
    expect(verifyChecksums(a.b)).toEqual({ ipHeader: true, l4: true });
    // The reply comes back to the NAT address and is translated back to the client.
    const r = run(
      t,
      tcp('198.51.100.7', '192.0.2.1', 80, 1000, TCP_SYN | TCP_ACK),
      req({ nat: {} }),
    );
    expect(r.state).toBe(TRK | EST | RPL | DNAT);
    expect(formatIp4(r.key[K.K_IP4_DST]!)).toBe('10.0.0.1');
    expect(verifyChecksums(r.b)).toEqual({ ipHeader: true, l4: true });
    // Without nat in the ct action, the reply is tracked but not translated.
    const plain = run(t, tcp('198.51.100.7', '192.0.2.1', 80, 1000, TCP_ACK), req());
    expect(formatIp4(plain.key[K.K_IP4_DST]!)).toBe('192.0.2.1');
  });

  it('SNAT picks another port when two clients collide on the same source port', () => {
    const t = new Conntrack();
    const snat = req({
      commit: true,
      nat: { kind: 'src', ipMin: '192.0.2.1', portMin: 1000, portMax: 1002 },
    });
    const a = run(t, udp('10.0.0.1', '198.51.100.7', 1000, 53), snat);
    const b = run(t, udp('10.0.0.2', '198.51.100.7', 1000, 53), snat);
    const c = run(t, udp('10.0.0.3', '198.51.100.7', 1000, 53), snat);
    const ports = [a, b, c].map((x) => x.key[K.K_TP_SRC]);
    expect(new Set(ports).size).toBe(3);
    for (const p of ports) expect(p).toBeGreaterThanOrEqual(1000);
    for (const p of ports) expect(p).toBeLessThanOrEqual(1002);
    // The range is exhausted: a fourth client cannot be translated.
    const d = run(t, udp('10.0.0.4', '198.51.100.7', 1000, 53), snat);
    expect(d.state & INV).toBe(INV);
    expect(t.natFailures).toBe(1);
    // Each reply goes back to its own client.
    for (const [x, client] of [
      [a, '10.0.0.1'],
      [b, '10.0.0.2'],
      [c, '10.0.0.3'],
    ] as const) {
      const r = run(t, udp('198.51.100.7', '192.0.2.1', 53, x.key[K.K_TP_SRC]!), req({ nat: {} }));
      expect(formatIp4(r.key[K.K_IP4_DST]!)).toBe(client);
      expect(r.key[K.K_TP_DST]).toBe(1000);
    }
  });

  it('DNAT to a backend with a port, and back', () => {
    const t = new Conntrack();
    const dnat = req({ commit: true, nat: { kind: 'dst', ipMin: '10.0.0.5', portMin: 8080 } });
    const a = run(t, tcp('203.0.113.9', '192.0.2.10', 4444, 80, TCP_SYN), dnat);
    expect(a.state).toBe(TRK | NEW | DNAT);
    expect(formatIp4(a.key[K.K_IP4_DST]!)).toBe('10.0.0.5');
    expect(a.key[K.K_TP_DST]).toBe(8080);
    const r = run(
      t,
      tcp('10.0.0.5', '203.0.113.9', 8080, 4444, TCP_SYN | TCP_ACK),
      req({ nat: {} }),
    );
    expect(r.state).toBe(TRK | EST | RPL | SNAT);
    expect(formatIp4(r.key[K.K_IP4_SRC]!)).toBe('192.0.2.10');
    expect(r.key[K.K_TP_SRC]).toBe(80);
    expect(verifyChecksums(r.b)).toEqual({ ipHeader: true, l4: true });
  });

  it('SNAT of ICMP echo maps the identifier and keeps the ICMP checksum', () => {
    const t = new Conntrack();
    const snat = req({ commit: true, nat: { kind: 'src', ipMin: '192.0.2.1' } });
    const a = run(t, icmp('10.0.0.1', '198.51.100.7', 8, 5), snat);
    const b = run(t, icmp('10.0.0.2', '198.51.100.7', 8, 5), snat);
    const idA = (a.b[14 + 20 + 4]! << 8) | a.b[14 + 20 + 5]!;
    const idB = (b.b[14 + 20 + 4]! << 8) | b.b[14 + 20 + 5]!;
    expect(idA).toBe(5);
    expect(idB).not.toBe(5);
    expect(verifyChecksums(b.b)).toEqual({ ipHeader: true, l4: true });
    const r = run(t, icmp('198.51.100.7', '192.0.2.1', 0, idB), req({ nat: {} }));
    expect(formatIp4(r.key[K.K_IP4_DST]!)).toBe('10.0.0.2');
    expect((r.b[14 + 20 + 4]! << 8) | r.b[14 + 20 + 5]!).toBe(5);
    expect(verifyChecksums(r.b)).toEqual({ ipHeader: true, l4: true });
  });

  it('un-NATs an ICMP error about a SNATed connection, quoted header included', () => {
    const t = new Conntrack();
    const snat = req({
      commit: true,
      nat: { kind: 'src', ipMin: '192.0.2.1', portMin: 2000, portMax: 2000 },
    });
    const out = run(t, udp('10.0.0.1', '198.51.100.7', 5000, 53), snat);
    expect(out.key[K.K_TP_SRC]).toBe(2000);
    // A router on the way answers the translated packet (as it saw it on the wire).
    const quoted = out.b.slice(14, 14 + 28);
    const err = icmp('203.0.113.254', '192.0.2.1', 11, 0, quoted);
    const r = run(t, err, req({ nat: {} }));
    expect(r.state).toBe(TRK | REL | RPL | DNAT);
    expect(formatIp4(r.key[K.K_IP4_DST]!)).toBe('10.0.0.1');
    expect(formatIp4(r.key[K.K_IP4_SRC]!)).toBe('203.0.113.254');
    expect(verifyChecksums(r.b)).toEqual({ ipHeader: true, l4: true });
    // The quoted header is the client's own packet again, with a valid header checksum.
    const inner = r.b.subarray(14 + 20 + 8);
    const original = udp('10.0.0.1', '198.51.100.7', 5000, 53).subarray(14, 14 + 28);
    expect([...inner.subarray(0, 20)]).toEqual([...original.subarray(0, 20)]);
    expect([...inner.subarray(20, 24)]).toEqual([...original.subarray(20, 24)]);
  });
});

function tcp6(src: string, dst: string, sport: number, dport: number, flags: number): Uint8Array {
  return buildPacket({ eth, ip6: { src, dst }, tcp: { sport, dport, flags } });
}

describe('conntrack: IPv6', () => {
  const echo6 = (src: string, dst: string, type: number, id: number) =>
    buildPacket({ eth, ip6: { src, dst }, icmp: { type, id, seq: 1 } });

  it('tracks TCP and ICMPv6 echo', () => {
    const t = new Conntrack();
    expect(run(t, tcp6('fd00::1', 'fd00::2', 1000, 22, TCP_SYN), req({ commit: true })).state).toBe(
      TRK | NEW,
    );
    expect(run(t, tcp6('fd00::2', 'fd00::1', 22, 1000, TCP_SYN | TCP_ACK), req()).state).toBe(
      TRK | EST | RPL,
    );
    expect(run(t, echo6('fd00::1', 'fd00::2', 128, 3), req({ commit: true })).state).toBe(
      TRK | NEW,
    );
    expect(run(t, echo6('fd00::2', 'fd00::1', 129, 3), req()).state).toBe(TRK | EST | RPL);
    // An IPv4 connection whose addresses equal IPv6 ::1 and ::2 numerically is a different connection.
    run(t, tcp('0.0.0.1', '0.0.0.2', 1000, 22, TCP_SYN), req({ commit: true }));
    expect(run(t, tcp6('::2', '::1', 22, 1000, TCP_SYN | TCP_ACK), req()).state).toBe(TRK | INV);
    expect(run(t, tcp('0.0.0.2', '0.0.0.1', 22, 1000, TCP_SYN | TCP_ACK), req()).state).toBe(
      TRK | EST | RPL,
    );
  });

  it('SNAT66 with checksums kept', () => {
    const t = new Conntrack();
    const a = run(
      t,
      tcp6('fd00::1', '2001:db8::7', 1000, 443, TCP_SYN),
      req({ commit: true, nat: { kind: 'src', ipMin: '2001:db8:ffff::1' } }),
    );
    expect(a.state).toBe(TRK | NEW | SNAT);
    expect(verifyChecksums(a.b).l4).toBe(true);
    const r = run(
      t,
      tcp6('2001:db8::7', '2001:db8:ffff::1', 443, 1000, TCP_SYN | TCP_ACK),
      req({ nat: {} }),
    );
    expect(r.state).toBe(TRK | EST | RPL | DNAT);
    expect(r.key[K.K_IP6_DST + 3]).toBe(1);
    expect(r.key[K.K_IP6_DST]).toBe(0xfd000000);
    expect(verifyChecksums(r.b).l4).toBe(true);
  });

  it('refuses commits beyond the table limit, and takes them again after expiry', () => {
    const t = new Conntrack({ udpFirst: 100 }, 2);
    expect(run(t, udp('10.0.0.1', '10.0.0.2', 1, 9), req({ commit: true }), 0).state).toBe(
      TRK | NEW,
    );
    expect(run(t, udp('10.0.0.1', '10.0.0.2', 2, 9), req({ commit: true }), 0).state).toBe(
      TRK | NEW,
    );
    expect(run(t, udp('10.0.0.1', '10.0.0.2', 3, 9), req({ commit: true }), 0).state).toBe(
      TRK | INV,
    );
    expect(t.tableFull).toBe(1);
    expect(t.expire(100)).toBe(2);
    expect(run(t, udp('10.0.0.1', '10.0.0.2', 3, 9), req({ commit: true }), 100).state).toBe(
      TRK | NEW,
    );
  });

  it('un-NATs an ICMPv6 packet-too-big about a SNAT66 connection', () => {
    const t = new Conntrack();
    const out = run(
      t,
      tcp6('fd00::1', '2001:db8::7', 1000, 443, TCP_SYN),
      req({
        commit: true,
        nat: { kind: 'src', ipMin: '2001:db8:ffff::1', portMin: 3000, portMax: 3000 },
      }),
    );
    const quoted = out.b.slice(14, 14 + 48); // IPv6 header + 8 bytes of TCP, as translated on the wire
    const ptb = buildPacket({
      eth,
      ip6: { src: '2001:db8::fe', dst: '2001:db8:ffff::1' },
      icmp: { type: 2, code: 0 },
      payload: quoted,
    });
    const r = run(t, ptb, req({ nat: {} }));
    expect(r.state).toBe(TRK | REL | RPL | DNAT);
    expect(r.key[K.K_IP6_DST]).toBe(0xfd000000);
    expect(r.key[K.K_IP6_DST + 3]).toBe(1);
    expect(verifyChecksums(r.b).l4).toBe(true);
    // The quoted header is the client's original: source fd00::1, port 1000.
    const inner = r.b.subarray(14 + 40 + 8);
    expect([...inner.subarray(8, 24)]).toEqual([0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
    expect((inner[40]! << 8) | inner[41]!).toBe(1000);
  });
});
