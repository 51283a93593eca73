/**
 * End-to-end kit: the whole stack in one process on a real PostgreSQL. NB written with nbctl (its
 * command path, in-process), northd compiling it into SB, and hypervisors made of an in-memory
 * `Datapath` with a `MemoryPort` per VIF and a controller (`runController`) following SB, joined by
 * Geneve over an in-memory underlay (synchronous delivery, so a frame sent in at one VIF has
 * reached its destination VIF when `inject` returns, unless a punt or the database is involved).
 */

import { type ControllerHandle, runController } from '@ovn-ts/controller';
import {
  Datapath,
  type DatapathControl,
  MemoryPort,
  MemoryUnderlay,
  type TunnelMetadata,
} from '@ovn-ts/datapath';
import { runNorthd } from '@ovn-ts/northd';
import { initSb } from '@ovn-ts/sb-db';
import pino from 'pino';
import { type NbctlKit, startNbctlKit } from '../packages/cli/src/nbctl/test-kit.js';

/** One Geneve packet on the underlay: outer addresses, VNI and OVN's option. */
export interface UnderlayPacket {
  readonly from: string;
  readonly to: string;
  readonly vni: number;
  /** OVN's Geneve option: ingress port key << 16 | egress port key. */
  readonly option: number | undefined;
}

/** The in-memory underlay, keeping a log of the tunnel packets it carried. */
export class RecordingUnderlay extends MemoryUnderlay {
  readonly log: UnderlayPacket[] = [];

  override route(to: string, frame: Uint8Array, meta: TunnelMetadata): void {
    this.log.push({
      from: meta.remoteIp ?? '?',
      to,
      vni: Number(meta.tunId),
      option: meta.geneveOption,
    });
    super.route(to, frame, meta);
  }

  /** Removes and returns the log. */
  take(): UnderlayPacket[] {
    return this.log.splice(0);
  }
}

/** Warnings and errors of northd and the controllers, kept for failure messages. */
function logBuffer() {
  const lines: string[] = [];
  const logger = (component: string) =>
    pino(
      { level: 'warn', base: { component } },
      { write: (s: string) => void lines.push(s.trim()) },
    );
  return { lines, logger };
}

export interface Hypervisor {
  readonly name: string;
  readonly encapIp: string;
  readonly dp: DatapathControl;
  /** The VIF of each logical port attached here. */
  readonly vifs: ReadonlyMap<string, MemoryPort>;
  /** The running controller (replaced by `restart`). */
  readonly ctl: ControllerHandle;
  /** Stops the controller (flows stay in the datapath) and starts a new one over the same datapath. */
  restart(): Promise<void>;
  /** Starts a new controller over the same datapath (after `stop`); resolves when it is ready. */
  start(): Promise<void>;
  /** Stops the controller; its flows stay. */
  stop(): Promise<void>;
}

export interface HypervisorOptions {
  /** Logical ports (iface-ids) to attach, at datapath ports 1, 2, … */
  readonly vifs?: readonly string[];
  /** The datapath to use (e.g. a gated one); default a fresh in-memory Datapath. */
  readonly datapath?: DatapathControl;
}

export interface E2eStack extends NbctlKit {
  /** What northd and the controllers logged at warn level and above. */
  readonly logs: readonly string[];
  /** Stops the controllers and northd, and drops the database. */
  stop(): Promise<void>;
  readonly underlay: RecordingUnderlay;
  readonly hypervisors: Hypervisor[];
  /** A chassis: its datapath, VIFs and controller; resolves once its first sync is installed. */
  addHypervisor(name: string, encapIp: string, options?: HypervisorOptions): Promise<Hypervisor>;
  /** SB Port_Binding rows that are up, with their chassis, by logical port. */
  upPorts(): Promise<{ logical_port: string; chassis: string }[]>;
  /** SB tunnel keys of every port binding: the port's and its datapath's. */
  portKeys(): Promise<Record<string, { port: number; datapath: number }>>;
  /** Waits until exactly these ports are up in SB, each bound to the given chassis. */
  waitUp(expected: Readonly<Record<string, string>>): Promise<void>;
  /**
   * Bumps nb_cfg with `nbctl --wait=hv sync`: when it returns, every chassis has installed a state
   * at least as new as everything written before (including the other chassis' port claims that
   * were in SB when northd wrote that nb_cfg).
   */
  syncHv(): Promise<void>;
}

