import fc from 'fast-check';
import type { NbChange } from '../model/nb-model.js';
import type { NbFixture } from './nb-fixture.js';

/**
 * Random NB edits for property tests: each op picks rows by index among those that exist when it
 * is played, so every generated sequence is valid whatever came before.
 */
export type Op =
  | { kind: 'switch' }
  | { kind: 'router' }
  | { kind: 'port'; sw: number; mac: number; unknown: boolean; ps: boolean }
  | { kind: 'routerPort'; lr: number; net: number }
  | { kind: 'connect'; sw: number; lrp: number }
  | { kind: 'route'; lr: number; net: number }
  | { kind: 'acl'; sw: number; pri: number; bad: boolean }
  | { kind: 'portGroup'; ports: number[] }
  | { kind: 'pgAcl'; pg: number }
  | { kind: 'addressSet'; n: number }
  | { kind: 'updatePort'; port: number; mac: number; enabled: boolean }
  | { kind: 'movePort'; port: number; sw: number }
  | { kind: 'renameRouterPort'; lrp: number }
  | { kind: 'gatewayChassis'; lrp: number; chassis: number }
  | {
      kind: 'delete';
      table:
        | 'logical_switch'
        | 'logical_router'
        | 'logical_switch_port'
        | 'logical_router_port'
        | 'acl'
        | 'port_group_port';
      i: number;
    };

export const nbOp: fc.Arbitrary<Op> = fc.oneof(
  fc.constant({ kind: 'switch' as const }),
  fc.constant({ kind: 'router' as const }),
  fc.record({
    kind: fc.constant('port' as const),
    sw: fc.nat(9),
    mac: fc.nat(20),
    unknown: fc.boolean(),
    ps: fc.boolean(),
  }),
  fc.record({ kind: fc.constant('routerPort' as const), lr: fc.nat(9), net: fc.nat(5) }),
  fc.record({ kind: fc.constant('connect' as const), sw: fc.nat(9), lrp: fc.nat(9) }),
  fc.record({ kind: fc.constant('route' as const), lr: fc.nat(9), net: fc.nat(5) }),
  fc.record({
    kind: fc.constant('acl' as const),
    sw: fc.nat(9),
    pri: fc.nat(32767),
    bad: fc.boolean(),
  }),
  fc.record({
    kind: fc.constant('portGroup' as const),
    ports: fc.array(fc.nat(20), { maxLength: 3 }),
  }),
  fc.record({ kind: fc.constant('pgAcl' as const), pg: fc.nat(5) }),
  fc.record({ kind: fc.constant('addressSet' as const), n: fc.nat(4) }),
  fc.record({
    kind: fc.constant('updatePort' as const),
    port: fc.nat(20),
    mac: fc.nat(20),
    enabled: fc.boolean(),
  }),
  fc.record({ kind: fc.constant('movePort' as const), port: fc.nat(20), sw: fc.nat(9) }),
  fc.record({ kind: fc.constant('renameRouterPort' as const), lrp: fc.nat(9) }),
  fc.record({ kind: fc.constant('gatewayChassis' as const), lrp: fc.nat(9), chassis: fc.nat(2) }),
  fc.record({
    kind: fc.constant('delete' as const),
    table: fc.constantFrom(
      'logical_switch',
      'logical_router',
      'logical_switch_port',
      'logical_router_port',
      'acl',
      'port_group_port',
    ),
    i: fc.nat(20),
  }),
);

const mac = (n: number) => `0a:00:00:00:00:${n.toString(16).padStart(2, '0')}`;

