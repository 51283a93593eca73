/**
 * Software TCP segmentation (what a NIC does for TSO): cut one TSO frame into wire-sized segments of
 * `gsoSize` payload bytes, each a complete frame with its own IP length (and IPv4 id), TCP sequence
 * number and finished checksums. Needed where a TSO frame must leave through something that cannot
 * carry the pending state: VXLAN, or Geneve towards a peer that is not ovn-ts. Pure: bytes in, bytes out.
 */
import {
  VIRTIO_NET_HDR_GSO_ECN,
  VIRTIO_NET_HDR_GSO_TCPV4,
  VIRTIO_NET_HDR_GSO_TCPV6,
  type VirtioNetHeader,
} from '../linux/virtio-net-header.js';

const TCP_FIN = 0x01;
const TCP_PSH = 0x08;
const TCP_CWR = 0x80;

function sum(b: Uint8Array, from: number, to: number, acc = 0): number {
  let s = acc;
  let i = from;
  for (; i + 1 < to; i += 2) s += (b[i]! << 8) | b[i + 1]!;
  if (i < to) s += b[i]! << 8;
  return s;
}

function fold(s: number): number {
  let x = s;
  while (x > 0xffff) x = (x & 0xffff) + Math.floor(x / 0x10000);
  return x;
}

/** Offset of the IP header: after the Ethernet header and any 802.1Q/802.1ad tags. */
function l3Offset(f: Uint8Array): { l3: number; type: number } {
  let at = 12;
  let type = (f[at]! << 8) | f[at + 1]!;
  while ((type === 0x8100 || type === 0x88a8) && at + 6 <= f.length) {
    at += 4;
    type = (f[at]! << 8) | f[at + 1]!;
  }
  return { l3: at + 2, type };
}

/**
 * The segments of a TSO frame, or undefined when it is not a TCP TSO frame we can cut (the caller
 * drops it). A frame whose payload already fits one segment comes back as one finished frame.
 */
export function segmentTcp(frame: Uint8Array, offload: VirtioNetHeader): Uint8Array[] | undefined {
  const kind = offload.gsoType & ~VIRTIO_NET_HDR_GSO_ECN;
  if (kind !== VIRTIO_NET_HDR_GSO_TCPV4 && kind !== VIRTIO_NET_HDR_GSO_TCPV6) return undefined;
  const mss = offload.gsoSize;
  const { l3, type } = l3Offset(frame);
  const v4 = type === 0x0800;
  if (!v4 && type !== 0x86dd) return undefined;
  const l4 = offload.csumStart;
  if (mss === 0 || l4 <= l3 || l4 + 20 > frame.length) return undefined;
  const tcpHl = (frame[l4 + 12]! >> 4) * 4;
  const hdrEnd = l4 + tcpHl;
  if (tcpHl < 20 || hdrEnd > frame.length) return undefined;
  const payload = frame.length - hdrEnd;
  const count = Math.max(1, Math.ceil(payload / mss));
  const seq0 =
    ((frame[l4 + 4]! << 24) | (frame[l4 + 5]! << 16) | (frame[l4 + 6]! << 8) | frame[l4 + 7]!) >>>
    0;
  const id0 = v4 ? (frame[l3 + 4]! << 8) | frame[l3 + 5]! : 0;
  const flags0 = frame[l4 + 13]!;
  const out: Uint8Array[] = [];
  for (let i = 0; i < count; i++) {
    const len = Math.min(mss, payload - i * mss);
    const seg = new Uint8Array(hdrEnd + Math.max(len, 0));
    seg.set(frame.subarray(0, hdrEnd), 0);
    seg.set(frame.subarray(hdrEnd + i * mss, hdrEnd + i * mss + Math.max(len, 0)), hdrEnd);
    const l4Len = seg.length - l4;
    let pseudo: number;
    if (v4) {
      const total = seg.length - l3;
      seg[l3 + 2] = total >> 8;
      seg[l3 + 3] = total & 0xff;
      const id = (id0 + i) & 0xffff;
      seg[l3 + 4] = id >> 8;
      seg[l3 + 5] = id & 0xff;
      const ihl = (seg[l3]! & 0x0f) * 4;
      seg[l3 + 10] = 0;
      seg[l3 + 11] = 0;
      const hc = ~fold(sum(seg, l3, l3 + ihl)) & 0xffff;
      seg[l3 + 10] = hc >> 8;
      seg[l3 + 11] = hc & 0xff;
      pseudo = sum(seg, l3 + 12, l3 + 20) + 6 + l4Len;
    } else {
      const plen = seg.length - l3 - 40;
      seg[l3 + 4] = plen >> 8;
      seg[l3 + 5] = plen & 0xff;
      pseudo = sum(seg, l3 + 8, l3 + 40) + 6 + l4Len;
    }
    const seq = (seq0 + i * mss) >>> 0;
    seg[l4 + 4] = seq >>> 24;
    seg[l4 + 5] = (seq >>> 16) & 0xff;
    seg[l4 + 6] = (seq >>> 8) & 0xff;
    seg[l4 + 7] = seq & 0xff;
    let flags = flags0;
    if (i < count - 1) flags &= ~(TCP_FIN | TCP_PSH);
    if (i > 0) flags &= ~TCP_CWR;
    seg[l4 + 13] = flags;
    seg[l4 + 16] = 0;
    seg[l4 + 17] = 0;
    const tc = ~fold(sum(seg, l4, seg.length, pseudo)) & 0xffff;
    seg[l4 + 16] = tc >> 8;
    seg[l4 + 17] = tc & 0xff;
    out.push(seg);
  }
  return out;
}
