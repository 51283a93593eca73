/**
 * One entry point for the controller (and the datapath process) to open a kernel-backed or tunnel
 * port from a plain, JSON-friendly description, e.g. taken from an Open_vSwitch-like Interface row:
 *   { kind: 'af_packet', ifname: 'veth-vm1' }
 *   { kind: 'tap', ifname: 'tap-vm1' }
 *   { kind: 'geneve', localIp: '192.0.2.1', remoteIp: '192.0.2.2' }
 */
import type { PortIo } from '../port.js';
import { UdpTunnelPort } from '../tunnel/udp-tunnel-port.js';
import { AfPacketPort } from './af-packet-port.js';
import { TapPort } from './tap-port.js';

export type PortSpec =
  | {
      readonly kind: 'af_packet';
      readonly ifname: string;
      readonly vnetHeader?: boolean;
      readonly batch?: number;
    }
  | {
      readonly kind: 'tap';
      readonly ifname: string;
      readonly vnetHeader?: boolean;
      readonly batch?: number;
    }
  | {
      readonly kind: 'geneve' | 'vxlan';
      readonly localIp: string;
      readonly localPort?: number;
      readonly remoteIp?: string;
      readonly remotePort?: number;
      readonly carryOffloads?: boolean;
    };

export async function openPort(spec: PortSpec): Promise<PortIo> {
  switch (spec.kind) {
    case 'af_packet':
      return new AfPacketPort(spec.ifname, spec);
    case 'tap':
      return new TapPort(spec.ifname, spec);
    case 'geneve':
    case 'vxlan': {
      const { kind, ...rest } = spec;
      return UdpTunnelPort.open({ encapsulation: kind, ...rest });
    }
  }
}
