import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as K from '../key-layout.js';
import { formatIp4, formatIp6 } from './addr.js';
import { buildPacket, type PacketSpec } from './build.js';
import { O_ND_SLL, OFFSETS_LEN, parseFrame } from './parse.js';
import {
  setIp4Addr,
  setIp6Addr,
  setNdLla,
  setNdTarget,
  setTos,
  setTpField,
  setTtl,
} from './rewrite.js';
import { verifyChecksums } from './verify.js';

function parsed(b: Uint8Array): { key: Uint32Array; off: Int32Array } {
  const key = new Uint32Array(K.KEY_WORDS);
  const off = new Int32Array(OFFSETS_LEN);
  parseFrame(b, key, off);
  return { key, off };
}

const eth = { src: '00:00:00:00:00:01', dst: '00:00:00:00:00:02' };
const ip4Arb = fc.integer({ min: 0, max: 0xffffffff }).map(formatIp4);
const ip6Arb = fc.bigInt({ min: 0n, max: (1n << 128n) - 1n }).map(formatIp6);
const port = fc.integer({ min: 0, max: 65535 });

describe('header rewrites keep checksums right (checked by recomputing from scratch)', () => {
  it('IPv4 TCP/UDP/ICMP: address, port, ttl and tos rewrites equal a packet built with the new values', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('tcp', 'udp', 'icmp'),
        ip4Arb,
        ip4Arb,
        port,
        port,
        ip4Arb,
        ip4Arb,
        port,
        port,
        fc.integer({ min: 1, max: 255 }),
        fc.integer({ min: 0, max: 255 }),
        fc.uint8Array({ maxLength: 33 }),
        (l4, src, dst, sp, dp, nsrc, ndst, nsp, ndp, ttl, tos, payload) => {
          const mk = (
            s: string,
            d: string,
            a: number,
            b: number,
            t: number,
            q: number,
          ): Uint8Array => {
            const spec: PacketSpec = {
              eth,
              ip4: { src: s, dst: d, ttl: t, tos: q },
              ...(l4 === 'tcp'
                ? { tcp: { sport: a, dport: b } }
                : l4 === 'udp'
                  ? { udp: { sport: a, dport: b } }
                  : { icmp: { type: a & 255, code: b & 255 } }),
              payload,
            };
            return buildPacket(spec);
          };
          const pkt = mk(src, dst, sp, dp, 64, 0);
          const { key, off } = parsed(pkt);
          const proto = key[K.K_NW_PROTO]!;
          const na = (x: string) => x.split('.').reduce((a, p) => ((a << 8) | Number(p)) >>> 0, 0);
          setIp4Addr(pkt, off, 12, na(nsrc), proto);
          setIp4Addr(pkt, off, 16, na(ndst), proto);
          const a = l4 === 'icmp' ? nsp & 255 : nsp;
          const b = l4 === 'icmp' ? ndp & 255 : ndp;
          setTpField(pkt, off, 0, a, proto);
          setTpField(pkt, off, 2, b, proto);
          setTtl(pkt, off, false, ttl);
          setTos(pkt, off, false, tos);
          const expected = mk(nsrc, ndst, a, b, ttl, tos);
          const v = verifyChecksums(pkt);
          expect(v).toEqual({ ipHeader: true, l4: true });
          // UDP may legitimately carry 0xffff where a fresh computation gives the same value; compare bytes.
          expect(pkt).toEqual(expected);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('IPv6 TCP/UDP: address and port rewrites', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('tcp', 'udp'),
        ip6Arb,
        ip6Arb,
        ip6Arb,
        port,
        port,
        fc.uint8Array({ maxLength: 20 }),
        (l4, src, dst, nsrc, sp, nsp, payload) => {
          const mk = (s: string, a: number): Uint8Array =>
            buildPacket({
              eth,
              ip6: { src: s, dst },
              ...(l4 === 'tcp'
                ? { tcp: { sport: a, dport: 443 } }
                : { udp: { sport: a, dport: 53 } }),
              payload,
            });
          const pkt = mk(src, sp);
          const { key, off } = parsed(pkt);
          const words = parsed(mk(nsrc, sp)).key.slice(K.K_IP6_SRC, K.K_IP6_SRC + 4);
          setIp6Addr(pkt, off, 8, words, key[K.K_NW_PROTO]!);
          setTpField(pkt, off, 0, nsp, key[K.K_NW_PROTO]!);
          expect(verifyChecksums(pkt).l4).toBe(true);
          expect(pkt).toEqual(mk(nsrc, nsp));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('ND target and link-layer option rewrites keep the ICMPv6 checksum', () => {
    const mk = (target: string, sll: string): Uint8Array =>
      buildPacket({
        eth,
        ip6: { src: 'fe80::1', dst: 'ff02::1', hopLimit: 255 },
        nd: { type: 135, target, sll },
      });
    const pkt = mk('fe80::2', '00:00:00:00:00:01');
    const { off } = parsed(pkt);
    const t = parsed(mk('2001:db8::77', '00:00:00:00:00:01')).key.slice(
      K.K_ND_TARGET,
      K.K_ND_TARGET + 4,
    );
    setNdTarget(pkt, off, t);
    setNdLla(pkt, off, O_ND_SLL, 0x0a0b, 0x0c0d0e0f);
    expect(verifyChecksums(pkt).l4).toBe(true);
    expect(pkt).toEqual(mk('2001:db8::77', '0a:0b:0c:0d:0e:0f'));
  });

  it('leaves a zero UDP checksum (none) as zero', () => {
    const pkt = buildPacket({
      eth,
      ip4: { src: '1.1.1.1', dst: '2.2.2.2' },
      udp: { sport: 1, dport: 2, noChecksum: true },
    });
    const { off } = parsed(pkt);
    setIp4Addr(pkt, off, 12, 0x01020304, 17);
    expect(pkt[14 + 20 + 6]).toBe(0);
    expect(pkt[14 + 20 + 7]).toBe(0);
    expect(verifyChecksums(pkt)).toEqual({ ipHeader: true, l4: true });
  });
});
