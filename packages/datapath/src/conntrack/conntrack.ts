import type { NatC } from '../compile-actions.js';
import * as K from '../key-layout.js';
import { adjustChecksum, onesSum, read16, read32, write16 } from '../packet/checksum.js';
import { O_L3, O_L4 } from '../packet/parse.js';
import { setIp4Addr, setIp6Addr, setTpField } from '../packet/rewrite.js';
import {
  type CtTimeouts,
  DEFAULT_TIMEOUTS,
  type TcpTrack,
  tcpCanOpen,
  tcpTimeout,
  tcpUpdate,
} from './tcp-state.js';
import { TUPLE_WORDS, TupleIndex } from './tuple-index.js';

/**
 * Connection tracking with zones, marks, labels and NAT, in the manner of Linux/OVS conntrack.
 *
 * A connection is indexed twice, under its original tuple and under its reply tuple (the reply tuple
 * reflects NAT), so a packet in either direction finds it with one map lookup. Time comes from the
 * caller (`now`, milliseconds); entries expire lazily on lookup and in `expire(now)`.
 */

/** ICMP echo kind in a tuple: request and reply swap when a tuple is inverted. */
const ICMP_NONE = 0;
const ICMP_REQ = 1;
const ICMP_REP = 2;

export interface Tuple {
  readonly v6: boolean;
  readonly proto: number;
  readonly src: bigint;
  readonly dst: bigint;
  readonly sport: number;
  readonly dport: number;
  readonly icmp: number;
}

export interface Conn {
  readonly zone: number;
  readonly orig: Tuple;
  readonly reply: Tuple;
  readonly tcp: TcpTrack | undefined;
  seenReply: boolean;
  mark: number;
  readonly label: Uint32Array;
  expires: number;
  /** NAT set up at commit: 'src', 'dst' or undefined. */
  readonly nat: 'src' | 'dst' | undefined;
  /** The original tuple laid out as key words K_CT_NW_PROTO.. (ct_nw_src & co.). */
  readonly origWords: Uint32Array;
  /** Both tuples as TupleIndex words, to delete the connection without recomputing them. */
  readonly origW: Uint32Array;
  readonly replyW: Uint32Array;
}

function origWords(t: Tuple): Uint32Array {
  const w = new Uint32Array(K.CT_TUPLE_WORDS);
  w[0] = t.proto;
  const put = (at: number, a: bigint): void => {
    for (let i = 0; i < 4; i++) w[at + i] = Number((a >> BigInt(32 * (3 - i))) & 0xffffffffn);
  };
  if (t.v6) {
    put(K.K_CT_IPV6_SRC - K.K_CT_NW_PROTO, t.src);
    put(K.K_CT_IPV6_DST - K.K_CT_NW_PROTO, t.dst);
  } else {
    w[K.K_CT_NW_SRC - K.K_CT_NW_PROTO] = Number(t.src);
    w[K.K_CT_NW_DST - K.K_CT_NW_PROTO] = Number(t.dst);
  }
  w[K.K_CT_TP_SRC - K.K_CT_NW_PROTO] = t.sport;
  w[K.K_CT_TP_DST - K.K_CT_NW_PROTO] = t.dport;
  return w;
}

export interface CtRequest {
  readonly zone: number;
  readonly commit: boolean;
  readonly nat: NatC | undefined;
  readonly mark: { readonly value: number; readonly mask: number } | undefined;
  readonly label: { readonly value: bigint; readonly mask: bigint } | undefined;
  /** Compute the outcome without creating or changing any connection (trace). */
  readonly peek?: boolean;
}

export interface CtResult {
  state: number;
  zone: number;
  mark: number;
  label: Uint32Array;
  /** The connection, when one exists (after commit, or found). */
  conn: Conn | undefined;
}

export interface ConnSummary {
  readonly zone: number;
  readonly proto: number;
  readonly orig: string;
  readonly reply: string;
  readonly state: string;
  readonly mark: number;
  readonly label: bigint;
  readonly expires: number;
}

