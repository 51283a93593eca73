import type { DeliverFn, PortIo, PortIoStats, TunnelMetadata } from './port.js';

/** A frame captured by a memory port, with the tunnel metadata the engine attached (if any). */
export interface CapturedFrame {
  readonly frame: Uint8Array;
  readonly meta: TunnelMetadata | undefined;
}

export interface MemoryPortOptions {
  /** 'memory' by default; tests of tunnel handling use 'geneve' with tunnel: true. */
  readonly kind?: string;
  readonly tunnel?: boolean;
  /** Keep transmitted frames in `sent` (default true). Benchmarks turn it off and count only. */
  readonly capture?: boolean;
  /** Called with every transmitted batch (frames are copied first when capture is on). */
  readonly onTransmit?: (
    frames: readonly Uint8Array[],
    meta?: readonly (TunnelMetadata | undefined)[],
  ) => void;
}

/**
 * An in-memory port: tests and benchmarks inject frames with `inject` and read what the datapath sent
 * from `sent` (or `take()`). Two memory ports can be wired back to back with `linkMemoryPorts`.
 */
export class MemoryPort implements PortIo {
  readonly kind: string;
  readonly tunnel: boolean;
  readonly sent: CapturedFrame[] = [];
  private deliver: DeliverFn | undefined;
  private readonly capture: boolean;
  private readonly onTransmit: MemoryPortOptions['onTransmit'];
  private closed = false;
  private rxPackets = 0;
  private rxBytes = 0;
  private txPackets = 0;
  private txBytes = 0;

  constructor(options: MemoryPortOptions = {}) {
    this.kind = options.kind ?? 'memory';
    this.tunnel = options.tunnel ?? false;
    this.capture = options.capture ?? true;
    this.onTransmit = options.onTransmit;
  }

  start(deliver: DeliverFn): void {
    if (this.deliver) throw new Error(`memory port: already started`);
    this.deliver = deliver;
  }

  /** Hand frames to the datapath as if they arrived on the wire. */
  inject(frames: readonly Uint8Array[], meta?: readonly (TunnelMetadata | undefined)[]): void {
    if (!this.deliver)
      throw new Error('memory port: inject before the port was added to a datapath');
    if (this.closed) throw new Error('memory port: inject after close');
    for (const f of frames) this.rxBytes += f.length;
    this.rxPackets += frames.length;
    this.deliver(frames, meta);
  }

  /** Like inject, but a port not started (or closed) drops the frames, as a link whose far end is down. */
  offer(frames: readonly Uint8Array[], meta?: readonly (TunnelMetadata | undefined)[]): void {
    if (!this.deliver || this.closed) return;
    this.inject(frames, meta);
  }

  transmit(frames: readonly Uint8Array[], meta?: readonly (TunnelMetadata | undefined)[]): void {
    if (this.closed) return;
    this.txPackets += frames.length;
    for (const f of frames) this.txBytes += f.length;
    if (this.capture) {
      for (let i = 0; i < frames.length; i++) {
        this.sent.push({ frame: Uint8Array.from(frames[i]!), meta: meta?.[i] });
      }
    }
    this.onTransmit?.(frames, meta);
  }

  /** Remove and return everything captured so far. */
  take(): CapturedFrame[] {
    return this.sent.splice(0, this.sent.length);
  }

  stats(): PortIoStats {
    return {
      rxPackets: this.rxPackets,
      rxBytes: this.rxBytes,
      txPackets: this.txPackets,
      txBytes: this.txBytes,
      txDropped: 0,
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    this.deliver = undefined;
  }
}

/**
 * Two memory ports wired back to back (like a veth pair): what the datapath transmits on one is
 * delivered by the other. Delivery is synchronous; a loop in the topology recurses, so callers of
 * looped setups must break the loop in their flows.
 */
export function linkMemoryPorts(
  options: Omit<MemoryPortOptions, 'onTransmit'> = {},
): [MemoryPort, MemoryPort] {
  let a: MemoryPort | undefined;
  let b: MemoryPort | undefined;
  a = new MemoryPort({ ...options, capture: false, onTransmit: (f, m) => b?.offer(f, m) });
  b = new MemoryPort({ ...options, capture: false, onTransmit: (f, m) => a?.offer(f, m) });
  return [a, b];
}
