/**
 * A tunnel port with a socket of its own: Ethernet frames carried in Geneve or VXLAN over UDP. On
 * receive the VNI becomes `tunId`, the outer source address `remoteIp`, and OVN's Geneve option
 * `geneveOption`; on transmit the engine's TunnelMetadata chooses all three (the remote address falls
 * back to the port's configured peer). It is a tunnel endpoint (tunnel-endpoint.ts, which explains the
 * batching and the offloads) with a single catch-all port; a chassis with many peers shares one
 * endpoint among one port per peer instead.
 */
import type { DeliverFn, PortIo, TunnelMetadata } from '../port.js';
import type { Encapsulation } from './tunnel-encap.js';
import { TunnelEndpoint, type TunnelPeerPort, type TunnelPortStats } from './tunnel-endpoint.js';
import type { TunnelPortOptions } from './tunnel-port-options.js';

export type { Encapsulation } from './tunnel-encap.js';
export type { TunnelPortOptions } from './tunnel-port-options.js';

export class UdpTunnelPort implements PortIo {
  readonly tunnel = true;

  private constructor(
    private readonly endpoint: TunnelEndpoint,
    private readonly port: TunnelPeerPort,
  ) {}

  /** Bind the UDP socket; the port receives once the engine starts it. */
  static async open(options: TunnelPortOptions): Promise<UdpTunnelPort> {
    const { remoteIp, ...rest } = options;
    const endpoint = await TunnelEndpoint.open(rest);
    return new UdpTunnelPort(endpoint, endpoint.any(remoteIp));
  }

  get kind(): Encapsulation {
    return this.endpoint.kind;
  }

  get localPort(): number {
    return this.endpoint.localPort;
  }

  get name(): string {
    return this.endpoint.name;
  }

  start(deliver: DeliverFn): void {
    this.port.start(deliver);
  }

  transmit(frames: readonly Uint8Array[], meta?: readonly (TunnelMetadata | undefined)[]): void {
    this.port.transmit(frames, meta);
  }

  stats(): TunnelPortStats {
    return this.port.stats();
  }

  async close(): Promise<void> {
    await this.port.close();
    await this.endpoint.close();
  }
}
