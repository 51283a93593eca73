/**
 * A raw AF_PACKET socket bound to one interface, reading and writing batches of whole Ethernet frames
 * with recvmmsg/sendmmsg. With `vnetHeader` each frame is preceded by a virtio-net header, which lets
 * checksum-offloaded and TSO/GSO frames (up to 64 KiB) pass through unchanged.
 */

import {
  AF_PACKET,
  check,
  EAGAIN,
  EINTR,
  ENETDOWN,
  ENOBUFS,
  ETH_P_ALL,
  intArg,
  interfaceIndex,
  libc,
  MSG_DONTWAIT,
  PACKET_ADD_MEMBERSHIP,
  PACKET_AUXDATA,
  PACKET_IGNORE_OUTGOING,
  PACKET_MR_PROMISC,
  PACKET_QDISC_BYPASS,
  PACKET_VNET_HDR,
  SO_RCVBUFFORCE,
  SO_SNDBUFFORCE,
  SOCK_CLOEXEC,
  SOCK_NONBLOCK,
  SOCK_RAW,
  SOL_PACKET,
  SOL_SOCKET,
  sysError,
} from './libc.js';
import { MessageBatch } from './message-batch.js';
import { SlotOffloads } from './slot-offloads.js';
import {
  decodeVirtioNetHeader,
  encodeVirtioNetHeader,
  NO_OFFLOAD,
  VIRTIO_NET_HDR_LEN,
  type VirtioNetHeader,
} from './virtio-net-header.js';

export interface AfPacketSocketOptions {
  /** Prefix every frame with a virtio-net header (PACKET_VNET_HDR). Default true. */
  readonly vnetHeader?: boolean;
  /** Frames per recvmmsg/sendmmsg. Default 64. */
  readonly batch?: number;
  /** Put the interface in promiscuous mode while the socket is open. Default true. */
  readonly promiscuous?: boolean;
  /** Socket buffer sizes in bytes (forced, needs CAP_NET_ADMIN). Default 4 MiB. */
  readonly bufferBytes?: number;
}

const VLAN_HLEN = 4;
const ETH_P_8021Q = 0x8100;
/** CMSG_SPACE(sizeof(struct tpacket_auxdata)): a 16-byte cmsghdr + 20 bytes of data, 8-aligned. */
const AUXDATA_SPACE = 40;
const TP_STATUS_VLAN_VALID = 0x10;
const TP_STATUS_VLAN_TPID_VALID = 0x40;

/** Largest frame we accept: a 64 KiB GSO packet plus Ethernet and VLAN headers, plus the vnet header. */
const SLOT_BYTES = 65536 + 64;
/** Slots for frames without vnet header (no GSO): jumbo frames at most. */
const SMALL_SLOT_BYTES = 9216 + 64;

export class AfPacketSocket {
  readonly fd: number;
  readonly ifindex: number;
  readonly vnetHeader: boolean;
  private readonly rx: MessageBatch;
  private readonly tx: MessageBatch;
  /** The frames rxFrame() hands out, with their offload state by slot (not a WeakMap entry per frame). */
  private readonly rxViews: SlotOffloads;
  private closed = false;
  /** Frames the kernel refused outright (not counted in send()'s result). */
  txErrors = 0;

