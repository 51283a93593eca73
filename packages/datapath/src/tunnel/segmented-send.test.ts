/**
 * Runs of small datagrams go as one UDP_SEGMENT send and may arrive coalesced (UDP_GRO); every frame
 * must still come out separately, in order, with its own metadata and offload state, also at a peer
 * that does not coalesce (node:dgram).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { frameOffload, setFrameOffload } from '../linux/frame-offload.js';
import { libc, POLLIN } from '../linux/libc.js';
import { UdpSocket } from '../linux/udp-socket.js';
import { NO_OFFLOAD, VIRTIO_NET_HDR_F_NEEDS_CSUM } from '../linux/virtio-net-header.js';
import type { PortIo, TunnelMetadata } from '../port.js';
import { DgramTunnelPort } from './dgram-tunnel-port.js';
import { UdpTunnelPort } from './udp-tunnel-port.js';

const closers: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c();
});

/** A frame of `len` bytes whose content names it (`id` in the first bytes). */
function frame(id: number, len: number): Uint8Array {
  const f = new Uint8Array(len);
  for (let i = 0; i < len; i++) f[i] = (id * 7 + i) & 0xff;
  f[0] = id;
  return f;
}

interface Got {
  readonly bytes: number[];
  readonly meta: TunnelMetadata | undefined;
  readonly offload: ReturnType<typeof frameOffload>;
}

/** Collect what `rx` delivers until `count` frames have come (or a few seconds passed). */
function collect(rx: PortIo, count: number): Promise<Got[]> {
  const got: Got[] = [];
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(got), 5000);
    rx.start((frames, meta) => {
      for (let i = 0; i < frames.length; i++) {
        const f = frames[i]!;
        got.push({ bytes: [...f], meta: meta?.[i], offload: frameOffload(f) });
      }
      if (got.length >= count) {
        clearTimeout(timer);
        resolve(got);
      }
    });
  });
}

const pending = { ...NO_OFFLOAD, flags: VIRTIO_NET_HDR_F_NEEDS_CSUM, csumStart: 34, csumOffset: 6 };

/** Runs of equal sizes broken by other sizes, a large frame and a change of VNI. */
function batch(): { frames: Uint8Array[]; meta: TunnelMetadata[] } {
  const sizes = [
    ...Array(30).fill(60),
    100,
    100,
    ...Array(5).fill(60),
    3000,
    ...Array(70).fill(61),
  ];
  const frames = sizes.map((len, id) => frame(id, len));
  // Every third frame has its checksum pending: that state must reach the right frame.
  frames.forEach((f, id) => {
    if (id % 3 === 0) setFrameOffload(f, pending);
  });
  const meta = frames.map((_f, id) => ({ tunId: id < 50 ? 5n : 6n, geneveOption: id }));
  return { frames, meta };
}

describe('segmented sends between tunnel ports', () => {
  it('delivers every frame of coalesced runs separately, in order, with its metadata and offload state', async () => {
    const rx = await UdpTunnelPort.open({
      encapsulation: 'geneve',
      localIp: '127.0.0.2',
      localPort: 0,
    });
    closers.push(() => rx.close());
    const tx = await UdpTunnelPort.open({
      encapsulation: 'geneve',
      localIp: '127.0.0.1',
      localPort: 0,
      remoteIp: '127.0.0.2',
      remotePort: rx.localPort,
    });
    closers.push(() => tx.close());
    tx.start(() => {});
    const { frames, meta } = batch();
    const got = collect(rx, frames.length);
    tx.transmit(frames, meta);
    const r = await got;
    expect(r.map((g) => g.bytes[0])).toEqual(frames.map((_f, id) => id));
    r.forEach((g, id) => {
      expect(g.bytes).toEqual([...frames[id]!]);
      expect(g.meta?.tunId).toBe(meta[id]!.tunId);
      expect(g.meta?.geneveOption).toBe(id);
      expect(g.offload).toEqual(id % 3 === 0 ? pending : undefined);
    });
    expect(tx.stats().txPackets).toBe(frames.length);
  });

  it('reaches a peer that does not coalesce (node:dgram) as separate datagrams', async () => {
    const rx = await DgramTunnelPort.open({
      encapsulation: 'geneve',
      localIp: '127.0.0.2',
      localPort: 0,
    });
    closers.push(() => rx.close());
    const tx = await UdpTunnelPort.open({
      encapsulation: 'geneve',
      localIp: '127.0.0.1',
      localPort: 0,
      remoteIp: '127.0.0.2',
      remotePort: rx.localPort,
    });
    closers.push(() => tx.close());
    tx.start(() => {});
    const { frames, meta } = batch();
    const got = collect(rx, frames.length);
    tx.transmit(frames, meta);
    const r = await got;
    expect(r.map((g) => g.bytes)).toEqual(frames.map((f) => [...f]));
  });
});

