/**
 * A tunnel port: Ethernet frames carried in Geneve or VXLAN over UDP (node:dgram), as OVN joins
 * chassis. On receive the VNI becomes `tunId`, the outer source address `remoteIp`, and OVN's Geneve
 * option `geneveOption`; on transmit the engine's TunnelMetadata chooses all three (the remote address
 * falls back to the port's configured peer).
 *
 * Offloads: between two ovn-ts datapaths a frame's pending checksum and TSO state ride in our own
 * Geneve option (offload-option.ts), so a 64 KiB TCP segment crosses as one datagram. VXLAN, or Geneve
 * with `carryOffloads: false`, cannot carry that state: pending checksums are completed in software and
 * TSO frames larger than the peer can take are dropped and counted (no software segmentation yet).
 */
import dgram from 'node:dgram';
import { frameOffload, setFrameOffload } from '../linux/frame-offload.js';
import { isPlain, VIRTIO_NET_HDR_F_NEEDS_CSUM, VIRTIO_NET_HDR_GSO_NONE } from '../linux/virtio-net-header.js';
import type { DeliverFn, PortIo, PortIoStats, TunnelMetadata } from '../port.js';
import { completeChecksum } from './checksum-completion.js';
import {
  decodeGeneve,
  ETH_P_TEB,
  findOvnGeneveOption,
  GENEVE_UDP_PORT,
  type GeneveOption,
  geneveHeaderLength,
  ovnGeneveOption,
  writeGeneveHeader,
} from './geneve-codec.js';
import { findOffloadGeneveOption, offloadGeneveOption } from './offload-option.js';
import { decodeVxlan, VXLAN_HEADER_LEN, VXLAN_UDP_PORT, writeVxlanHeader } from './vxlan-codec.js';

export type Encapsulation = 'geneve' | 'vxlan';

export interface UdpTunnelPortOptions {
  readonly encapsulation: Encapsulation;
  /** Local address to bind, e.g. '127.0.0.1'. */
  readonly localIp: string;
  /** Local UDP port; default 6081 (Geneve) or 4789 (VXLAN); 0 picks a free one. */
  readonly localPort?: number;
  /** Peer used when the engine's metadata names none. */
  readonly remoteIp?: string;
  /** Peer's UDP port; default the encapsulation's standard port. */
  readonly remotePort?: number;
  /** Geneve only: carry checksum/TSO state in our offload option (peer must be ovn-ts). Default true. */
  readonly carryOffloads?: boolean;
  /** Socket buffer sizes (capped by net.core.[rw]mem_max). Default 4 MiB. */
  readonly bufferBytes?: number;
  readonly onError?: (err: unknown) => void;
}

/** Largest UDP payload over IPv4. */
const MAX_UDP_PAYLOAD = 65507;

