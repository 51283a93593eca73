/**
 * The virtio-net header (struct virtio_net_hdr, 10 bytes, little-endian on every host we run on) that
 * the kernel puts before each frame on AF_PACKET sockets with PACKET_VNET_HDR and on TAP devices with
 * IFF_VNET_HDR. It carries the two offloads that make TCP fast through a software switch:
 * - checksum offload: the L4 checksum is not computed yet; `csumStart`/`csumOffset` say where it goes;
 * - segmentation offload (TSO/GSO): one frame of up to 64 KiB stands for many wire-sized segments of
 *   `gsoSize` payload bytes each; the kernel cuts it when (and only if) a real wire needs it.
 * Passing the header from the receiving port to the sending port unchanged keeps both offloads intact.
 */

export const VIRTIO_NET_HDR_LEN = 10;

export const VIRTIO_NET_HDR_F_NEEDS_CSUM = 1;
export const VIRTIO_NET_HDR_F_DATA_VALID = 2;

export const VIRTIO_NET_HDR_GSO_NONE = 0;
export const VIRTIO_NET_HDR_GSO_TCPV4 = 1;
export const VIRTIO_NET_HDR_GSO_UDP = 3;
export const VIRTIO_NET_HDR_GSO_TCPV6 = 4;
export const VIRTIO_NET_HDR_GSO_UDP_L4 = 5;
export const VIRTIO_NET_HDR_GSO_ECN = 0x80;

/** The offload state of one frame. */
export interface VirtioNetHeader {
  readonly flags: number;
  readonly gsoType: number;
  readonly hdrLen: number;
  readonly gsoSize: number;
  readonly csumStart: number;
  readonly csumOffset: number;
}

/** A frame that needs neither checksum completion nor segmentation. */
export const NO_OFFLOAD: VirtioNetHeader = Object.freeze({
  flags: 0,
  gsoType: VIRTIO_NET_HDR_GSO_NONE,
  hdrLen: 0,
  gsoSize: 0,
  csumStart: 0,
  csumOffset: 0,
});

/** True when the header asks for nothing: such frames need no side information. */
export function isPlain(h: VirtioNetHeader): boolean {
  return h.flags === 0 && h.gsoType === VIRTIO_NET_HDR_GSO_NONE;
}

export function decodeVirtioNetHeader(bytes: Uint8Array, offset = 0): VirtioNetHeader {
  if (bytes.length - offset < VIRTIO_NET_HDR_LEN) {
    throw new Error(
      `virtio-net header: need ${VIRTIO_NET_HDR_LEN} bytes, have ${bytes.length - offset}`,
    );
  }
  // Byte by byte, little-endian: this runs for every offloaded frame received, and a DataView per
  // frame would be garbage.
  const b = bytes;
  const o = offset;
  return {
    flags: b[o]!,
    gsoType: b[o + 1]!,
    hdrLen: b[o + 2]! | (b[o + 3]! << 8),
    gsoSize: b[o + 4]! | (b[o + 5]! << 8),
    csumStart: b[o + 6]! | (b[o + 7]! << 8),
    csumOffset: b[o + 8]! | (b[o + 9]! << 8),
  };
}

export function encodeVirtioNetHeader(h: VirtioNetHeader, out: Uint8Array, offset = 0): void {
  if (out.length - offset < VIRTIO_NET_HDR_LEN) {
    throw new Error(
      `virtio-net header: need ${VIRTIO_NET_HDR_LEN} bytes of room, have ${out.length - offset}`,
    );
  }
  // Byte by byte: this runs for every frame sent, and a DataView per frame would be garbage.
  out[offset] = h.flags;
  out[offset + 1] = h.gsoType;
  out[offset + 2] = h.hdrLen & 0xff;
  out[offset + 3] = h.hdrLen >> 8;
  out[offset + 4] = h.gsoSize & 0xff;
  out[offset + 5] = h.gsoSize >> 8;
  out[offset + 6] = h.csumStart & 0xff;
  out[offset + 7] = h.csumStart >> 8;
  out[offset + 8] = h.csumOffset & 0xff;
  out[offset + 9] = h.csumOffset >> 8;
}
