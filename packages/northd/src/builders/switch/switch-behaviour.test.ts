// Behaviour of the switch pipeline, stage by stage: which flow wins for a given packet. The
// register bits earlier stages set (ACL hints) are taken from the winning hint flow's actions.
import { beforeAll, describe, expect, test } from 'vitest';
import type { LFlow } from '../../lflow.js';
import { NbFixture } from '../../testing/nb-fixture.js';
import { type FieldValue, packet, type StageEnv, verdict, winner } from './stage-eval.js';
import { buildSwitch } from './test-helpers.js';

const M1 = '00:00:00:00:00:01';
const M2 = '00:00:00:00:00:02';
const RMAC = '00:00:00:00:ff:01';
const BCAST = 'ff:ff:ff:ff:ff:ff';

const ENV: StageEnv = {
  // "none" is what get_fdb leaves in outport when it knows no port: key 0.
  ports: new Map([
    ['none', 0],
    ['p1', 1],
    ['p2', 2],
    ['p3', 3],
    ['pu', 4],
    ['sw0-lr0', 5],
  ]),
  addressSets: { clients: ['10.0.0.1'] },
  portGroups: { pg_web: ['p2'] },
};

let flows: LFlow[];
beforeAll(() => {
  const fx = new NbFixture();
  fx.switch('sw0');
  fx.port('sw0', 'p1', { addresses: [`${M1} 10.0.0.1`], port_security: [`${M1} 10.0.0.1`] });
  fx.port('sw0', 'p2', { addresses: [`${M2} 10.0.0.2`] });
  fx.port('sw0', 'p3', { addresses: ['00:00:00:00:00:03 10.0.0.3'], enabled: false });
  fx.port('sw0', 'pu', { addresses: ['unknown'] });
  fx.router('lr0');
  fx.routerPort('lr0', 'lrp0', RMAC, ['10.0.0.254/24']);
  fx.connect('sw0', 'sw0-lr0', 'lrp0');
  fx.addressSet('clients', ['10.0.0.1']);
  fx.portGroup('pg_web', ['p2']);
  // Web servers in pg_web take HTTP from the clients address set, nothing else over IPv4.
  fx.acl(
    { portGroup: 'pg_web' },
    'to-lport',
    1000,
    'outport == @pg_web && tcp.dst == 80 && ip4.src == $clients',
    'allow-related',
  );
  fx.acl({ portGroup: 'pg_web' }, 'to-lport', 900, 'outport == @pg_web && ip4', 'drop');
  const r = buildSwitch(fx, 'sw0');
  expect(r.diagnostics).toEqual([]);
  flows = r.flows;
});

const pkt = (fields: Record<string, FieldValue>) => packet(ENV, fields);
const ip4 = { 'eth.type': 0x800 };
const tcp = { ...ip4, 'ip.proto': 6 };
const arp = { 'eth.type': 0x806 };

describe('ingress port security', () => {
  test('a port with port security admits only its own MAC; others miss the table (dropped)', () => {
    expect(verdict(flows, 'ls_in_port_sec_l2', pkt({ inport: 'p1', 'eth.src': M1 }), ENV)).toBe(
      '50: next;',
    );
    expect(verdict(flows, 'ls_in_port_sec_l2', pkt({ inport: 'p1', 'eth.src': M2 }), ENV)).toBe(
      'miss',
    );
    // p2 has no port security: any unicast source.
    expect(
      verdict(
        flows,
        'ls_in_port_sec_l2',
        pkt({ inport: 'p2', 'eth.src': '00:00:00:00:00:99' }),
        ENV,
      ),
    ).toBe('50: next;');
  });

  test('multicast sources, VLAN tags and disabled ports are dropped at admission', () => {
    expect(
      verdict(
        flows,
        'ls_in_port_sec_l2',
        pkt({ inport: 'p2', 'eth.src': '01:00:5e:00:00:01' }),
        ENV,
      ),
    ).toBe('100: drop;');
    expect(
      verdict(
        flows,
        'ls_in_port_sec_l2',
        pkt({ inport: 'p2', 'eth.src': M2, 'vlan.tci': 0x1000 | 10 }),
        ENV,
      ),
    ).toBe('100: drop;');
    expect(
      verdict(
        flows,
        'ls_in_port_sec_l2',
        pkt({ inport: 'p3', 'eth.src': '00:00:00:00:00:03' }),
        ENV,
      ),
    ).toBe('100: drop;');
  });

  test('IP spoofing is dropped, the own address and DHCP discovery pass', () => {
    const from = { inport: 'p1', 'eth.src': M1, ...ip4 };
    expect(verdict(flows, 'ls_in_port_sec_ip', pkt({ ...from, 'ip4.src': '10.0.0.1' }), ENV)).toBe(
      '90: next;',
    );
    expect(verdict(flows, 'ls_in_port_sec_ip', pkt({ ...from, 'ip4.src': '10.0.0.9' }), ENV)).toBe(
      '80: drop;',
    );
    const discover = {
      ...from,
      'ip.proto': 17,
      'ip4.src': '0.0.0.0',
      'ip4.dst': '255.255.255.255',
      'udp.src': 68,
      'udp.dst': 67,
    };
    expect(verdict(flows, 'ls_in_port_sec_ip', pkt(discover), ENV)).toBe('90: next;');
    // Ports without IP port security are not constrained.
    expect(
      verdict(
        flows,
        'ls_in_port_sec_ip',
        pkt({ inport: 'p2', 'eth.src': M2, ...ip4, 'ip4.src': '10.9.9.9' }),
        ENV,
      ),
    ).toBe('0: next;');
  });

  test('ARP announcing a foreign address is dropped', () => {
    const a = { inport: 'p1', 'eth.src': M1, ...arp, 'arp.sha': M1 };
    expect(verdict(flows, 'ls_in_port_sec_nd', pkt({ ...a, 'arp.spa': '10.0.0.1' }), ENV)).toBe(
      '90: next;',
    );
    expect(verdict(flows, 'ls_in_port_sec_nd', pkt({ ...a, 'arp.spa': '10.0.0.2' }), ENV)).toBe(
      '80: drop;',
    );
  });
});

