import type { DeliverFn, PortIo, TunnelMetadata } from './port.js';

/**
 * An IP underlay in memory, for tests, the sandbox and benchmarks. `socket(ip)` is what a chassis's tunnel socket would be:
 * a frame transmitted with remoteIp R is delivered by R's socket, with remoteIp = the sender.
 * Delivery is synchronous.
 */
export class MemoryUnderlay {
  private readonly sockets = new Map<string, UnderlaySocket>();
  sent = 0;

  socket(ip: string): PortIo {
    const s = new UnderlaySocket(ip, this);
    this.sockets.set(ip, s);
    return s;
  }

  route(to: string, frame: Uint8Array, meta: TunnelMetadata): void {
    this.sent++;
    this.sockets.get(to)?.receive(frame, meta);
  }

  /** A closed socket stops receiving (unless another socket has bound its address since). */
  forget(ip: string, s: PortIo): void {
    if (this.sockets.get(ip) === s) this.sockets.delete(ip);
  }
}

class UnderlaySocket implements PortIo {
  readonly kind = 'geneve';
  readonly tunnel = true;
  private deliver: DeliverFn | undefined;

  constructor(
    private readonly ip: string,
    private readonly underlay: MemoryUnderlay,
  ) {}

  start(deliver: DeliverFn): void {
    this.deliver = deliver;
  }

  receive(frame: Uint8Array, meta: TunnelMetadata): void {
    this.deliver?.([frame], [meta]);
  }

  transmit(frames: readonly Uint8Array[], meta?: readonly (TunnelMetadata | undefined)[]): void {
    frames.forEach((f, i) => {
      const m = meta?.[i];
      if (m?.remoteIp)
        this.underlay.route(m.remoteIp, Uint8Array.from(f), { ...m, remoteIp: this.ip });
    });
  }

  async close(): Promise<void> {
    this.deliver = undefined;
    this.underlay.forget(this.ip, this);
  }
}
