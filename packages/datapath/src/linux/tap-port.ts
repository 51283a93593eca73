/**
 * A datapath port on a TAP device this process creates (a VM's or container's interface, or a test
 * host's). Reads are drained in batches per wake-up; offload state travels as for AF_PACKET ports.
 */
import type { DeliverFn, PortIo, PortIoStats, TunnelMetadata } from '../port.js';
import { FdReader } from './fd-reader.js';
import { frameOffload, setFrameOffload } from './frame-offload.js';
import { TapDevice, type TapDeviceOptions } from './tap-device.js';
import {
  decodeVirtioNetHeader,
  encodeVirtioNetHeader,
  isPlain,
  NO_OFFLOAD,
} from './virtio-net-header.js';

export interface TapPortOptions extends TapDeviceOptions {
  /** Frames read per batch. Default 64. */
  readonly batch?: number;
  readonly onError?: (err: unknown) => void;
}

const SLOT_BYTES = 65536 + 64;

export class TapPort implements PortIo {
  readonly kind = 'tap';
  readonly device: TapDevice;
  private reader: FdReader | undefined;
  private deliver: DeliverFn | undefined;
  private readonly slots: Buffer[];
  private readonly txBuf = Buffer.allocUnsafeSlow(SLOT_BYTES);
  private readonly onError: (err: unknown) => void;
  private rxPackets = 0;
  private rxBytes = 0;
  private txPackets = 0;
  private txBytes = 0;
  private txDropped = 0;
  private closed = false;

  /** Create (or attach to) the TAP device `name`; '' lets the kernel pick tapN. */
  constructor(name: string, options: TapPortOptions = {}) {
    this.device = new TapDevice(name, options);
    const region = Buffer.allocUnsafeSlow((options.batch ?? 64) * SLOT_BYTES);
    this.slots = Array.from({ length: options.batch ?? 64 }, (_, i) =>
      region.subarray(i * SLOT_BYTES, (i + 1) * SLOT_BYTES),
    );
    this.onError = options.onError ?? ((err) => console.error(`tap ${this.device.ifname}:`, err));
  }

  get ifname(): string {
    return this.device.ifname;
  }

  start(deliver: DeliverFn): void {
    if (this.deliver) throw new Error(`tap ${this.ifname}: already started`);
    this.deliver = deliver;
    this.reader = new FdReader(`tap ${this.ifname}`, this.device.fd, this.drain, this.onError);
    this.reader.start();
  }

  private drain = (): boolean => {
    if (this.closed) return false;
    const hl = this.device.headerLength;
    const frames: Uint8Array[] = [];
    for (const slot of this.slots) {
      const len = this.device.read(slot);
      if (len === 0) break;
      if (len < hl + 14) continue;
      const frame = slot.subarray(hl, len);
      if (hl > 0 && (slot[0] !== 0 || slot[1] !== 0))
        setFrameOffload(frame, decodeVirtioNetHeader(slot));
      frames.push(frame);
      this.rxBytes += frame.length;
    }
    this.rxPackets += frames.length;
    if (frames.length > 0) this.deliver?.(frames);
    return frames.length === this.slots.length;
  };

  transmit(frames: readonly Uint8Array[], _meta?: readonly (TunnelMetadata | undefined)[]): void {
    if (this.closed) return;
    const hl = this.device.headerLength;
    for (const frame of frames) {
      if (frame.length + hl > this.txBuf.length) {
        this.txDropped += 1;
        continue;
      }
      if (hl > 0) {
        const off = frameOffload(frame);
        encodeVirtioNetHeader(off && !isPlain(off) ? off : NO_OFFLOAD, this.txBuf);
      }
      this.txBuf.set(frame, hl);
      if (this.device.write(this.txBuf, frame.length + hl)) {
        this.txPackets += 1;
        this.txBytes += frame.length;
      } else {
        this.txDropped += 1;
      }
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
    this.device.close();
  }
}
