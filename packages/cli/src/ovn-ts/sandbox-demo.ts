// `ovn-ts sandbox --demo`: two switches joined by a router, four VMs on two hypervisors, pings
// that must succeed, then a VM takes an address NB does not know and port security drops it.
// Every step prints its expected and actual outcome; the demo passes only if all of them match.

import type { Sandbox } from '@ovn-ts/sandbox';
import { main as nbctl } from '../nbctl/main.js';

interface DemoVm {
  readonly name: string;
  readonly hv: string;
  readonly sw: string;
  readonly mac: string;
  readonly ip: string;
  readonly gw: string;
}

const ROUTER = [
  { sw: 'sw0', lrp: 'lr0-sw0', mac: '0a:00:00:00:ff:00', ip: '10.0.0.1', prefix: 24 },
  { sw: 'sw1', lrp: 'lr0-sw1', mac: '0a:00:00:00:ff:01', ip: '10.0.1.1', prefix: 24 },
] as const;

// Two VMs per switch; hv1 holds a pair on one switch (same switch, same hypervisor), and each
// switch also spans both hypervisors.
export const DEMO_VMS: readonly DemoVm[] = [
  { name: 'vm1', hv: 'hv1', sw: 'sw0', mac: '0a:00:00:00:00:01', ip: '10.0.0.11', gw: '10.0.0.1' },
  { name: 'vm2', hv: 'hv2', sw: 'sw0', mac: '0a:00:00:00:00:02', ip: '10.0.0.12', gw: '10.0.0.1' },
  { name: 'vm3', hv: 'hv1', sw: 'sw1', mac: '0a:00:00:00:01:03', ip: '10.0.1.13', gw: '10.0.1.1' },
  { name: 'vm4', hv: 'hv1', sw: 'sw1', mac: '0a:00:00:00:01:04', ip: '10.0.1.14', gw: '10.0.1.1' },
];

/** The nbctl command lines that build the demo's network, in one transaction. */
export function demoNbctlArgs(): string[] {
  const batch: string[][] = [
    ['ls-add', 'sw0'],
    ['ls-add', 'sw1'],
    ['lr-add', 'lr0'],
  ];
  for (const r of ROUTER) {
    batch.push(['lrp-add', 'lr0', r.lrp, r.mac, `${r.ip}/${r.prefix}`]);
    batch.push(['lsp-add-router-port', r.sw, `${r.sw}-lr0`, r.lrp]);
  }
  for (const v of DEMO_VMS) {
    const addr = `${v.mac} ${v.ip}`;
    batch.push(['lsp-add', v.sw, v.name]);
    batch.push(['lsp-set-addresses', v.name, addr]);
    batch.push(['lsp-set-port-security', v.name, addr]);
  }
  return ['--wait=sb', ...batch.flatMap((c, i) => (i === 0 ? c : ['--', ...c]))];
}

const quote = (a: string) => (/^[\w./:=@-]+$/.test(a) ? a : `"${a}"`);

/** Runs the demo on a started sandbox with hv1 and hv2; true when every outcome was as expected. */
export async function runDemo(
  sandbox: Sandbox,
  nbUrl: string,
  out: (line: string) => void,
): Promise<boolean> {
  let failures = 0;
  let step = 0;
  const check = (expected: string, actual: string, detail = '') => {
    const good = expected === actual;
    if (!good) failures++;
    out(
      `  expected: ${expected}; outcome: ${actual}${detail ? ` (${detail})` : ''} … ${good ? 'ok' : 'UNEXPECTED'}`,
    );
    return good;
  };

  out(`[${++step}] NB: two switches joined by a router, four VM ports with port security`);
  const args = demoNbctlArgs();
  out(`  nbctl ${args.map(quote).join(' ')}`);
  let nbErr = '';
  const code = await nbctl(args, { out: () => {}, err: (t) => (nbErr += t) }, { OVN_NB_DB: nbUrl });
  if (!check('exit 0', `exit ${code}`, nbErr.trim())) return false;

  out(`[${++step}] attach four VMs (each VM's name is its logical port)`);
  // All four at once, as a cloud would plug them; then one wait until every chassis caught up.
  for (const v of DEMO_VMS) {
    sandbox
      .hypervisor(v.hv)
      .attachVm({ name: v.name, mac: v.mac, ip: `${v.ip}/24`, gateway: v.gw });
    out(`  ${v.name} on ${v.hv}: ${v.sw}, ${v.mac} ${v.ip}/24 via ${v.gw}`);
  }
  try {
    await sandbox.waitUp(DEMO_VMS.map((v) => v.name));
    await sandbox.sync();
    check(
      'ports up, flows installed on every chassis',
      'ports up, flows installed on every chassis',
    );
  } catch (err) {
    check('ports up, flows installed on every chassis', 'not up', (err as Error).message);
    return false;
  }

  const ping = async (
    from: string,
    to: string,
    title: string,
    expected: 'replies' | 'no reply',
  ) => {
    const dst = DEMO_VMS.find((v) => v.name === to)!;
    out(`[${++step}] ${title}: ${from} → ${to} (${dst.ip})`);
    const r = await sandbox.vm(from).ping(dst.ip, {
      count: expected === 'replies' ? 3 : 2,
      intervalMs: 50,
      timeoutMs: expected === 'replies' ? 2000 : 600,
    });
    const rtts = r.probes.filter((p) => p.replied).map((p) => (p.rttMs ?? 0).toFixed(2));
    const detail = `${r.received}/${r.sent} replies${rtts.length ? `, rtt ${rtts.join(' ')} ms` : ''}`;
    // All replies, or none: a partial result is neither outcome.
    const actual =
      r.received === r.sent ? 'replies' : r.received === 0 ? 'no reply' : 'some replies';
    check(expected, actual, detail);
  };

  await ping('vm3', 'vm4', 'same switch, same hypervisor', 'replies');
  await ping('vm1', 'vm2', 'same switch, across hypervisors (Geneve)', 'replies');
  await ping('vm1', 'vm3', 'across the router, same hypervisor', 'replies');
  await ping('vm2', 'vm4', 'across the router and hypervisors', 'replies');

  out(`[${++step}] vm2 changes its IP to 10.0.0.99 without telling NB`);
  sandbox.vm('vm2').setIp('10.0.0.99/24');
  out(
    '  port security (lsp-set-port-security vm2 "0a:00:00:00:00:02 10.0.0.12") only lets 10.0.0.12 out',
  );
  await ping('vm2', 'vm1', 'vm2 with its new IP', 'no reply');

  const hv2 = sandbox.hypervisorOf('vm2');
  out(`[${++step}] why: vm2's last packet traced through ${hv2.name}'s datapath`);
  const trace = hv2.trace('vm2').split('\n');
  for (const l of trace) out(`  | ${l}`);
  const drop = trace.find((l) => /ls_in_port_sec_\w+ .*actions=\(drop;\)/.test(l));
  check(
    'dropped by port security',
    drop ? 'dropped by port security' : 'not dropped there',
    drop ? drop.trim().replace(/ \[[0-9a-f-]+\]$/, '') : trace.at(-1),
  );

  out(`[${++step}] vm2 takes its IP back`);
  sandbox.vm('vm2').setIp('10.0.0.12/24');
  await ping('vm2', 'vm1', 'vm2 with its own IP again', 'replies');

  out(
    failures === 0
      ? `demo: every outcome was as expected (${step} steps)`
      : `demo: ${failures} unexpected outcome${failures > 1 ? 's' : ''}`,
  );
  return failures === 0;
}
