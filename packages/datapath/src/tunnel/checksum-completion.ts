/**
 * Finish a checksum the sender left to "hardware" (virtio-net NEEDS_CSUM): the field at
 * csumStart + csumOffset already holds the folded pseudo-header sum, so the ones'-complement sum of
 * everything from csumStart to the end of the frame, complemented, is the final checksum. Needed when a
 * frame leaves through a medium that cannot carry the pending state (VXLAN, or a peer without our
 * Geneve offload option).
 */
export function completeChecksum(frame: Uint8Array, csumStart: number, csumOffset: number): void {
  const field = csumStart + csumOffset;
  if (csumStart >= frame.length || field + 2 > frame.length) {
    throw new Error(
      `checksum completion: start ${csumStart} + offset ${csumOffset} lies outside a ${frame.length}-byte frame`,
    );
  }
  let sum = 0;
  let i = csumStart;
  const end = frame.length - 1;
  for (; i < end; i += 2) sum += (frame[i]! << 8) | frame[i + 1]!;
  if (i === end) sum += frame[i]! << 8;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  let result = ~sum & 0xffff;
  // UDP transmits a computed zero as all ones (zero means "no checksum"); harmless for TCP.
  if (result === 0) result = 0xffff;
  frame[field] = result >> 8;
  frame[field + 1] = result & 0xff;
}
