/**
 * One local tunnel endpoint (a UDP socket on the chassis' encapsulation address, as OVN has one
 * Geneve socket per chassis) shared by many tunnel ports: one port per remote chassis, like OVN's
 * `ovn-<chassis>-0` interfaces, plus optionally a catch-all port for peers no port claims. Received
 * datagrams are demultiplexed to ports by their source address; each port sends to its peer unless the
 * engine's metadata names another address.
 *
 * This is the Linux shell: batches of datagrams per recvmmsg/sendmmsg (linux/udp-socket.ts), headers
 * written straight into the socket's send slots, frames delivered straight out of its receive slots.
 * Small frames going to the same peer in runs of equal size (a UDP flood, TCP at full MSS) are sent
 * as one segmented message (UDP_SEGMENT) and, between ovn-ts endpoints, received as one (UDP_GRO), so
 * the kernel's UDP path runs once per run instead of once per frame.
 *
 * Offloads: between two ovn-ts datapaths a frame's pending checksum and TSO state ride in our own
 * Geneve option (offload-option.ts), so a TSO frame crosses as one datagram and leaves the far datapath
 * as the same TSO frame. VXLAN, or Geneve with `carryOffloads: false` (a peer that is not ovn-ts),
 * cannot carry that state: TSO frames are cut into segments in software and pending checksums are
 * finished on the copy, as a NIC would. A TSO frame must fit one datagram (65507 bytes) to travel
 * whole: hosts attached to a Geneve datapath should keep gso_max_size at 65000 or below.
 */
import { FdReader } from '../linux/fd-reader.js';
import { frameOffload } from '../linux/frame-offload.js';
import {
  intToIpv4,
  ipv4ToInt,
  MAX_SEGMENTED_BYTES,
  MAX_SEGMENTS,
  UdpSocket,
} from '../linux/udp-socket.js';
import type { DeliverFn, PortIo, PortIoStats, TunnelMetadata } from '../port.js';
import { GENEVE_UDP_PORT } from './geneve-codec.js';
import { segmentBatch } from './segment-batch.js';
import {
  decapScratch,
  decapsulateAt,
  type Encapsulation,
  encapsulateInto,
  writeTunnelHeader,
} from './tunnel-encap.js';
import type { TunnelPortOptions } from './tunnel-port-options.js';
import { VXLAN_UDP_PORT } from './vxlan-codec.js';

const EMPTY = new Uint8Array(0);
/**
 * Frames up to this size are copied into the send slot, so that runs of equal-sized datagrams can
 * go as one segmented send; larger ones are sent from where they lie (a TSO frame of 64 KiB).
 */
const SEGMENT_FRAME_MAX = 2048;

export type TunnelEndpointOptions = Omit<TunnelPortOptions, 'remoteIp'>;

/** Counters of one tunnel port. */
export interface TunnelPortStats extends PortIoStats {
  readonly rxErrors: number;
}

/** A tunnel port on a shared endpoint. */
export class TunnelPeerPort implements PortIo {
  readonly tunnel = true;
  deliver: DeliverFn | undefined;
  closed = false;
  // Receive batch being assembled for this port (a fresh pair of arrays per delivery).
  frames: Uint8Array[] = [];
  meta: TunnelMetadata[] = [];
  rxPackets = 0;
  rxBytes = 0;
  rxErrors = 0;
  txPackets = 0;
  txBytes = 0;
  txDropped = 0;

  constructor(
    private readonly endpoint: TunnelEndpoint,
    /** The peer this port serves, or undefined for the catch-all port. */
    readonly remoteIp: string | undefined,
    /** Where to send when the metadata names no address (the peer, or a default for the catch-all). */
    readonly defaultRemote: number | undefined,
  ) {}

  get kind(): Encapsulation {
    return this.endpoint.kind;
  }

  get localPort(): number {
    return this.endpoint.localPort;
  }

