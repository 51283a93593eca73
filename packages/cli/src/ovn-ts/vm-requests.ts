// What `ovn-ts vm …` asks a running sandbox to do, and how the sandbox answers. Requests travel as
// JSON over the control socket (or come from the sandbox's own prompt); executeVmRequest is the
// one place that runs them, so both paths say the same things.

import type { PingResult, Sandbox } from '@ovn-ts/sandbox';

export type VmRequest =
  | {
      readonly op: 'attach';
      readonly hypervisor: string;
      readonly name: string;
      readonly mac: string;
      readonly ip: string;
      readonly gateway?: string | undefined;
    }
  | { readonly op: 'detach'; readonly name: string }
  | {
      readonly op: 'ping';
      readonly name: string;
      readonly dst: string;
      readonly count: number;
      readonly intervalMs: number;
      readonly timeoutMs: number;
    }
  | { readonly op: 'set-ip'; readonly name: string; readonly ip: string }
  | { readonly op: 'list' }
  | { readonly op: 'listen'; readonly name: string; readonly port: number }
  | {
      readonly op: 'connect';
      readonly name: string;
      readonly dst: string;
      readonly port: number;
      readonly timeoutMs: number;
    }
  | { readonly op: 'hypervisors' }
  /** Traces the VM's last sent frame through its hypervisor's datapath. */
  | { readonly op: 'trace'; readonly name: string };

export interface VmResponse {
  /** Lines for the user's terminal. */
  readonly lines: readonly string[];
  /** An error naming the object and the problem ("vm attach: hv9: no such hypervisor"). */
  readonly error?: string;
  /** Exit code for the client: 0, 1 for failure (a ping without replies), 2 for bad usage. */
  readonly code: number;
}

const ok = (lines: readonly string[]): VmResponse => ({ lines, code: 0 });
const fail = (error: string, code = 1): VmResponse => ({ lines: [], error, code });

/** How long attach waits for the port to come up before saying it is not bound (yet). */
const UP_WAIT_MS = 5000;

export async function executeVmRequest(sandbox: Sandbox, req: VmRequest): Promise<VmResponse> {
  const what = `vm ${req.op}`;
  try {
    switch (req.op) {
      case 'attach': {
        const hv = sandbox.hypervisors().find((h) => h.name === req.hypervisor);
        if (!hv) return fail(`${what}: ${req.hypervisor}: no such hypervisor`);
        if (sandbox.vms().some((v) => v.vm.name === req.name))
          return fail(`${what}: ${req.name}: VM already exists`);
        const vm = hv.attachVm({
          name: req.name,
          mac: req.mac,
          ip: req.ip,
          gateway: req.gateway,
        });
        try {
          await sandbox.waitUp([req.name], { timeoutMs: UP_WAIT_MS });
          await sandbox.sync();
        } catch {
          return ok([
            `${vm.name} attached to ${hv.name} (${vm.mac} ${vm.ip}/${vm.prefix}), but logical port ${vm.name} is not up:`,
            `  create it: nbctl lsp-add SWITCH ${vm.name} -- lsp-set-addresses ${vm.name} "${vm.mac} ${vm.ip}"`,
          ]);
        }
        return ok([
          `${vm.name} attached to ${hv.name} (${vm.mac} ${vm.ip}/${vm.prefix}${vm.gateway ? ` via ${vm.gateway}` : ''}); port up`,
        ]);
      }
      case 'detach': {
        if (!findVm(sandbox, req.name)) return fail(`${what}: ${req.name}: no such VM`);
        await sandbox.detachVm(req.name);
        return ok([`${req.name} detached`]);
      }
      case 'ping': {
        const vm = findVm(sandbox, req.name);
        if (!vm) return fail(`${what}: ${req.name}: no such VM`);
        const r = await vm.ping(req.dst, {
          count: req.count,
          intervalMs: req.intervalMs,
          timeoutMs: req.timeoutMs,
        });
        return { lines: formatPing(vm.name, r), code: r.received > 0 ? 0 : 1 };
      }
      case 'set-ip': {
        const vm = findVm(sandbox, req.name);
        if (!vm) return fail(`${what}: ${req.name}: no such VM`);
        const before = `${vm.ip}/${vm.prefix}`;
        try {
          vm.setIp(req.ip);
        } catch (err) {
          return fail(`${what}: ${req.name}: ${(err as Error).message}`, 2);
        }
        return ok([`${vm.name}: ${before} → ${vm.ip}/${vm.prefix} (NB not told)`]);
      }
      case 'list': {
        const rows = sandbox.vms();
        if (rows.length === 0)
          return ok(['no VMs (attach one: ovn-ts vm attach HV VM --mac M --ip A/N)']);
        return ok(
          rows.map(
            ({ hypervisor, vm }) =>
              `${hypervisor}  ${vm.name}  ${vm.mac}  ${vm.ip}/${vm.prefix}${vm.gateway ? `  gw ${vm.gateway}` : ''}  rx ${vm.rx} tx ${vm.tx}`,
          ),
        );
      }
      case 'hypervisors':
        return ok(
          sandbox.hypervisors().map(
            (h) =>
              `${h.name}  encap ${h.encapIp}  VMs: ${
                h
                  .vmList()
                  .map((v) => v.name)
                  .join(' ') || '-'
              }`,
          ),
        );
      case 'trace': {
        if (!findVm(sandbox, req.name)) return fail(`${what}: ${req.name}: no such VM`);
        const hv = sandbox.hypervisorOf(req.name);
        if (!hv.vm(req.name)?.lastSent) return fail(`${what}: ${req.name}: has sent nothing yet`);
        return ok([
          `${req.name}'s last packet through ${hv.name}'s datapath:`,
          ...hv.trace(req.name).split('\n'),
        ]);
      }
      case 'listen': {
        const vm = findVm(sandbox, req.name);
        if (!vm) return fail(`${what}: ${req.name}: no such VM`);
        vm.listen(req.port);
        return ok([`${vm.name} answers TCP SYNs to port ${req.port}`]);
      }
      case 'connect': {
        const vm = findVm(sandbox, req.name);
        if (!vm) return fail(`${what}: ${req.name}: no such VM`);
        const r = await vm.connect(req.dst, req.port, req.timeoutMs);
        return {
          lines: [`${vm.name} → ${req.dst}:${req.port}: ${r}`],
          code: r === 'established' ? 0 : 1,
        };
      }
    }
  } catch (err) {
    return fail(`${what}: ${(err as Error).message}`);
  }
}

function findVm(sandbox: Sandbox, name: string) {
  return sandbox.vms().find((v) => v.vm.name === name)?.vm;
}

/** ping(8)'s lines: one per probe, then the summary. */
export function formatPing(name: string, r: PingResult): string[] {
  const lines = [`PING ${r.to} from ${name} (${r.from})`];
  for (const p of r.probes)
    lines.push(
      p.replied
        ? `reply from ${r.to}: icmp_seq=${p.seq} time=${(p.rttMs ?? 0).toFixed(2)} ms`
        : `no reply: icmp_seq=${p.seq}${p.error ? ` (${p.error})` : ''}`,
    );
  const loss = r.sent === 0 ? 0 : Math.round((100 * (r.sent - r.received)) / r.sent);
  lines.push(`${r.sent} packets transmitted, ${r.received} received, ${loss}% packet loss`);
  return lines;
}
