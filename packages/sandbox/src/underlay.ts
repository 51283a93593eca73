// How the hypervisors' Geneve tunnels reach each other: in memory (fast, deterministic) or real
// Geneve over UDP on loopback, one 127.x.y.z address per hypervisor on the standard port 6081.

import { MemoryUnderlay as MemoryIpUnderlay, type PortIo, UdpTunnelPort } from '@ovn-ts/datapath';

export interface Underlay {
  readonly kind: 'memory' | 'udp';
  /** The encap IP for the `index`-th hypervisor (1-based) of a sandbox. */
  encapIp(index: number): string;
  /** Opens the tunnel socket of the chassis at `ip` (the controller's `openTunnel`). */
  open(ip: string): Promise<PortIo>;
}

/** The in-memory IP underlay of @ovn-ts/datapath, with the sandbox's encap addresses (192.0.2.N). */
export class MemoryUnderlay extends MemoryIpUnderlay implements Underlay {
  readonly kind = 'memory';

  encapIp(index: number): string {
    return `192.0.2.${index}`;
  }

  async open(ip: string): Promise<PortIo> {
    return this.socket(ip);
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
