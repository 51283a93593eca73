/**
 * A datapath port on an existing interface (typically the host end of a veth pair), through an
 * AF_PACKET socket. Frames received are delivered in batches straight out of the socket's receive
 * slots (the engine copies what it keeps); the virtio-net header of each frame travels beside it
 * (frame-offload.ts) so that a TSO frame goes out of the other port as the same TSO frame.
 */
import type { DeliverFn, PortIo, PortIoStats, TunnelMetadata } from '../port.js';
import { AfPacketSocket, type AfPacketSocketOptions } from './af-packet-socket.js';
import { FdReader } from './fd-reader.js';
import { frameOffload } from './frame-offload.js';
import { isPlain } from './virtio-net-header.js';

export interface AfPacketPortOptions extends AfPacketSocketOptions {
  /** Batches drained per wake-up before yielding to the event loop. Default 8. */
  readonly drainBatches?: number;
  /** Errors while receiving (the port keeps going). Default: print to stderr. */
  readonly onError?: (err: unknown) => void;
}

export class AfPacketPort implements PortIo {
  readonly kind = 'af_packet';
  private readonly socket: AfPacketSocket;
  private reader: FdReader | undefined;
  private deliver: DeliverFn | undefined;
  private readonly drainBatches: number;
  private readonly onError: (err: unknown) => void;
  private readonly frames: Uint8Array[] = [];
  private rxPackets = 0;
  private rxBytes = 0;
  private txPackets = 0;
  private txBytes = 0;
  private txDropped = 0;
  private closed = false;

  constructor(
    readonly ifname: string,
    options: AfPacketPortOptions = {},
  ) {
    this.socket = new AfPacketSocket(ifname, options);
    this.drainBatches = options.drainBatches ?? 8;
    this.onError = options.onError ?? ((err) => console.error(`af_packet ${ifname}:`, err));
  }

  start(deliver: DeliverFn): void {
    if (this.deliver) throw new Error(`af_packet ${this.ifname}: already started`);
    this.deliver = deliver;
    this.reader = new FdReader(
      `af_packet ${this.ifname}`,
      this.socket.fd,
      this.drain,
      this.onError,
    );
    this.reader.start();
  }

  private drain = (): boolean => {
    const s = this.socket;
    for (let b = 0; b < this.drainBatches; b++) {
      if (this.closed) return false;
      const n = s.receive();
      if (n === 0) return false;
      const frames = this.frames;
      frames.length = 0;
      for (let i = 0; i < n; i++) {
        const frame = s.rxFrame(i);
        if (frame === undefined) continue; // runt: not even an Ethernet header
        // Its offload state stays with the socket's slot (frameOffload finds it there).
        frames.push(frame);
        this.rxBytes += frame.length;
      }
      this.rxPackets += frames.length;
      if (frames.length > 0) this.deliver?.(frames);
      if (n < s.batchSize) return false;
    }
    return true;
  };

  transmit(frames: readonly Uint8Array[], _meta?: readonly (TunnelMetadata | undefined)[]): void {
    if (this.closed) return;
    const s = this.socket;
    const vnet = s.headerLength > 0;
    const max = s.maxFrame;
    let i = 0;
    while (i < frames.length) {
      const n = Math.min(s.batchSize, frames.length - i);
      let queued = 0;
      let bytes = 0;
      for (let k = 0; k < n; k++) {
        const frame = frames[i + k]!;
        if (frame.length > max) {
          this.txDropped += 1;
          continue;
        }
        const off = vnet ? frameOffload(frame) : undefined;
        s.stage(queued, frame, off && !isPlain(off) ? off : undefined);
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

  stats(): PortIoStats {
    return {
      rxPackets: this.rxPackets,
      rxBytes: this.rxBytes,
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
