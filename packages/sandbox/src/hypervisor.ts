// One chassis of the sandbox: a Datapath in this process, the controller following SB, and the
// VMs plugged into the datapath (each VM's name is its iface-id, i.e. its logical port).

import { type ControllerHandle, runController } from '@ovn-ts/controller';
import { Datapath } from '@ovn-ts/datapath';
import type pino from 'pino';
import { parseIp4Prefix } from './ip4-prefix.js';
import type { Underlay } from './underlay.js';
import { Vm } from './vm.js';

export interface HypervisorOptions {
  /** Chassis name (SB Chassis.name). */
  readonly name: string;
  readonly sbUrl: string;
  /** Geneve endpoint of this chassis. */
  readonly encapIp: string;
  readonly underlay: Underlay;
  readonly log?: pino.Logger;
  /** Feed poll interval of the controller (NOTIFY wakes it sooner). */
  readonly pollMs?: number;
  /** Millisecond clock for the datapath (conntrack), the controller and VM round-trip times. */
  readonly now?: () => number;
}

export interface VmSpec {
  /** VM name, also its iface-id: the logical switch port it binds to. */
  readonly name: string;
  readonly mac: string;
  /** "10.0.0.5/24" (a bare address means /24). */
  readonly ip: string;
  readonly gateway?: string | undefined;
}

export class Hypervisor {
  readonly dp: Datapath;
  private ctl: ControllerHandle;
  private readonly vms = new Map<string, Vm>();
  private readonly now: () => number;
  private stopped = false;

  constructor(private readonly opts: HypervisorOptions) {
    this.now = opts.now ?? (() => performance.now());
    this.dp = new Datapath({ now: this.now });
    this.ctl = this.startController();
  }

  get name(): string {
    return this.opts.name;
  }
  get encapIp(): string {
    return this.opts.encapIp;
  }
  /** Resolves when the controller has registered the chassis and installed its first flows. */
  get ready(): Promise<void> {
    return this.ctl.ready;
  }
  get controller(): ControllerHandle {
    return this.ctl;
  }

  vm(name: string): Vm | undefined {
    return this.vms.get(name);
  }

  vmList(): Vm[] {
    return [...this.vms.values()];
  }

  /** Plugs a new VM into the datapath and tells the controller its interface appeared. */
  attachVm(spec: VmSpec): Vm {
    if (this.stopped) throw new Error(`${this.name}: hypervisor is stopped`);
    if (this.vms.has(spec.name)) throw new Error(`${this.name}: ${spec.name}: VM already attached`);
    const { ip, prefix } = parseIp4Prefix(spec.ip);
    const vm = new Vm(
      { name: spec.name, mac: spec.mac, ip, prefix, gateway: spec.gateway },
      { now: this.now },
    );
    const port = this.dp.addPort(`tap-${spec.name}`, vm.port);
    this.vms.set(spec.name, vm);
    this.ctl.attach(spec.name, port);
    return vm;
  }

  /** Unplugs a VM: the controller releases its port binding. */
  async detachVm(name: string): Promise<void> {
    const vm = this.vms.get(name);
    if (!vm) throw new Error(`${this.name}: ${name}: no such VM`);
    this.vms.delete(name);
    vm.close();
    this.ctl.detach(name);
    await this.dp.removePort(`tap-${name}`);
  }

  /**
   * Traces `frame` (default: the last frame the VM sent) in at the VM's port: each datapath flow
   * it hits, named by its logical flow (stage, match, actions), and where it ends.
   */
  trace(vmName: string, frame?: Uint8Array): string {
    const vm = this.vms.get(vmName);
    if (!vm) throw new Error(`${this.name}: ${vmName}: no such VM`);
    const packet = frame ?? vm.lastSent;
    if (!packet) throw new Error(`${this.name}: ${vmName}: has sent nothing yet`);
    return this.ctl.trace(packet, this.dp.portNumber(`tap-${vmName}`)!);
  }

  /**
   * Stops the controller, leaving its flows and tunnels in the datapath (traffic keeps flowing),
   * and starts a new one that adopts them.
   */
  async restartController(): Promise<void> {
    await this.ctl.stop();
    this.ctl = this.startController();
    await this.ctl.ready;
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    for (const vm of this.vms.values()) vm.close();
    await this.ctl.stop({ removeTunnels: true });
    await this.dp.close();
  }

  private startController(): ControllerHandle {
    const ports: Record<string, number> = {};
    for (const vm of this.vms.values()) {
      const no = this.dp.portNumber(`tap-${vm.name}`);
      if (no !== undefined) ports[vm.name] = no;
    }
    return runController({
      sbUrl: this.opts.sbUrl,
      chassis: this.opts.name,
      encapIp: this.opts.encapIp,
      datapath: this.dp,
      ports,
      ...(this.opts.log && { log: this.opts.log }),
      ...(this.opts.pollMs !== undefined && { pollMs: this.opts.pollMs }),
      now: () => Date.now(),
      openTunnel: (ip) => this.opts.underlay.open(ip),
    });
  }
}