describe('stateful ACLs on a port group (egress to pg_web)', () => {
  /** Runs the hint stage, applies the bits its winner sets, and returns the ACL verdict. */
  function aclVerdict(fields: Record<string, FieldValue>): { hint: number; acl: string } {
    const p = pkt(fields);
    const hint = winner(flows, 'ls_out_acl_hint', p, ENV)!;
    const bits = Object.fromEntries(
      [...hint.actions.matchAll(/(reg0\[\d+\]) = 1/g)].map((m) => [m[1]!, 1]),
    );
    return {
      hint: hint.priority,
      acl: verdict(flows, 'ls_out_acl', packet(ENV, { ...fields, ...bits }), ENV),
    };
  }
  const toWeb = { outport: 'p2', ...tcp, 'tcp.dst': 80 };
  const NEW = { 'ct.trk': 1, 'ct.new': 1 };
  const EST = { 'ct.trk': 1, 'ct.est': 1 };

  test('a new connection from an allowed client is committed', () => {
    expect(aclVerdict({ ...toWeb, ...NEW, 'ip4.src': '10.0.0.1' })).toEqual({
      hint: 7,
      acl: '2000: reg0[1] = 1; next;',
    });
  });

  test('a new connection from anyone else is dropped by the lower-priority drop ACL', () => {
    expect(aclVerdict({ ...toWeb, ...NEW, 'ip4.src': '10.0.0.9' })).toEqual({
      hint: 7,
      acl: '1900: drop;',
    });
  });

  test('an established connection no longer allowed is marked blocked', () => {
    expect(aclVerdict({ ...toWeb, ...EST, 'ip4.src': '10.0.0.9' })).toEqual({
      hint: 4,
      acl: '1900: ct_commit { ct_mark.blocked = 1; }; /* drop */',
    });
  });

  test('an established, still allowed request passes without recommit', () => {
    expect(aclVerdict({ ...toWeb, ...EST, 'ip4.src': '10.0.0.1' })).toEqual({
      hint: 4,
      acl: '2000: next;',
    });
  });

  test('replies pass above the ACLs unless blocked; invalid packets drop', () => {
    const reply = {
      outport: 'p2',
      ...tcp,
      'tcp.src': 80,
      'ip4.src': '10.0.0.9',
      ...EST,
      'ct.rpl': 1,
    };
    expect(aclVerdict(reply).acl).toBe('65532: next;');
    expect(aclVerdict({ ...reply, 'ct_mark.blocked': 1 }).acl).toBe('65532: drop;');
    expect(aclVerdict({ ...toWeb, 'ct.trk': 1, 'ct.inv': 1, 'ip4.src': '10.0.0.1' }).acl).toBe(
      '65532: drop;',
    );
  });

  test('ports outside the group fall to the default allow, which commits new connections', () => {
    expect(
      aclVerdict({ outport: 'p1', ...tcp, 'tcp.dst': 80, ...NEW, 'ip4.src': '10.0.0.9' }).acl,
    ).toBe('1: reg0[1] = 1; next;');
  });

  test('traffic through the router port skips conntrack', () => {
    const p = pkt({ outport: 'sw0-lr0', ...tcp });
    expect(verdict(flows, 'ls_out_pre_acl', p, ENV)).toBe('110: next;');
    expect(verdict(flows, 'ls_out_pre_acl', pkt({ outport: 'p2', ...tcp }), ENV)).toBe(
      '100: reg0[0] = 1; next;',
    );
  });
});

