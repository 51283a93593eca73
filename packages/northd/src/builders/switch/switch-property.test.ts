// Properties of the switch builders over random switches: every flow is valid OVN, no two flows
// of a stage compete with the same priority and match, the result does not depend on the order
// rows arrived in, and only bad rows are reported.
import { parseActions, parseExpr } from '@ovn-ts/expr';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { flowKey } from '../../lflow.js';
import { SWITCH_EGRESS, SWITCH_INGRESS, stagePipeline, stageTable } from '../../stages.js';
import { NbFixture } from '../../testing/nb-fixture.js';
import { buildSwitch } from './test-helpers.js';

const LENGTHS = { ingress: SWITCH_INGRESS.length, egress: SWITCH_EGRESS.length };

interface PortSpec {
  type: '' | 'router' | 'localnet' | 'vtep';
  unknown: boolean;
  ipv6: boolean;
  security: 'none' | 'mac' | 'ip' | 'net';
  enabled: boolean;
  dhcp: boolean;
}

const portSpec = fc.record<PortSpec>({
  type: fc.constantFrom('', '', '', 'router', 'localnet', 'vtep'),
  unknown: fc.boolean(),
  ipv6: fc.boolean(),
  security: fc.constantFrom('none', 'mac', 'ip', 'net'),
  enabled: fc.boolean(),
  dhcp: fc.boolean(),
});

const GOOD_MATCHES = [
  'ip4',
  'tcp.dst == 80',
  'ip4.src == $as1',
  'inport == @pg1 && udp',
  'outport == @pg1',
  'icmp6',
  '1',
];
const BAD_MATCHES = ['ip4 &&', 'tcp.dsst == 1', '(ip4'];
const aclSpec = fc.record({
  portGroup: fc.boolean(),
  direction: fc.constantFrom('from-lport' as const, 'to-lport' as const),
  priority: fc.integer({ min: 0, max: 32767 }),
  match: fc.oneof(
    { weight: 5, arbitrary: fc.constantFrom(...GOOD_MATCHES) },
    { weight: 1, arbitrary: fc.constantFrom(...BAD_MATCHES) },
  ),
  action: fc.constantFrom(
    'allow' as const,
    'allow-related' as const,
    'allow-stateless' as const,
    'drop' as const,
    'reject' as const,
    'pass' as const,
  ),
  log: fc.boolean(),
  label: fc.constantFrom(0, 0, 5),
  afterLb: fc.boolean(),
});

const hex = (n: number) => n.toString(16).padStart(2, '0');

type AclSpec = typeof aclSpec extends fc.Arbitrary<infer T> ? T : never;

