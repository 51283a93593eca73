// The pure core of an in-memory VM: what it answers to a received frame (ARP, ping, TCP SYN) and
// the frames it builds to start a conversation. No clock and no I/O: the shell (vm.ts) sends the
// frames and turns events into resolved promises.

import { buildPacket, TCP_ACK, TCP_RST, TCP_SYN } from '@ovn-ts/datapath';
import { decodeFrame } from './frame.js';
import { sameSubnet } from './ip4-prefix.js';

export interface VmConfig {
  readonly name: string;
  readonly mac: string;
  readonly ip: string;
  /** Subnet prefix length of `ip` (24 for 10.0.0.5/24). */
  readonly prefix: number;
  /** Default gateway, for destinations outside the subnet. */
  readonly gateway?: string | undefined;
}

export type VmEvent =
  | { readonly kind: 'arp-learnt'; readonly ip: string; readonly mac: string }
  | {
      readonly kind: 'echo-reply';
      readonly from: string;
      readonly id: number;
      readonly seq: number;
      readonly ttl: number;
    }
  /** An ICMP message other than echo (unreachable, time exceeded …) addressed to this VM. */
  | { readonly kind: 'icmp'; readonly from: string; readonly type: number; readonly code: number }
  /** A SYN-ACK or RST answering a SYN this VM sent. */
  | {
      readonly kind: 'tcp-answer';
      readonly from: string;
      readonly remotePort: number;
      readonly localPort: number;
      readonly answer: 'syn-ack' | 'reset';
    }
  | {
      readonly kind: 'udp';
      readonly from: string;
      readonly sport: number;
      readonly dport: number;
      readonly payload: Uint8Array;
    };

export interface VmOutput {
  /** Frames to transmit, in order. */
  readonly send: readonly Uint8Array[];
  readonly events: readonly VmEvent[];
}

const BROADCAST = 'ff:ff:ff:ff:ff:ff';
const ZERO_MAC = '00:00:00:00:00:00';
const NOTHING: VmOutput = { send: [], events: [] };
/** Initial sequence number of this VM's TCP answers: any constant does, nobody sends data. */
const ISN = 0x1000;

export class VmCore {
  private cfg: VmConfig;
  /** IPv4 → MAC, learnt from ARP replies and from requests addressed to this VM. */
  readonly arpCache = new Map<string, string>();
  private readonly listening = new Set<number>();
  /** SYNs sent and not answered yet: `ip:remotePort:localPort`. */
  private readonly connecting = new Set<string>();

  constructor(config: VmConfig) {
    this.cfg = { ...config, mac: config.mac.toLowerCase() };
  }

  get config(): VmConfig {
    return this.cfg;
  }

  /** Changes the address (and optionally prefix) on the VM only: nobody else is told. */
  setIp(ip: string, prefix = this.cfg.prefix): void {
    this.cfg = { ...this.cfg, ip, prefix };
  }

  setGateway(gateway: string | undefined): void {
    this.cfg = { ...this.cfg, gateway };
  }

  listen(port: number): void {
    this.listening.add(port);
  }

  unlisten(port: number): void {
    this.listening.delete(port);
  }

  /** The address to ARP for when sending to `dst`: itself on the subnet, else the gateway. */
  nextHop(dst: string): string | undefined {
    if (sameSubnet(dst, this.cfg.ip, this.cfg.prefix)) return dst;
    return this.cfg.gateway;
  }