export async function startE2eStack(prefix: string): Promise<E2eStack> {
  const kit = await startNbctlKit(prefix);
  await initSb(kit.pool);
  const { lines: logs, logger } = logBuffer();
  const ac = new AbortController();
  const northd = runNorthd({
    nbUrl: kit.url,
    sbUrl: kit.url,
    signal: ac.signal,
    log: logger('northd'),
    lockPollMs: 50,
  });
  const underlay = new RecordingUnderlay();
  const hypervisors: Hypervisor[] = [];
  const upPorts = () =>
    kit.query<{ logical_port: string; chassis: string }>(
      `SELECT pb.logical_port, c.name AS chassis
         FROM sb.port_binding pb JOIN sb.chassis c ON c.uuid = pb.chassis
        WHERE pb.up ORDER BY pb.logical_port`,
    );

  const addHypervisor = async (
    name: string,
    encapIp: string,
    options: HypervisorOptions = {},
  ): Promise<Hypervisor> => {
    const dp = options.datapath ?? new Datapath({ now: Date.now });
    const vifs = new Map<string, MemoryPort>();
    const ports: Record<string, number> = {};
    for (const [i, lport] of (options.vifs ?? []).entries()) {
      const io = new MemoryPort();
      ports[lport] = dp.addPort(`vif-${lport}`, io, { port: i + 1 });
      vifs.set(lport, io);
    }
    const start = () =>
      runController({
        sbUrl: kit.url,
        chassis: name,
        encapIp,
        datapath: dp,
        ports,
        log: logger(name),
        pollMs: 100,
        retryMs: 100,
        openTunnel: async (local) => underlay.socket(local),
      });
    let ctl = start();
    await ctl.ready;
    const hv: Hypervisor = {
      name,
      encapIp,
      dp,
      vifs,
      get ctl() {
        return ctl;
      },
      async restart() {
        await ctl.stop();
        ctl = start();
        await ctl.ready;
      },
      async start() {
        ctl = start();
        await ctl.ready;
      },
      stop: () => ctl.stop(),
    };
    hypervisors.push(hv);
    return hv;
  };

  return {
    ...kit,
    underlay,
    hypervisors,
    addHypervisor,
    upPorts,
    async portKeys() {
      const rows = await kit.query<{ logical_port: string; port: number; datapath: number }>(
        `SELECT pb.logical_port, pb.tunnel_key AS port, dp.tunnel_key AS datapath
           FROM sb.port_binding pb JOIN sb.datapath_binding dp ON dp.uuid = pb.datapath`,
      );
      return Object.fromEntries(
        rows.map((r) => [r.logical_port, { port: r.port, datapath: r.datapath }]),
      );
    },
    async waitUp(expected) {
      const want = JSON.stringify(
        Object.entries(expected)
          .sort(([a], [b]) => (a < b ? -1 : 1))
          .map(([logical_port, chassis]) => ({ logical_port, chassis })),
      );
      await eventually(`ports up ${want}`, upPorts, (rows) => JSON.stringify(rows) === want).catch(
        (e: Error) => {
          throw new Error(`${e.message}\nlogs:\n${logs.slice(-30).join('\n')}`);
        },
      );
    },
    async syncHv() {
      const r = await kit.nbctl('--wait=hv', '--timeout=30', 'sync');
      if (r.code === 0) return;
      const cfgs = await kit.query('SELECT name, nb_cfg FROM sb.chassis_private ORDER BY name');
      const g = await kit.query('SELECT nb_cfg, sb_cfg, hv_cfg FROM nb.nb_global');
      throw new Error(
        `nbctl --wait=hv sync failed: ${r.err}\nchassis: ${JSON.stringify(cfgs)}\n` +
          `nb_global: ${JSON.stringify(g)}\nlogs:\n${logs.slice(-30).join('\n')}`,
      );
    },
    logs,
    async stop() {
      await Promise.allSettled(hypervisors.map((h) => h.stop()));
      ac.abort();
      await northd.catch(() => {});
      await kit.close();
    },
  };
}

