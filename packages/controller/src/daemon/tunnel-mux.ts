// One tunnel socket per chassis, one datapath port per remote chassis (as OVN has one Geneve port
// per remote chassis): the datapath's flows choose the remote by choosing the port, while a
// chassis can only bind its encap address once. Each per-remote port adds its peer's address to
// what it transmits; what the socket receives goes to the port of the sender (unknown senders are
// dropped, as a chassis only accepts tunnels from chassis it knows).

import type { DeliverFn, PortIo, TunnelMetadata } from '@ovn-ts/datapath';

export class TunnelMux {
  private readonly remotes = new Map<string, RemotePort>();
  private started = false;

  constructor(private readonly socket: PortIo) {}

  /** The port for traffic to and from `remoteIp`. */
  port(remoteIp: string): PortIo {
    this.start();
    let p = this.remotes.get(remoteIp);
    if (!p) {
      p = new RemotePort(remoteIp, this.socket, () => this.remotes.delete(remoteIp));
      this.remotes.set(remoteIp, p);
    }
    return p;
  }

  private start(): void {
    if (this.started) return;
    this.started = true;
    this.socket.start((frames, meta) => {
      // Group by sender so each remote port gets one batch.
      const bySender = new Map<
        string,
        { frames: Uint8Array[]; meta: (TunnelMetadata | undefined)[] }
      >();
      frames.forEach((f, i) => {
        const m = meta?.[i];
        const from = m?.remoteIp;
        if (from === undefined) return;
        let b = bySender.get(from);
        if (!b) {
          b = { frames: [], meta: [] };
          bySender.set(from, b);
        }
        b.frames.push(f);
        b.meta.push(m);
      });
      for (const [from, b] of bySender) this.remotes.get(from)?.receive(b.frames, b.meta);
    });
  }

  async close(): Promise<void> {
    await this.socket.close();
  }
}

class RemotePort implements PortIo {
  readonly kind: string;
  readonly tunnel = true;
  private deliver: DeliverFn | undefined;

  constructor(
    private readonly remoteIp: string,
    private readonly socket: PortIo,
    private readonly onClose: () => void,
  ) {
    this.kind = socket.kind;
  }

  start(deliver: DeliverFn): void {
    this.deliver = deliver;
  }

  receive(frames: readonly Uint8Array[], meta: readonly (TunnelMetadata | undefined)[]): void {
    this.deliver?.(frames, meta);
  }

  transmit(frames: readonly Uint8Array[], meta?: readonly (TunnelMetadata | undefined)[]): void {
    const out = frames.map((_, i) => ({
      tunId: meta?.[i]?.tunId ?? 0n,
      ...meta?.[i],
      remoteIp: this.remoteIp,
    }));
    this.socket.transmit(frames, out);
  }

  async close(): Promise<void> {
    this.deliver = undefined;
    this.onClose();
  }
}