/** Lays a tuple out as TupleIndex words (see tuple-index.ts). */
function tupleWords(zone: number, t: Tuple, out: Uint32Array): Uint32Array {
  out[0] = zone;
  out[1] = (t.v6 ? 1 : 0) | (t.proto << 1) | (t.icmp << 9);
  if (t.v6) {
    for (let i = 0; i < 4; i++) {
      const sh = BigInt(32 * (3 - i));
      out[2 + i] = Number((t.src >> sh) & 0xffffffffn);
      out[6 + i] = Number((t.dst >> sh) & 0xffffffffn);
    }
  } else {
    out[2] = out[3] = out[4] = 0;
    out[6] = out[7] = out[8] = 0;
    out[5] = Number(t.src);
    out[9] = Number(t.dst);
  }
  out[10] = ((t.sport << 16) | t.dport) >>> 0;
  return out;
}

function invert(t: Tuple): Tuple {
  const icmp = t.icmp === ICMP_REQ ? ICMP_REP : t.icmp === ICMP_REP ? ICMP_REQ : t.icmp;
  return { v6: t.v6, proto: t.proto, src: t.dst, dst: t.src, sport: t.dport, dport: t.sport, icmp };
}

function addrText(v6: boolean, a: bigint): string {
  if (!v6) return [24n, 16n, 8n, 0n].map((s) => (a >> s) & 255n).join('.');
  const g: string[] = [];
  for (let i = 7; i >= 0; i--) g.push(((a >> BigInt(16 * i)) & 0xffffn).toString(16));
  return g.join(':');
}

function tupleText(t: Tuple): string {
  return `src=${addrText(t.v6, t.src)},dst=${addrText(t.v6, t.dst)},sport=${t.sport},dport=${t.dport}`;
}

function keyAddr(key: Uint32Array, w: number, v6: boolean): bigint {
  if (!v6) return BigInt(key[w]!);
  return (
    (BigInt(key[w]!) << 96n) |
    (BigInt(key[w + 1]!) << 64n) |
    (BigInt(key[w + 2]!) << 32n) |
    BigInt(key[w + 3]!)
  );
}

function isIcmpError(v6: boolean, type: number): boolean {
  return v6
    ? type >= 1 && type <= 4
    : type === 3 || type === 4 || type === 5 || type === 11 || type === 12;
}

function echoKind(v6: boolean, type: number): number {
  if (type === (v6 ? 128 : 8)) return ICMP_REQ;
  if (type === (v6 ? 129 : 0)) return ICMP_REP;
  return ICMP_NONE;
}

/** tupleWords() of an IPv4/IPv6 TCP/UDP/SCTP packet straight from the key; false for anything else. */
function keyWords(zone: number, key: Uint32Array, out: Uint32Array): boolean {
  const et = key[K.K_ETH_TYPE];
  const v6 = et === K.ETH_TYPE_IPV6;
  if (!v6 && et !== K.ETH_TYPE_IP) return false;
  const proto = key[K.K_NW_PROTO]!;
  if (proto !== K.IPPROTO_TCP && proto !== K.IPPROTO_UDP && proto !== K.IPPROTO_SCTP) return false;
  out[0] = zone;
  out[1] = (v6 ? 1 : 0) | (proto << 1);
  if (v6) {
    for (let i = 0; i < 4; i++) {
      out[2 + i] = key[K.K_IP6_SRC + i]!;
      out[6 + i] = key[K.K_IP6_DST + i]!;
    }
  } else {
    out[2] = out[3] = out[4] = 0;
    out[6] = out[7] = out[8] = 0;
    out[5] = key[K.K_IP4_SRC]!;
    out[9] = key[K.K_IP4_DST]!;
  }
  out[10] = ((key[K.K_TP_SRC]! << 16) | key[K.K_TP_DST]!) >>> 0;
  return true;
}