/**
 * A datapath whose barrier can be held: the controller installs its flows (bundle) but cannot
 * confirm them, so it does not report the nb_cfg it is installing until `release()`.
 */
export interface GatedDatapath {
  readonly dp: DatapathControl;
  /** From now on, barriers wait until `release()`. */
  hold(): void;
  release(): void;
  /** Resolves when a barrier is waiting on the gate. */
  readonly held: Promise<void>;
}

export function gatedDatapath(inner: Datapath = new Datapath({ now: Date.now })): GatedDatapath {
  let gate: Promise<void> | undefined;
  let open = () => {};
  let markHeld = () => {};
  let held = new Promise<void>((r) => (markHeld = r));
  const dp = new Proxy(inner, {
    get(target, key) {
      if (key === 'barrier') {
        return async () => {
          await target.barrier();
          if (gate) {
            markHeld();
            await gate;
          }
        };
      }
      const v = Reflect.get(target, key, target) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
  return {
    dp,
    hold() {
      held = new Promise<void>((r) => (markHeld = r));
      gate = new Promise<void>((r) => (open = r));
    },
    release() {
      gate = undefined;
      open();
    },
    get held() {
      return held;
    },
  };
}

/**
 * Polls `read` until `ok` holds (every 50 ms, up to `timeoutMs`), for use in hooks as well as
 * tests; the error names what was awaited and the last value seen.
 */
export async function eventually<T>(
  what: string,
  read: () => Promise<T> | T,
  ok: (v: T) => boolean,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await read();
    if (ok(v)) return v;
    if (Date.now() > deadline)
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}; last: ${JSON.stringify(v)}`,
      );
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The fields of a frame the scenarios look at. */
export interface Decoded {
  readonly ethSrc: string;
  readonly ethDst: string;
  readonly ethType: number;
  readonly arp?: { op: number; sha: string; spa: string; tha: string; tpa: string };
  readonly ip4?: { src: string; dst: string; ttl: number; proto: number };
  readonly icmp?: { type: number; code: number };
  readonly tcp?: { sport: number; dport: number; flags: number };
  readonly udp?: { sport: number; dport: number };
}

const mac = (b: Uint8Array, o: number) =>
  [...b.subarray(o, o + 6)].map((x) => x.toString(16).padStart(2, '0')).join(':');
const ip4 = (b: Uint8Array, o: number) => [...b.subarray(o, o + 4)].join('.');
const u16 = (b: Uint8Array, o: number) => (b[o]! << 8) | b[o + 1]!;

/** Decodes Ethernet, ARP, IPv4, ICMP, TCP and UDP headers (no VLAN, no IPv6: not used here). */
export function decode(f: Uint8Array): Decoded {
  const base = { ethDst: mac(f, 0), ethSrc: mac(f, 6), ethType: u16(f, 12) };
  if (base.ethType === 0x0806) {
    return {
      ...base,
      arp: { op: u16(f, 20), sha: mac(f, 22), spa: ip4(f, 28), tha: mac(f, 32), tpa: ip4(f, 38) },
    };
  }
  if (base.ethType !== 0x0800) return base;
  const l4 = 14 + (f[14]! & 0x0f) * 4;
  const proto = f[23]!;
  const d = { ...base, ip4: { src: ip4(f, 26), dst: ip4(f, 30), ttl: f[22]!, proto } };
  if (proto === 1) return { ...d, icmp: { type: f[l4]!, code: f[l4 + 1]! } };
  if (proto === 6)
    return { ...d, tcp: { sport: u16(f, l4), dport: u16(f, l4 + 2), flags: f[l4 + 13]! } };
  if (proto === 17) return { ...d, udp: { sport: u16(f, l4), dport: u16(f, l4 + 2) } };
  return d;
}

/** Everything a VIF has received since the last call, decoded. */
export function received(port: MemoryPort): Decoded[] {
  return port.take().map((c) => decode(c.frame));
}
