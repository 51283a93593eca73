/**
 * The engine's header rewrites on frames whose TCP checksum is still pending (received with a
 * virtio-net NEEDS_CSUM header): after NAT-style rewrites and a VLAN tag, finishing the checksum the
 * way a NIC would must give a correct packet.
 */
import { describe, expect, it } from 'vitest';
import { output, pushVlan, setField } from '../actions.js';
import { Datapath } from '../datapath.js';
import { MemoryPort } from '../memory-port.js';
import { buildPacket, TCP_ACK } from '../packet/build.js';
import { verifyChecksums } from '../packet/verify.js';
import { completeChecksum } from '../tunnel/checksum-completion.js';
import { frameOffload, setFrameOffload } from './frame-offload.js';
import { VIRTIO_NET_HDR_F_NEEDS_CSUM, VIRTIO_NET_HDR_GSO_NONE } from './virtio-net-header.js';

function sum16(b: Uint8Array, from: number, to: number): number {
  let s = 0;
  for (let i = from; i < to; i += 2) s += (b[i]! << 8) | (i + 1 < to ? b[i + 1]! : 0);
  while (s > 0xffff) s = (s & 0xffff) + (s >>> 16);
  return s;
}

/** A TCP frame as a sender with checksum offload hands it over: the field holds the pseudo-header sum. */
function pendingFrame(): Uint8Array {
  const f = buildPacket({
    eth: { src: '02:00:00:00:00:01', dst: '02:00:00:00:00:02' },
    ip4: { src: '10.0.0.1', dst: '10.0.0.100' },
    tcp: { sport: 40000, dport: 80, flags: TCP_ACK },
    payload: new Uint8Array(300).map((_, i) => i * 13),
  });
  const tcpLen = f.length - 34;
  let p = sum16(f, 26, 34) + 6 + tcpLen;
  while (p > 0xffff) p = (p & 0xffff) + (p >>> 16);
  f[50] = p >> 8;
  f[51] = p & 0xff;
  setFrameOffload(f, {
    flags: VIRTIO_NET_HDR_F_NEEDS_CSUM,
    gsoType: VIRTIO_NET_HDR_GSO_NONE,
    hdrLen: 0,
    gsoSize: 0,
    csumStart: 34,
    csumOffset: 16,
  });
  return f;
}

function forward(actions: Parameters<Datapath['addFlows']>[0][number]['actions']): {
  frame: Uint8Array;
  csumStart: number;
} {
  const dp = new Datapath({ now: () => 0 });
  const seen: { frame: Uint8Array; csumStart: number }[] = [];
  const inPort = new MemoryPort({ capture: false });
  const outPort = new MemoryPort({
    capture: false,
    onTransmit: (frames) => {
      for (const f of frames)
        seen.push({ frame: Uint8Array.from(f), csumStart: frameOffload(f)?.csumStart ?? -1 });
    },
  });
  dp.addPort('in', inPort, { port: 1 });
  dp.addPort('out', outPort, { port: 2 });
  dp.addFlows([{ match: { in_port: 1 }, actions }]);
  inPort.inject([pendingFrame()]);
  expect(seen.length).toBe(1);
  return seen[0]!;
}

describe('rewrites on frames with a pending checksum', () => {
  it('a rewritten address and port give a correct checksum once it is finished', () => {
    const { frame, csumStart } = forward([
      setField('ip_dst', '10.0.0.2'),
      setField('tcp_dst', 8080),
      output(2),
    ]);
    expect(csumStart).toBe(34);
    completeChecksum(frame, 34, 16);
    expect(verifyChecksums(frame)).toEqual({ ipHeader: true, l4: true });
  });

  it('the offload state follows a frame that gets a VLAN tag, shifted by the tag', () => {
    const { frame, csumStart } = forward([setField('ip_src', '192.0.2.7'), pushVlan(), output(2)]);
    expect(csumStart).toBe(38);
    completeChecksum(frame, 38, 16);
    expect(verifyChecksums(frame)).toEqual({ ipHeader: true, l4: true });
  });
});
