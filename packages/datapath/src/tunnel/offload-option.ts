/**
 * A Geneve option of our own that carries a frame's virtio-net header between two ovn-ts datapaths, so
 * a TSO frame (up to 64 KiB, checksum pending) crosses a Geneve tunnel as one datagram and leaves the
 * far datapath as the same TSO frame. It sits in the experimental option-class range (0xFF00-0xFFFF,
 * RFC 8926 §7) and is critical (type bit 0x80): a receiver that does not understand it must drop the
 * packet, which is right, since it could not deliver the frame correctly either.
 *
 * Data (12 bytes, network order): flags, gso type, header length, gso size, checksum start, checksum
 * offset, two zero bytes.
 */
import type { VirtioNetHeader } from '../linux/virtio-net-header.js';
import type { GeneveOption } from './geneve-codec.js';

export const OFFLOAD_GENEVE_CLASS = 0xff7e;
export const OFFLOAD_GENEVE_TYPE = 0x81;
/** Bytes of option data. */
export const OFFLOAD_OPTION_LEN = 12;
const OFFLOAD_LEN = OFFLOAD_OPTION_LEN;

export function offloadGeneveOption(h: VirtioNetHeader): GeneveOption {
  const data = new Uint8Array(OFFLOAD_LEN);
  const v = new DataView(data.buffer);
  v.setUint8(0, h.flags);
  v.setUint8(1, h.gsoType);
  v.setUint16(2, h.hdrLen);
  v.setUint16(4, h.gsoSize);
  v.setUint16(6, h.csumStart);
  v.setUint16(8, h.csumOffset);
  return { optClass: OFFLOAD_GENEVE_CLASS, type: OFFLOAD_GENEVE_TYPE, data };
}

export function findOffloadGeneveOption(
  options: readonly GeneveOption[],
): VirtioNetHeader | undefined {
  for (const o of options) {
    if (
      o.optClass !== OFFLOAD_GENEVE_CLASS ||
      o.type !== OFFLOAD_GENEVE_TYPE ||
      o.data.length !== OFFLOAD_LEN
    )
      continue;
    const v = new DataView(o.data.buffer, o.data.byteOffset, OFFLOAD_LEN);
    return {
      flags: v.getUint8(0),
      gsoType: v.getUint8(1),
      hdrLen: v.getUint16(2),
      gsoSize: v.getUint16(4),
      csumStart: v.getUint16(6),
      csumOffset: v.getUint16(8),
    };
  }
  return undefined;
}
