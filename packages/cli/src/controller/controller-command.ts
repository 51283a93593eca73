import type { Command } from 'commander';
import { CliError, requireDbUrl } from '../common/cli-error.js';

const collect = (v: string, prev: string[] = []) => [...prev, v];

interface ControllerCliOptions {
  sb?: string;
  chassis: string;
  encapIp: string;
  iface?: string[];
  tap?: string[];
}

/** Splits LPORT=IFNAME; the logical port is the OVN iface-id. */
function binding(option: string, arg: string): [string, string] {
  const eq = arg.indexOf('=');
  if (eq <= 0 || eq === arg.length - 1)
    throw new CliError(`controller: ${option} ${arg}: expected LPORT=IFNAME`, 2);
  return [arg.slice(0, eq), arg.slice(eq + 1)];
}

/**
 * `ovn-ts controller`: one hypervisor. An in-process datapath with the given Linux interfaces
 * (AF_PACKET on an existing interface, e.g. a veth end, or a new TAP device) attached as logical
 * ports, Geneve tunnels on the encap IP, and the controller following SB.
 */
export function addControllerCommand(program: Command): void {
  program
    .command('controller')
    .description('run a hypervisor: datapath + controller following SB (like ovn-controller)')
    .option('--sb <url>', 'SB database URL (default: $OVN_SB_DB)')
    .requiredOption('--chassis <name>', 'this chassis name (SB Chassis.name)')
    .requiredOption('--encap-ip <ip>', 'Geneve tunnel endpoint of this chassis')
    .option(
      '--iface <LPORT=IFNAME>',
      'attach an existing interface for logical port LPORT (repeatable)',
      collect,
    )
    .option(
      '--tap <LPORT=TAPNAME>',
      'create a TAP device for logical port LPORT (repeatable)',
      collect,
    )
    .action(async (o: ControllerCliOptions) => {
      const sbUrl = requireDbUrl(o.sb, 'OVN_SB_DB', 'SB');
      const specs = [
        ...(o.iface ?? []).map((a) => ({
          kind: 'af_packet' as const,
          pair: binding('--iface', a),
        })),
        ...(o.tap ?? []).map((a) => ({ kind: 'tap' as const, pair: binding('--tap', a) })),
      ];
      const [{ Datapath, openPort }, { runController }] = await Promise.all([
        import('@ovn-ts/datapath'),
        import('@ovn-ts/controller'),
      ]);
      const dp = new Datapath({ now: Date.now });
      const ports: Record<string, number> = {};
      for (const [i, s] of specs.entries()) {
        const [lport, ifname] = s.pair;
        try {
          ports[lport] = dp.addPort(ifname, await openPort({ kind: s.kind, ifname }), {
            port: i + 1,
          });
        } catch (err) {
          throw new CliError(`controller: ${ifname}: ${(err as Error).message}`);
        }
      }
      const ctl = runController({
        sbUrl,
        chassis: o.chassis,
        encapIp: o.encapIp,
        datapath: dp,
        ports,
      });
      // The datapath lives in this process, so nothing can keep forwarding after it exits: a
      // signal stops the controller with its tunnels (whose sockets would otherwise keep the
      // process alive), then the datapath closes its ports.
      const stop = () => void ctl.stop({ removeTunnels: true });
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      await ctl.ready;
      process.stderr.write(`ovn-ts controller: ${o.chassis} is up (${specs.length} local ports)\n`);
      await ctl.done;
      await dp.close();
      process.stderr.write(`ovn-ts controller: ${o.chassis} stopped\n`);
    });
}
