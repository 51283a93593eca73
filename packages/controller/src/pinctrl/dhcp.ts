// DHCPv4 replies for put_dhcp_opts (OVN's pinctrl_handle_put_dhcp_opts): the request becomes an
// OFFER (for a DISCOVER) or an ACK (for a REQUEST of the offered address; a NAK otherwise), with
// the options the logical flow carries. Addresses and ports are then rewritten by the flows that
// follow (ls_in_dhcp_response), so the reply keeps the request's headers here.

/** An option as put_dhcp_opts gives it: code, SB type, and its constant values. */
export interface DhcpOptionValue {
  readonly code: number;
  readonly type: string;
  /** Integers (addresses, numbers, masked prefixes) or strings. */
  readonly values: readonly (string | { readonly v: bigint; readonly m?: bigint })[];
}

export const DHCP_DISCOVER = 1;
export const DHCP_OFFER = 2;
export const DHCP_REQUEST = 3;
export const DHCP_ACK = 5;
export const DHCP_NAK = 6;

const MAGIC = [99, 130, 83, 99];

export interface DhcpMessage {
  readonly op: number;
  readonly xid: number;
  readonly flags: number;
  readonly ciaddr: number;
  readonly yiaddr: number;
  readonly siaddr: number;
  readonly giaddr: number;
  readonly chaddr: Uint8Array;
  /** Option code → raw value. */
  readonly options: ReadonlyMap<number, Uint8Array>;
}

/** Parses a BOOTP/DHCP message (the UDP payload); undefined if it is not one. */
export function parseDhcp(b: Uint8Array): DhcpMessage | undefined {
  if (b.length < 240 || MAGIC.some((x, i) => b[236 + i] !== x)) return undefined;
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const options = new Map<number, Uint8Array>();
  let i = 240;
  while (i < b.length) {
    const code = b[i]!;
    if (code === 255) break;
    if (code === 0) {
      i++;
      continue;
    }
    const len = b[i + 1] ?? 0;
    options.set(code, b.slice(i + 2, i + 2 + len));
    i += 2 + len;
  }
  return {
    op: b[0]!,
    xid: v.getUint32(4),
    flags: v.getUint16(10),
    ciaddr: v.getUint32(12),
    yiaddr: v.getUint32(16),
    siaddr: v.getUint32(20),
    giaddr: v.getUint32(24),
    chaddr: b.slice(28, 44),
    options,
  };
}

const be = (n: bigint, bytes: number): number[] =>
  Array.from({ length: bytes }, (_, i) => Number((n >> BigInt(8 * (bytes - 1 - i))) & 0xffn));
const popcount = (m: bigint) => m.toString(2).replace(/0/g, '').length;

function encodeValue(o: DhcpOptionValue): number[] {
  const ints = o.values.filter((x): x is { v: bigint; m?: bigint } => typeof x !== 'string');
  const strs = o.values.filter((x): x is string => typeof x === 'string');
  switch (o.type) {
    case 'ipv4':
      return ints.flatMap((x) => be(x.v, 4));
    case 'uint8':
    case 'bool':
      return ints.flatMap((x) => be(x.v, 1));
    case 'uint16':
      return ints.flatMap((x) => be(x.v, 2));
    case 'uint32':
      return ints.flatMap((x) => be(x.v, 4));
    case 'str':
    case 'host_id':
      return strs.length > 0
        ? [...new TextEncoder().encode(strs.join(''))]
        : ints.flatMap((x) => be(x.v, 4));
    case 'static_routes': {
      // Pairs of (destination prefix, router), RFC 3442: width, significant octets, router.
      const out: number[] = [];
      for (let i = 0; i + 1 < ints.length; i += 2) {
        const dst = ints[i]!;
        const plen = dst.m === undefined ? 32 : popcount(dst.m);
        out.push(plen, ...be(dst.v, 4).slice(0, Math.ceil(plen / 8)), ...be(ints[i + 1]!.v, 4));
      }
      return out;
    }
    case 'domains':
      // RFC 3397 names, uncompressed.
      return strs
        .flatMap((s) => s.split(/[\s,]+/).filter((d) => d !== ''))
        .flatMap((d) => [
          ...d.split('.').flatMap((l) => [l.length, ...new TextEncoder().encode(l)]),
          0,
        ]);
    default:
      return [];
  }
}

/** The reply's DHCP message: header from the request, the offered address, the options. */
export function buildDhcpReply(
  req: DhcpMessage,
  msgType: number,
  options: readonly DhcpOptionValue[],
): Uint8Array {
  const offer = options.find((o) => o.code === 0);
  const next = options.find((o) => o.code === 253);
  const addr = (o: DhcpOptionValue | undefined) => {
    const x = o?.values[0];
    return typeof x === 'object' ? Number(x.v) : 0;
  };
  const head = new Uint8Array(240);
  const v = new DataView(head.buffer);
  head[0] = 2; // BOOTREPLY
  head[1] = 1;
  head[2] = 6;
  v.setUint32(4, req.xid);
  v.setUint16(10, req.flags);
  v.setUint32(16, msgType === DHCP_NAK ? 0 : addr(offer) >>> 0);
  v.setUint32(20, addr(next) >>> 0);
  v.setUint32(24, req.giaddr);
  head.set(req.chaddr, 28);
  head.set(MAGIC, 236);
  const opts: number[] = [53, 1, msgType];
  if (msgType !== DHCP_NAK) {
    for (const o of options) {
      if (o.code === 0 || o.code >= 253) continue;
      const bytes = encodeValue(o);
      for (let i = 0; i < bytes.length; i += 255) {
        const chunk = bytes.slice(i, i + 255);
        opts.push(o.code, chunk.length, ...chunk);
      }
    }
  } else {
    const server = options.find((o) => o.code === 54);
    if (server) opts.push(54, 4, ...encodeValue(server).slice(0, 4));
  }
  opts.push(255);
  const out = new Uint8Array(240 + opts.length);
  out.set(head);
  out.set(opts, 240);
  return out;
}

/** What to answer a request with: OFFER, ACK or NAK, or nothing for other messages. */
export function replyType(
  req: DhcpMessage,
  options: readonly DhcpOptionValue[],
): number | undefined {
  if (req.op !== 1) return undefined;
  const type = req.options.get(53)?.[0];
  if (type === DHCP_DISCOVER) return DHCP_OFFER;
  if (type !== DHCP_REQUEST) return undefined;
  const offer = options.find((o) => o.code === 0)?.values[0];
  const offered = typeof offer === 'object' ? Number(offer.v) >>> 0 : 0;
  const requested = req.options.get(50);
  const wanted =
    requested && requested.length === 4
      ? new DataView(requested.buffer, requested.byteOffset).getUint32(0)
      : req.ciaddr;
  return wanted === offered ? DHCP_ACK : DHCP_NAK;
}
