/**
 * A tunnel port: Ethernet frames carried in Geneve or VXLAN over UDP, as OVN joins chassis. On receive
 * the VNI becomes `tunId`, the outer source address `remoteIp`, and OVN's Geneve option
 * `geneveOption`; on transmit the engine's TunnelMetadata chooses all three (the remote address falls
 * back to the port's configured peer).
 *
 * This is the Linux shell: batches of datagrams per recvmmsg/sendmmsg (linux/udp-socket.ts), headers
 * written straight into the socket's send slots, frames delivered straight out of its receive slots.
 *
 * Offloads: between two ovn-ts datapaths a frame's pending checksum and TSO state ride in our own
 * Geneve option (offload-option.ts), so a TSO frame crosses as one datagram and leaves the far datapath
 * as the same TSO frame. VXLAN, or Geneve with `carryOffloads: false` (a peer that is not ovn-ts),
 * cannot carry that state: TSO frames are cut into segments in software and pending checksums are
 * finished on the copy, as a NIC would. A TSO frame must fit one datagram (65507 bytes) to travel
 * whole: hosts attached to a Geneve datapath should keep gso_max_size at 65000 or below.
 */
import { FdReader } from '../linux/fd-reader.js';
import { frameOffload, setFrameOffload } from '../linux/frame-offload.js';
import { intToIpv4, ipv4ToInt, UdpSocket } from '../linux/udp-socket.js';
import type { DeliverFn, PortIo, PortIoStats, TunnelMetadata } from '../port.js';
import { GENEVE_UDP_PORT } from './geneve-codec.js';
import { segmentBatch } from './segment-batch.js';
import {
  decapsulate,
  type Encapsulation,
  encapsulateInto,
  writeTunnelHeader,
} from './tunnel-encap.js';
import type { TunnelPortOptions } from './tunnel-port-options.js';
import { VXLAN_UDP_PORT } from './vxlan-codec.js';

export type { Encapsulation } from './tunnel-encap.js';
export type { TunnelPortOptions } from './tunnel-port-options.js';

const EMPTY = new Uint8Array(0);

export class UdpTunnelPort implements PortIo {
  readonly kind: Encapsulation;
  readonly tunnel = true;
  private readonly socket: UdpSocket;
  private reader: FdReader | undefined;
  private deliver: DeliverFn | undefined;
  private readonly remotePort: number;
  private readonly defaultRemote: number | undefined;
  private readonly config: { kind: Encapsulation; carryOffloads: boolean };
  private readonly onError: (err: unknown) => void;
  private readonly frames: Uint8Array[] = [];
  private readonly meta: TunnelMetadata[] = [];
  // Source addresses repeat (one per peer chassis): keep their text form.
  private readonly ipText = new Map<number, string>();
  private readonly ipNumber = new Map<string, number>();
  private closed = false;
  private rxPackets = 0;
  private rxBytes = 0;
  private rxErrors = 0;
  private txPackets = 0;
  private txBytes = 0;
  private txDropped = 0;

  private constructor(private readonly options: TunnelPortOptions) {
    this.kind = options.encapsulation;
    const std = this.kind === 'geneve' ? GENEVE_UDP_PORT : VXLAN_UDP_PORT;
    this.socket = new UdpSocket(
      options.localIp,
      options.localPort ?? std,
      options.bufferBytes === undefined ? {} : { bufferBytes: options.bufferBytes },
    );
    this.remotePort = options.remotePort ?? std;
    this.defaultRemote = options.remoteIp === undefined ? undefined : ipv4ToInt(options.remoteIp);
    this.config = {
      kind: this.kind,
      carryOffloads: this.kind === 'geneve' && (options.carryOffloads ?? true),
    };
    this.onError = options.onError ?? ((err) => console.error(`${this.name}:`, err));
  }

  /** Bind the UDP socket; the port receives once the engine starts it. */
  static async open(options: TunnelPortOptions): Promise<UdpTunnelPort> {
    return new UdpTunnelPort(options);
  }

  get localPort(): number {
    return this.socket.localPort;
  }

