// Test support: one chassis in memory. A Datapath with a memory port per local VIF, the pure
// compiler and installer, and punts handled synchronously (MAC bindings go into the view, which
// is recompiled), so packet tests run the same code paths as the daemon without a database.

import {
  Datapath,
  formatIp4,
  formatIp6,
  formatMac,
  MemoryPort,
  type PacketIn,
  type PortIo,
} from '@ovn-ts/datapath';
import { type CompileResult, ControllerCompiler } from '../compile/compiler.js';
import { type InstalledState, nothingInstalled, planInstall } from '../compile/install-plan.js';
import type { LocalContext, SbView, ViewMacBinding } from '../compile/sb-view.js';
import { handlePunt } from '../pinctrl/handle-punt.js';

export class ChassisHarness {
  readonly dp = new Datapath({ now: () => 0 });
  readonly vifs = new Map<string, MemoryPort>();
  readonly compiler = new ControllerCompiler();
  readonly unhandled: string[] = [];
  result!: CompileResult;
  private installed: InstalledState = nothingInstalled;
  private readonly pending: PacketIn[] = [];
  private macSeq = 0;

  /** `tunnelPorts`: remote chassis → the port of the tunnel to it (cx.tunnels gives its number). */
  constructor(
    public view: SbView,
    readonly cx: LocalContext,
    tunnelPorts: ReadonlyMap<string, PortIo> = new Map(),
  ) {
    for (const [name, ofport] of cx.localPorts) {
      const port = new MemoryPort();
      this.dp.addPort(name, port, { port: ofport });
      this.vifs.set(name, port);
    }
    for (const [chassis, io] of tunnelPorts)
      this.dp.addPort(`tun-${chassis}`, io, { port: cx.tunnels.get(chassis)! });
    this.dp.onPacketIn((pin) => this.pending.push(pin));
    this.sync();
  }

  /** Recompiles the view and installs the difference. */
  sync(): void {
    this.result = this.compiler.update(this.view, this.cx);
    const plan = planInstall(this.installed, this.result, 1);
    this.dp.bundle(plan.mods);
    this.installed = plan.next;
  }

  /** Sends frames in at a VIF, then handles the punts they cause (and those of their answers). */
  send(vif: string, frames: Uint8Array[]): void {
    this.vifs.get(vif)!.inject(frames);
    this.pump();
  }

  take(vif: string): Uint8Array[] {
    return this.vifs
      .get(vif)!
      .take()
      .map((c) => c.frame);
  }

  /** Handles pending punts (packets may arrive through a tunnel, not only through send). */
  pump(): void {
    for (let guard = 0; this.pending.length > 0 && guard < 100; guard++) {
      const pin = this.pending.shift()!;
      for (const e of handlePunt(pin)) {
        if (e.kind === 'packet-out') this.dp.packetOut({ packet: e.packet, actions: e.actions });
        else if (e.kind === 'resume')
          this.dp.resume(e.pin, { ...(e.packet && { packet: e.packet }), fields: e.fields });
        else if (e.kind === 'mac-binding') this.learn(e.binding);
        else if (e.kind === 'fdb') this.learnFdb(e.datapathKey, e.portKey, e.mac);
        else if (e.kind === 'bind-vport') this.bindVport(e.vport, e.datapathKey, e.parentKey);
        else this.unhandled.push(e.op);
      }
    }
  }

  private bindVport(vport: string, dpKey: number, parentKey: number): void {
    const dp = [...this.view.datapaths.values()].find((d) => d.key === dpKey);
    const parent = [...this.view.ports.values()].find(
      (p) => p.datapath === dp?.uuid && p.key === parentKey,
    );
    const ports = new Map(this.view.ports);
    for (const [k, p] of ports) {
      if (p.name === vport && parent)
        ports.set(k, { ...p, chassis: this.cx.chassis, virtualParent: parent.name });
    }
    this.view = { ...this.view, ports };
    this.sync();
  }

  private learnFdb(dpKey: number, portKey: number, mac: bigint): void {
    const text = formatMac(mac);
    const fdb = new Map(
      [...(this.view.fdb ?? [])].filter(([, e]) => !(e.dpKey === dpKey && e.mac === text)),
    );
    const uuid = `fdb-${++this.macSeq}`;
    fdb.set(uuid, { uuid, mac: text, dpKey, portKey });
    this.view = { ...this.view, fdb };
    this.sync();
  }

  private learn(b: {
    datapathKey: number;
    portKey: number;
    ip: bigint;
    v6: boolean;
    mac: bigint;
  }): void {
    const dp = [...this.view.datapaths.values()].find((d) => d.key === b.datapathKey);
    const port = [...this.view.ports.values()].find(
      (p) => p.datapath === dp?.uuid && p.key === b.portKey,
    );
    if (!dp || !port) return;
    const ip = b.v6 ? formatIp6(b.ip) : formatIp4(Number(b.ip));
    const macBindings = new Map(
      [...this.view.macBindings].filter(([, m]) => !(m.logicalPort === port.name && m.ip === ip)),
    );
    const row: ViewMacBinding = {
      uuid: `mac-${++this.macSeq}`,
      datapath: dp.uuid,
      logicalPort: port.name,
      ip,
      mac: formatMac(b.mac),
    };
    macBindings.set(row.uuid, row);
    this.view = { ...this.view, macBindings };
    this.sync();
  }
}
