import type { PortIo, TunnelMetadata } from './port.js';

/** Per-port counters kept by the datapath. */
export interface PortStats {
  readonly port: number;
  readonly name: string;
  readonly kind: string;
  readonly rxPackets: number;
  readonly rxBytes: number;
  readonly txPackets: number;
  readonly txBytes: number;
  readonly txErrors: number;
}

/** A port attached to the datapath, with its transmit batch for the current receive batch. */
export class PortEntry {
  readonly tx: Uint8Array[] = [];
  readonly txMeta: (TunnelMetadata | undefined)[] = [];
  rxPackets = 0;
  rxBytes = 0;
  txPackets = 0;
  txBytes = 0;
  txErrors = 0;

  constructor(
    readonly no: number,
    readonly name: string,
    readonly io: PortIo,
  ) {
    this.tunnel = io.tunnel ?? (io.kind === 'geneve' || io.kind === 'vxlan');
  }

  readonly tunnel: boolean;

  stats(): PortStats {
    return {
      port: this.no,
      name: this.name,
      kind: this.io.kind,
      rxPackets: this.rxPackets,
      rxBytes: this.rxBytes,
      txPackets: this.txPackets,
      txBytes: this.txBytes,
      txErrors: this.txErrors,
    };
  }
}