  receive(frame: Uint8Array): VmOutput {
    const d = decodeFrame(frame);
    if (!d.eth || (d.eth.dst !== this.cfg.mac && d.eth.dst !== BROADCAST)) return NOTHING;
    const me = this.cfg.ip;
    switch (d.kind) {
      case 'arp': {
        if (d.op === 1 && d.tpa === me) {
          const events: VmEvent[] = [];
          if (d.spa !== '0.0.0.0') {
            this.arpCache.set(d.spa, d.sha);
            events.push({ kind: 'arp-learnt', ip: d.spa, mac: d.sha });
          }
          return { send: [this.arpReply(d.sha, d.spa)], events };
        }
        if (d.op === 2 && d.eth.dst === this.cfg.mac) {
          this.arpCache.set(d.spa, d.sha);
          return { send: [], events: [{ kind: 'arp-learnt', ip: d.spa, mac: d.sha }] };
        }
        return NOTHING;
      }
      case 'icmp': {
        if (d.ip.dst !== me) return NOTHING;
        if (d.type === 8)
          return {
            send: [
              buildPacket({
                eth: { src: this.cfg.mac, dst: d.eth.src },
                ip4: { src: me, dst: d.ip.src },
                icmp: { type: 0, code: 0, id: d.id, seq: d.seq },
                payload: d.payload,
              }),
            ],
            events: [],
          };
        if (d.type === 0)
          return {
            send: [],
            events: [{ kind: 'echo-reply', from: d.ip.src, id: d.id, seq: d.seq, ttl: d.ip.ttl }],
          };
        return { send: [], events: [{ kind: 'icmp', from: d.ip.src, type: d.type, code: d.code }] };
      }
      case 'tcp': {
        if (d.ip.dst !== me) return NOTHING;
        const syn = (d.flags & TCP_SYN) !== 0;
        const ack = (d.flags & TCP_ACK) !== 0;
        const rst = (d.flags & TCP_RST) !== 0;
        const key = `${d.ip.src}:${d.sport}:${d.dport}`;
        if (syn && !ack && !rst) {
          const open = this.listening.has(d.dport);
          return {
            send: [
              this.tcp(d.eth.src, d.ip.src, d.dport, d.sport, {
                flags: open ? TCP_SYN | TCP_ACK : TCP_RST | TCP_ACK,
                seq: open ? ISN : 0,
                ack: (d.seq + 1) >>> 0,
              }),
            ],
            events: [],
          };
        }
        if (!this.connecting.has(key)) return NOTHING;
        if (rst) {
          this.connecting.delete(key);
          return { send: [], events: [this.tcpAnswer(d.ip.src, d.sport, d.dport, 'reset')] };
        }
        if (syn && ack) {
          this.connecting.delete(key);
          // Completes the handshake, so a stateful ACL sees an established connection.
          const ackFrame = this.tcp(d.eth.src, d.ip.src, d.dport, d.sport, {
            flags: TCP_ACK,
            seq: d.ack,
            ack: (d.seq + 1) >>> 0,
          });
          return {
            send: [ackFrame],
            events: [this.tcpAnswer(d.ip.src, d.sport, d.dport, 'syn-ack')],
          };
        }
        return NOTHING;
      }
      case 'udp':
        if (d.ip.dst !== me) return NOTHING;
        return {
          send: [],
          events: [
            { kind: 'udp', from: d.ip.src, sport: d.sport, dport: d.dport, payload: d.payload },
          ],
        };
      default:
        return NOTHING;
    }
  }

  arpRequest(target: string): Uint8Array {
    return buildPacket({
      eth: { src: this.cfg.mac, dst: BROADCAST },
      arp: { op: 1, sha: this.cfg.mac, spa: this.cfg.ip, tha: ZERO_MAC, tpa: target },
    });
  }

  /** A gratuitous ARP announcing this VM's address. */
  announce(): Uint8Array {
    return buildPacket({
      eth: { src: this.cfg.mac, dst: BROADCAST },
      arp: { op: 1, sha: this.cfg.mac, spa: this.cfg.ip, tha: ZERO_MAC, tpa: this.cfg.ip },
    });
  }

  echoRequest(dst: string, dstMac: string, id: number, seq: number): Uint8Array {
    return buildPacket({
      eth: { src: this.cfg.mac, dst: dstMac },
      ip4: { src: this.cfg.ip, dst },
      icmp: { type: 8, code: 0, id, seq },
      payload: new Uint8Array(16),
    });
  }

  /** A SYN to dst:dport from localPort; its answer comes back as a `tcp-answer` event. */
  syn(dst: string, dstMac: string, localPort: number, dport: number): Uint8Array {
    this.connecting.add(`${dst}:${dport}:${localPort}`);
    return this.tcp(dstMac, dst, localPort, dport, { flags: TCP_SYN, seq: ISN, ack: 0 });
  }

  /** Forgets a SYN that was not answered in time. */
  abandon(dst: string, localPort: number, dport: number): void {
    this.connecting.delete(`${dst}:${dport}:${localPort}`);
  }

  udp(dst: string, dstMac: string, sport: number, dport: number, payload: Uint8Array): Uint8Array {
    return buildPacket({
      eth: { src: this.cfg.mac, dst: dstMac },
      ip4: { src: this.cfg.ip, dst },
      udp: { sport, dport },
      payload,
    });
  }

  private arpReply(toMac: string, toIp: string): Uint8Array {
    return buildPacket({
      eth: { src: this.cfg.mac, dst: toMac },
      arp: { op: 2, sha: this.cfg.mac, spa: this.cfg.ip, tha: toMac, tpa: toIp },
    });
  }

  private tcp(
    dstMac: string,
    dst: string,
    sport: number,
    dport: number,
    h: { flags: number; seq: number; ack: number },
  ): Uint8Array {
    return buildPacket({
      eth: { src: this.cfg.mac, dst: dstMac },
      ip4: { src: this.cfg.ip, dst },
      tcp: { sport, dport, ...h },
    });
  }

  private tcpAnswer(
    from: string,
    remotePort: number,
    localPort: number,
    answer: 'syn-ack' | 'reset',
  ): VmEvent {
    return { kind: 'tcp-answer', from, remotePort, localPort, answer };
  }
}
