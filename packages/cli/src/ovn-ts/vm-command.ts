// `ovn-ts vm attach|detach|ping|set-ip|list|trace|listen|connect|hypervisors`: the VM commands of a
// running sandbox. The same definitions serve the CLI (requests sent over the control socket) and
// the sandbox's own prompt (requests run in process): only `send` differs.

import { resolve } from 'node:path';
import { type Command, InvalidArgumentError } from 'commander';
import { CliError } from '../common/cli-error.js';
import type { VmRequest, VmResponse } from './vm-requests.js';

export type SendVmRequest = (req: VmRequest) => Promise<VmResponse>;

const int = (what: string) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0)
    throw new InvalidArgumentError(`${what} must be a whole number`);
  return n;
};

/** Adds the VM subcommands to `parent`; `send(req, cmd)` runs them and reports. */
export function addVmSubcommands(
  parent: Command,
  send: (req: VmRequest, cmd: Command) => Promise<void>,
): Command {
  parent
    .command('attach')
    .description('attach a new VM to a hypervisor; NAME is its iface-id (the logical port)')
    .argument('<hypervisor>')
    .argument('<name>')
    .requiredOption('--mac <mac>', 'MAC address')
    .requiredOption('--ip <ip/prefix>', 'IPv4 address with prefix length, e.g. 10.0.0.5/24')
    .option('--gw <ip>', 'default gateway')
    .action(
      (
        hypervisor: string,
        name: string,
        o: { mac: string; ip: string; gw?: string },
        cmd: Command,
      ) => send({ op: 'attach', hypervisor, name, mac: o.mac, ip: o.ip, gateway: o.gw }, cmd),
    );
  parent
    .command('detach')
    .description('unplug a VM (its port binding is released)')
    .argument('<name>')
    .action((name: string, _o: unknown, cmd: Command) => send({ op: 'detach', name }, cmd));
  parent
    .command('ping')
    .description('ping from a VM (ARP first, as a host would)')
    .argument('<name>')
    .argument('<dst>')
    .option('-c, --count <n>', 'echo requests', int('count'), 3)
    .option('-i, --interval-ms <ms>', 'pause between requests', int('interval'), 200)
    .option('-W, --timeout-ms <ms>', 'wait for each reply', int('timeout'), 1000)
    .action(
      (
        name: string,
        dst: string,
        o: { count: number; intervalMs: number; timeoutMs: number },
        cmd: Command,
      ) =>
        send(
          {
            op: 'ping',
            name,
            dst,
            count: o.count,
            intervalMs: o.intervalMs,
            timeoutMs: o.timeoutMs,
          },
          cmd,
        ),
    );
  parent
    .command('set-ip')
    .description("change a VM's address without telling NB (port security then drops its packets)")
    .argument('<name>')
    .argument('<ip/prefix>')
    .action((name: string, ip: string, _o: unknown, cmd: Command) =>
      send({ op: 'set-ip', name, ip }, cmd),
    );
  parent
    .command('list')
    .description('the VMs and their hypervisors')
    .action((_o: unknown, cmd: Command) => send({ op: 'list' }, cmd));
  parent
    .command('hypervisors')
    .description('the hypervisors, their encap IPs and VMs')
    .action((_o: unknown, cmd: Command) => send({ op: 'hypervisors' }, cmd));
  parent
    .command('trace')
    .description(
      "trace the VM's last sent packet through its hypervisor's datapath (logical flows named)",
    )
    .argument('<name>')
    .action((name: string, _o: unknown, cmd: Command) => send({ op: 'trace', name }, cmd));
  parent
    .command('listen')
    .description('make a VM answer TCP SYNs to a port with SYN-ACK')
    .argument('<name>')
    .argument('<port>', 'TCP port', int('port'))
    .action((name: string, port: number, _o: unknown, cmd: Command) =>
      send({ op: 'listen', name, port }, cmd),
    );
  parent
    .command('connect')
    .description('send a TCP SYN from a VM: established, reset or timeout')
    .argument('<name>')
    .argument('<dst>')
    .argument('<port>', 'TCP port', int('port'))
    .option('-W, --timeout-ms <ms>', 'wait for the answer', int('timeout'), 1000)
    .action((name: string, dst: string, port: number, o: { timeoutMs: number }, cmd: Command) =>
      send({ op: 'connect', name, dst, port, timeoutMs: o.timeoutMs }, cmd),
    );
  return parent;
}

/** `ovn-ts vm …` in another terminal: talks to the sandbox through its control socket. */
export function addVmCommand(program: Command): void {
  const vm = program
    .command('vm')
    .description('attach VMs to a running sandbox and ping between them')
    .option('--data-dir <dir>', 'the sandbox data directory', '.ovn-ts/sandbox');
  addVmSubcommands(vm, async (req, cmd) => {
    const { dataDir } = cmd.optsWithGlobals<{ dataDir: string }>();
    const [{ sendControl, CONTROL_SOCKET }] = await Promise.all([import('./control-socket.js')]);
    const res = await sendControl(resolve(dataDir, CONTROL_SOCKET), req);
    for (const l of res.lines) process.stdout.write(`${l}\n`);
    if (res.error) throw new CliError(res.error, res.code || 1);
    if (res.code !== 0) process.exitCode = res.code;
  });
}
