/**
 * A batch of `struct mmsghdr` for recvmmsg/sendmmsg, laid out in native memory (malloc) so that the
 * pointers inside the headers stay valid: one header, one iovec and one fixed-size slot per message.
 * JS reads and writes the slots through a Buffer view of the same memory, so a frame is received or
 * sent with no copy between the kernel's and our view of it.
 *
 * Layout (x86-64/aarch64 Linux): mmsghdr = msghdr (56 bytes) + msg_len (4) + padding = 64 bytes;
 * iovec = base pointer + length = 16 bytes. With `nameSize` each message also gets an address buffer
 * (msg_name), e.g. a 16-byte sockaddr_in for UDP sources and destinations.
 *
 * A `gather` batch (for sending) gives each message two iovecs: the first covers the start of its slot
 * (a header the port writes there, e.g. the virtio-net header), the second the frame. A large frame
 * that itself lives in native memory of some batch (a frame just received and being forwarded) is
 * pointed at where it lies instead of being copied into the slot: one 64 KiB copy less per TSO frame.
 */
import { libc } from './libc.js';

const MMSGHDR_SIZE = 64;
const IOVEC_SIZE = 16;
const MSG_NAME = 0;
const MSG_NAMELEN = 8;
const MSG_IOV = 16;
const MSG_IOVLEN = 24;
const MSG_CONTROL = 32;
const MSG_CONTROLLEN = 40;
const MSG_LEN = 56;
/** Below this size copying a frame into the slot is cheaper than pointing at it. */
const GATHER_MIN = 512;
const TWO_32 = 2 ** 32;

/** Native base address (as two 32-bit halves, to avoid BigInt per packet) of every live batch region. */
const regions = new WeakMap<ArrayBufferLike, { lo: number; hi: number }>();

export interface MessageBatchOptions {
  readonly count: number;
  /** Bytes per message slot. */
  readonly slotSize: number;
  /** Bytes of msg_name per message (16 for sockaddr_in); 0 for none. */
  readonly nameSize?: number;
  /** Two iovecs per message: slot header + frame from anywhere (for sending). */
  readonly gather?: boolean;
  /** Bytes of ancillary data (msg_control) per message; 0 for none. */
  readonly controlSize?: number;
  /** Bytes left free at the start of each slot before received data (room to insert a VLAN tag). */
  readonly headroom?: number;
}

export class MessageBatch {
  readonly count: number;
  readonly slotSize: number;
  readonly nameSize: number;
  readonly gather: boolean;
  readonly controlSize: number;
  readonly headroom: number;
  private readonly controlBase: number;
  /** Address of the first mmsghdr, for recvmmsg/sendmmsg. */
  readonly address: bigint;
  private readonly ptr: unknown;
  /** The whole region as a Buffer. */
  readonly view: Buffer;
  private readonly slotBase: number;
  private readonly iovBase: number;
  private readonly nameBase: number;
  /** This batch's own base address halves (looked up once, not per frame). */
  private readonly selfLo: number;
  private readonly selfHi: number;
  private freed = false;

  constructor(options: MessageBatchOptions) {
    const c = libc();
    const count = options.count;
    const slotSize = options.slotSize;
    const nameSize = options.nameSize ?? 0;
    const gather = options.gather ?? false;
    const controlSize = options.controlSize ?? 0;
    const headroom = options.headroom ?? 0;
    this.count = count;
    this.slotSize = slotSize;
    this.nameSize = nameSize;
    this.gather = gather;
    this.controlSize = controlSize;
    this.headroom = headroom;
    const iovs = gather ? 2 : 1;
    this.iovBase = count * MMSGHDR_SIZE;
    this.nameBase = this.iovBase + count * iovs * IOVEC_SIZE;
    this.controlBase = this.nameBase + count * nameSize;
    // Slots start 8-byte aligned (control data before them is a multiple of 8 when controlSize is).
    this.slotBase = this.controlBase + count * controlSize;
    const total = this.slotBase + count * slotSize;
    const ptr = c.malloc(total);
    if (!ptr) throw new Error(`message batch: cannot allocate ${total} bytes`);
    this.ptr = ptr;
    this.view = Buffer.from(c.koffi.view(ptr, total));
    this.view.fill(0, 0, this.slotBase);
    const base = c.koffi.address(ptr);
    this.address = base;
    this.selfLo = Number(base & 0xffffffffn) + this.view.byteOffset;
    this.selfHi = Number(base >> 32n);
    regions.set(this.view.buffer, { lo: Number(base & 0xffffffffn), hi: Number(base >> 32n) });
    for (let i = 0; i < count; i++) {
      const h = i * MMSGHDR_SIZE;
      const iov = this.iovBase + i * iovs * IOVEC_SIZE;
      this.view.writeBigUInt64LE(base + BigInt(iov), h + MSG_IOV);
      this.view.writeBigUInt64LE(BigInt(iovs), h + MSG_IOVLEN);
      this.view.writeBigUInt64LE(base + BigInt(this.slotBase + i * slotSize + headroom), iov);
      this.view.writeBigUInt64LE(BigInt(slotSize - headroom), iov + 8);
      if (controlSize > 0) {
        this.view.writeBigUInt64LE(
          base + BigInt(this.controlBase + i * controlSize),
          h + MSG_CONTROL,
        );
        this.view.writeBigUInt64LE(BigInt(controlSize), h + MSG_CONTROLLEN);
      }
      if (nameSize > 0) {
        this.view.writeBigUInt64LE(base + BigInt(this.nameBase + i * nameSize), h + MSG_NAME);
        this.view.writeUInt32LE(nameSize, h + MSG_NAMELEN);
      }
    }
  }