/** The tuple of a packet from its key (and the echo identifier from its bytes). */
function packetTuple(key: Uint32Array, b: Uint8Array, off: Int32Array): Tuple | undefined {
  const et = key[K.K_ETH_TYPE]!;
  const v6 = et === K.ETH_TYPE_IPV6;
  if (!v6 && et !== K.ETH_TYPE_IP) return undefined;
  const proto = key[K.K_NW_PROTO]!;
  const src = keyAddr(key, v6 ? K.K_IP6_SRC : K.K_IP4_SRC, v6);
  const dst = keyAddr(key, v6 ? K.K_IP6_DST : K.K_IP4_DST, v6);
  if (proto === (v6 ? K.IPPROTO_ICMPV6 : K.IPPROTO_ICMP)) {
    const kind = echoKind(v6, key[K.K_TP_SRC]!);
    const l4 = off[O_L4]!;
    const id = kind !== ICMP_NONE && l4 >= 0 && l4 + 8 <= b.length ? read16(b, l4 + 4) : 0;
    return {
      v6,
      proto,
      src,
      dst,
      sport: id,
      dport: id,
      icmp: kind === ICMP_NONE ? 3 + key[K.K_TP_SRC]! : kind,
    };
  }
  const ports = proto === K.IPPROTO_TCP || proto === K.IPPROTO_UDP || proto === K.IPPROTO_SCTP;
  return {
    v6,
    proto,
    src,
    dst,
    sport: ports ? key[K.K_TP_SRC]! : 0,
    dport: ports ? key[K.K_TP_DST]! : 0,
    icmp: ICMP_NONE,
  };
}

/** The tuple of the packet quoted inside an ICMP error (IP header + first 8 bytes). */
function innerTuple(b: Uint8Array, off: Int32Array, v6: boolean): Tuple | undefined {
  const l4 = off[O_L4]!;
  if (l4 < 0) return undefined;
  const p = l4 + 8;
  let proto: number;
  let src: bigint;
  let dst: bigint;
  let q: number;
  if (!v6) {
    if (p + 20 > b.length || b[p]! >>> 4 !== 4) return undefined;
    proto = b[p + 9]!;
    src = BigInt(read32(b, p + 12));
    dst = BigInt(read32(b, p + 16));
    q = p + (b[p]! & 15) * 4;
  } else {
    if (p + 40 > b.length) return undefined;
    proto = b[p + 6]!;
    src = 0n;
    dst = 0n;
    for (let i = 0; i < 4; i++) {
      src = (src << 32n) | BigInt(read32(b, p + 8 + 4 * i));
      dst = (dst << 32n) | BigInt(read32(b, p + 24 + 4 * i));
    }
    q = p + 40;
  }
  if (q + 8 > b.length) return undefined;
  if (proto === (v6 ? K.IPPROTO_ICMPV6 : K.IPPROTO_ICMP)) {
    const kind = echoKind(v6, b[q]!);
    if (kind === ICMP_NONE) return undefined;
    const id = read16(b, q + 4);
    return { v6, proto, src, dst, sport: id, dport: id, icmp: kind };
  }
  return { v6, proto, src, dst, sport: read16(b, q), dport: read16(b, q + 2), icmp: ICMP_NONE };
}

export class Conntrack {
  private readonly table = new TupleIndex<{ conn: Conn; dir: 0 | 1 }>();
  private readonly scratch = new Uint32Array(TUPLE_WORDS);
  private readonly timeouts: CtTimeouts;
  private readonly res: CtResult = {
    state: 0,
    zone: 0,
    mark: 0,
    label: new Uint32Array(4),
    conn: undefined,
  };
  /** Connections refused because NAT found no free address/port. */
  natFailures = 0;
  /** Commits refused because the table was full. */
  tableFull = 0;

  constructor(
    timeouts: Partial<CtTimeouts> = {},
    /** Most connections kept at once; a commit beyond it is refused (+inv), as Linux's nf_conntrack_max. */
    readonly maxConnections = 1_000_000,
  ) {
    this.timeouts = { ...DEFAULT_TIMEOUTS, ...timeouts };
  }

  get size(): number {
    return this.table.size / 2;
  }

  private timeoutOf(c: Conn): number {
    if (c.tcp) return tcpTimeout(c.tcp.state, this.timeouts);
    if (c.orig.proto === K.IPPROTO_UDP)
      return c.seenReply ? this.timeouts.udpMultiple : this.timeouts.udpFirst;
    if (c.orig.proto === K.IPPROTO_ICMP || c.orig.proto === K.IPPROTO_ICMPV6)
      return this.timeouts.icmp;
    return this.timeouts.other;
  }

  private find(zone: number, t: Tuple, now: number): { conn: Conn; dir: 0 | 1 } | undefined {
    return this.findWords(tupleWords(zone, t, this.scratch), now);
  }

  private findWords(w: Uint32Array, now: number): { conn: Conn; dir: 0 | 1 } | undefined {
    const e = this.table.get(w);
    if (e && e.conn.expires <= now) {
      this.delete(e.conn);
      return undefined;
    }
    return e;
  }

