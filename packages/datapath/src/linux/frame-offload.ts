/**
 * Offload state riding beside a frame through the engine.
 *
 * The PortIo contract moves bare Ethernet frames; the virtio-net header that a receiving port read
 * (checksum not yet computed, or a 64 KiB TSO frame) must reach the sending port, or the receiver of
 * the frame sees a bad checksum or an oversized packet. The receiving port records the header against
 * the frame object it delivers; a sending port looks it up for the frame object it is given. The engine
 * forwards the same object when it outputs a frame it did not copy (L2 forwarding, in-place header
 * rewrites keep the header offsets valid). A frame the engine rebuilt has no entry and is sent as a plain
 * frame: correct for every frame whose checksums are complete, which is all of them once offloads are off.
 */
import type { VirtioNetHeader } from './virtio-net-header.js';

const offloads = new WeakMap<Uint8Array, VirtioNetHeader>();

/**
 * A port that delivers frames as views of its own receive memory (AF_PACKET) keeps their offload state
 * per receive slot and answers for views of that memory. Why not the WeakMap: one WeakMap entry per
 * frame costs an ephemeron write barrier and GC work, measured at a tenth of the datapath process's
 * time under 64-byte UDP load; a slot table costs a Map lookup by ArrayBuffer and two compares.
 */
export interface OffloadSource {
  /** The offload state recorded for exactly this view (same start and length), if any. */
  offloadOf(frame: Uint8Array): VirtioNetHeader | undefined;
}

const sources = new Map<ArrayBufferLike, OffloadSource>();

/** Answer offload questions about views of `buffer` (until unregistered). */
export function registerOffloadSource(buffer: ArrayBufferLike, source: OffloadSource): void {
  sources.set(buffer, source);
}

export function unregisterOffloadSource(buffer: ArrayBufferLike): void {
  sources.delete(buffer);
}

/** Record the offload state of a frame about to be delivered. Plain frames need no entry. */
export function setFrameOffload(frame: Uint8Array, header: VirtioNetHeader): void {
  offloads.set(frame, header);
}

/** The offload state recorded for this frame object (or, for a port's receive view, its slot), if any. */
export function frameOffload(frame: Uint8Array): VirtioNetHeader | undefined {
  // Only when some port registered memory: reading `.buffer` of a small on-heap array allocates.
  if (sources.size !== 0) {
    const o = sources.get(frame.buffer)?.offloadOf(frame);
    if (o !== undefined) return o;
  }
  return offloads.get(frame);
}

/**
 * True when the frame's L4 checksum at `csumField` is pending (virtio-net NEEDS_CSUM): the field then
 * holds the folded pseudo-header sum, not a checksum, and whoever finishes it sums the L4 bytes itself.
 * Rewrites must then update the field for pseudo-header changes (addresses) with the opposite sign of
 * RFC 1624's rule, and leave it alone for changes inside the L4 header (ports).
 */
export function checksumPending(frame: Uint8Array, csumField: number): boolean {
  const o = frameOffload(frame);
  return o !== undefined && (o.flags & 1) !== 0 && o.csumStart + o.csumOffset === csumField;
}

/** Pending-checksum counterpart of RFC 1624: field' = field - old + new (ones' complement sums). */
export function adjustPendingChecksum(
  b: Uint8Array,
  at: number,
  oldSum: number,
  newSum: number,
): void {
  let s = ((b[at]! << 8) | b[at + 1]!) + (~oldSum & 0xffff) + newSum;
  while (s > 0xffff) s = (s & 0xffff) + (s >>> 16);
  b[at] = s >>> 8;
  b[at + 1] = s & 0xff;
}

/**
 * Give `to` the offload state of `from`, its header offsets moved by `shift` bytes (a VLAN tag pushed:
 * +4, popped: -4; a plain copy: 0). For the engine when it replaces a frame object.
 */
export function carryFrameOffload(from: Uint8Array, to: Uint8Array, shift = 0): Uint8Array {
  if (from === to) return to; // nothing was replaced (e.g. popping a tag that was not there)
  const o = frameOffload(from);
  if (o !== undefined) {
    offloads.set(
      to,
      shift === 0
        ? o
        : { ...o, csumStart: o.csumStart + shift, hdrLen: o.hdrLen === 0 ? 0 : o.hdrLen + shift },
    );
  }
  return to;
}