  get name(): string {
    return `${this.kind} port ${this.options.localIp}:${this.localPort}`;
  }

  start(deliver: DeliverFn): void {
    if (this.deliver) throw new Error(`${this.name}: already started`);
    this.deliver = deliver;
    this.reader = new FdReader(this.name, this.socket.fd, this.drain, this.onError);
    this.reader.start();
  }

  private text(ip: number): string {
    let t = this.ipText.get(ip);
    if (t === undefined) {
      t = intToIpv4(ip);
      if (this.ipText.size < 4096) this.ipText.set(ip, t);
    }
    return t;
  }

  private drain = (): boolean => {
    const s = this.socket;
    for (let round = 0; round < 8; round++) {
      if (this.closed) return false;
      const n = s.receive();
      if (n === 0) return false;
      const frames = this.frames;
      const meta = this.meta;
      frames.length = 0;
      meta.length = 0;
      for (let i = 0; i < n; i++) {
        let d: ReturnType<typeof decapsulate>;
        try {
          d = decapsulate(s.rxSlot(i).subarray(0, s.rxLength(i)), this.kind);
        } catch (err) {
          this.rxErrors += 1;
          if (this.rxErrors <= 10)
            this.onError(
              new Error(
                `${this.name}: bad datagram from ${intToIpv4(s.rxSourceIp(i))}:${s.rxSourcePort(i)}: ${(err as Error).message}`,
              ),
            );
          continue;
        }
        if (d.offload) setFrameOffload(d.frame, d.offload);
        frames.push(d.frame);
        meta.push(
          d.geneveOption === undefined
            ? {
                tunId: BigInt(d.tunId),
                remoteIp: this.text(s.rxSourceIp(i)),
                localIp: this.options.localIp,
              }
            : {
                tunId: BigInt(d.tunId),
                remoteIp: this.text(s.rxSourceIp(i)),
                localIp: this.options.localIp,
                geneveOption: d.geneveOption,
              },
        );
        this.rxBytes += d.frame.length;
      }
      this.rxPackets += frames.length;
      if (frames.length > 0) this.deliver?.(frames, meta);
      if (n < s.batchSize) return false;
    }
    return true;
  };

  private remoteOf(meta: TunnelMetadata | undefined): number | undefined {
    const ip = meta?.remoteIp;
    if (ip === undefined) return this.defaultRemote;
    let n = this.ipNumber.get(ip);
    if (n === undefined) {
      try {
        n = ipv4ToInt(ip);
      } catch {
        return undefined;
      }
      if (this.ipNumber.size < 4096) this.ipNumber.set(ip, n);
    }
    return n;
  }

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
    const s = this.socket;
    let i = 0;
    while (i < frames.length) {
      const n = Math.min(s.batchSize, frames.length - i);
      let queued = 0;
      let bytes = 0;
      for (let k = 0; k < n; k++) {
        const frame = frames[i + k]!;
        const m = meta?.[i + k];
        const remote = this.remoteOf(m);
        if (remote === undefined) {
          this.txDropped += 1;
          continue;
        }
        const slot = s.txSlot(queued);
        const off = frameOffload(frame);
        const h = writeTunnelHeader(slot, frame.length, m, off, this.config);
        if (!h.ok) {
          this.txDropped += 1;
          continue;
        }
        if (h.completeChecksum) {
          // The checksum is finished on a copy in the slot; the frame itself stays as the engine gave it.
          const r = encapsulateInto(slot, frame, m, off, this.config);
          if (!r.ok) {
            this.txDropped += 1;
            continue;
          }
          s.stage(queued, r.length, EMPTY);
        } else {
          s.stage(queued, h.headerLength, frame);
        }
        s.setDestination(queued, remote, this.remotePort);
        bytes += frame.length;
        queued += 1;
      }
      const sent = queued === 0 ? 0 : s.send(queued);
      this.txPackets += sent;
      this.txBytes += sent === queued ? bytes : 0;
      this.txDropped += queued - sent;
      i += n;
    }
  }

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
    await this.reader?.close();
    this.socket.close();
  }
}