  private delete(c: Conn): void {
    this.table.delete(c.origW);
    this.table.delete(c.replyW);
  }

  private inUse(zone: number, t: Tuple, now: number): boolean {
    return this.find(zone, t, now) !== undefined;
  }

  /** Chooses the reply tuple for a new connection under NAT; undefined when everything is taken. */
  private natReply(
    zone: number,
    orig: Tuple,
    nat: NatC,
    now: number,
  ): { reply: Tuple; kind: 'src' | 'dst' } | undefined {
    const kind = nat.kind === 'dst' ? 'dst' : 'src';
    const base = invert(orig);
    const origAddr = kind === 'src' ? orig.src : orig.dst;
    const origPort = kind === 'src' ? orig.sport : orig.dport;
    const lo = nat.ipMin ?? origAddr;
    const hi = nat.ipMax ?? lo;
    const nAddr = hi - lo + 1n > 256n ? 256n : hi - lo + 1n;
    // Ports are translated for TCP, UDP and ICMP echo ids. SCTP keeps its ports (rewriting them would
    // need the CRC32c recomputed), so an SCTP collision finds no free tuple unless the address can change.
    const hasPorts =
      orig.proto === K.IPPROTO_TCP || orig.proto === K.IPPROTO_UDP || orig.icmp === ICMP_REQ;
    const seed = Number(
      (orig.src ^ orig.dst ^ BigInt(orig.sport * 65537 + orig.dport)) & 0xffffffn,
    );
    const make = (addr: bigint, port: number): Tuple => {
      if (kind === 'src') {
        // reply = (dst, natted src, dport, natted sport)
        const icmpPort = orig.icmp === ICMP_REQ;
        return { ...base, dst: addr, dport: port, ...(icmpPort ? { sport: port } : {}) };
      }
      const icmpPort = orig.icmp === ICMP_REQ;
      return { ...base, src: addr, sport: port, ...(icmpPort ? { dport: port } : {}) };
    };
    for (let i = 0n; i < nAddr; i++) {
      const addr = lo + ((BigInt(seed) + i) % (hi - lo + 1n));
      if (!hasPorts) {
        const r = make(addr, origPort);
        if (!this.inUse(zone, r, now)) return { reply: r, kind };
        continue;
      }
      const pmin = nat.portMin;
      const pmax = nat.portMax;
      // Keep the original port when the range allows it (as Linux does), else search the range.
      if (pmin === undefined || (origPort >= pmin && origPort <= pmax!)) {
        const r = make(addr, origPort);
        if (!this.inUse(zone, r, now)) return { reply: r, kind };
      }
      if (kind === 'dst' && pmin === undefined) continue; // DNAT without a port range keeps the port
      const from = pmin ?? 1024;
      const to = pmax ?? 65535;
      const span = to - from + 1;
      for (let j = 0; j < span; j++) {
        const port = from + ((seed + j) % span);
        const r = make(addr, port);
        if (!this.inUse(zone, r, now)) return { reply: r, kind };
      }
    }
    return undefined;
  }

