/**
 * The few libc calls the Linux ports need, bound with koffi, and the x86-64/aarch64 Linux constants
 * that go with them. Loaded lazily so that importing the datapath package on a machine without
 * koffi's native module (or off Linux) costs nothing until a kernel-backed port is opened.
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

// Address families, socket types and flags (asm-generic values, shared by x86-64 and aarch64).
export const AF_INET = 2;
export const AF_PACKET = 17;
export const SOCK_DGRAM = 2;
export const SOCK_RAW = 3;
export const SOCK_NONBLOCK = 0o4000;
export const SOCK_CLOEXEC = 0o2000000;
export const O_RDWR = 2;
export const O_NONBLOCK = 0o4000;
export const O_CLOEXEC = 0o2000000;
export const EFD_NONBLOCK = 0o4000;
export const EFD_CLOEXEC = 0o2000000;
export const ETH_P_ALL = 0x0003;
export const MSG_DONTWAIT = 0x40;
export const POLLIN = 0x1;

export const SOL_SOCKET = 1;
export const SO_SNDBUF = 7;
export const SO_RCVBUF = 8;
export const SO_SNDBUFFORCE = 32;
export const SO_RCVBUFFORCE = 33;

export const SOL_UDP = 17;
/** UDP generic segmentation (cmsg u16: segment size) and receive coalescing (sockopt; cmsg int). */
export const UDP_SEGMENT = 103;
export const UDP_GRO = 104;

export const SOL_PACKET = 263;
export const PACKET_ADD_MEMBERSHIP = 1;
export const PACKET_MR_PROMISC = 1;
export const PACKET_AUXDATA = 8;
export const PACKET_VNET_HDR = 15;
export const PACKET_QDISC_BYPASS = 20;
export const PACKET_IGNORE_OUTGOING = 23;

export const SIOCGIFFLAGS = 0x8913;
export const SIOCSIFFLAGS = 0x8914;
export const SIOCGIFMTU = 0x8921;
export const SIOCGIFINDEX = 0x8933;
export const IFF_UP = 0x1;

// TUN/TAP (linux/if_tun.h): _IOW('T', nr, int).
export const TUNSETIFF = 0x400454ca;
export const TUNSETOFFLOAD = 0x400454d0;
export const TUNSETVNETHDRSZ = 0x400454d8;
export const IFF_TAP = 0x0002;
export const IFF_NO_PI = 0x1000;
export const IFF_VNET_HDR = 0x4000;
export const TUN_F_CSUM = 0x01;
export const TUN_F_TSO4 = 0x02;
export const TUN_F_TSO6 = 0x04;
export const TUN_F_TSO_ECN = 0x08;

export const EINTR = 4;
export const EAGAIN = 11;
export const ENETDOWN = 100;
export const ENOBUFS = 105;
export const EIO = 5;
export const EINVAL = 22;

/** struct ifreq is 40 bytes on 64-bit Linux: a 16-byte name, then a union. */
export const IFREQ_SIZE = 40;
export const IFNAMSIZ = 16;

// biome-ignore lint/suspicious/noExplicitAny: koffi's function objects are untyped.
type Fn = ((...args: any[]) => any) & { async: (...args: any[]) => void };

export interface Libc {
  readonly koffi: KoffiModule;
  readonly socket: (domain: number, type: number, protocol: number) => number;
  readonly bind: (fd: number, addr: Uint8Array, len: number) => number;
  readonly getsockname: (fd: number, addr: Uint8Array, len: Uint8Array) => number;
  readonly setsockopt: (
    fd: number,
    level: number,
    name: number,
    value: Uint8Array,
    len: number,
  ) => number;
  readonly ioctl: (fd: number, request: number, arg: Uint8Array) => number;
  readonly ioctlInt: (fd: number, request: number, arg: number) => number;
  readonly open: (path: string, flags: number) => number;
  readonly close: (fd: number) => number;
  readonly read: (fd: number, buf: unknown, len: number) => number;
  readonly write: (fd: number, buf: unknown, len: number) => number;
  /** `vec` is the address of the first mmsghdr (see MessageBatch). */
  readonly recvmmsg: (
    fd: number,
    vec: bigint,
    vlen: number,
    flags: number,
    timeout: null,
  ) => number;
  readonly sendmmsg: (fd: number, vec: bigint, vlen: number, flags: number) => number;
  readonly poll: Fn;
  readonly eventfd: (initval: number, flags: number) => number;
  readonly malloc: (size: number) => unknown;
  readonly free: (ptr: unknown) => void;
  readonly strerror: (errnum: number) => string;
  /** errno of the last call made through koffi on this thread. */
  readonly errno: () => number;
}

