// The shell of an in-memory VM: a datapath MemoryPort whose frames go through VmCore, plus timers
// for ping, ARP resolution, TCP connect and UDP. The clock is injected (`now`), so RTTs are
// measured with whatever the caller trusts (performance.now by default).

import { MemoryPort } from '@ovn-ts/datapath';
import { parseIp4Prefix } from './ip4-prefix.js';
import { type VmConfig, VmCore, type VmEvent } from './vm-core.js';

export interface VmOptions {
  /** Millisecond clock for round-trip times. Default: performance.now. */
  readonly now?: () => number;
}

export interface PingOptions {
  /** Echo requests to send (default 1). */
  readonly count?: number;
  /** Pause between requests (default 100 ms). */
  readonly intervalMs?: number;
  /** How long each request waits for its reply, ARP resolution included (default 1000 ms). */
  readonly timeoutMs?: number;
}

export interface PingProbe {
  readonly seq: number;
  readonly replied: boolean;
  /** Round-trip time (ms), when replied. */
  readonly rttMs?: number;
  /** Why there was no reply, when known: no route, next hop not resolved, an ICMP error. */
  readonly error?: string;
}

export interface PingResult {
  readonly from: string;
  readonly to: string;
  readonly probes: readonly PingProbe[];
  readonly sent: number;
  readonly received: number;
}

export type ConnectResult = 'established' | 'reset' | 'timeout';

export interface UdpDatagram {
  readonly from: string;
  readonly sport: number;
  readonly dport: number;
  readonly payload: Uint8Array;
}