/** Plays one op on the fixture, returning the changes it made (as the feed would report them). */
export function playOp(fx: NbFixture, o: Op, n: number): NbChange[] {
  const changes: NbChange[] = [];
  const model = fx.model;
  const orig = model.apply.bind(model);
  model.apply = (c: NbChange) => {
    changes.push(c);
    return orig(c);
  };
  try {
    const pick = <T>(xs: readonly T[], i: number): T | undefined =>
      xs.length ? xs[i % xs.length] : undefined;
    const switches = [...model.table('logical_switch').values()];
    const routers = [...model.table('logical_router').values()];
    const ports = [...model.table('logical_switch_port').values()];
    const lrps = [...model.table('logical_router_port').values()];
    switch (o.kind) {
      case 'switch':
        fx.switch(`ls${n}`);
        break;
      case 'router':
        fx.router(`lr${n}`);
        break;
      case 'port': {
        const sw = pick(switches, o.sw);
        if (!sw) break;
        const addresses = [
          `${mac(o.mac)} 10.0.${o.mac}.${n % 250}`,
          ...(o.unknown ? ['unknown'] : []),
        ];
        fx.insert('logical_switch_port', {
          name: `p${n}`,
          switch_uuid: sw.uuid,
          addresses,
          port_security: o.ps ? [`${mac(o.mac)} 10.0.${o.mac}.${n % 250}`] : [],
        });
        break;
      }
      case 'routerPort': {
        const lr = pick(routers, o.lr);
        if (lr)
          fx.insert('logical_router_port', {
            name: `lrp${n}`,
            router_uuid: lr.uuid,
            mac: mac(100 + (n % 100)),
            networks: [`192.168.${o.net}.1/24`],
          });
        break;
      }
      case 'connect': {
        const sw = pick(switches, o.sw);
        const lrp = pick(lrps, o.lrp);
        if (sw && lrp)
          fx.insert('logical_switch_port', {
            name: `rp${n}`,
            switch_uuid: sw.uuid,
            type: 'router',
            addresses: ['router'],
            options: { 'router-port': lrp.name },
          });
        break;
      }
      case 'route': {
        const lr = pick(routers, o.lr);
        if (lr)
          fx.insert('logical_router_static_route', {
            router_uuid: lr.uuid,
            ip_prefix: `172.16.${o.net}.0/24`,
            nexthop: `192.168.${o.net}.254`,
          });
        break;
      }
      case 'acl': {
        const sw = pick(switches, o.sw);
        if (sw)
          fx.insert('acl', {
            switch_uuid: sw.uuid,
            direction: o.pri % 2 ? 'to-lport' : 'from-lport',
            priority: o.pri,
            match: o.bad ? 'ip4.src == ' : `ip4.src == 10.0.0.${o.pri % 250}`,
            action: o.pri % 3 ? 'allow-related' : 'drop',
          });
        break;
      }
      case 'portGroup': {
        const pg = fx.insert('port_group', { name: `pg${n}` });
        for (const i of new Set(o.ports)) {
          const p = pick(ports, i);
          if (p) fx.insert('port_group_port', { port_group_uuid: pg.uuid, port_uuid: p.uuid });
        }
        break;
      }
      case 'pgAcl': {
        const pg = pick([...model.table('port_group').values()], o.pg);
        if (pg)
          fx.insert('acl', {
            port_group_uuid: pg.uuid,
            direction: 'to-lport',
            priority: 1000,
            match: `outport == @${pg.name} && ip4`,
            action: 'allow-related',
          });
        break;
      }
      case 'addressSet':
        fx.insert('address_set', {
          name: `as${n}`,
          addresses: Array.from({ length: o.n }, (_, i) => `10.1.0.${i}`),
        });
        break;
      case 'updatePort': {
        const p = pick(ports, o.port);
        if (p && p.type !== 'router')
          fx.update('logical_switch_port', p.uuid, {
            addresses: [`${mac(o.mac)} 10.0.${o.mac}.9`],
            enabled: o.enabled,
          });
        break;
      }
      case 'movePort': {
        const p = pick(ports, o.port);
        const sw = pick(switches, o.sw);
        if (p && sw) fx.update('logical_switch_port', p.uuid, { switch_uuid: sw.uuid });
        break;
      }
      case 'renameRouterPort': {
        const lrp = pick(lrps, o.lrp);
        if (lrp)
          fx.update('logical_router_port', lrp.uuid, { name: `lrp${n}`, mac: mac(200 + (n % 50)) });
        break;
      }
      case 'gatewayChassis': {
        const lrp = pick(lrps, o.lrp);
        if (lrp)
          fx.insert('gateway_chassis', {
            name: `gw${n}`,
            router_port_uuid: lrp.uuid,
            chassis_name: `hv${o.chassis}`,
            priority: o.chassis,
          });
        break;
      }
      case 'delete': {
        const rows = [...model.table(o.table).values()] as Record<string, unknown>[];
        const row = pick(rows, o.i);
        if (!row) break;
        // The database cascades; the feed reports the children's deletions too, before the parent's.
        cascade(fx, o.table, row);
        break;
      }
    }
  } finally {
    model.apply = orig;
  }
  return changes;
}

function cascade(fx: NbFixture, table: string, row: Record<string, unknown>): void {
  const m = fx.model;
  const del = (t: Parameters<NbFixture['delete']>[0], r: unknown) =>
    cascade(fx, t, r as Record<string, unknown>);
  if (table === 'logical_switch') {
    for (const k of m.children('portsBySwitch', row.uuid as string))
      del('logical_switch_port', m.get('logical_switch_port', k));
    for (const k of m.children('aclsBySwitch', row.uuid as string)) del('acl', m.get('acl', k));
  }
  if (table === 'logical_switch_port') {
    for (const g of m.children('portGroupsByPort', row.uuid as string))
      del('port_group_port', { port_group_uuid: g, port_uuid: row.uuid });
  }
  if (table === 'logical_router_port') {
    for (const k of m.children('gatewaysByRouterPort', row.uuid as string)) {
      del('gateway_chassis', m.get('gateway_chassis', k));
    }
  }
  if (table === 'logical_router') {
    for (const k of m.children('routerPortsByRouter', row.uuid as string))
      del('logical_router_port', m.get('logical_router_port', k));
    for (const k of m.children('routesByRouter', row.uuid as string))
      del('logical_router_static_route', m.get('logical_router_static_route', k));
  }
  fx.delete(table as never, row);
}