  constructor(
    readonly ifname: string,
    options: AfPacketSocketOptions = {},
  ) {
    const c = libc();
    const object = `af_packet ${ifname}`;
    this.vnetHeader = options.vnetHeader ?? true;
    const batch = options.batch ?? 64;
    this.ifindex = interfaceIndex(ifname);
    // Protocol 0 at creation: receive nothing until bound, so no frame of another interface slips in.
    this.fd = check(
      object,
      'socket',
      c.socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, 0),
    );
    try {
      if (this.vnetHeader)
        check(
          object,
          'PACKET_VNET_HDR',
          c.setsockopt(this.fd, SOL_PACKET, PACKET_VNET_HDR, intArg(1), 4),
        );
      // Our own transmissions and the host's are not input to the switch.
      check(
        object,
        'PACKET_IGNORE_OUTGOING',
        c.setsockopt(this.fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, intArg(1), 4),
      );
      // The switch is the only user of the interface: skip the qdisc layer on transmit.
      check(
        object,
        'PACKET_QDISC_BYPASS',
        c.setsockopt(this.fd, SOL_PACKET, PACKET_QDISC_BYPASS, intArg(1), 4),
      );
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
      const sll = Buffer.alloc(20);
      sll.writeUInt16LE(AF_PACKET, 0);
      sll.writeUInt16BE(ETH_P_ALL, 2);
      sll.writeInt32LE(this.ifindex, 4);
      check(object, 'bind', c.bind(this.fd, sll, sll.length));
      if (options.promiscuous ?? true) {
        const mreq = Buffer.alloc(16); // struct packet_mreq
        mreq.writeInt32LE(this.ifindex, 0);
        mreq.writeUInt16LE(PACKET_MR_PROMISC, 4);
        check(
          object,
          'PACKET_ADD_MEMBERSHIP',
          c.setsockopt(this.fd, SOL_PACKET, PACKET_ADD_MEMBERSHIP, mreq, mreq.length),
        );
      }
      // The kernel strips VLAN tags into metadata (veth and most NICs accelerate them): ask for it.
      check(
        object,
        'PACKET_AUXDATA',
        c.setsockopt(this.fd, SOL_PACKET, PACKET_AUXDATA, intArg(1), 4),
      );
      const slot = this.vnetHeader ? SLOT_BYTES : SMALL_SLOT_BYTES;
      this.rx = new MessageBatch({
        count: batch,
        slotSize: slot,
        controlSize: AUXDATA_SPACE,
        headroom: VLAN_HLEN,
      });
      this.tx = new MessageBatch({ count: batch, slotSize: slot, gather: true });
    } catch (err) {
      c.close(this.fd);
      throw err;
    }
    this.rxViews = new SlotOffloads(
      this.rx.view.buffer as ArrayBuffer,
      this.rx.view.byteOffset + this.rx.slotOffset(0),
      this.rx.slotSize,
      batch,
    );
  }

  /** Header bytes before each frame in a slot (0 or 10). */
  get headerLength(): number {
    return this.vnetHeader ? VIRTIO_NET_HDR_LEN : 0;
  }

  /**
   * Receive up to one batch without blocking. Returns the number of messages; read each with
   * rxFrame(i) (and rxOffload for the frame it just returned), valid until the next call.
   */
  receive(): number {
    const c = libc();
    this.rx.resetLengths();
    const n = c.recvmmsg(this.fd, this.rx.address, this.rx.count, MSG_DONTWAIT, null);
    if (n >= 0) return n;
    const errno = c.errno();
    if (errno === EAGAIN || errno === EINTR) return 0;
    // The interface went down (or away): the error is reported once; keep waiting for it to come back.
    if (errno === ENETDOWN) return 0;
    throw sysError(`af_packet ${this.ifname}`, 'recvmmsg', errno);
  }

  /** Offload state of the frame rxFrame() returned last (undefined: a plain frame). */
  rxOffload: VirtioNetHeader | undefined;

  /**
   * Message `i` as a whole Ethernet frame (a view of the receive slot; its offload state is found by
   * frameOffload() until the next receive()): the VLAN tag the kernel stripped into auxiliary data is put
   * back where it was (in the slot's headroom), and the offload header adjusted to match. Undefined for
   * a runt.
   */
  rxFrame(i: number): Uint8Array | undefined {
    const rx = this.rx;
    const v = rx.view;
    const hl = this.headerLength;
    const len = rx.receivedLength(i);
    this.rxOffload = undefined;
    if (len < hl + 14) {
      this.rxViews.clear(i);
      return undefined;
    }
    const data = rx.slotOffset(i) + VLAN_HLEN;
    let start = data + hl;
    const end = data + len;
    let off: VirtioNetHeader | undefined;
    if (hl > 0 && (v[data] !== 0 || v[data + 1] !== 0)) off = decodeVirtioNetHeader(v, data);
    const c = rx.controlOffset(i);
    if (
      rx.controlLength(i) >= AUXDATA_SPACE &&
      v.readInt32LE(c + 8) === SOL_PACKET &&
      v.readInt32LE(c + 12) === PACKET_AUXDATA &&
      (v.readUInt32LE(c + 16) & TP_STATUS_VLAN_VALID) !== 0
    ) {
      const status = v.readUInt32LE(c + 16);
      const tci = v.readUInt16LE(c + 32);
      const tpid = status & TP_STATUS_VLAN_TPID_VALID ? v.readUInt16LE(c + 34) : ETH_P_8021Q;
      // Move the two MAC addresses 4 bytes earlier (over the decoded vnet header or the headroom).
      v.copyWithin(start - VLAN_HLEN, start, start + 12);
      start -= VLAN_HLEN;
      v.writeUInt16BE(tpid, start + 12);
      v.writeUInt16BE(tci, start + 14);
      if (off)
        off = {
          ...off,
          csumStart: off.csumStart + VLAN_HLEN,
          hdrLen: off.hdrLen === 0 ? 0 : off.hdrLen + VLAN_HLEN,
        };
    }
    this.rxOffload = off;
    return this.rxViews.view(i, v.byteOffset + start, end - start, off);
  }

  get batchSize(): number {
    return this.tx.count;
  }

  /**
   * Stage `frame` as transmit message `i`, behind the virtio-net header `header` (when the socket uses
   * one; undefined means a plain frame). Large frames that sit in native receive memory are sent from
   * where they lie. Returns the message length.
   */
  stage(i: number, frame: Uint8Array, header: VirtioNetHeader | undefined): number {
    const hl = this.headerLength;
    if (hl > 0) encodeVirtioNetHeader(header ?? NO_OFFLOAD, this.tx.view, this.tx.slotOffset(i));
    return this.tx.setGather(i, hl, frame);
  }

  /** Largest frame stage() accepts. */
  get maxFrame(): number {
    return this.tx.slotSize - this.headerLength;
  }

  /**
   * Send the first `n` staged messages. Returns how many the kernel took; a full socket buffer
   * (EAGAIN/ENOBUFS) ends the batch early rather than blocking the event loop.
   */
  send(n: number): number {
    const c = libc();
    let sent = 0;
    let skipped = 0;
    while (sent < n) {
      const rc = c.sendmmsg(this.fd, this.tx.headerAt(sent), n - sent, MSG_DONTWAIT);
      if (rc > 0) {
        sent += rc;
        continue;
      }
      const errno = c.errno();
      if (errno === EINTR) continue;
      if (errno === EAGAIN || errno === ENOBUFS) break;
      // One bad frame (e.g. a malformed GSO header) must not stop the rest of the batch: skip it.
      this.txErrors += 1;
      skipped += 1;
      sent += 1;
    }
    return sent - skipped;
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