type Listener = (e: VmEvent) => void;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export class Vm {
  readonly core: VmCore;
  /** The VM's network interface: add it to a datapath; what the datapath sends it, the VM reads. */
  readonly port: MemoryPort;
  private readonly now: () => number;
  private readonly listeners = new Set<Listener>();
  private nextPingId: number;
  private nextLocalPort = 49152;
  private readonly resolving = new Map<string, Promise<string | undefined>>();
  private closed = false;
  /** Frames received and sent by the VM (ARP included). */
  rx = 0;
  tx = 0;
  /** A copy of the last frame the VM sent, for tracing it (`Hypervisor.trace`). */
  lastSent: Uint8Array | undefined;

  constructor(config: VmConfig, opts: VmOptions = {}) {
    this.core = new VmCore(config);
    this.now = opts.now ?? (() => performance.now());
    // Distinct echo identifiers per VM keep their replies apart in captures.
    this.nextPingId = hash(config.name) & 0xff00;
    this.port = new MemoryPort({
      capture: false,
      onTransmit: (frames) => {
        for (const f of frames) this.receive(Uint8Array.from(f));
      },
    });
  }

  get name(): string {
    return this.core.config.name;
  }
  get mac(): string {
    return this.core.config.mac;
  }
  get ip(): string {
    return this.core.config.ip;
  }
  get prefix(): number {
    return this.core.config.prefix;
  }
  get gateway(): string | undefined {
    return this.core.config.gateway;
  }

  /** Changes the VM's address ("10.0.0.9/24" or a bare address keeping the prefix); NB is not told. */
  setIp(ipOrPrefix: string): void {
    const p = parseIp4Prefix(ipOrPrefix, this.prefix);
    this.core.setIp(p.ip, p.prefix);
  }

  arpCache(): ReadonlyMap<string, string> {
    return this.core.arpCache;
  }

  /** Sends frames out of the VM's interface (dropped while it is on no datapath). */
  send(frames: readonly Uint8Array[]): void {
    if (this.closed || frames.length === 0) return;
    this.tx += frames.length;
    // Copied first: the datapath may rewrite a frame's bytes while it forwards it.
    this.lastSent = Uint8Array.from(frames[frames.length - 1]!);
    this.port.offer(frames);
  }

  /** Sends a gratuitous ARP for the VM's address. */
  announce(): void {
    this.send([this.core.announce()]);
  }

  /** The MAC of `ip` from the cache, else by ARP (three tries within timeoutMs). */
  resolve(ip: string, timeoutMs = 1000): Promise<string | undefined> {
    const known = this.core.arpCache.get(ip);
    if (known) return Promise.resolve(known);
    const pending = this.resolving.get(ip);
    if (pending) return pending;
    const p = (async () => {
      const tries = 3;
      for (let i = 0; i < tries && !this.closed; i++) {
        const learnt = this.waitFor(
          (e) => (e.kind === 'arp-learnt' && e.ip === ip ? e.mac : undefined),
          timeoutMs / tries,
        );
        this.send([this.core.arpRequest(ip)]);
        const mac = await learnt;
        if (mac) return mac;
      }
      return this.core.arpCache.get(ip);
    })().finally(() => this.resolving.delete(ip));
    this.resolving.set(ip, p);
    return p;
  }

  async ping(dst: string, opts: PingOptions = {}): Promise<PingResult> {
    const count = opts.count ?? 1;
    const intervalMs = opts.intervalMs ?? 100;
    const timeoutMs = opts.timeoutMs ?? 1000;
    const id = this.nextPingId++ & 0xffff;
    const probes: Promise<PingProbe>[] = [];
    for (let seq = 1; seq <= count; seq++) {
      probes.push(this.probe(dst, id, seq, timeoutMs));
      if (seq < count) await sleep(intervalMs);
    }
    const done = await Promise.all(probes);
    return {
      from: this.ip,
      to: dst,
      probes: done,
      sent: done.length,
      received: done.filter((p) => p.replied).length,
    };
  }

  private async probe(dst: string, id: number, seq: number, timeoutMs: number): Promise<PingProbe> {
    const start = this.now();
    const hop = this.core.nextHop(dst);
    if (!hop) return { seq, replied: false, error: `${this.name}: no route to ${dst}` };
    const mac = await this.resolve(hop, timeoutMs);
    if (!mac) return { seq, replied: false, error: `${this.name}: ${hop}: no ARP reply` };
    const left = Math.max(1, timeoutMs - (this.now() - start));
    const answer = this.waitFor<VmEvent>(
      (e) =>
        (e.kind === 'echo-reply' && e.from === dst && e.id === id && e.seq === seq) ||
        e.kind === 'icmp'
          ? e
          : undefined,
      left,
    );
    const sentAt = this.now();
    this.send([this.core.echoRequest(dst, mac, id, seq)]);
    const e = await answer;
    if (e?.kind === 'echo-reply') return { seq, replied: true, rttMs: this.now() - sentAt };
    if (e?.kind === 'icmp')
      return { seq, replied: false, error: `ICMP type ${e.type} code ${e.code} from ${e.from}` };
    return { seq, replied: false };
  }

  /** Answers SYNs to `port` with SYN-ACK (closed ports answer RST). */
  listen(port: number): void {
    this.core.listen(port);
  }

  unlisten(port: number): void {
    this.core.unlisten(port);
  }

  /** Sends a SYN and reports what came back. */
  async connect(dst: string, port: number, timeoutMs = 1000): Promise<ConnectResult> {
    const start = this.now();
    const hop = this.core.nextHop(dst);
    const mac = hop && (await this.resolve(hop, timeoutMs));
    if (!mac) return 'timeout';
    const local = this.allocatePort();
    const answer = this.waitFor(
      (e) =>
        e.kind === 'tcp-answer' && e.from === dst && e.remotePort === port && e.localPort === local
          ? e.answer
          : undefined,
      Math.max(1, timeoutMs - (this.now() - start)),
    );
    this.send([this.core.syn(dst, mac, local, port)]);
    const a = await answer;
    if (!a) this.core.abandon(dst, local, port);
    return a === 'syn-ack' ? 'established' : a === 'reset' ? 'reset' : 'timeout';
  }

  /** Sends one UDP datagram; false when the next hop could not be resolved. */
  async sendUdp(
    dst: string,
    dport: number,
    payload: Uint8Array,
    opts: { sport?: number; timeoutMs?: number } = {},
  ): Promise<boolean> {
    const hop = this.core.nextHop(dst);
    const mac = hop && (await this.resolve(hop, opts.timeoutMs ?? 1000));
    if (!mac) return false;
    this.send([this.core.udp(dst, mac, opts.sport ?? this.allocatePort(), dport, payload)]);
    return true;
  }

  /** Calls `fn` for every UDP datagram addressed to this VM; returns the unsubscribe function. */
  onUdp(fn: (d: UdpDatagram) => void): () => void {
    const l: Listener = (e) => {
      if (e.kind === 'udp')
        fn({ from: e.from, sport: e.sport, dport: e.dport, payload: e.payload });
    };
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  /** Stops answering and sending (the port's removal from the datapath is the hypervisor's job). */
  close(): void {
    this.closed = true;
  }

  private receive(frame: Uint8Array): void {
    if (this.closed) return;
    this.rx++;
    const out = this.core.receive(frame);
    for (const e of out.events) for (const l of [...this.listeners]) l(e);
    // Answers go out after the datapath has finished the batch that delivered the request.
    if (out.send.length > 0) queueMicrotask(() => this.send(out.send));
  }

  private waitFor<T>(
    pick: (e: VmEvent) => T | undefined,
    timeoutMs: number,
  ): Promise<T | undefined> {
    return new Promise((resolve) => {
      const l: Listener = (e) => {
        const v = pick(e);
        if (v === undefined) return;
        finish(v);
      };
      const timer = setTimeout(() => finish(undefined), timeoutMs);
      const finish = (v: T | undefined) => {
        clearTimeout(timer);
        this.listeners.delete(l);
        resolve(v);
      };
      this.listeners.add(l);
    });
  }

  private allocatePort(): number {
    const p = this.nextLocalPort;
    this.nextLocalPort = p >= 65535 ? 49152 : p + 1;
    return p;
  }
}

function hash(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}
