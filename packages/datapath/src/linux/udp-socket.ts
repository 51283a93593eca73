/**
 * A nonblocking IPv4 UDP socket that receives and sends batches of datagrams with recvmmsg/sendmmsg,
 * in native slots (message-batch.ts) with a sockaddr_in per message. node:dgram makes one JS event
 * and one libuv request per datagram, which caps a tunnel at a few ten thousand packets per second;
 * this moves up to a batch per system call and lets the tunnel port write headers straight into the
 * slots.
 */
import { isIPv4 } from 'node:net';
import {
  AF_INET,
  check,
  EAGAIN,
  EINTR,
  ENOBUFS,
  intArg,
  libc,
  MSG_DONTWAIT,
  SO_RCVBUFFORCE,
  SO_SNDBUFFORCE,
  SOCK_CLOEXEC,
  SOCK_DGRAM,
  SOCK_NONBLOCK,
  SOL_SOCKET,
  sysError,
} from './libc.js';
import { MessageBatch } from './message-batch.js';
import { SlotOffloads } from './slot-offloads.js';
import type { VirtioNetHeader } from './virtio-net-header.js';

const SOCKADDR_IN = 16;
const SLOT_BYTES = 65536;

export function ipv4ToInt(ip: string): number {
  if (!isIPv4(ip)) throw new Error(`udp socket: ${ip} is not an IPv4 address`);
  return ip.split('.').reduce((a, b) => a * 256 + Number(b), 0);
}

export function intToIpv4(n: number): string {
  return `${n >>> 24}.${(n >>> 16) & 0xff}.${(n >>> 8) & 0xff}.${n & 0xff}`;
}

export interface UdpSocketOptions {
  readonly batch?: number;
  /** Forced socket buffer sizes (root). Default 4 MiB. */
  readonly bufferBytes?: number;
}

export class UdpSocket {
  readonly fd: number;
  readonly localPort: number;
  private readonly rx: MessageBatch;
  private readonly tx: MessageBatch;
  private readonly txSlots: Buffer[];
  /** Frames handed out as views of the receive slots, with their offload state (rxView). */
  private readonly rxViews: SlotOffloads;
  private closed = false;
  txErrors = 0;

  constructor(
    readonly localIp: string,
    port: number,
    options: UdpSocketOptions = {},
  ) {
    const c = libc();
    const object = `udp ${localIp}:${port}`;
    this.fd = check(
      object,
      'socket',
      c.socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0),
    );
    try {
      const bytes = options.bufferBytes ?? 4 << 20;
      check(
        object,
        'SO_RCVBUFFORCE',
        c.setsockopt(this.fd, SOL_SOCKET, SO_RCVBUFFORCE, intArg(bytes), 4),
      );
      check(
        object,
        'SO_SNDBUFFORCE',
        c.setsockopt(this.fd, SOL_SOCKET, SO_SNDBUFFORCE, intArg(bytes), 4),
      );
      const sin = Buffer.alloc(SOCKADDR_IN);
      sin.writeUInt16LE(AF_INET, 0);
      sin.writeUInt16BE(port, 2);
      sin.writeUInt32BE(ipv4ToInt(localIp), 4);
      check(object, 'bind', c.bind(this.fd, sin, SOCKADDR_IN));
      const len = intArg(SOCKADDR_IN);
      check(object, 'getsockname', c.getsockname(this.fd, sin, len));
      this.localPort = sin.readUInt16BE(2);
      const batch = options.batch ?? 64;
      this.rx = new MessageBatch({ count: batch, slotSize: SLOT_BYTES, nameSize: SOCKADDR_IN });
      this.tx = new MessageBatch({
        count: batch,
        slotSize: SLOT_BYTES,
        nameSize: SOCKADDR_IN,
        gather: true,
      });
      this.txSlots = Array.from({ length: batch }, (_, i) => this.tx.slot(i));
      for (let i = 0; i < batch; i++) this.tx.name(i).writeUInt16LE(AF_INET, 0);
    } catch (err) {
      c.close(this.fd);
      throw err;
    }
    this.rxViews = new SlotOffloads(
      this.rx.view.buffer as ArrayBuffer,
      this.rx.view.byteOffset + this.rx.slotOffset(0),
      this.rx.slotSize,
      this.rx.count,
    );
  }

  get batchSize(): number {
    return this.rx.count;
  }

  /** Receive up to a batch without blocking; datagram `i` is rxSlot(i).subarray(0, rxLength(i)). */
  receive(): number {
    const c = libc();
    this.rx.resetLengths();
    const n = c.recvmmsg(this.fd, this.rx.address, this.rx.count, MSG_DONTWAIT, null);
    if (n >= 0) return n;
    const errno = c.errno();
    if (errno === EAGAIN || errno === EINTR) return 0;
    throw sysError(`udp ${this.localIp}:${this.localPort}`, 'recvmmsg', errno);
  }

  rxSlot(i: number): Buffer {
    return this.rx.slot(i);
  }

  rxLength(i: number): number {
    return this.rx.receivedLength(i);
  }

  /** The receive region as one Uint8Array (for parsing datagrams in place) and where slot `i` starts in it. */
  get rxBytes(): Uint8Array {
    return this.rx.view;
  }

  rxOffset(i: number): number {
    return this.rx.slotOffset(i);
  }

  /**
   * A view of `length` bytes at `offset` of `rxBytes` inside datagram `i` (e.g. the frame a tunnel
   * header carries), with the offload state frameOffload() will report for it until the next receive.
   */
  rxView(
    i: number,
    offset: number,
    length: number,
    offload: VirtioNetHeader | undefined,
  ): Uint8Array {
    return this.rxViews.view(i, this.rx.view.byteOffset + offset, length, offload);
  }

  /** Source address of datagram `i` as a 32-bit number, and its port. */
  rxSourceIp(i: number): number {
    return this.rx.view.readUInt32BE(this.rx.nameOffset(i) + 4);
  }

  rxSourcePort(i: number): number {
    return this.rx.view.readUInt16BE(this.rx.nameOffset(i) + 2);
  }

  /** Transmit slot `i`, for the tunnel header (and a frame copied after it). */
  txSlot(i: number): Buffer {
    return this.txSlots[i]!;
  }

  /**
   * Message `i` sends the first `headerLength` bytes of its slot, then `frame` (from where it lies when
   * it is large and in native receive memory, else copied after the header).
   */
  stage(i: number, headerLength: number, frame: Uint8Array): void {
    this.tx.setGather(i, headerLength, frame);
  }

  /** Set the destination of transmit slot `i`. */
  setDestination(i: number, ip: number, port: number): void {
    const v = this.tx.view;
    const at = this.tx.nameOffset(i);
    v.writeUInt16BE(port, at + 2);
    v.writeUInt32BE(ip >>> 0, at + 4);
  }

  /** Send the first `n` staged messages; returns how many the kernel took (stops early on a full buffer). */
  send(n: number): number {
    const c = libc();
    let done = 0;
    let skipped = 0;
    while (done < n) {
      const rc = c.sendmmsg(this.fd, this.tx.headerAt(done), n - done, MSG_DONTWAIT);
      if (rc > 0) {
        done += rc;
        continue;
      }
      const errno = c.errno();
      if (errno === EINTR) continue;
      if (errno === EAGAIN || errno === ENOBUFS) break;
      // An unreachable peer (ECONNREFUSED from an earlier ICMP error, EHOSTUNREACH) affects one message.
      this.txErrors += 1;
      skipped += 1;
      done += 1;
    }
    return done - skipped;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.rxViews.close();
    libc().close(this.fd);
    this.rx.free();
    this.tx.free();
  }
}