  /**
   * Runs one packet through conntrack (the `ct` action): looks up (and on commit creates) its
   * connection in `req.zone`, applies NAT to the packet bytes and the key's header words when asked,
   * and returns ct_state and the connection's mark and label.
   */
  process(key: Uint32Array, b: Uint8Array, off: Int32Array, req: CtRequest, now: number): CtResult {
    const zone = req.zone;
    // One result object, reused: callers read it before the next call.
    const res = this.res;
    res.state = K.CS_TRK;
    res.zone = zone;
    res.mark = 0;
    res.label.fill(0);
    res.conn = undefined;
    if (
      (key[K.K_NW_FRAG]! & K.FRAG_ANY) !== 0 &&
      (key[K.K_ETH_TYPE] === K.ETH_TYPE_IP || key[K.K_ETH_TYPE] === K.ETH_TYPE_IPV6)
    ) {
      // No reassembly here: fragments cannot be tracked.
      res.state |= K.CS_INV;
      return res;
    }
    // Fast path: an IPv4 TCP/UDP packet of a known connection needs no tuple object, only its key string.
    let e = keyWords(zone, key, this.scratch) ? this.findWords(this.scratch, now) : undefined;
    if (e?.conn.tcp && e.dir === 0 && tcpCanOpen(key[K.K_TCP_FLAGS]!)) {
      // A SYN may reopen a finished connection: the general path below handles it.
      e = undefined;
    }
    if (e) return this.established(e, key, b, off, req, now);
    const t = packetTuple(key, b, off);
    if (!t) {
      res.state |= K.CS_INV;
      return res;
    }
    const icmpProto = t.proto === (t.v6 ? K.IPPROTO_ICMPV6 : K.IPPROTO_ICMP);
    if (icmpProto && isIcmpError(t.v6, key[K.K_TP_SRC]!)) {
      const inner = innerTuple(b, off, t.v6);
      // The quoted packet is either in its untranslated form (found as is) or in its translated
      // form, which is the inverse of the other direction's tuple.
      let conn: Conn | undefined;
      let innerDir: 0 | 1 = 0;
      if (inner) {
        const direct = this.find(zone, inner, now);
        const inv = direct ? undefined : this.find(zone, invert(inner), now);
        if (direct) {
          conn = direct.conn;
          innerDir = direct.dir;
        } else if (inv) {
          conn = inv.conn;
          innerDir = inv.dir === 0 ? 1 : 0;
        }
      }
      if (!conn || !inner) {
        res.state |= K.CS_INV;
        return res;
      }
      // The error travels against the quoted packet's direction.
      res.state |= K.CS_REL | (innerDir === 0 ? K.CS_RPL : 0);
      this.fill(res, conn);
      if (req.nat && conn.nat && !req.peek)
        res.state |= this.translateRelated(
          key,
          b,
          off,
          inner,
          innerDir === 0 ? conn.orig : conn.reply,
        );
      return res;
    }
    e = this.find(zone, t, now);
    const flags = key[K.K_TCP_FLAGS]!;
    if (
      e?.conn.tcp &&
      e.dir === 0 &&
      tcpCanOpen(flags) &&
      (e.conn.tcp.state === 'time_wait' || e.conn.tcp.state === 'closed')
    ) {
      // A new SYN reuses the tuple of a finished connection.
      if (!req.peek) this.delete(e.conn);
      e = undefined;
    }
    if (!e) {
      const valid =
        t.proto === K.IPPROTO_TCP ? tcpCanOpen(flags) : icmpProto ? t.icmp !== ICMP_REP : true;
      if (!valid) {
        res.state |= K.CS_INV;
        return res;
      }
      res.state |= K.CS_NEW;
      if (!req.commit) return res;
      if (this.size >= this.maxConnections && !req.peek) {
        this.tableFull++;
        res.state = K.CS_TRK | K.CS_INV;
        return res;
      }
      let reply = invert(t);
      let nat: 'src' | 'dst' | undefined;
      if (req.nat && req.nat.kind !== 'any' && req.nat.v6 === t.v6) {
        const chosen = this.natReply(zone, t, req.nat, now);
        if (!chosen) {
          if (!req.peek) this.natFailures++;
          res.state = K.CS_TRK | K.CS_INV;
          return res;
        }
        reply = chosen.reply;
        nat = chosen.kind;
      } else if (this.inUse(zone, reply, now)) {
        // The reply tuple belongs to another (NATed) connection: refuse, as Linux would.
        res.state = K.CS_TRK | K.CS_INV;
        return res;
      }
      const conn: Conn = {
        zone,
        orig: t,
        reply,
        tcp: t.proto === K.IPPROTO_TCP ? { state: 'syn_sent', fins: 0 } : undefined,
        seenReply: false,
        mark: 0,
        label: new Uint32Array(4),
        expires: 0,
        nat,
        origWords: origWords(t),
        origW: tupleWords(zone, t, new Uint32Array(TUPLE_WORDS)),
        replyW: tupleWords(zone, reply, new Uint32Array(TUPLE_WORDS)),
      };
      conn.expires = now + this.timeoutOf(conn);
      this.applyExec(conn, req);
      // A peek (trace) shows the committed outcome, NAT included, without keeping the connection.
      if (!req.peek) {
        this.table.set(conn.origW, { conn, dir: 0 });
        this.table.set(conn.replyW, { conn, dir: 1 });
      }
      this.fill(res, conn);
      if (nat && req.nat) res.state |= this.translate(key, b, off, conn, 0);
      return res;
    }
    return this.established(e, key, b, off, req, now);
  }