  start(deliver: DeliverFn): void {
    if (this.deliver)
      throw new Error(`${this.endpoint.name} peer ${this.remoteIp ?? '*'}: already started`);
    this.deliver = deliver;
    this.endpoint.startReading();
  }

  transmit(frames: readonly Uint8Array[], meta?: readonly (TunnelMetadata | undefined)[]): void {
    if (!this.closed) this.endpoint.send(this, frames, meta);
  }

  stats(): TunnelPortStats {
    return {
      rxPackets: this.rxPackets,
      rxBytes: this.rxBytes,
      rxErrors: this.rxErrors,
      txPackets: this.txPackets,
      txBytes: this.txBytes,
      txDropped: this.txDropped,
    };
  }

  /** Detach from the endpoint (the endpoint's socket stays open for its other ports). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.deliver = undefined;
    this.endpoint.detach(this);
  }
}

export class TunnelEndpoint {
  readonly kind: Encapsulation;
  private readonly socket: UdpSocket;
  private reader: FdReader | undefined;
  private readonly remotePort: number;
  private readonly config: { kind: Encapsulation; carryOffloads: boolean };
  private readonly onError: (err: unknown) => void;
  private readonly peers = new Map<number, TunnelPeerPort>();
  private catchAll: TunnelPeerPort | undefined;
  private readonly touched: TunnelPeerPort[] = [];
  // Addresses repeat (one per peer chassis): keep their text and numeric forms.
  private readonly ipText = new Map<number, string>();
  private readonly ipNumber = new Map<string, number>();
  private readonly decap = decapScratch();
  /** Frames in each message of the batch being sent. */
  private readonly msgFrames: Int32Array;
  // The metadata of the last datagram delivered: a stream repeats it, so its object is reused (it is
  // read-only) instead of a new object and a BigInt per datagram.
  private lastMeta: TunnelMetadata | undefined;
  private lastSrc = -1;
  private lastTunId = -1;
  private lastOption: number | undefined;
  private closed = false;
  /** Datagrams from an address no port claims. */
  unknownPeerDrops = 0;

  private constructor(private readonly options: TunnelEndpointOptions) {
    this.kind = options.encapsulation;
    const std = this.kind === 'geneve' ? GENEVE_UDP_PORT : VXLAN_UDP_PORT;
    this.socket = new UdpSocket(
      options.localIp,
      options.localPort ?? std,
      options.bufferBytes === undefined ? {} : { bufferBytes: options.bufferBytes },
    );
    this.remotePort = options.remotePort ?? std;
    this.msgFrames = new Int32Array(this.socket.batchSize);
    this.config = {
      kind: this.kind,
      carryOffloads: this.kind === 'geneve' && (options.carryOffloads ?? true),
    };
    this.onError = options.onError ?? ((err) => console.error(`${this.name}:`, err));
  }

  /** Bind the UDP socket (localPort 0 picks a free one). */
  static async open(options: TunnelEndpointOptions): Promise<TunnelEndpoint> {
    return new TunnelEndpoint(options);
  }

  get localPort(): number {
    return this.socket.localPort;
  }

  get name(): string {
    return `${this.kind} endpoint ${this.options.localIp}:${this.localPort}`;
  }

  /** The port for the chassis at `remoteIp` (IPv4). One per peer. */
  peer(remoteIp: string): TunnelPeerPort {
    if (this.closed) throw new Error(`${this.name}: closed`);
    const ip = ipv4ToInt(remoteIp);
    if (this.peers.has(ip)) throw new Error(`${this.name}: peer ${remoteIp} already has a port`);
    const p = new TunnelPeerPort(this, remoteIp, ip);
    this.peers.set(ip, p);
    return p;
  }

  /**
   * The port for every peer no `peer()` port claims (OVN's flow-based tunnels, remote_ip=flow): sends
   * where the metadata says, else to `defaultRemoteIp`.
   */
  any(defaultRemoteIp?: string): TunnelPeerPort {
    if (this.closed) throw new Error(`${this.name}: closed`);
    if (this.catchAll) throw new Error(`${this.name}: already has a catch-all port`);
    this.catchAll = new TunnelPeerPort(
      this,
      undefined,
      defaultRemoteIp === undefined ? undefined : ipv4ToInt(defaultRemoteIp),
    );
    return this.catchAll;
  }

