/**
 * A TAP device (/dev/net/tun with IFF_TAP | IFF_NO_PI): a kernel interface whose other side is this
 * file descriptor. Each read returns one Ethernet frame, each write sends one. With `vnetHeader`
 * (IFF_VNET_HDR) frames carry a virtio-net header and the kernel may hand us checksum-pending and TSO
 * frames, which we accept (TUNSETOFFLOAD) so that they pass through whole.
 * The device lives as long as the descriptor is open.
 */
import {
  check,
  EAGAIN,
  EINTR,
  IFF_NO_PI,
  IFF_TAP,
  IFF_VNET_HDR,
  IFNAMSIZ,
  ifreq,
  intArg,
  libc,
  O_CLOEXEC,
  O_NONBLOCK,
  O_RDWR,
  sysError,
  TUN_F_CSUM,
  TUN_F_TSO_ECN,
  TUN_F_TSO4,
  TUN_F_TSO6,
  TUNSETIFF,
  TUNSETOFFLOAD,
  TUNSETVNETHDRSZ,
} from './libc.js';
import { VIRTIO_NET_HDR_LEN } from './virtio-net-header.js';

export interface TapDeviceOptions {
  /** Exchange virtio-net headers (IFF_VNET_HDR) and accept checksum/TSO offloads. Default true. */
  readonly vnetHeader?: boolean;
}

export class TapDevice {
  readonly fd: number;
  /** The name the kernel gave the device (the requested one, or tapN for ''). */
  readonly ifname: string;
  readonly vnetHeader: boolean;
  private closed = false;

  constructor(name: string, options: TapDeviceOptions = {}) {
    const c = libc();
    this.vnetHeader = options.vnetHeader ?? true;
    const object = `tap ${name || '(new)'}`;
    this.fd = check(
      object,
      'open /dev/net/tun',
      c.open('/dev/net/tun', O_RDWR | O_NONBLOCK | O_CLOEXEC),
    );
    try {
      const req = ifreq(name);
      req.writeUInt16LE(IFF_TAP | IFF_NO_PI | (this.vnetHeader ? IFF_VNET_HDR : 0), IFNAMSIZ);
      check(object, 'TUNSETIFF', c.ioctl(this.fd, TUNSETIFF, req));
      this.ifname = req.toString('latin1', 0, IFNAMSIZ).replace(/\0.*$/s, '');
      if (this.vnetHeader) {
        check(
          object,
          'TUNSETVNETHDRSZ',
          c.ioctl(this.fd, TUNSETVNETHDRSZ, intArg(VIRTIO_NET_HDR_LEN)),
        );
        check(
          object,
          'TUNSETOFFLOAD',
          c.ioctlInt(this.fd, TUNSETOFFLOAD, TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6 | TUN_F_TSO_ECN),
        );
      }
    } catch (err) {
      c.close(this.fd);
      throw err;
    }
  }

  get headerLength(): number {
    return this.vnetHeader ? VIRTIO_NET_HDR_LEN : 0;
  }

  /** Read one frame (with header) into `buf`; returns its length, or 0 when nothing is waiting. */
  read(buf: Buffer): number {
    const c = libc();
    for (;;) {
      const n = Number(c.read(this.fd, buf, buf.length));
      if (n >= 0) return n;
      const errno = c.errno();
      if (errno === EINTR) continue;
      if (errno === EAGAIN) return 0;
      throw sysError(`tap ${this.ifname}`, 'read', errno);
    }
  }

  /** Write one frame (with header). Returns false when the kernel refused it (queue full, interface down). */
  write(buf: Buffer, length: number): boolean {
    const c = libc();
    for (;;) {
      const n = Number(c.write(this.fd, buf, length));
      if (n >= 0) return true;
      if (c.errno() !== EINTR) return false;
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    libc().close(this.fd);
  }
}