/** The parts of koffi we use (its own typings are loose). */
export interface KoffiModule {
  load(path: string): { func(signature: string): Fn };
  address(ptr: unknown): bigint;
  view(ptr: unknown, len: number): ArrayBuffer;
  errno(): number;
}

let cached: Libc | undefined;

/** Bind libc once per process (or worker). */
export function libc(): Libc {
  if (cached) return cached;
  if (process.platform !== 'linux')
    throw new Error(`libc: kernel-backed ports need Linux, not ${process.platform}`);
  const koffi = require('koffi') as KoffiModule;
  const lib = koffi.load('libc.so.6');
  const f = (sig: string): Fn => lib.func(sig);
  const strerror = f('const char *strerror(int)');
  cached = {
    koffi,
    socket: f('int socket(int, int, int)'),
    bind: f('int bind(int, void *, uint32_t)'),
    getsockname: f('int getsockname(int, void *, void *)'),
    setsockopt: f('int setsockopt(int, int, int, void *, uint32_t)'),
    ioctl: f('int ioctl(int, unsigned long, void *)'),
    ioctlInt: f('int ioctl(int, unsigned long, unsigned long)'),
    open: f('int open(const char *, int)'),
    close: f('int close(int)'),
    read: f('intptr_t read(int, void *, size_t)'),
    write: f('intptr_t write(int, void *, size_t)'),
    recvmmsg: f('int recvmmsg(int, uintptr_t, unsigned int, int, void *)'),
    sendmmsg: f('int sendmmsg(int, uintptr_t, unsigned int, int)'),
    poll: f('int poll(void *, unsigned long, int)'),
    eventfd: f('int eventfd(unsigned int, int)'),
    malloc: f('void *malloc(size_t)'),
    free: f('void free(void *)'),
    strerror: (e: number) => strerror(e) as string,
    errno: () => koffi.errno(),
  };
  return cached;
}

/** An Error naming the object, the call and the kernel's reason. */
export function sysError(object: string, call: string, errno: number): Error & { errno: number } {
  const reason = cached ? cached.strerror(errno) : `errno ${errno}`;
  const err = new Error(`${object}: ${call}: ${reason}`) as Error & { errno: number };
  err.errno = errno;
  return err;
}

/** Throw unless a libc call succeeded (returned >= 0). */
export function check(object: string, call: string, rc: number): number {
  if (rc < 0) throw sysError(object, call, libc().errno());
  return rc;
}

/** A 4-byte native int, for setsockopt. */
export function intArg(value: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeInt32LE(value, 0);
  return b;
}

/** struct ifreq with the interface name filled in. */
export function ifreq(name: string): Buffer {
  if (Buffer.byteLength(name) >= IFNAMSIZ)
    throw new Error(`interface ${name}: name longer than ${IFNAMSIZ - 1} bytes`);
  const b = Buffer.alloc(IFREQ_SIZE);
  b.write(name, 0, 'latin1');
  return b;
}

/** The kernel's index for an interface name (SIOCGIFINDEX on a throwaway socket). */
export function interfaceIndex(name: string): number {
  const c = libc();
  const fd = check(`interface ${name}`, 'socket', c.socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  try {
    const req = ifreq(name);
    check(`interface ${name}`, 'SIOCGIFINDEX', c.ioctl(fd, SIOCGIFINDEX, req));
    return req.readInt32LE(IFNAMSIZ);
  } finally {
    c.close(fd);
  }
}

/** The interface's MTU (SIOCGIFMTU). */
export function interfaceMtu(name: string): number {
  const c = libc();
  const fd = check(`interface ${name}`, 'socket', c.socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  try {
    const req = ifreq(name);
    check(`interface ${name}`, 'SIOCGIFMTU', c.ioctl(fd, SIOCGIFMTU, req));
    return req.readInt32LE(IFNAMSIZ);
  } finally {
    c.close(fd);
  }
}

/** Bring an interface up (SIOCSIFFLAGS |= IFF_UP), as `ip link set NAME up` would. */
export function setInterfaceUp(name: string): void {
  const c = libc();
  const fd = check(`interface ${name}`, 'socket', c.socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  try {
    const req = ifreq(name);
    check(`interface ${name}`, 'SIOCGIFFLAGS', c.ioctl(fd, SIOCGIFFLAGS, req));
    req.writeInt16LE(req.readInt16LE(IFNAMSIZ) | IFF_UP, IFNAMSIZ);
    check(`interface ${name}`, 'SIOCSIFFLAGS', c.ioctl(fd, SIOCSIFFLAGS, req));
  } finally {
    c.close(fd);
  }
}