  /** A packet of an existing connection: state machine, ct_state, expiry, exec, NAT. */
  private established(
    e: { conn: Conn; dir: 0 | 1 },
    key: Uint32Array,
    b: Uint8Array,
    off: Int32Array,
    req: CtRequest,
    now: number,
  ): CtResult {
    const res = this.res;
    const flags = key[K.K_TCP_FLAGS]!;
    const { conn, dir } = e;
    if (conn.tcp) {
      const probe: TcpTrack = { state: conn.tcp.state, fins: conn.tcp.fins };
      if (!tcpUpdate(probe, dir, flags)) {
        res.state |= K.CS_INV;
        return res;
      }
      if (!req.peek) {
        conn.tcp.state = probe.state;
        conn.tcp.fins = probe.fins;
      }
    }
    const established = conn.seenReply || dir === 1;
    res.state |= (established ? K.CS_EST : K.CS_NEW) | (dir === 1 ? K.CS_RPL : 0);
    if (!req.peek) {
      if (dir === 1) conn.seenReply = true;
      conn.expires = now + this.timeoutOf(conn);
      if (req.commit) this.applyExec(conn, req);
    }
    this.fill(res, conn);
    if (req.nat && conn.nat) res.state |= this.translate(key, b, off, conn, dir);
    return res;
  }

  private applyExec(c: Conn, req: CtRequest): void {
    if (req.mark) c.mark = ((c.mark & ~req.mark.mask) | (req.mark.value & req.mark.mask)) >>> 0;
    if (req.label) {
      for (let i = 0; i < 4; i++) {
        const sh = BigInt(32 * (3 - i));
        const m = Number((req.label.mask >> sh) & 0xffffffffn);
        const v = Number((req.label.value >> sh) & 0xffffffffn);
        c.label[i] = ((c.label[i]! & ~m) | (v & m)) >>> 0;
      }
    }
  }

  private fill(res: CtResult, c: Conn): void {
    res.mark = c.mark;
    const l = res.label;
    const cl = c.label;
    l[0] = cl[0]!;
    l[1] = cl[1]!;
    l[2] = cl[2]!;
    l[3] = cl[3]!;
    res.conn = c;
  }

  /** Rewrites a packet of `conn` travelling in `dir` to its translated tuple; returns snat/dnat bits. */
  private translate(key: Uint32Array, b: Uint8Array, off: Int32Array, c: Conn, dir: 0 | 1): number {
    const want = dir === 0 ? invert(c.reply) : invert(c.orig);
    const v6 = want.v6;
    const proto = want.proto;
    let bits = 0;
    const cur = packetTuple(key, b, off)!;
    if (cur.src !== want.src) {
      bits |= K.CS_SNAT;
      this.setAddr(key, b, off, v6, 'src', want.src, proto);
    }
    if (cur.dst !== want.dst) {
      bits |= K.CS_DNAT;
      this.setAddr(key, b, off, v6, 'dst', want.dst, proto);
    }
    if (proto === K.IPPROTO_TCP || proto === K.IPPROTO_UDP) {
      if (cur.sport !== want.sport) {
        bits |= K.CS_SNAT;
        setTpField(b, off, 0, want.sport, proto);
        key[K.K_TP_SRC] = want.sport;
      }
      if (cur.dport !== want.dport) {
        bits |= K.CS_DNAT;
        setTpField(b, off, 2, want.dport, proto);
        key[K.K_TP_DST] = want.dport;
      }
    } else if (cur.icmp !== ICMP_NONE && cur.sport !== want.sport) {
      // ICMP echo identifier, mapped like a port.
      const l4 = off[O_L4]!;
      const old = onesSum(b, l4 + 4, l4 + 6);
      write16(b, l4 + 4, want.sport);
      adjustChecksum(b, l4 + 2, old, onesSum(b, l4 + 4, l4 + 6));
    }
    return bits;
  }

