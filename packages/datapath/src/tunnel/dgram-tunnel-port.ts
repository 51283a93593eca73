/**
 * A tunnel port over node:dgram: portable (no native module), one JS event per datagram. The Linux
 * shell (udp-tunnel-port.ts) batches with recvmmsg/sendmmsg and is the one to use for traffic; this one
 * serves where koffi is unavailable and as a cross-check of the shared encapsulation code.
 */
import dgram from 'node:dgram';
import { frameOffload, setFrameOffload } from '../linux/frame-offload.js';
import type { DeliverFn, PortIo, PortIoStats, TunnelMetadata } from '../port.js';
import { GENEVE_UDP_PORT } from './geneve-codec.js';
import { segmentBatch } from './segment-batch.js';
import {
  decapsulate,
  type Encapsulation,
  encapsulateInto,
  MAX_UDP_PAYLOAD,
} from './tunnel-encap.js';
import type { TunnelPortOptions } from './tunnel-port-options.js';
import { VXLAN_UDP_PORT } from './vxlan-codec.js';

export class DgramTunnelPort implements PortIo {
  readonly kind: Encapsulation;
  readonly tunnel = true;
  readonly localPort: number;
  private deliver: DeliverFn | undefined;
  private readonly remotePort: number;
  private readonly config: { kind: Encapsulation; carryOffloads: boolean };
  private readonly onError: (err: unknown) => void;
  private readonly scratch = Buffer.allocUnsafeSlow(MAX_UDP_PAYLOAD);
  private pendingFrames: Uint8Array[] = [];
  private pendingMeta: TunnelMetadata[] = [];
  private flushScheduled = false;
  private closed = false;
  private rxPackets = 0;
  private rxBytes = 0;
  private rxErrors = 0;
  private txPackets = 0;
  private txBytes = 0;
  private txDropped = 0;

  private constructor(
    private readonly socket: dgram.Socket,
    private readonly options: TunnelPortOptions,
  ) {
    this.kind = options.encapsulation;
    this.localPort = socket.address().port;
    this.remotePort =
      options.remotePort ?? (options.encapsulation === 'geneve' ? GENEVE_UDP_PORT : VXLAN_UDP_PORT);
    this.config = {
      kind: this.kind,
      carryOffloads: this.kind === 'geneve' && (options.carryOffloads ?? true),
    };
    this.onError = options.onError ?? ((err) => console.error(`${this.name}:`, err));
    socket.on('message', this.receive);
    socket.on('error', this.onError);
  }

  /** Bind the UDP socket; the port receives once the engine starts it. */
  static async open(options: TunnelPortOptions): Promise<DgramTunnelPort> {
    const bytes = options.bufferBytes ?? 4 << 20;
    const socket = dgram.createSocket({
      type: 'udp4',
      recvBufferSize: bytes,
      sendBufferSize: bytes,
    });
    const port =
      options.localPort ?? (options.encapsulation === 'geneve' ? GENEVE_UDP_PORT : VXLAN_UDP_PORT);
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind({ address: options.localIp, port, exclusive: true }, () => {
        socket.off('error', reject);
        resolve();
      });
    }).catch((err: Error) => {
      socket.close();
      throw new Error(
        `${options.encapsulation} port ${options.localIp}:${port}: bind: ${err.message}`,
      );
    });
    return new DgramTunnelPort(socket, options);
  }

  get name(): string {
    return `${this.kind} port ${this.options.localIp}:${this.localPort}`;
  }

  start(deliver: DeliverFn): void {
    if (this.deliver) throw new Error(`${this.name}: already started`);
    this.deliver = deliver;
  }

  private receive = (msg: Buffer, rinfo: dgram.RemoteInfo): void => {
    if (!this.deliver || this.closed) return;
    let d: ReturnType<typeof decapsulate>;
    try {
      d = decapsulate(msg, this.kind);
    } catch (err) {
      this.rxErrors += 1;
      if (this.rxErrors <= 10)
        this.onError(
          new Error(
            `${this.name}: bad datagram from ${rinfo.address}:${rinfo.port}: ${(err as Error).message}`,
          ),
        );
      return;
    }
    if (d.offload) setFrameOffload(d.frame, d.offload);
    this.rxPackets += 1;
    this.rxBytes += d.frame.length;
    this.pendingFrames.push(d.frame);
    this.pendingMeta.push({
      tunId: BigInt(d.tunId),
      remoteIp: rinfo.address,
      localIp: this.options.localIp,
      ...(d.geneveOption === undefined ? {} : { geneveOption: d.geneveOption }),
    });
    // Datagrams that arrive in one event-loop turn are handed to the engine as one batch.
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(this.flush);
    }
  };

  private flush = (): void => {
    this.flushScheduled = false;
    const frames = this.pendingFrames;
    const meta = this.pendingMeta;
    this.pendingFrames = [];
    this.pendingMeta = [];
    if (frames.length > 0 && !this.closed) this.deliver?.(frames, meta);
  };

  transmit(
    batch: readonly Uint8Array[],
    batchMeta?: readonly (TunnelMetadata | undefined)[],
  ): void {
    if (this.closed) return;
    let frames = batch;
    let meta = batchMeta;
    if (!this.config.carryOffloads) {
      // The peer cannot take TSO frames: cut them here, as a NIC would.
      const seg = segmentBatch(batch, batchMeta);
      frames = seg.frames;
      meta = seg.meta;
      this.txDropped += seg.dropped;
    }
    for (let i = 0; i < frames.length; i++) {
      const frame = frames[i]!;
      const remote = meta?.[i]?.remoteIp ?? this.options.remoteIp;
      const r = encapsulateInto(this.scratch, frame, meta?.[i], frameOffload(frame), this.config);
      if (!r.ok || !remote) {
        this.txDropped += 1;
        continue;
      }
      // send() is asynchronous: it gets its own copy of the datagram.
      this.socket.send(
        Buffer.from(this.scratch.subarray(0, r.length)),
        this.remotePort,
        remote,
        this.sent,
      );
      this.txPackets += 1;
      this.txBytes += frame.length;
    }
  }

  private sent = (err: Error | null): void => {
    if (err) {
      this.txDropped += 1;
      this.txPackets -= 1;
    }
  };

  stats(): PortIoStats & { readonly rxErrors: number } {
    return {
      rxPackets: this.rxPackets,
      rxBytes: this.rxBytes,
      rxErrors: this.rxErrors,
      txPackets: this.txPackets,
      txBytes: this.txBytes,
      txDropped: this.txDropped,
    };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.deliver = undefined;
    await new Promise<void>((resolve) => this.socket.close(() => resolve()));
  }
}
