import { afterEach, describe, expect, it } from 'vitest';
import { frameOffload, setFrameOffload } from '../linux/frame-offload.js';
import {
  VIRTIO_NET_HDR_F_NEEDS_CSUM,
  VIRTIO_NET_HDR_GSO_NONE,
  VIRTIO_NET_HDR_GSO_TCPV4,
} from '../linux/virtio-net-header.js';
import { buildPacket, TCP_ACK } from '../packet/build.js';
import { verifyChecksums } from '../packet/verify.js';
import type { TunnelMetadata } from '../port.js';
import { DgramTunnelPort } from './dgram-tunnel-port.js';
import type { Encapsulation } from './tunnel-encap.js';
import type { TunnelPortOptions } from './tunnel-port-options.js';
import { UdpTunnelPort } from './udp-tunnel-port.js';

type AnyTunnelPort = UdpTunnelPort | DgramTunnelPort;

interface Received {
  frame: Uint8Array;
  meta: TunnelMetadata | undefined;
  offload: ReturnType<typeof frameOffload>;
}

const open: AnyTunnelPort[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((p) => p.close()));
});

describe.each([
  ['recvmmsg shell', (o: TunnelPortOptions): Promise<AnyTunnelPort> => UdpTunnelPort.open(o)],
  ['node:dgram shell', (o: TunnelPortOptions): Promise<AnyTunnelPort> => DgramTunnelPort.open(o)],
])('tunnel port over loopback (%s)', (_shell, openPort) => {
  /** Sender on 127.0.0.1, receiver on 127.0.0.2, both on free ports; resolves the receiver's first batch. */
  async function pair(encapsulation: Encapsulation, carryOffloads = true) {
    const rx = await openPort({ encapsulation, localIp: '127.0.0.2', localPort: 0 });
    const tx = await openPort({
      encapsulation,
      localIp: '127.0.0.1',
      localPort: 0,
      remoteIp: '127.0.0.2',
      remotePort: rx.localPort,
      carryOffloads,
    });
    open.push(rx, tx);
    tx.start(() => {});
    const received = new Promise<Received[]>((resolve) => {
      rx.start((frames, meta) =>
        resolve(
          frames.map((f, i) => ({
            frame: Uint8Array.from(f),
            meta: meta?.[i],
            offload: frameOffload(f),
          })),
        ),
      );
    });
    return { tx, rx, received };
  }

  function frame(len: number): Uint8Array {
    const f = new Uint8Array(len);
    for (let i = 0; i < len; i++) f[i] = i & 0xff;
    return f;
  }

  it('carries a frame with VNI and OVN option through Geneve', async () => {
    const { tx, received } = await pair('geneve');
    const f = frame(60);
    tx.transmit([f], [{ tunId: 0x00abcdn, geneveOption: (3 << 16) | 4 }]);
    const [r] = await received;
    expect([...r!.frame]).toEqual([...f]);
    expect(r!.meta).toEqual({
      tunId: 0xabcdn,
      geneveOption: (3 << 16) | 4,
      remoteIp: '127.0.0.1',
      localIp: '127.0.0.2',
    });
    expect(tx.stats().txPackets).toBe(1);
  });

  it('carries a frame with VNI through VXLAN, without an option', async () => {
    const { tx, received } = await pair('vxlan');
    tx.transmit([frame(100)], [{ tunId: 77n }]);
    const [r] = await received;
    expect(r!.frame.length).toBe(100);
    expect(r!.meta).toEqual({ tunId: 77n, remoteIp: '127.0.0.1', localIp: '127.0.0.2' });
  });

  it('sends to the remote address named in the metadata rather than the default', async () => {
    const rx = await openPort({ encapsulation: 'geneve', localIp: '127.0.0.3', localPort: 0 });
    const tx = await openPort({
      encapsulation: 'geneve',
      localIp: '127.0.0.1',
      localPort: 0,
      remoteIp: '127.0.0.2',
      remotePort: rx.localPort,
    });
    open.push(rx, tx);
    const got = new Promise<readonly (TunnelMetadata | undefined)[] | undefined>((resolve) =>
      rx.start((_f, m) => resolve(m)),
    );
    tx.start(() => {});
    tx.transmit([frame(64)], [{ tunId: 1n, remoteIp: '127.0.0.3' }]);
    expect((await got)?.[0]?.tunId).toBe(1n);
  });

  it('keeps a TSO frame whole and its offload state between ovn-ts datapaths', async () => {
    const { tx, received } = await pair('geneve');
    const big = frame(30000);
    const tso = {
      flags: VIRTIO_NET_HDR_F_NEEDS_CSUM,
      gsoType: VIRTIO_NET_HDR_GSO_TCPV4,
      hdrLen: 66,
      gsoSize: 1448,
      csumStart: 34,
      csumOffset: 16,
    };
    setFrameOffload(big, tso);
    tx.transmit([big], [{ tunId: 2n }]);
    const [r] = await received;
    expect(r!.frame.length).toBe(30000);
    expect(r!.offload).toEqual(tso);
  });

  it('cuts a TSO frame into checksummed segments when the peer cannot carry offload state', async () => {
    const rx = await openPort({ encapsulation: 'vxlan', localIp: '127.0.0.2', localPort: 0 });
    const tx = await openPort({
      encapsulation: 'vxlan',
      localIp: '127.0.0.1',
      localPort: 0,
      remoteIp: '127.0.0.2',
      remotePort: rx.localPort,
    });
    open.push(rx, tx);
    const got: Uint8Array[] = [];
    const done = new Promise<void>((resolve) =>
      rx.start((frames) => {
        for (const f of frames) got.push(Uint8Array.from(f));
        if (got.length >= 3) resolve();
      }),
    );
    tx.start(() => {});
    const tcp = buildPacket({
      eth: { src: '02:00:00:00:00:01', dst: '02:00:00:00:00:02' },
      ip4: { src: '10.0.0.1', dst: '10.0.0.2' },
      tcp: { sport: 1000, dport: 2000, flags: TCP_ACK },
      payload: new Uint8Array(4000).fill(9),
    });
    setFrameOffload(tcp, {
      flags: VIRTIO_NET_HDR_F_NEEDS_CSUM,
      gsoType: VIRTIO_NET_HDR_GSO_TCPV4,
      hdrLen: 54,
      gsoSize: 1448,
      csumStart: 34,
      csumOffset: 16,
    });
    tx.transmit([tcp], [{ tunId: 4n }]);
    await done;
    expect(got.map((f) => f.length)).toEqual([54 + 1448, 54 + 1448, 54 + 1104]);
    for (const f of got) expect(verifyChecksums(f)).toEqual({ ipHeader: true, l4: true });
  });

  it('finishes a pending checksum when the peer cannot carry offload state', async () => {
    const { tx, received } = await pair('geneve', false);
    const f = frame(80);
    f[40] = 0;
    f[41] = 0;
    setFrameOffload(f, {
      flags: VIRTIO_NET_HDR_F_NEEDS_CSUM,
      gsoType: VIRTIO_NET_HDR_GSO_NONE,
      hdrLen: 0,
      gsoSize: 0,
      csumStart: 34,
      csumOffset: 6,
    });
    tx.transmit([f], [{ tunId: 2n }]);
    const [r] = await received;
    expect(r!.offload).toBeUndefined();
    // Complement of the ones'-complement sum of bytes 34..79 (with the field zero) is now in the field.
    let sum = 0;
    for (let i = 34; i < 80; i += 2) sum += i === 40 ? 0 : (f[i]! << 8) | f[i + 1]!;
    while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
    expect((r!.frame[40]! << 8) | r!.frame[41]!).toBe(~sum & 0xffff || 0xffff);
  });

  it('relays received frames onward straight from receive memory, large and small, intact', async () => {
    // tx -> relayIn (delivers) -> relayOut.transmit -> sink: the relay forwards frames it did not copy.
    const sink = await openPort({ encapsulation: 'geneve', localIp: '127.0.0.4', localPort: 0 });
    const relayOut = await openPort({
      encapsulation: 'geneve',
      localIp: '127.0.0.3',
      localPort: 0,
      remoteIp: '127.0.0.4',
      remotePort: sink.localPort,
    });
    const relayIn = await openPort({ encapsulation: 'geneve', localIp: '127.0.0.2', localPort: 0 });
    const tx = await openPort({
      encapsulation: 'geneve',
      localIp: '127.0.0.1',
      localPort: 0,
      remoteIp: '127.0.0.2',
      remotePort: relayIn.localPort,
    });
    open.push(sink, relayOut, relayIn, tx);
    const got: Uint8Array[] = [];
    const done = new Promise<void>((resolve) =>
      sink.start((frames) => {
        for (const f of frames) got.push(Uint8Array.from(f));
        if (got.length >= 2) resolve();
      }),
    );
    relayOut.start(() => {});
    // Keep the VNI, drop the received remoteIp (it names the sender, not where the relay sends).
    relayIn.start((frames, meta) =>
      relayOut.transmit(
        frames,
        meta?.map((m) => ({ tunId: m?.tunId ?? 0n })),
      ),
    );
    tx.start(() => {});
    const big = frame(9000);
    const small = frame(80);
    tx.transmit([big, small], [{ tunId: 3n }, { tunId: 3n }]);
    await done;
    expect(got.map((f) => f.length)).toEqual([9000, 80]);
    expect([...got[0]!]).toEqual([...big]);
    expect([...got[1]!]).toEqual([...small]);
  });

  it('serves a port opened after many idle ones (no reader starves behind idle ports)', async () => {
    // koffi runs asynchronous calls on a few threads: idle ports must not hold them all.
    for (let i = 0; i < 8; i++) {
      const idle = await openPort({ encapsulation: 'vxlan', localIp: '127.0.0.3', localPort: 0 });
      open.push(idle);
      idle.start(() => {});
    }
    await new Promise((r) => setTimeout(r, 100));
    const { tx, received } = await pair('vxlan');
    tx.transmit([frame(61)], [{ tunId: 9n }]);
    const [r] = await received;
    expect(r!.frame.length).toBe(61);
  });

  it('drops and counts frames it cannot send: no remote, or too large for one datagram', async () => {
    const p = await openPort({ encapsulation: 'geneve', localIp: '127.0.0.1', localPort: 0 });
    open.push(p);
    p.start(() => {});
    p.transmit([frame(60)], [{ tunId: 1n }]);
    p.transmit([frame(70000)], [{ tunId: 1n, remoteIp: '127.0.0.1' }]);
    expect(p.stats().txDropped).toBe(2);
    expect(p.stats().txPackets).toBe(0);
  });

  it('names the address in a bind failure', async () => {
    const a = await openPort({ encapsulation: 'vxlan', localIp: '127.0.0.1', localPort: 0 });
    open.push(a);
    await expect(
      openPort({ encapsulation: 'vxlan', localIp: '127.0.0.1', localPort: a.localPort }),
    ).rejects.toThrow(new RegExp(`127.0.0.1:${a.localPort}: bind`));
  });
});
