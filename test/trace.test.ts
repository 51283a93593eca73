/**
 * `ovn-ts trace` against SB compiled by a running northd: a packet crosses switch → router →
 * switch, and a VM with a changed IP is dropped by port security.
 */
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { type NorthdKit, startNorthdKit } from './northd-kit.js';

const OVN_TS = resolve(import.meta.dirname, '../packages/cli/bin/ovn-ts.js');
let kit: NorthdKit;

beforeAll(async () => {
  kit = await startNorthdKit('trace');
  // Two subnets joined by a router; vm1 on sw0 with port security, vm2 on sw1.
  const join = (sw: string, lrp: string) => [
    '--',
    'lsp-add',
    sw,
    `${sw}-lr0`,
    '--',
    'lsp-set-type',
    `${sw}-lr0`,
    'router',
    '--',
    'lsp-set-addresses',
    `${sw}-lr0`,
    'router',
    '--',
    'lsp-set-options',
    `${sw}-lr0`,
    `router-port=${lrp}`,
  ];
  await kit.ok(
    '--wait=sb',
    'ls-add',
    'sw0',
    '--',
    'ls-add',
    'sw1',
    '--',
    'lr-add',
    'lr0',
    '--',
    'lrp-add',
    'lr0',
    'lr0-sw0',
    '0a:00:00:00:01:00',
    '10.0.0.1/24',
    '--',
    'lrp-add',
    'lr0',
    'lr0-sw1',
    '0a:00:00:00:01:01',
    '10.0.1.1/24',
    ...join('sw0', 'lr0-sw0'),
    ...join('sw1', 'lr0-sw1'),
    '--',
    'lsp-add',
    'sw0',
    'vm1',
    '--',
    'lsp-set-addresses',
    'vm1',
    '0a:00:00:00:00:01 10.0.0.11',
    '--',
    'lsp-set-port-security',
    'vm1',
    '0a:00:00:00:00:01 10.0.0.11',
    '--',
    'lsp-add',
    'sw1',
    'vm2',
    '--',
    'lsp-set-addresses',
    'vm2',
    '0a:00:00:00:00:02 10.0.1.12',
  );
});

afterAll(() => kit.stop());

function trace(...args: string[]) {
  const r = spawnSync(process.execPath, [OVN_TS, 'trace', '--db', kit.url, ...args], {
    encoding: 'utf8',
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const ping = (src: string) =>
  `inport == "vm1" && eth.src == 0a:00:00:00:00:01 && eth.dst == 0a:00:00:00:01:00 && ip4.src == ${src} && ip4.dst == 10.0.1.12 && ip.ttl == 64 && icmp4.type == 8`;

test('a ping crosses the router: TTL decremented, MACs rewritten, delivered to vm2', () => {
  const r = trace('--summary', 'sw0', ping('10.0.0.11'));
  expect(r.code).toBe(0);
  expect(r.out).toContain('ingress(dp="lr0", inport="lr0-sw0")');
  expect(r.out).toContain('ip.ttl--;');
  expect(r.out).toContain('eth.src = 0a:00:00:00:01:01;');
  expect(r.out).toContain('eth.dst = 0a:00:00:00:00:02;');
  expect(r.out.trim().split('\n').at(-1)).toBe('output to "vm2" (sw1)');
});

test('the detailed trace names each stage and the NB row behind each flow', () => {
  const r = trace(ping('10.0.0.11'));
  expect(r.out).toMatch(
    /ls_in_port_sec_l2 \(ls-port-security-l2, logical_switch_port [0-9a-f]{8}\): inport == "vm1"/,
  );
  expect(r.out).toMatch(/lr_in_ip_routing \(/);
});

test('a VM that changed its IP is dropped by port security', () => {
  const r = trace('--minimal', 'sw0', ping('10.0.0.99'));
  expect(r.out.trim().split('\n').at(-1)).toBe('drop in sw0 ls_in_port_sec_ip: drop');
});

test('errors name the problem', () => {
  expect(trace('nosuch', 'inport == "vm1"')).toMatchObject({
    code: 1,
    err: 'ovn-ts: trace: nosuch: no such datapath\n',
  });
  expect(trace('sw0', 'inport == "vm1" &&').code).toBe(1);
});
