import * as K from '../key-layout.js';

/** Indexes into the per-packet offsets array filled by `parseFrame`. -1 means "not present". */
export const O_L3 = 0;
export const O_L4 = 1;
/** Offset of the 6 MAC bytes of an ND source/target link-layer address option. */
export const O_ND_SLL = 2;
export const O_ND_TLL = 3;
/** Offset of the VLAN TCI (the 2 bytes after TPID 0x8100). */
export const O_VLAN = 4;
/** End of the IP packet (header + payload), which may be shorter than the frame (Ethernet padding). */
export const O_IP_END = 5;
export const OFFSETS_LEN = 6;

const rd16 = (b: Uint8Array, o: number): number => (b[o]! << 8) | b[o + 1]!;
const rd32 = (b: Uint8Array, o: number): number =>
  ((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0;

/**
 * Parses an Ethernet frame into the header words of `key` (which the caller has zeroed there) and
 * fills `off`. Truncated headers leave the deeper fields zero: a short packet still classifies on what
 * it has. One 802.1Q/802.1ad tag is parsed; an inner tag shows as eth_type 0x8100.
 */
export function parseFrame(b: Uint8Array, key: Uint32Array, off: Int32Array): void {
  const len = b.length;
  off[O_L3] = -1;
  off[O_L4] = -1;
  off[O_ND_SLL] = -1;
  off[O_ND_TLL] = -1;
  off[O_VLAN] = -1;
  off[O_IP_END] = len;
  if (len < 14) return;
  key[K.K_ETH_DST] = rd16(b, 0);
  key[K.K_ETH_DST + 1] = rd32(b, 2);
  key[K.K_ETH_SRC] = rd16(b, 6);
  key[K.K_ETH_SRC + 1] = rd32(b, 8);
  let type = rd16(b, 12);
  let p = 14;
  if ((type === K.ETH_TYPE_VLAN || type === K.ETH_TYPE_QINQ) && len >= 18) {
    off[O_VLAN] = 14;
    key[K.K_VLAN_TCI] = ((rd16(b, 14) & 0xefff) | K.VLAN_PRESENT) >>> 0;
    type = rd16(b, 16);
    p = 18;
  }
  key[K.K_ETH_TYPE] = type;
  off[O_L3] = p;
  if (type === K.ETH_TYPE_IP) parseIp4(b, p, key, off);
  else if (type === K.ETH_TYPE_IPV6) parseIp6(b, p, key, off);
  else if (type === K.ETH_TYPE_ARP) parseArp(b, p, key);
}

function parseArp(b: Uint8Array, p: number, key: Uint32Array): void {
  if (b.length < p + 28) return;
  // Only Ethernet/IPv4 ARP has the fields OVS exposes.
  if (rd16(b, p) !== 1 || rd16(b, p + 2) !== K.ETH_TYPE_IP || b[p + 4] !== 6 || b[p + 5] !== 4)
    return;
  key[K.K_ARP_OP] = rd16(b, p + 6);
  key[K.K_ARP_SHA] = rd16(b, p + 8);
  key[K.K_ARP_SHA + 1] = rd32(b, p + 10);
  key[K.K_ARP_SPA] = rd32(b, p + 14);
  key[K.K_ARP_THA] = rd16(b, p + 18);
  key[K.K_ARP_THA + 1] = rd32(b, p + 20);
  key[K.K_ARP_TPA] = rd32(b, p + 24);
}

function parseIp4(b: Uint8Array, p: number, key: Uint32Array, off: Int32Array): void {
  if (b.length < p + 20) return;
  const vihl = b[p]!;
  if (vihl >>> 4 !== 4) return;
  const ihl = (vihl & 15) * 4;
  if (ihl < 20 || b.length < p + ihl) return;
  const total = rd16(b, p + 2);
  off[O_IP_END] = Math.min(b.length, p + Math.max(total, ihl));
  key[K.K_NW_TOS] = b[p + 1]!;
  key[K.K_NW_TTL] = b[p + 8]!;
  const proto = b[p + 9]!;
  key[K.K_NW_PROTO] = proto;
  key[K.K_IP4_SRC] = rd32(b, p + 12);
  key[K.K_IP4_DST] = rd32(b, p + 16);
  const fragField = rd16(b, p + 6);
  const fragOff = fragField & 0x1fff;
  const more = (fragField & 0x2000) !== 0;
  if (fragOff !== 0 || more) {
    key[K.K_NW_FRAG] = fragOff !== 0 ? K.FRAG_ANY | K.FRAG_LATER : K.FRAG_ANY;
    if (fragOff !== 0) return; // later fragments carry no transport header
  }
  const l4 = p + ihl;
  off[O_L4] = l4;
  parseL4(b, l4, proto, key, off, false);
}

function parseIp6(b: Uint8Array, p: number, key: Uint32Array, off: Int32Array): void {
  if (b.length < p + 40) return;
  const w0 = rd32(b, p);
  if (w0 >>> 28 !== 6) return;
  off[O_IP_END] = Math.min(b.length, p + 40 + rd16(b, p + 4));
  key[K.K_NW_TOS] = (w0 >>> 20) & 0xff;
  key[K.K_NW_TTL] = b[p + 7]!;
  for (let i = 0; i < 4; i++) {
    key[K.K_IP6_SRC + i] = rd32(b, p + 8 + 4 * i);
    key[K.K_IP6_DST + i] = rd32(b, p + 24 + 4 * i);
  }
  let nh = b[p + 6]!;
  let q = p + 40;
  // Walk extension headers: hop-by-hop (0), routing (43), fragment (44), destination options (60).
  for (let guard = 0; guard < 8; guard++) {
    if (nh === 0 || nh === 43 || nh === 60) {
      if (b.length < q + 8) return;
      nh = b[q]!;
      q += (b[q + 1]! + 1) * 8;
    } else if (nh === 44) {
      if (b.length < q + 8) return;
      const fo = rd16(b, q + 2);
      const fragOff = fo >>> 3;
      const more = (fo & 1) !== 0;
      nh = b[q]!;
      q += 8;
      if (fragOff !== 0 || more) {
        key[K.K_NW_FRAG] = fragOff !== 0 ? K.FRAG_ANY | K.FRAG_LATER : K.FRAG_ANY;
        if (fragOff !== 0) {
          key[K.K_NW_PROTO] = nh;
          return;
        }
      }
    } else {
      break;
    }
  }
  key[K.K_NW_PROTO] = nh;
  off[O_L4] = q;
  parseL4(b, q, nh, key, off, true);
}

function parseL4(
  b: Uint8Array,
  l4: number,
  proto: number,
  key: Uint32Array,
  off: Int32Array,
  v6: boolean,
): void {
  const len = b.length;
  if (proto === K.IPPROTO_TCP) {
    if (len < l4 + 20) return;
    key[K.K_TP_SRC] = rd16(b, l4);
    key[K.K_TP_DST] = rd16(b, l4 + 2);
    key[K.K_TCP_FLAGS] = rd16(b, l4 + 12) & 0x0fff;
  } else if (proto === K.IPPROTO_UDP || proto === K.IPPROTO_SCTP) {
    if (len < l4 + 8) return;
    key[K.K_TP_SRC] = rd16(b, l4);
    key[K.K_TP_DST] = rd16(b, l4 + 2);
  } else if (proto === K.IPPROTO_ICMP && !v6) {
    if (len < l4 + 4) return;
    key[K.K_TP_SRC] = b[l4]!;
    key[K.K_TP_DST] = b[l4 + 1]!;
  } else if (proto === K.IPPROTO_ICMPV6 && v6) {
    if (len < l4 + 4) return;
    const type = b[l4]!;
    key[K.K_TP_SRC] = type;
    key[K.K_TP_DST] = b[l4 + 1]!;
    if ((type === 135 || type === 136) && len >= l4 + 24) {
      for (let i = 0; i < 4; i++) key[K.K_ND_TARGET + i] = rd32(b, l4 + 8 + 4 * i);
      const end = off[O_IP_END]!;
      let o = l4 + 24;
      while (o + 8 <= end) {
        const optType = b[o]!;
        const optLen = b[o + 1]! * 8;
        if (optLen === 0) break;
        if (optLen === 8) {
          if (optType === 1 && type === 135 && off[O_ND_SLL] === -1) {
            key[K.K_ND_SLL] = rd16(b, o + 2);
            key[K.K_ND_SLL + 1] = rd32(b, o + 4);
            off[O_ND_SLL] = o + 2;
          } else if (optType === 2 && type === 136 && off[O_ND_TLL] === -1) {
            key[K.K_ND_TLL] = rd16(b, o + 2);
            key[K.K_ND_TLL + 1] = rd32(b, o + 4);
            off[O_ND_TLL] = o + 2;
          }
        }
        o += optLen;
      }
    }
  }
}
