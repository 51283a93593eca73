/**
 * A batch of `struct mmsghdr` for recvmmsg/sendmmsg, laid out in native memory (malloc) so that the
 * pointers inside the headers stay valid: one header, one iovec and one fixed-size slot per message.
 * JS reads and writes the slots through a Buffer view of the same memory, so a frame is received or
 * sent with no copy between the kernel's and our view of it.
 *
 * Layout (x86-64/aarch64 Linux): mmsghdr = msghdr (56 bytes) + msg_len (4) + padding = 64 bytes;
 * iovec = base pointer + length = 16 bytes. With `nameSize` each message also gets an address buffer
 * (msg_name), e.g. a 16-byte sockaddr_in for UDP sources and destinations.
 */
import { libc } from './libc.js';

const MMSGHDR_SIZE = 64;
const IOVEC_SIZE = 16;
const MSG_NAME = 0;
const MSG_NAMELEN = 8;
const MSG_IOV = 16;
const MSG_IOVLEN = 24;
const MSG_LEN = 56;

export class MessageBatch {
  /** Address of the first mmsghdr, for recvmmsg/sendmmsg. */
  readonly address: bigint;
  private readonly ptr: unknown;
  /** The whole region as a Buffer. */
  readonly view: Buffer;
  private readonly slotBase: number;
  private readonly iovBase: number;
  private readonly nameBase: number;
  private freed = false;

  constructor(
    readonly count: number,
    readonly slotSize: number,
    readonly nameSize = 0,
  ) {
    const c = libc();
    this.iovBase = count * MMSGHDR_SIZE;
    this.nameBase = this.iovBase + count * IOVEC_SIZE;
    this.slotBase = this.nameBase + count * nameSize;
    const total = this.slotBase + count * slotSize;
    const ptr = c.malloc(total);
    if (!ptr) throw new Error(`message batch: cannot allocate ${total} bytes`);
    this.ptr = ptr;
    this.view = Buffer.from(c.koffi.view(ptr, total));
    this.view.fill(0, 0, this.slotBase);
    const base = c.koffi.address(ptr);
    this.address = base;
    for (let i = 0; i < count; i++) {
      const h = i * MMSGHDR_SIZE;
      const iov = this.iovBase + i * IOVEC_SIZE;
      this.view.writeBigUInt64LE(base + BigInt(iov), h + MSG_IOV);
      this.view.writeBigUInt64LE(1n, h + MSG_IOVLEN);
      this.view.writeBigUInt64LE(base + BigInt(this.slotBase + i * slotSize), iov);
      this.view.writeBigUInt64LE(BigInt(slotSize), iov + 8);
      if (nameSize > 0) {
        this.view.writeBigUInt64LE(base + BigInt(this.nameBase + i * nameSize), h + MSG_NAME);
        this.view.writeUInt32LE(nameSize, h + MSG_NAMELEN);
      }
    }
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

  /** Set how many bytes of slot `i` sendmmsg sends, or recvmmsg may fill. */
  setLength(i: number, length: number): void {
    this.view.writeUInt32LE(length, this.iovBase + i * IOVEC_SIZE + 8);
  }

  /** Offer every slot (and address buffer) at full capacity again (before a recvmmsg). */
  resetLengths(): void {
    for (let i = 0; i < this.count; i++) {
      this.setLength(i, this.slotSize);
      if (this.nameSize > 0) this.view.writeUInt32LE(this.nameSize, i * MMSGHDR_SIZE + MSG_NAMELEN);
    }
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
    libc().free(this.ptr);
  }
}