describe('UDP socket segmentation', () => {
  it('sends a run as one message that arrives coalesced, with its segment size', () => {
    const a = new UdpSocket('127.0.0.1', 0);
    closers.push(() => a.close());
    const b = new UdpSocket('127.0.0.2', 0);
    closers.push(() => b.close());
    if (!b.gro || !a.segmentation) return expect(b.gro).toBe(false); // kernel without UDP_GRO
    // Ten datagrams of 40 bytes and a last one of 25, one after the other in the slot.
    const slot = a.txSlot(0);
    for (let k = 0; k < 11; k++) slot.fill(k, k * 40, k * 40 + 40);
    a.stageSegments(0, 10 * 40 + 25, 40);
    a.setDestination(0, 0x7f000002, b.localPort);
    expect(a.send(1)).toBe(1);
    const pfd = Buffer.alloc(8);
    pfd.writeInt32LE(b.fd, 0);
    pfd.writeInt16LE(POLLIN, 4);
    libc().poll(pfd, 1, 2000);
    const seen: number[][] = [];
    const n = b.receive();
    // One message: the eleven datagrams travelled as one and were handed over as one.
    expect(n).toBe(1);
    expect(b.rxSegmentSize(0)).toBe(40);
    for (let i = 0; i < n; i++) {
      const len = b.rxLength(i);
      const step = b.rxSegmentSize(i) || len;
      for (let off = 0; off < len; off += step) {
        const d = b.rxBytes.subarray(
          b.rxOffset(i) + off,
          b.rxOffset(i) + Math.min(len, off + step),
        );
        seen.push([d.length, d[0]!]);
      }
    }
    expect(seen).toEqual([...Array.from({ length: 10 }, (_v, k) => [40, k]), [25, 10]]);
  });

  it('sends a run singly when the kernel refuses to segment it, and stops making runs', () => {
    const a = new UdpSocket('127.0.0.1', 0);
    closers.push(() => a.close());
    const b = new UdpSocket('127.0.0.2', 0, { segmentation: false });
    closers.push(() => b.close());
    // 150 datagrams of 2 bytes: more segments than the kernel allows in one send (EINVAL).
    const slot = a.txSlot(0);
    for (let k = 0; k < 150; k++) slot.fill(k, 2 * k, 2 * k + 2);
    a.stageSegments(0, 300, 2);
    a.setDestination(0, 0x7f000002, b.localPort);
    expect(a.send(1)).toBe(1);
    expect(a.segmentation).toBe(false);
    const pfd = Buffer.alloc(8);
    pfd.writeInt32LE(b.fd, 0);
    pfd.writeInt16LE(POLLIN, 4);
    const seen: number[] = [];
    while (seen.length < 150 && libc().poll(pfd, 1, 2000) > 0) {
      const n = b.receive();
      for (let i = 0; i < n; i++) {
        expect(b.rxLength(i)).toBe(2);
        seen.push(b.rxBytes[b.rxOffset(i)]!);
      }
    }
    expect(seen).toEqual(Array.from({ length: 150 }, (_v, k) => k));
  });
});