  /** Offset of slot `i` in `view`. */
  slotOffset(i: number): number {
    return this.slotBase + i * this.slotSize;
  }

  /** The whole slot `i` (its full capacity). */
  slot(i: number): Buffer {
    const start = this.slotBase + i * this.slotSize;
    return this.view.subarray(start, start + this.slotSize);
  }

  /** Bytes the kernel placed in slot `i` (recvmmsg's msg_len). */
  receivedLength(i: number): number {
    return this.view.readUInt32LE(i * MMSGHDR_SIZE + MSG_LEN);
  }

  /** Set how many bytes of slot `i` sendmmsg sends, or recvmmsg may fill (the first iovec's length). */
  setLength(i: number, length: number): void {
    this.view.writeUInt32LE(length, this.iovBase + i * (this.gather ? 2 : 1) * IOVEC_SIZE + 8);
  }

  /**
   * Gather batches: message `i` sends the first `headerLength` bytes of its slot, then `frame` (pointed
   * at where it lies when it is large and in native memory, else copied into the slot after the header).
   * Returns the message's total length.
   */
  setGather(i: number, headerLength: number, frame: Uint8Array): number {
    const v = this.view;
    const iov = this.iovBase + i * 2 * IOVEC_SIZE;
    v.writeUInt32LE(headerLength, iov + 8);
    const region = frame.length >= GATHER_MIN ? regions.get(frame.buffer) : undefined;
    let lo: number;
    let hi: number;
    if (region) {
      lo = region.lo + frame.byteOffset;
      hi = region.hi;
    } else {
      const slotStart = this.slotBase + i * this.slotSize;
      v.set(frame, slotStart + headerLength);
      lo = this.selfLo + slotStart + headerLength;
      hi = this.selfHi;
    }
    if (lo >= TWO_32) {
      lo -= TWO_32;
      hi += 1;
    }
    v.writeUInt32LE(lo, iov + IOVEC_SIZE);
    v.writeUInt32LE(hi, iov + IOVEC_SIZE + 4);
    v.writeUInt32LE(frame.length, iov + IOVEC_SIZE + 8);
    return headerLength + frame.length;
  }

  /** Gather batches: bytes message `i` sends from its slot (the first iovec's length). */
  gatherLength(i: number): number {
    return this.view.readUInt32LE(this.iovBase + i * 2 * IOVEC_SIZE + 8);
  }

  /** Offer every slot (and address buffer) at full capacity again (before a recvmmsg). */
  resetLengths(): void {
    for (let i = 0; i < this.count; i++) {
      this.setLength(i, this.slotSize - this.headroom);
      if (this.nameSize > 0) this.view.writeUInt32LE(this.nameSize, i * MMSGHDR_SIZE + MSG_NAMELEN);
      if (this.controlSize > 0)
        this.view.writeUInt32LE(this.controlSize, i * MMSGHDR_SIZE + MSG_CONTROLLEN);
    }
  }

  /** Offset in `view` of message `i`'s ancillary data, and how many bytes the kernel put there. */
  controlOffset(i: number): number {
    return this.controlBase + i * this.controlSize;
  }

  /** How many bytes of message `i`'s ancillary data sendmmsg passes (0: none). */
  setControlLength(i: number, length: number): void {
    this.view.writeUInt32LE(length, i * MMSGHDR_SIZE + MSG_CONTROLLEN);
  }

  controlLength(i: number): number {
    return this.view.readUInt32LE(i * MMSGHDR_SIZE + MSG_CONTROLLEN);
  }

  /** Offset in `view` of message `i`'s address buffer (to read or write it without a view object). */
  nameOffset(i: number): number {
    return this.nameBase + i * this.nameSize;
  }

  /** The address buffer of message `i` (source on receive, destination on send). */
  name(i: number): Buffer {
    const start = this.nameBase + i * this.nameSize;
    return this.view.subarray(start, start + this.nameSize);
  }

  /** Pointer to the header of message `i` (to send a suffix of the batch after a partial sendmmsg). */
  headerAt(i: number): bigint {
    return this.address + BigInt(i * MMSGHDR_SIZE);
  }

  free(): void {
    if (this.freed) return;
    this.freed = true;
    regions.delete(this.view.buffer);
    libc().free(this.ptr);
  }
}