  private setAddr(
    key: Uint32Array,
    b: Uint8Array,
    off: Int32Array,
    v6: boolean,
    which: 'src' | 'dst',
    a: bigint,
    proto: number,
  ): void {
    if (off[O_L3]! < 0) return;
    if (!v6) {
      setIp4Addr(b, off, which === 'src' ? 12 : 16, Number(a), proto);
      key[which === 'src' ? K.K_IP4_SRC : K.K_IP4_DST] = Number(a);
      return;
    }
    const w = [
      Number(a >> 96n) >>> 0,
      Number((a >> 64n) & 0xffffffffn),
      Number((a >> 32n) & 0xffffffffn),
      Number(a & 0xffffffffn),
    ];
    setIp6Addr(b, off, which === 'src' ? 8 : 24, w, proto);
    const base = which === 'src' ? K.K_IP6_SRC : K.K_IP6_DST;
    for (let i = 0; i < 4; i++) key[base + i] = w[i]!;
  }

  /**
   * Un-translates an ICMP error about a NATed connection: the quoted header goes back to the form its
   * sender used (`want`), the outer destination to that sender, and an outer source that was the
   * translated peer to the untranslated one. The ICMP checksum covers the quoted bytes, so it is
   * adjusted over the whole quoted region; the quoted transport checksum is left alone (receivers do
   * not check it, and the quote is usually truncated).
   */
  private translateRelated(
    key: Uint32Array,
    b: Uint8Array,
    off: Int32Array,
    cur: Tuple,
    want: Tuple,
  ): number {
    const v6 = want.v6;
    const l4 = off[O_L4]!;
    const p = l4 + 8;
    const end = b.length;
    const before = onesSum(b, p, end);
    const w32 = (at: number, v: number): void => {
      b[at] = v >>> 24;
      b[at + 1] = (v >>> 16) & 255;
      b[at + 2] = (v >>> 8) & 255;
      b[at + 3] = v & 255;
    };
    const putAddr = (at: number, a: bigint): void => {
      if (!v6) w32(at, Number(a));
      else
        for (let i = 0; i < 4; i++)
          w32(at + 4 * i, Number((a >> BigInt(32 * (3 - i))) & 0xffffffffn));
    };
    let q: number;
    if (!v6) {
      const ihl = (b[p]! & 15) * 4;
      const oldHdr = onesSum(b, p, p + ihl);
      putAddr(p + 12, want.src);
      putAddr(p + 16, want.dst);
      adjustChecksum(b, p + 10, oldHdr, onesSum(b, p, p + ihl));
      q = p + ihl;
    } else {
      putAddr(p + 8, want.src);
      putAddr(p + 24, want.dst);
      q = p + 40;
    }
    if (q + 8 <= end) {
      if (want.icmp === ICMP_REQ || want.icmp === ICMP_REP) write16(b, q + 4, want.sport);
      else if (want.proto === K.IPPROTO_TCP || want.proto === K.IPPROTO_UDP) {
        write16(b, q, want.sport);
        write16(b, q + 2, want.dport);
      }
    }
    adjustChecksum(b, l4 + 2, before, onesSum(b, p, end));
    const proto = key[K.K_NW_PROTO]!;
    const outer = packetTuple(key, b, off)!;
    let bits = 0;
    if (outer.dst !== want.src) {
      this.setAddr(key, b, off, v6, 'dst', want.src, proto);
      bits |= K.CS_DNAT;
    }
    if (outer.src === cur.dst && cur.dst !== want.dst) {
      this.setAddr(key, b, off, v6, 'src', want.dst, proto);
      bits |= K.CS_SNAT;
    }
    return bits;
  }

  /** Removes expired connections; returns how many. */
  expire(now: number): number {
    let n = 0;
    for (const { conn, dir } of [...this.table.values()]) {
      if (dir === 0 && conn.expires <= now) {
        this.delete(conn);
        n++;
      }
    }
    return n;
  }

  /** Removes all connections, or those of one zone. */
  flush(zone?: number): void {
    for (const { conn, dir } of [...this.table.values()])
      if (dir === 0 && (zone === undefined || conn.zone === zone)) this.delete(conn);
  }

  dump(): ConnSummary[] {
    const out: ConnSummary[] = [];
    for (const { conn, dir } of this.table.values()) {
      if (dir !== 0) continue;
      let label = 0n;
      for (const w of conn.label) label = (label << 32n) | BigInt(w);
      out.push({
        zone: conn.zone,
        proto: conn.orig.proto,
        orig: tupleText(conn.orig),
        reply: tupleText(conn.reply),
        state: conn.tcp ? conn.tcp.state : conn.seenReply ? 'replied' : 'unreplied',
        mark: conn.mark,
        label,
        expires: conn.expires,
      });
    }
    return out;
  }
}