describe('ARP responder and L2 lookup', () => {
  test('ARP for a known address is answered, except to its owner', () => {
    const req = { ...arp, 'arp.op': 1, 'arp.tpa': '10.0.0.1' };
    expect(winner(flows, 'ls_in_arp_rsp', pkt({ ...req, inport: 'p2' }), ENV)?.actions).toContain(
      `arp.sha = ${M1};`,
    );
    expect(verdict(flows, 'ls_in_arp_rsp', pkt({ ...req, inport: 'p1' }), ENV)).toBe('100: next;');
    // The router port's address is answered with the router's MAC.
    const r = winner(
      flows,
      'ls_in_arp_rsp',
      pkt({ ...arp, 'arp.op': 1, 'arp.tpa': '10.0.0.254', inport: 'p1' }),
      ENV,
    );
    expect(r?.actions).toContain(`eth.src = ${RMAC};`);
    // A port taking unknown MACs is not answered for; nor is a disabled port.
    expect(
      verdict(
        flows,
        'ls_in_arp_rsp',
        pkt({ ...arp, 'arp.op': 1, 'arp.tpa': '10.0.0.3', inport: 'p1' }),
        ENV,
      ),
    ).toBe('0: next;');
  });

  test('known MAC → its port; broadcast → _MC_flood; unknown → FDB, then _MC_unknown', () => {
    expect(verdict(flows, 'ls_in_l2_lkup', pkt({ 'eth.dst': M2 }), ENV)).toBe(
      '50: outport = "p2"; output;',
    );
    expect(verdict(flows, 'ls_in_l2_lkup', pkt({ 'eth.dst': RMAC }), ENV)).toBe(
      '50: outport = "sw0-lr0"; output;',
    );
    expect(verdict(flows, 'ls_in_l2_lkup', pkt({ 'eth.dst': BCAST }), ENV)).toBe(
      '70: outport = "_MC_flood"; output;',
    );
    expect(verdict(flows, 'ls_in_l2_lkup', pkt({ 'eth.dst': '00:00:00:00:00:99' }), ENV)).toBe(
      '0: outport = get_fdb(eth.dst); next;',
    );
    // get_fdb found nothing: outport is "none" (0).
    expect(verdict(flows, 'ls_in_l2_unknown', pkt({}), ENV)).toBe(
      '50: outport = "_MC_unknown"; output;',
    );
    expect(verdict(flows, 'ls_in_l2_unknown', pkt({ outport: 'pu' }), ENV)).toBe('0: output;');
  });
});

describe('egress port security', () => {
  test('a port with IP port security receives only its addresses, broadcast and multicast', () => {
    const to = { outport: 'p1', 'eth.dst': M1, ...ip4 };
    expect(verdict(flows, 'ls_out_port_sec_ip', pkt({ ...to, 'ip4.dst': '10.0.0.1' }), ENV)).toBe(
      '90: next;',
    );
    expect(
      verdict(flows, 'ls_out_port_sec_ip', pkt({ ...to, 'ip4.dst': '224.0.0.251' }), ENV),
    ).toBe('90: next;');
    expect(verdict(flows, 'ls_out_port_sec_ip', pkt({ ...to, 'ip4.dst': '10.0.0.7' }), ENV)).toBe(
      '80: drop;',
    );
    expect(verdict(flows, 'ls_out_port_sec_l2', pkt({ outport: 'p1', 'eth.dst': M2 }), ENV)).toBe(
      'miss',
    );
  });

  test('a disabled port receives nothing, not even broadcast', () => {
    expect(
      verdict(flows, 'ls_out_port_sec_l2', pkt({ outport: 'p3', 'eth.dst': BCAST }), ENV),
    ).toBe('150: drop;');
    expect(
      verdict(flows, 'ls_out_port_sec_l2', pkt({ outport: 'p2', 'eth.dst': BCAST }), ENV),
    ).toBe('100: output;');
  });
});

describe('port group ACL scope', () => {
  test('a port group ACL applies on the switches where the group has ports, and only there', () => {
    const fx = new NbFixture();
    fx.switch('sw0');
    fx.switch('sw1');
    fx.switch('sw2');
    fx.port('sw0', 'a', { addresses: ['00:00:00:00:00:0a'] });
    fx.port('sw1', 'b', { addresses: ['00:00:00:00:00:0b'] });
    fx.port('sw2', 'c', { addresses: ['00:00:00:00:00:0c'] });
    fx.portGroup('pg', ['a', 'b']);
    fx.acl({ portGroup: 'pg' }, 'from-lport', 10, 'inport == @pg && udp', 'drop');
    const aclFlows = (sw: string) =>
      buildSwitch(fx, sw)
        .flows.filter((f) => f.stage === 'ls_in_acl')
        .map((f) => `${f.priority} ${f.match}`);
    expect(aclFlows('sw0')).toEqual(['0 1', '1010 inport == @pg && udp']);
    expect(aclFlows('sw1')).toEqual(['0 1', '1010 inport == @pg && udp']);
    expect(aclFlows('sw2')).toEqual(['65535 1']);
  });
});
