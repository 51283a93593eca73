import * as K from '../key-layout.js';
import { finish, onesSum, pseudoSum4, pseudoSum6, read16, read32 } from './checksum.js';
import { O_IP_END, O_L3, O_L4, OFFSETS_LEN, parseFrame } from './parse.js';

export interface ChecksumReport {
  /** IPv4 header checksum is right (true for non-IPv4). */
  readonly ipHeader: boolean;
  /** TCP/UDP/ICMP checksum is right (true when there is none to check). */
  readonly l4: boolean;
}

/** Recomputes every checksum of a frame from scratch and compares with what it carries. */
export function verifyChecksums(b: Uint8Array): ChecksumReport {
  const key = new Uint32Array(K.KEY_WORDS);
  const off = new Int32Array(OFFSETS_LEN);
  parseFrame(b, key, off);
  const l3 = off[O_L3]!;
  const l4 = off[O_L4]!;
  const end = off[O_IP_END]!;
  const type = key[K.K_ETH_TYPE]!;
  const proto = key[K.K_NW_PROTO]!;
  let ipHeader = true;
  let l4ok = true;
  if (type === K.ETH_TYPE_IP && l3 >= 0) {
    const ihl = (b[l3]! & 15) * 4;
    ipHeader = finish(onesSum(b, l3, l3 + ihl)) === 0;
    if (l4 >= 0 && (key[K.K_NW_FRAG]! & K.FRAG_ANY) === 0) {
      const len = end - l4;
      const pseudo = pseudoSum4(read32(b, l3 + 12), read32(b, l3 + 16), proto, len);
      if (proto === K.IPPROTO_TCP) l4ok = finish(onesSum(b, l4, end, pseudo)) === 0;
      else if (proto === K.IPPROTO_UDP)
        l4ok = read16(b, l4 + 6) === 0 || finish(onesSum(b, l4, end, pseudo)) === 0;
      else if (proto === K.IPPROTO_ICMP) l4ok = finish(onesSum(b, l4, end)) === 0;
    }
  } else if (type === K.ETH_TYPE_IPV6 && l4 >= 0 && (key[K.K_NW_FRAG]! & K.FRAG_ANY) === 0) {
    const len = end - l4;
    const pseudo = pseudoSum6(b, l3 + 8, l3 + 24, proto, len);
    if (proto === K.IPPROTO_TCP || proto === K.IPPROTO_UDP || proto === K.IPPROTO_ICMPV6) {
      l4ok = finish(onesSum(b, l4, end, pseudo)) === 0;
    }
  }
  return { ipHeader, l4: l4ok };
}
