/**
 * For a tunnel whose peer cannot take offload state: replace every TSO frame of a batch by its
 * software-cut segments (tcp-segmentation.ts), keeping each segment's tunnel metadata. Frames that
 * are not TSO pass unchanged; TSO frames that cannot be cut are left out and counted.
 */
import { frameOffload } from '../linux/frame-offload.js';
import { VIRTIO_NET_HDR_GSO_NONE } from '../linux/virtio-net-header.js';
import type { TunnelMetadata } from '../port.js';
import { segmentTcp } from './tcp-segmentation.js';

export interface SegmentedBatch {
  readonly frames: readonly Uint8Array[];
  readonly meta: readonly (TunnelMetadata | undefined)[] | undefined;
  readonly dropped: number;
}

export function segmentBatch(
  frames: readonly Uint8Array[],
  meta: readonly (TunnelMetadata | undefined)[] | undefined,
): SegmentedBatch {
  let any = false;
  for (const f of frames) {
    const o = frameOffload(f);
    if (o && o.gsoType !== VIRTIO_NET_HDR_GSO_NONE) {
      any = true;
      break;
    }
  }
  if (!any) return { frames, meta, dropped: 0 };
  const outFrames: Uint8Array[] = [];
  const outMeta: (TunnelMetadata | undefined)[] = [];
  let dropped = 0;
  for (let i = 0; i < frames.length; i++) {
    const f = frames[i]!;
    const o = frameOffload(f);
    if (!o || o.gsoType === VIRTIO_NET_HDR_GSO_NONE) {
      outFrames.push(f);
      outMeta.push(meta?.[i]);
      continue;
    }
    const segs = segmentTcp(f, o);
    if (!segs) {
      dropped++;
      continue;
    }
    for (const s of segs) {
      outFrames.push(s);
      outMeta.push(meta?.[i]);
    }
  }
  return { frames: outFrames, meta: outMeta, dropped };
}
