// How the hypervisors' Geneve tunnels reach each other: in memory (fast, deterministic) or real
// Geneve over UDP on loopback, one 127.x.y.z address per hypervisor on the standard port 6081.

import { type DeliverFn, type PortIo, type TunnelMetadata, UdpTunnelPort } from '@ovn-ts/datapath';

export interface Underlay {
  readonly kind: 'memory' | 'udp';
  /** The encap IP for the `index`-th hypervisor (1-based) of a sandbox. */
  encapIp(index: number): string;
  /** Opens the tunnel socket of the chassis at `ip` (the controller's `openTunnel`). */
  open(ip: string): Promise<PortIo>;
}

/**
 * An IP underlay in memory: a frame transmitted to remote IP R is delivered by R's socket with
 * remoteIp = the sender. Delivery is synchronous; `sent` counts frames carried.
 */
export class MemoryUnderlay implements Underlay {
  readonly kind = 'memory';
  private readonly sockets = new Map<string, MemorySocket>();
  sent = 0;

  encapIp(index: number): string {
    return `192.0.2.${index}`;
  }

  async open(ip: string): Promise<PortIo> {
    const s = new MemorySocket(ip, this);
    this.sockets.set(ip, s);
    return s;
  }

  route(to: string, frame: Uint8Array, meta: TunnelMetadata): void {
    this.sent++;
    this.sockets.get(to)?.receive(frame, meta);
  }

  forget(ip: string, s: MemorySocket): void {
    if (this.sockets.get(ip) === s) this.sockets.delete(ip);
  }
}

class MemorySocket implements PortIo {
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

let udpSandboxes = 0;

/**
 * Real Geneve over UDP on loopback. Every sandbox in a process gets its own /24-like block of
 * 127.0.0.0/8 derived from the process id and a counter, so parallel test files (one process
 * each) and several sandboxes in one process do not bind the same address.
 */
export class UdpUnderlay implements Underlay {
  readonly kind = 'udp';
  private readonly base: number;

  constructor(opts: { base?: string } = {}) {
    if (opts.base) {
      const parts = opts.base.split('.').map(Number);
      this.base = ((parts[1] ?? 0) << 8) | (parts[2] ?? 0);
    } else {
      // 127.A.B.x: A.B from the pid (16 bits, A never 0 so 127.0.0.1 stays clear) and a counter.
      const n = ((process.pid & 0x3fff) << 2) | (udpSandboxes++ & 3);
      this.base = (((n >> 8) % 254) + 1) * 256 + (n & 0xff);
    }
  }

  encapIp(index: number): string {
    if (index < 1 || index > 254)
      throw new Error(`udp underlay: hypervisor ${index}: out of range`);
    return `127.${this.base >> 8}.${this.base & 0xff}.${index}`;
  }

  async open(ip: string): Promise<PortIo> {
    try {
      return await UdpTunnelPort.open({ encapsulation: 'geneve', localIp: ip });
    } catch (err) {
      throw new Error(`udp underlay: ${ip}:6081: ${(err as Error).message}`);
    }
  }
}
