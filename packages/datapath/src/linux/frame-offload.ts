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

/** Record the offload state of a frame about to be delivered. Plain frames need no entry. */
export function setFrameOffload(frame: Uint8Array, header: VirtioNetHeader): void {
  offloads.set(frame, header);
}

/** The offload state recorded for this frame object, if any. */
export function frameOffload(frame: Uint8Array): VirtioNetHeader | undefined {
  return offloads.get(frame);
}
