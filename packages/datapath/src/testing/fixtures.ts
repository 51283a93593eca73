import { Datapath } from '../datapath.js';
import { MemoryPort } from '../memory-port.js';
import { buildPacket, type PacketSpec, TCP_SYN } from '../packet/build.js';

/** A datapath with `n` memory ports numbered 1..n and a settable clock, for tests. */
export function testbed(n = 2): { dp: Datapath; ports: MemoryPort[]; clock: { now: number } } {
  const clock = { now: 0 };
  const dp = new Datapath({ now: () => clock.now });
  const ports: MemoryPort[] = [];
  for (let i = 1; i <= n; i++) {
    const p = new MemoryPort();
    dp.addPort(`p${i}`, p, { port: i });
    ports.push(p);
  }
  return { dp, ports, clock };
}

export const MAC_A = '00:00:00:00:00:0a';
export const MAC_B = '00:00:00:00:00:0b';
export const MAC_R = '00:00:00:00:00:fe';

export function tcp4(
  over: Partial<{
    src: string;
    dst: string;
    sport: number;
    dport: number;
    flags: number;
    ttl: number;
    ethSrc: string;
    ethDst: string;
  }> = {},
): Uint8Array {
  const spec: PacketSpec = {
    eth: { src: over.ethSrc ?? MAC_A, dst: over.ethDst ?? MAC_B },
    ip4: { src: over.src ?? '10.0.0.1', dst: over.dst ?? '10.0.0.2', ttl: over.ttl ?? 64 },
    tcp: { sport: over.sport ?? 1000, dport: over.dport ?? 80, flags: over.flags ?? TCP_SYN },
    payload: Uint8Array.of(1, 2, 3, 4, 5),
  };
  return buildPacket(spec);
}

export function udp4(
  over: Partial<{
    src: string;
    dst: string;
    sport: number;
    dport: number;
    ethSrc: string;
    ethDst: string;
  }> = {},
): Uint8Array {
  return buildPacket({
    eth: { src: over.ethSrc ?? MAC_A, dst: over.ethDst ?? MAC_B },
    ip4: { src: over.src ?? '10.0.0.1', dst: over.dst ?? '10.0.0.2' },
    udp: { sport: over.sport ?? 5000, dport: over.dport ?? 53 },
    payload: Uint8Array.of(9, 9, 9),
  });
}