function fixture(ports: PortSpec[], acls: AclSpec[], lb: boolean, reverse: boolean): NbFixture {
  const fx = new NbFixture();
  fx.switch('sw0');
  fx.addressSet('as1', ['10.0.0.1', '10.0.0.2']);
  fx.router('lr0');
  // Shared DHCP options; rows are inserted in the same order either way (their uuids differ
  // from the ports', which is the point of the reversal below).
  const v4 = fx.insert('dhcp_options', {
    cidr: '10.0.0.0/16',
    options: { server_id: '10.0.255.254', server_mac: '00:00:00:00:ff:fe', lease_time: '3600' },
  });
  const v6 = fx.insert('dhcp_options', {
    cidr: 'fd00::/16',
    options: { server_id: '00:00:00:00:ff:fe' },
  });
  const order = ports.map((p, i) => [p, i] as const);
  if (reverse) order.reverse();
  const names: string[] = [];
  for (const [p, i] of order) {
    const name = `p${i}`;
    names.push(name);
    const mac = `00:00:00:00:01:${hex(i)}`;
    const ips = `10.0.${i}.5${p.ipv6 ? ` fd00::${i + 1}` : ''}`;
    if (p.type === 'router') {
      fx.routerPort('lr0', `lrp${i}`, `00:00:00:00:ff:${hex(i)}`, [
        `10.1.${i}.1/24`,
        ...(p.ipv6 ? [`fd01:${i}::1/64`] : []),
      ]);
      fx.port('sw0', name, {
        type: 'router',
        addresses: ['router'],
        options: { 'router-port': `lrp${i}` },
        enabled: p.enabled,
      });
      continue;
    }
    const security = {
      none: [],
      mac: [mac],
      ip: [`${mac} ${ips}`],
      net: [`${mac} 10.0.${i}.0/24`],
    }[p.security];
    fx.port('sw0', name, {
      type: p.type,
      addresses: [`${mac} ${ips}`, ...(p.unknown ? ['unknown'] : [])],
      port_security: security,
      enabled: p.enabled,
      ...(p.dhcp && { dhcpv4_options: v4.uuid, dhcpv6_options: v6.uuid }),
    });
  }
  // A virtual port whose parents are the first two ports.
  fx.port('sw0', 'vip', {
    type: 'virtual',
    addresses: ['00:00:00:00:02:00 10.0.200.1'],
    options: { 'virtual-ip': '10.0.200.1', 'virtual-parents': 'p0,p1' },
  });
  fx.portGroup('pg1', names.slice(0, 2));
  const aclOrder = reverse ? [...acls].reverse() : acls;
  for (const a of aclOrder) {
    fx.acl(
      a.portGroup ? { portGroup: 'pg1' } : { switch: 'sw0' },
      a.direction,
      a.priority,
      a.match,
      a.action,
      {
        log: a.log,
        label: a.label,
        options: a.afterLb ? { 'apply-after-lb': 'true' } : {},
      },
    );
  }
  if (lb) {
    const row = fx.insert('load_balancer', {
      name: 'lb',
      vips: { '10.9.9.9:80': '10.0.0.5:8080,10.0.1.5:8080' },
      protocol: 'tcp',
    });
    fx.insert('logical_switch_load_balancer', {
      switch_uuid: fx.id('sw0'),
      load_balancer_uuid: row.uuid,
    });
  }
  return fx;
}

const ENV = { addressSets: { as1: ['10.0.0.1', '10.0.0.2'] }, portGroups: { pg1: ['p0', 'p1'] } };

describe('switch builders over random switches', () => {
  test('flows are valid, unambiguous and independent of row order; only bad ACLs are reported', () => {
    fc.assert(
      fc.property(
        fc.array(portSpec, { minLength: 1, maxLength: 6 }),
        fc.array(aclSpec, { maxLength: 6 }),
        fc.boolean(),
        (ports, acls, lb) => {
          const built = buildSwitch(fixture(ports, acls, lb, false), 'sw0');
          const seen = new Map<string, string>();
          for (const f of built.flows) {
            const m = parseExpr(f.match, ENV);
            expect(m.ok, `${f.stage} match ${f.match}: ${m.ok ? '' : m.error.message}`).toBe(true);
            const a = parseActions(f.actions, {
              pipeline: stagePipeline(f.stage),
              table: stageTable(f.stage),
              pipelineLengths: LENGTHS,
            });
            expect(a.ok, `${f.stage} actions ${f.actions}: ${a.ok ? '' : a.error.message}`).toBe(
              true,
            );
            // Same stage, priority and match with different actions: which runs would be undefined.
            // Only user ACLs (same match and priority given twice) may do that.
            const k = `${f.stage} ${f.priority} ${f.match}`;
            const prev = seen.get(k);
            if (prev !== undefined && prev !== f.actions) expect(f.provenance.nbTable).toBe('acl');
            seen.set(k, f.actions);
          }
          const bad = acls.filter((a) => BAD_MATCHES.includes(a.match)).length;
          expect(built.diagnostics.length).toBe(bad);
          expect(built.diagnostics.every((d) => d.nbTable === 'acl')).toBe(true);

          // Rows arriving in the opposite order (other uuids, other insertion order): same flows.
          const reversed = buildSwitch(fixture(ports, acls, lb, true), 'sw0');
          const keys = (fs: typeof built.flows) => fs.map(flowKey).sort();
          expect(keys(reversed.flows)).toEqual(keys(built.flows));
        },
      ),
      { numRuns: 150 },
    );
  });
});
