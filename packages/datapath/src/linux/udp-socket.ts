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
  EINVAL,
  EIO,
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
  SOL_UDP,
  sysError,
  UDP_GRO,
  UDP_SEGMENT,
} from './libc.js';
import { MessageBatch } from './message-batch.js';
import { SlotOffloads } from './slot-offloads.js';
import type { VirtioNetHeader } from './virtio-net-header.js';

const SOCKADDR_IN = 16;
const EMPTY = new Uint8Array(0);
const SLOT_BYTES = 65536;
/** CMSG_SPACE(sizeof(uint16_t)) for UDP_SEGMENT on send; CMSG_LEN of it. */
const SEGMENT_CMSG_SPACE = 24;
const SEGMENT_CMSG_LEN = 18;
/** Room for the UDP_GRO cmsg (an int) on receive. */
const GRO_CMSG_SPACE = 32;
/** Most datagrams the kernel takes in one UDP_SEGMENT send (UDP_MAX_SEGMENTS on older kernels). */
export const MAX_SEGMENTS = 64;
/** Most bytes of one segmented send (an IPv4 packet's limit, less headers, with margin). */
export const MAX_SEGMENTED_BYTES = 65000;

export function ipv4ToInt(ip: string): number {
  if (!isIPv4(ip)) throw new Error(`udp socket: ${ip} is not an IPv4 address`);
  return ip.split('.').reduce((a, b) => a * 256 + Number(b), 0);
}

export function intToIpv4(n: number): string {
  return `${n >>> 24}.${(n >>> 16) & 0xff}.${(n >>> 8) & 0xff}.${n & 0xff}`;
}

export interface UdpSocketOptions {
  readonly batch?: number;
  /**
   * Send runs of equal-sized datagrams as one UDP_SEGMENT message and take coalesced ones (UDP_GRO):
   * one trip through the stack for up to MAX_SEGMENTS datagrams. A peer without UDP_GRO still gets
   * separate datagrams (the kernel cuts them). Default true.
   */
  readonly segmentation?: boolean;
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
  /** UDP_SEGMENT sends are on (turned off for good if the kernel refuses one). */
  segmentation: boolean;
  /** The kernel hands us coalesced datagrams with their segment size (UDP_GRO). */
  readonly gro: boolean;
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
      const segmentation = options.segmentation ?? true;
      this.segmentation = segmentation;
      this.gro = segmentation && c.setsockopt(this.fd, SOL_UDP, UDP_GRO, intArg(1), 4) === 0;
      this.rx = new MessageBatch({
        count: batch,
        slotSize: SLOT_BYTES,
        nameSize: SOCKADDR_IN,
        controlSize: this.gro ? GRO_CMSG_SPACE : 0,
      });
      this.tx = new MessageBatch({
        count: batch,
        slotSize: SLOT_BYTES,
        nameSize: SOCKADDR_IN,
        gather: true,
        controlSize: SEGMENT_CMSG_SPACE,
      });
      this.txSlots = Array.from({ length: batch }, (_, i) => this.tx.slot(i));
      const tv = this.tx.view;
      for (let i = 0; i < batch; i++) {
        this.tx.name(i).writeUInt16LE(AF_INET, 0);
        // struct cmsghdr { size_t len; int level; int type; } + the u16 segment size, written per send.
        const cm = this.tx.controlOffset(i);
        tv.writeBigUInt64LE(BigInt(SEGMENT_CMSG_LEN), cm);
        tv.writeInt32LE(SOL_UDP, cm + 8);
        tv.writeInt32LE(UDP_SEGMENT, cm + 12);
        this.tx.setControlLength(i, 0);
      }
    } catch (err) {
      c.close(this.fd);
      throw err;
    }
    this.rxViews = new SlotOffloads(
      this.rx.view.buffer as ArrayBuffer,
      this.rx.view.byteOffset + this.rx.slotOffset(0),
      this.rx.slotSize,
      this.rx.count,
      this.gro ? MAX_SEGMENTS : 1,
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
    segment = 0,
    segmentSize = 0,
  ): Uint8Array {
    const at = this.rx.view.byteOffset + offset;
    return this.rxViews.view(i, at, length, offload, segment, segmentSize);
  }

  /**
   * The segment size of message `i` when the kernel coalesced several datagrams of that size into it
   * (the last may be shorter), else 0: a single datagram.
   */
  rxSegmentSize(i: number): number {
    if (!this.gro || this.rx.controlLength(i) < 20) return 0;
    const v = this.rx.view;
    const cm = this.rx.controlOffset(i);
    if (v.readInt32LE(cm + 8) !== SOL_UDP || v.readInt32LE(cm + 12) !== UDP_GRO) return 0;
    const size = v.readInt32LE(cm + 16);
    return size > 0 && size < this.rx.receivedLength(i) ? size : 0;
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
    this.tx.setControlLength(i, 0);
    this.tx.setGather(i, headerLength, frame);
  }

  /**
   * Message `i` sends the first `length` bytes of its slot, written there by the caller as datagrams
   * of `segmentSize` bytes each (the last may be shorter): one UDP_SEGMENT send when there are several.
   */
  stageSegments(i: number, length: number, segmentSize: number): void {
    const tx = this.tx;
    if (segmentSize > 0 && segmentSize < length) {
      tx.view.writeUInt16LE(segmentSize, tx.controlOffset(i) + 16);
      tx.setControlLength(i, SEGMENT_CMSG_SPACE);
    } else {
      tx.setControlLength(i, 0);
    }
    tx.setGather(i, length, EMPTY);
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
      if ((errno === EIO || errno === EINVAL) && this.tx.controlLength(done) > 0) {
        // The route cannot segment (a device without checksum offload, datagrams above its MTU):
        // send this run's datagrams one by one, and no more runs from now on.
        this.segmentation = false;
        if (this.sendSingly(done)) {
          done += 1;
          continue;
        }
      }
      // An unreachable peer (ECONNREFUSED from an earlier ICMP error, EHOSTUNREACH) affects one message.
      this.txErrors += 1;
      skipped += 1;
      done += 1;
    }
    return done - skipped;
  }

  /**
   * Send the datagrams of segmented message `i` one at a time (the message is rewritten for each);
   * true if the kernel took them all.
   */
  private sendSingly(i: number): boolean {
    const c = libc();
    const tx = this.tx;
    const v = tx.view;
    const total = tx.gatherLength(i);
    const size = v.readUInt16LE(tx.controlOffset(i) + 16);
    const start = tx.slotOffset(i);
    tx.setControlLength(i, 0);
    let ok = true;
    // Front to back: each datagram is moved to the slot's start, over those already sent, and sent.
    for (let off = 0; off < total; off += size) {
      const len = Math.min(size, total - off);
      v.copyWithin(start, start + off, start + off + len);
      tx.setGather(i, len, EMPTY);
      if (c.sendmmsg(this.fd, tx.headerAt(i), 1, MSG_DONTWAIT) !== 1) {
        ok = false;
        this.txErrors += 1;
      }
    }
    return ok;
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