export class UdpTunnelPort implements PortIo {
  readonly kind: Encapsulation;
  readonly tunnel = true;
  readonly localPort: number;
  private deliver: DeliverFn | undefined;
  private readonly remotePort: number;
  private readonly carryOffloads: boolean;
  private readonly onError: (err: unknown) => void;
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
    private readonly options: UdpTunnelPortOptions,
  ) {
    this.kind = options.encapsulation;
    this.localPort = socket.address().port;
    this.remotePort = options.remotePort ?? (options.encapsulation === 'geneve' ? GENEVE_UDP_PORT : VXLAN_UDP_PORT);
    this.carryOffloads = options.encapsulation === 'geneve' && (options.carryOffloads ?? true);
    this.onError = options.onError ?? ((err) => console.error(`${this.name}:`, err));
    socket.on('message', this.receive);
    socket.on('error', this.onError);
  }

  /** Bind the UDP socket; the port receives once the engine starts it. */
  static async open(options: UdpTunnelPortOptions): Promise<UdpTunnelPort> {
    const bytes = options.bufferBytes ?? 4 << 20;
    const socket = dgram.createSocket({ type: 'udp4', recvBufferSize: bytes, sendBufferSize: bytes });
    const port = options.localPort ?? (options.encapsulation === 'geneve' ? GENEVE_UDP_PORT : VXLAN_UDP_PORT);
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind({ address: options.localIp, port, exclusive: true }, () => {
        socket.off('error', reject);
        resolve();
      });
    }).catch((err: Error) => {
      socket.close();
      throw new Error(`${options.encapsulation} port ${options.localIp}:${port}: bind: ${err.message}`);
    });
    return new UdpTunnelPort(socket, options);
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
    let frame: Uint8Array;
    let meta: TunnelMetadata;
    try {
      if (this.kind === 'geneve') {
        const d = decodeGeneve(msg);
        if (d.header.protocol !== ETH_P_TEB) throw new Error(`protocol 0x${d.header.protocol.toString(16)} is not Ethernet`);
        frame = d.payload;
        const opt = findOvnGeneveOption(d.header.options);
        meta = { tunId: BigInt(d.header.vni), remoteIp: rinfo.address, localIp: this.options.localIp, ...(opt === undefined ? {} : { geneveOption: opt }) };
        const off = findOffloadGeneveOption(d.header.options);
        if (off) setFrameOffload(frame, off);
      } else {
        const d = decodeVxlan(msg);
        frame = d.payload;
        meta = { tunId: BigInt(d.vni), remoteIp: rinfo.address, localIp: this.options.localIp };
      }
      if (frame.length < 14) throw new Error(`inner frame of ${frame.length} bytes`);
    } catch (err) {
      this.rxErrors += 1;
      if (this.rxErrors <= 10) this.onError(new Error(`${this.name}: bad datagram from ${rinfo.address}:${rinfo.port}: ${(err as Error).message}`));
      return;
    }
    this.rxPackets += 1;
    this.rxBytes += frame.length;
    this.pendingFrames.push(frame);
    this.pendingMeta.push(meta);
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

  transmit(frames: readonly Uint8Array[], meta?: readonly (TunnelMetadata | undefined)[]): void {
    if (this.closed) return;
    for (let i = 0; i < frames.length; i++) {
      const datagram = this.encapsulate(frames[i]!, meta?.[i]);
      const remote = meta?.[i]?.remoteIp ?? this.options.remoteIp;
      if (!datagram || !remote) {
        this.txDropped += 1;
        continue;
      }
      this.socket.send(datagram, this.remotePort, remote, this.sent);
      this.txPackets += 1;
      this.txBytes += frames[i]!.length;
    }
  }

  private sent = (err: Error | null): void => {
    if (err) {
      this.txDropped += 1;
      this.txPackets -= 1;
    }
  };

  /** The datagram for one frame, or undefined when it cannot be sent (counted by the caller). */
  private encapsulate(frame: Uint8Array, meta: TunnelMetadata | undefined): Buffer | undefined {
    const vni = Number((meta?.tunId ?? 0n) & 0xffffffn);
    let off = frameOffload(frame);
    if (off && isPlain(off)) off = undefined;
    const options: GeneveOption[] = [];
    if (this.kind === 'geneve') {
      if (meta?.geneveOption !== undefined) options.push(ovnGeneveOption(meta.geneveOption));
      if (off && this.carryOffloads) options.push(offloadGeneveOption(off));
    }
    const hl = this.kind === 'geneve' ? geneveHeaderLength(options) : VXLAN_HEADER_LEN;
    if (hl + frame.length > MAX_UDP_PAYLOAD) return undefined;
    const out = Buffer.allocUnsafe(hl + frame.length);
    if (this.kind === 'geneve') writeGeneveHeader(out, 0, { vni, protocol: ETH_P_TEB, oam: false, options });
    else writeVxlanHeader(out, 0, vni);
    out.set(frame, hl);
    if (off && !this.carryOffloads) {
      // The peer cannot take pending state: a TSO frame is too big for its wire, a pending checksum is finished here.
      if (off.gsoType !== VIRTIO_NET_HDR_GSO_NONE) return undefined;
      if (off.flags & VIRTIO_NET_HDR_F_NEEDS_CSUM) completeChecksum(out.subarray(hl), off.csumStart, off.csumOffset);
    }
    return out;
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
    this.deliver = undefined;
    await new Promise<void>((resolve) => this.socket.close(() => resolve()));
  }
}
