/**
 * A small TCP connection tracker: enough of RFC 793's handshake and teardown to tell new, established
 * and invalid packets apart and to pick timeouts, in the spirit of Linux's nf_conntrack_proto_tcp
 * (without its window tracking).
 */
export type TcpState =
  | 'syn_sent'
  | 'syn_recv'
  | 'established'
  | 'fin_wait'
  | 'last_ack'
  | 'time_wait'
  | 'closed';

export const F_FIN = 0x01;
export const F_SYN = 0x02;
export const F_RST = 0x04;
export const F_ACK = 0x10;

export interface TcpTrack {
  state: TcpState;
  /** FIN seen from the original (bit 0) and reply (bit 1) directions. */
  fins: number;
}

/** A packet that may open a connection: SYN without ACK, RST or FIN. */
export function tcpCanOpen(flags: number): boolean {
  return (flags & (F_SYN | F_ACK | F_RST | F_FIN)) === F_SYN;
}

/**
 * Applies one packet (direction 0 = original, 1 = reply) to the tracker. Returns false when the packet
 * does not fit the connection's state (the caller reports it as invalid and leaves the state alone).
 */
export function tcpUpdate(t: TcpTrack, dir: 0 | 1, flags: number): boolean {
  const syn = (flags & F_SYN) !== 0;
  const ack = (flags & F_ACK) !== 0;
  if (flags & F_RST) {
    t.state = 'closed';
    return true;
  }
  switch (t.state) {
    case 'syn_sent':
      if (dir === 0) return syn && !ack; // retransmitted SYN
      if (syn && ack) {
        t.state = 'syn_recv';
        return true;
      }
      return false;
    case 'syn_recv':
      if (dir === 1) return syn && ack; // retransmitted SYN-ACK
      if (syn) return false;
      if (ack) t.state = 'established';
      if (flags & F_FIN) {
        t.fins |= 1;
        t.state = 'fin_wait';
      }
      return true;
    case 'established':
    case 'fin_wait':
    case 'last_ack': {
      if (syn) return false;
      if (flags & F_FIN) t.fins |= dir === 0 ? 1 : 2;
      if (t.fins === 3) {
        // The FIN of the second side is acknowledged by a final ACK from the first.
        if (t.state === 'last_ack' && ack && !(flags & F_FIN)) t.state = 'time_wait';
        else t.state = 'last_ack';
      } else if (t.fins !== 0) {
        t.state = 'fin_wait';
      }
      return true;
    }
    case 'time_wait':
    case 'closed':
      return !syn;
  }
}

/** Timeouts in milliseconds, per state and per protocol. */
export interface CtTimeouts {
  readonly tcpSynSent: number;
  readonly tcpSynRecv: number;
  readonly tcpEstablished: number;
  readonly tcpFinWait: number;
  readonly tcpLastAck: number;
  readonly tcpTimeWait: number;
  readonly tcpClosed: number;
  readonly udpFirst: number;
  readonly udpMultiple: number;
  readonly icmp: number;
  readonly other: number;
}

export const DEFAULT_TIMEOUTS: CtTimeouts = {
  tcpSynSent: 30_000,
  tcpSynRecv: 30_000,
  tcpEstablished: 24 * 3600_000,
  tcpFinWait: 120_000,
  tcpLastAck: 30_000,
  tcpTimeWait: 30_000,
  tcpClosed: 30_000,
  udpFirst: 30_000,
  udpMultiple: 180_000,
  icmp: 30_000,
  other: 600_000,
};

export function tcpTimeout(s: TcpState, t: CtTimeouts): number {
  switch (s) {
    case 'syn_sent':
      return t.tcpSynSent;
    case 'syn_recv':
      return t.tcpSynRecv;
    case 'established':
      return t.tcpEstablished;
    case 'fin_wait':
      return t.tcpFinWait;
    case 'last_ack':
      return t.tcpLastAck;
    case 'time_wait':
      return t.tcpTimeWait;
    case 'closed':
      return t.tcpClosed;
  }
}