  /** @internal called by a port when it starts. */
  startReading(): void {
    if (this.reader || this.closed) return;
    this.reader = new FdReader(this.name, this.socket.fd, this.drain, this.onError);
    this.reader.start();
  }

  /** @internal */
  detach(p: TunnelPeerPort): void {
    if (this.catchAll === p) this.catchAll = undefined;
    for (const [ip, q] of this.peers) if (q === p) this.peers.delete(ip);
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
    const localIp = this.options.localIp;
    for (let round = 0; round < 8; round++) {
      if (this.closed) return false;
      const n = s.receive();
      if (n === 0) return false;
      const touched = this.touched;
      touched.length = 0;
      for (let i = 0; i < n; i++) {
        const src = s.rxSourceIp(i);
        const port = this.peers.get(src) ?? this.catchAll;
        if (port === undefined || port.deliver === undefined) {
          this.unknownPeerDrops += 1;
          continue;
        }
        // One message may hold several datagrams the kernel coalesced (UDP_GRO): each its own frame.
        const total = s.rxLength(i);
        const segment = s.rxSegmentSize(i);
        const step = segment > 0 ? segment : total;
        const base = s.rxOffset(i);
        for (let off = 0, k = 0; off < total || (total === 0 && k === 0); off += step, k++) {
          const d = this.decap;
          try {
            decapsulateAt(s.rxBytes, base + off, Math.min(step, total - off), this.kind, d);
          } catch (err) {
            port.rxErrors += 1;
            if (port.rxErrors <= 10) {
              this.onError(
                new Error(
                  `${this.name}: bad datagram from ${intToIpv4(src)}:${s.rxSourcePort(i)}: ${(err as Error).message}`,
                ),
              );
            }
            if (total === 0) break;
            continue;
          }
          // The frame is a view of the receive slot; its offload state stays with the slot.
          const frame = s.rxView(i, d.frameStart, d.frameLength, d.offload, k, segment);
          if (port.frames.length === 0) touched.push(port);
          port.frames.push(frame);
          port.meta.push(this.metadata(src, d.tunId, d.geneveOption, localIp));
          port.rxPackets += 1;
          port.rxBytes += frame.length;
        }
      }
      for (const port of touched) {
        const frames = port.frames;
        const meta = port.meta;
        port.frames = [];
        port.meta = [];
        port.deliver?.(frames, meta);
      }
      if (n < s.batchSize) return false;
    }
    return true;
  };

  private metadata(
    src: number,
    tunId: number,
    option: number | undefined,
    localIp: string,
  ): TunnelMetadata {
    const last = this.lastMeta;
    if (
      last !== undefined &&
      src === this.lastSrc &&
      tunId === this.lastTunId &&
      option === this.lastOption
    )
      return last;
    const meta: TunnelMetadata =
      option === undefined
        ? { tunId: BigInt(tunId), remoteIp: this.text(src), localIp }
        : { tunId: BigInt(tunId), remoteIp: this.text(src), localIp, geneveOption: option };
    this.lastMeta = meta;
    this.lastSrc = src;
    this.lastTunId = tunId;
    this.lastOption = option;
    return meta;
  }

