// A VM for the e2e benchmark, reduced to what a ping needs: it sends ICMP echo requests, answers
// the ones it gets, and tells when a reply arrives. Frames are built with buildPacket and read at
// fixed offsets (IPv4 without options, as buildPacket writes them).

import { buildPacket, MemoryPort } from '@ovn-ts/datapath';

export interface VmAddress {
  readonly name: string;
  readonly mac: string;
  readonly ip: string;
}

const ETH_TYPE = 12;
const IP_PROTO = 14 + 9;
const ICMP_TYPE = 14 + 20;

const ipText = (f: Uint8Array, at: number) => `${f[at]}.${f[at + 1]}.${f[at + 2]}.${f[at + 3]}`;
const macText = (f: Uint8Array, at: number) =>
  [...f.subarray(at, at + 6)].map((b) => b.toString(16).padStart(2, '0')).join(':');

function icmpType(f: Uint8Array): number | undefined {
  if (f.length < ICMP_TYPE + 1 || f[ETH_TYPE] !== 0x08 || f[ETH_TYPE + 1] !== 0x00)
    return undefined;
  return f[IP_PROTO] === 1 ? f[ICMP_TYPE] : undefined;
}

export class EchoVm {
  readonly port: MemoryPort;
  private onReply: ((from: string) => void) | undefined;
  replies = 0;

  constructor(readonly address: VmAddress) {
    this.port = new MemoryPort({ capture: false, onTransmit: (frames) => this.receive(frames) });
  }

  /** Sends one echo request to `to` (its MAC known, as after ARP). */
  ping(to: VmAddress): void {
    this.port.offer([
      buildPacket({
        eth: { src: this.address.mac, dst: to.mac },
        ip4: { src: this.address.ip, dst: to.ip },
        icmp: { type: 8, code: 0 },
      }),
    ]);
  }

  /** Resolves at the first echo reply received after the call. */
  nextReply(): Promise<string> {
    return new Promise((resolve) => {
      this.onReply = (from) => {
        this.onReply = undefined;
        resolve(from);
      };
    });
  }

  private receive(frames: readonly Uint8Array[]): void {
    for (const f of frames) {
      const type = icmpType(f);
      if (type === 0) {
        this.replies++;
        this.onReply?.(ipText(f, 14 + 12));
      } else if (type === 8 && ipText(f, 14 + 16) === this.address.ip) {
        const reply = buildPacket({
          eth: { src: this.address.mac, dst: macText(f, 6) },
          ip4: { src: this.address.ip, dst: ipText(f, 14 + 12) },
          icmp: { type: 0, code: 0 },
        });
        // Not from inside the datapath's transmit: the reply enters as a new packet.
        setImmediate(() => this.port.offer([reply]));
      }
    }
  }
}
