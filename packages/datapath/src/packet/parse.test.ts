import { describe, expect, it } from 'vitest';
import * as K from '../key-layout.js';
import { formatIp4, formatIp6, formatMac, parseIp6 } from './addr.js';
import { buildPacket, TCP_ACK, TCP_SYN } from './build.js';
import { O_L3, O_L4, O_ND_SLL, O_ND_TLL, O_VLAN, OFFSETS_LEN, parseFrame } from './parse.js';

function parse(b: Uint8Array): { key: Uint32Array; off: Int32Array } {
  const key = new Uint32Array(K.KEY_WORDS);
  const off = new Int32Array(OFFSETS_LEN);
  parseFrame(b, key, off);
  return { key, off };
}

const mac = (key: Uint32Array, w: number): string =>
  formatMac((BigInt(key[w]!) << 32n) | BigInt(key[w + 1]!));
const ip6 = (key: Uint32Array, w: number): string =>
  formatIp6([0, 1, 2, 3].reduce((a, i) => (a << 32n) | BigInt(key[w + i]!), 0n));

describe('parseFrame', () => {
  it('parses an IPv4/TCP frame written byte by byte', () => {
    // prettier-ignore
    const b = Uint8Array.from([
      0x00,
      0x00,
      0x00,
      0x00,
      0x00,
      0x02, // dst
      0x00,
      0x00,
      0x00,
      0x00,
      0x00,
      0x01, // src
      0x08,
      0x00, // IPv4
      0x45,
      0x10,
      0x00,
      0x28,
      0x00,
      0x01,
      0x40,
      0x00,
      0x3f,
      0x06,
      0x00,
      0x00, // ver/ihl, tos=0x10, len=40, id, DF, ttl=63, tcp
      0x0a,
      0x00,
      0x00,
      0x01,
      0xc0,
      0xa8,
      0x01,
      0x02, // 10.0.0.1 -> 192.168.1.2
      0x04,
      0xd2,
      0x00,
      0x50,
      0,
      0,
      0,
      1,
      0,
      0,
      0,
      0, // 1234 -> 80, seq 1
      0x50,
      0x12,
      0xff,
      0xff,
      0,
      0,
      0,
      0, // data offset 5, SYN+ACK
    ]);
    const { key, off } = parse(b);
    expect(mac(key, K.K_ETH_DST)).toBe('00:00:00:00:00:02');
    expect(mac(key, K.K_ETH_SRC)).toBe('00:00:00:00:00:01');
    expect(key[K.K_ETH_TYPE]).toBe(0x0800);
    expect(key[K.K_NW_TOS]).toBe(0x10);
    expect(key[K.K_NW_TTL]).toBe(63);
    expect(key[K.K_NW_PROTO]).toBe(6);
    expect(formatIp4(key[K.K_IP4_SRC]!)).toBe('10.0.0.1');
    expect(formatIp4(key[K.K_IP4_DST]!)).toBe('192.168.1.2');
    expect(key[K.K_TP_SRC]).toBe(1234);
    expect(key[K.K_TP_DST]).toBe(80);
    expect(key[K.K_TCP_FLAGS]).toBe(TCP_SYN | TCP_ACK);
    expect(off[O_L3]).toBe(14);
    expect(off[O_L4]).toBe(34);
    expect(key[K.K_NW_FRAG]).toBe(0);
  });

  it('parses a VLAN tag and keeps the inner ethertype', () => {
    const b = buildPacket({
      eth: { src: '00:00:00:00:00:01', dst: '00:00:00:00:00:02' },
      vlan: { vid: 100, pcp: 5 },
      ip4: { src: '1.1.1.1', dst: '2.2.2.2' },
      udp: { sport: 1, dport: 2 },
    });
    const { key, off } = parse(b);
    expect(key[K.K_VLAN_TCI]).toBe((5 << 13) | 100 | K.VLAN_PRESENT);
    expect(key[K.K_ETH_TYPE]).toBe(0x0800);
    expect(off[O_VLAN]).toBe(14);
    expect(off[O_L3]).toBe(18);
    expect(key[K.K_TP_DST]).toBe(2);
  });

  it('parses ARP', () => {
    const b = buildPacket({
      eth: { src: '00:00:00:00:00:0a', dst: 'ff:ff:ff:ff:ff:ff' },
      arp: {
        op: 1,
        sha: '00:00:00:00:00:0a',
        spa: '10.0.0.1',
        tha: '00:00:00:00:00:00',
        tpa: '10.0.0.254',
      },
    });
    const { key } = parse(b);
    expect(key[K.K_ETH_TYPE]).toBe(0x0806);
    expect(key[K.K_ARP_OP]).toBe(1);
    expect(formatIp4(key[K.K_ARP_SPA]!)).toBe('10.0.0.1');
    expect(formatIp4(key[K.K_ARP_TPA]!)).toBe('10.0.0.254');
    expect(mac(key, K.K_ARP_SHA)).toBe('00:00:00:00:00:0a');
  });

  it('parses IPv6 with a hop-by-hop header, and UDP behind it', () => {
    const udp = buildPacket({
      eth: { src: '00:00:00:00:00:01', dst: '00:00:00:00:00:02' },
      ip6: { src: 'fe80::1', dst: 'fe80::2' },
      udp: { sport: 546, dport: 547 },
    });
    // Insert an 8-byte hop-by-hop header (next header = UDP) after the fixed IPv6 header.
    const b = new Uint8Array(udp.length + 8);
    b.set(udp.subarray(0, 54), 0);
    b[14 + 6] = 0; // next header: hop-by-hop
    b[14 + 5] = udp[14 + 5]! + 8; // payload length grows by 8
    b.set(Uint8Array.of(17, 0, 1, 4, 0, 0, 0, 0), 54);
    b.set(udp.subarray(54), 62);
    const { key, off } = parse(b);
    expect(key[K.K_ETH_TYPE]).toBe(0x86dd);
    expect(key[K.K_NW_PROTO]).toBe(17);
    expect(ip6(key, K.K_IP6_SRC)).toBe('fe80::1');
    expect(off[O_L4]).toBe(62);
    expect(key[K.K_TP_SRC]).toBe(546);
  });

  it('parses neighbour solicitation and advertisement with their options', () => {
    const ns = buildPacket({
      eth: { src: '00:00:00:00:00:01', dst: '33:33:ff:00:00:02' },
      ip6: { src: 'fe80::1', dst: 'ff02::1:ff00:2', hopLimit: 255 },
      nd: { type: 135, target: 'fe80::2', sll: '00:00:00:00:00:01' },
    });
    const a = parse(ns);
    expect(a.key[K.K_TP_SRC]).toBe(135);
    expect(ip6(a.key, K.K_ND_TARGET)).toBe('fe80::2');
    expect(mac(a.key, K.K_ND_SLL)).toBe('00:00:00:00:00:01');
    expect(a.off[O_ND_SLL]).toBeGreaterThan(0);
    const na = buildPacket({
      eth: { src: '00:00:00:00:00:02', dst: '00:00:00:00:00:01' },
      ip6: { src: 'fe80::2', dst: 'fe80::1', hopLimit: 255 },
      nd: { type: 136, target: 'fe80::2', tll: '00:00:00:00:00:02' },
    });
    const b = parse(na);
    expect(b.key[K.K_TP_SRC]).toBe(136);
    expect(mac(b.key, K.K_ND_TLL)).toBe('00:00:00:00:00:02');
    expect(b.off[O_ND_TLL]).toBeGreaterThan(0);
    expect(b.key[K.K_ND_SLL]).toBe(0);
    expect(parseIp6('fe80::2')).toBe(0xfe800000000000000000000000000002n);
  });

  it('marks fragments and leaves later fragments without ports', () => {
    const first = buildPacket({
      eth: { src: '00:00:00:00:00:01', dst: '00:00:00:00:00:02' },
      ip4: { src: '1.1.1.1', dst: '2.2.2.2', frag: { offset: 0, more: true } },
      udp: { sport: 7, dport: 9 },
    });
    const later = buildPacket({
      eth: { src: '00:00:00:00:00:01', dst: '00:00:00:00:00:02' },
      ip4: { src: '1.1.1.1', dst: '2.2.2.2', proto: 17, frag: { offset: 10, more: false } },
      payload: new Uint8Array(16),
    });
    const f = parse(first);
    expect(f.key[K.K_NW_FRAG]).toBe(K.FRAG_ANY);
    expect(f.key[K.K_TP_DST]).toBe(9);
    const l = parse(later);
    expect(l.key[K.K_NW_FRAG]).toBe(K.FRAG_ANY | K.FRAG_LATER);
    expect(l.key[K.K_TP_DST]).toBe(0);
    expect(l.off[O_L4]).toBe(-1);
  });

  it('parses ICMP type and code into tp_src/tp_dst, and survives truncation', () => {
    const b = buildPacket({
      eth: { src: '00:00:00:00:00:01', dst: '00:00:00:00:00:02' },
      ip4: { src: '1.1.1.1', dst: '2.2.2.2' },
      icmp: { type: 3, code: 4 },
    });
    const { key } = parse(b);
    expect(key[K.K_NW_PROTO]).toBe(1);
    expect(key[K.K_TP_SRC]).toBe(3);
    expect(key[K.K_TP_DST]).toBe(4);
    const short = parse(b.subarray(0, 20));
    expect(short.key[K.K_ETH_TYPE]).toBe(0x800);
    expect(short.key[K.K_IP4_SRC]).toBe(0);
  });
});