  private remoteOf(port: TunnelPeerPort, meta: TunnelMetadata | undefined): number | undefined {
    const ip = meta?.remoteIp;
    if (ip === undefined) return port.defaultRemote;
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

  /** @internal encapsulate and send a port's batch. */
  send(
    port: TunnelPeerPort,
    batch: readonly Uint8Array[],
    batchMeta: readonly (TunnelMetadata | undefined)[] | undefined,
  ): void {
    if (this.closed) return;
    let frames = batch;
    let meta = batchMeta;
    if (!this.config.carryOffloads) {
      // The peer cannot take TSO frames: cut them here, as a NIC would.
      const seg = segmentBatch(batch, batchMeta);
      frames = seg.frames;
      meta = seg.meta;
      port.txDropped += seg.dropped;
    }
    const s = this.socket;
    const msgFrames = this.msgFrames;
    let i = 0;
    while (i < frames.length) {
      const n = Math.min(s.batchSize, frames.length - i);
      // Messages staged, and the run of equal-sized small datagrams being gathered into the last one
      // (sent as one UDP_SEGMENT message: one trip through the stack for the whole run).
      let queued = 0;
      let bytes = 0;
      let runMsg = -1;
      let runLength = 0;
      let runSize = 0;
      let runCount = 0;
      let runRemote = -1;
      const endRun = (): void => {
        if (runMsg < 0) return;
        s.stageSegments(runMsg, runLength, runSize);
        runMsg = -1;
      };
      for (let k = 0; k < n; k++) {
        const frame = frames[i + k]!;
        const m = meta?.[i + k];
        const remote = this.remoteOf(port, m);
        if (remote === undefined) {
          port.txDropped += 1;
          continue;
        }
        const off = frameOffload(frame);
        if (s.segmentation && frame.length <= SEGMENT_FRAME_MAX) {
          // Small frames are copied after their header; equal-sized datagrams to the same peer join the run.
          const at =
            runMsg >= 0 &&
            remote === runRemote &&
            runCount < MAX_SEGMENTS &&
            runLength + runSize <= MAX_SEGMENTED_BYTES
              ? runLength
              : -1;
          const slot = s.txSlot(at >= 0 ? runMsg : queued);
          const r = encapsulateInto(slot, frame, m, off, this.config, Math.max(at, 0));
          if (!r.ok) {
            port.txDropped += 1;
            continue;
          }
          if (at >= 0 && r.length === runSize) {
            runLength += r.length;
            runCount += 1;
            msgFrames[runMsg] = msgFrames[runMsg]! + 1;
          } else {
            if (at >= 0) {
              // Not the run's size: move it to a message of its own (the run ends before it).
              endRun();
              s.txSlot(queued).set(slot.subarray(at, at + r.length), 0);
            } else {
              endRun();
            }
            runMsg = queued;
            runLength = r.length;
            runSize = r.length;
            runCount = 1;
            runRemote = remote;
            s.setDestination(queued, remote, this.remotePort);
            msgFrames[queued] = 1;
            queued += 1;
          }
          bytes += frame.length;
          continue;
        }
        endRun();
        const slot = s.txSlot(queued);
        const h = writeTunnelHeader(slot, frame.length, m, off, this.config);
        if (!h.ok) {
          port.txDropped += 1;
          continue;
        }
        if (h.completeChecksum) {
          // The checksum is finished on a copy in the slot; the frame itself stays as the engine gave it.
          const r = encapsulateInto(slot, frame, m, off, this.config);
          if (!r.ok) {
            port.txDropped += 1;
            continue;
          }
          s.stage(queued, r.length, EMPTY);
        } else {
          s.stage(queued, h.headerLength, frame);
        }
        s.setDestination(queued, remote, this.remotePort);
        bytes += frame.length;
        msgFrames[queued] = 1;
        queued += 1;
      }
      endRun();
      // Counted in frames: a message the kernel does not take loses its whole run.
      const sent = queued === 0 ? 0 : s.send(queued);
      let sentFrames = 0;
      let lostFrames = 0;
      for (let q = 0; q < queued; q++) {
        if (q < sent) sentFrames += msgFrames[q]!;
        else lostFrames += msgFrames[q]!;
      }
      port.txPackets += sentFrames;
      port.txBytes += sent === queued ? bytes : 0;
      port.txDropped += lostFrames;
      i += n;
    }
  }

  /** Stop reading and close the socket (its ports stop working). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.reader?.close();
    this.socket.close();
  }
}
