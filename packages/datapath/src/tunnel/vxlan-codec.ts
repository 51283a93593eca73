/**
 * VXLAN (RFC 7348) header encoding and decoding: pure functions over bytes, no sockets.
 *
 * |R|R|R|R|I|R|R|R|            Reserved                           |
 * |                VXLAN Network Identifier (VNI) |   Reserved    |
 *
 * The I flag must be set for the VNI to be valid. VXLAN has no options, so only the VNI travels.
 */

export const VXLAN_UDP_PORT = 4789;
export const VXLAN_HEADER_LEN = 8;
const VXLAN_FLAG_I = 0x08;

export class VxlanError extends Error {}

export function writeVxlanHeader(out: Uint8Array, offset: number, vni: number): number {
  if (!Number.isInteger(vni) || vni < 0 || vni > 0xffffff)
    throw new VxlanError(`vxlan: VNI ${vni} does not fit in 24 bits`);
  if (out.length - offset < VXLAN_HEADER_LEN)
    throw new VxlanError('vxlan: output buffer too small for the header');
  out[offset] = VXLAN_FLAG_I;
  out[offset + 1] = 0;
  out[offset + 2] = 0;
  out[offset + 3] = 0;
  out[offset + 4] = vni >> 16;
  out[offset + 5] = (vni >> 8) & 0xff;
  out[offset + 6] = vni & 0xff;
  out[offset + 7] = 0;
  return VXLAN_HEADER_LEN;
}

export function encodeVxlan(vni: number, frame: Uint8Array): Uint8Array {
  const out = new Uint8Array(VXLAN_HEADER_LEN + frame.length);
  writeVxlanHeader(out, 0, vni);
  out.set(frame, VXLAN_HEADER_LEN);
  return out;
}

export function decodeVxlan(datagram: Uint8Array): {
  readonly vni: number;
  readonly payload: Uint8Array;
} {
  if (datagram.length < VXLAN_HEADER_LEN)
    throw new VxlanError(`vxlan: datagram of ${datagram.length} bytes is shorter than the header`);
  if ((datagram[0]! & VXLAN_FLAG_I) === 0)
    throw new VxlanError('vxlan: I flag clear, VNI not valid');
  return {
    vni: (datagram[4]! << 16) | (datagram[5]! << 8) | datagram[6]!,
    payload: datagram.subarray(VXLAN_HEADER_LEN),
  };
}
