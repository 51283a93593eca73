import type { NbRows } from '../model/nb-model.js';

export interface TopologyScale {
  readonly name: string;
  readonly switches: number;
  readonly portsPerSwitch: number;
  readonly routers: number;
  /** How many switches each router joins (consecutive switches, so the topology is connected in blocks). */
  readonly switchesPerRouter: number;
  /** ACLs on each switch's port group. */
  readonly aclsPerSwitch: number;
}

/** The three scales of the northd benchmark (issue 4). */
export const SCALES: readonly TopologyScale[] = [
  {
    name: 'small',
    switches: 10,
    portsPerSwitch: 10,
    routers: 2,
    switchesPerRouter: 5,
    aclsPerSwitch: 5,
  },
  {
    name: 'medium',
    switches: 100,
    portsPerSwitch: 20,
    routers: 20,
    switchesPerRouter: 5,
    aclsPerSwitch: 5,
  },
  {
    name: 'large',
    switches: 1000,
    portsPerSwitch: 20,
    routers: 200,
    switchesPerRouter: 5,
    aclsPerSwitch: 5,
  },
];

type Rows = { [T in keyof NbRows]?: Array<Partial<NbRows[T]>> };

/** A uuid made from a kind tag and a number, so the same topology always has the same ids. */
export function topoUuid(kind: number, n: number): string {
  return `${kind.toString(16).padStart(8, '0')}-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
}

const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');

/** The VM port `p` of switch `s`: its name, MAC and IP (switch s has 10.s/16 split as 10.(s>>8).(s&255).0/24). */
export function vmPort(s: number, p: number) {
  const ip = `10.${s >> 8}.${s & 255}.${p + 10}`;
  const mac = `0a:${hex(s >> 8, 2)}:${hex(s & 255, 2)}:00:${hex(p >> 8, 2)}:${hex(p & 255, 2)}`;
  return { name: `ls${s}-vm${p}`, mac, ip, address: `${mac} ${ip}` };
}

/**
 * A deterministic topology: switches with VM ports (addresses and port security), a port group
 * and an address set per switch with ACLs on the group, and routers each joining a block of
 * consecutive switches (router port 10.s.254/24 on switch s) with a default route.
 */
export function generateTopology(scale: TopologyScale): Rows {
  const rows: Required<
    Pick<
      Rows,
      | 'logical_switch'
      | 'logical_switch_port'
      | 'logical_router'
      | 'logical_router_port'
      | 'logical_router_static_route'
      | 'port_group'
      | 'port_group_port'
      | 'address_set'
      | 'acl'
    >
  > = {
    logical_switch: [],
    logical_switch_port: [],
    logical_router: [],
    logical_router_port: [],
    logical_router_static_route: [],
    port_group: [],
    port_group_port: [],
    address_set: [],
    acl: [],
  };
  let aclN = 0;
  for (let s = 0; s < scale.switches; s++) {
    const ls = topoUuid(1, s);
    rows.logical_switch.push({ uuid: ls, name: `ls${s}` });
    const pg = topoUuid(3, s);
    rows.port_group.push({ uuid: pg, name: `pg_ls${s}` });
    const ips: string[] = [];
    for (let p = 0; p < scale.portsPerSwitch; p++) {
      const vm = vmPort(s, p);
      const lsp = topoUuid(2, s * 1000 + p);
      rows.logical_switch_port.push({
        uuid: lsp,
        name: vm.name,
        switch_uuid: ls,
        addresses: [vm.address],
        port_security: [vm.address],
      });
      rows.port_group_port.push({ port_group_uuid: pg, port_uuid: lsp });
      ips.push(vm.ip);
    }
    rows.address_set.push({ uuid: topoUuid(4, s), name: `as_ls${s}`, addresses: ips });
    const acls: Array<[NbRows['acl']['direction'], number, string, NbRows['acl']['action']]> = [
      ['to-lport', 1002, `outport == @pg_ls${s} && ip4 && ip4.src == $as_ls${s}`, 'allow-related'],
      ['to-lport', 1001, `outport == @pg_ls${s} && tcp && tcp.dst == 22`, 'allow-related'],
      ['to-lport', 1000, `outport == @pg_ls${s} && ip4`, 'drop'],
      ['from-lport', 1001, `inport == @pg_ls${s} && ip4`, 'allow-related'],
      ['from-lport', 1000, `inport == @pg_ls${s} && udp && udp.dst == 53`, 'allow'],
    ];
    for (const [direction, priority, match, action] of acls.slice(0, scale.aclsPerSwitch)) {
      rows.acl.push({
        uuid: topoUuid(5, aclN++),
        port_group_uuid: pg,
        direction,
        priority,
        match,
        action,
      });
    }
  }
  for (let r = 0; r < scale.routers; r++) {
    const lr = topoUuid(6, r);
    rows.logical_router.push({ uuid: lr, name: `lr${r}` });
    for (let k = 0; k < scale.switchesPerRouter; k++) {
      const s = r * scale.switchesPerRouter + k;
      if (s >= scale.switches) break;
      const lrp = `lr${r}-ls${s}`;
      const mac = `0a:ff:${hex(r >> 8, 2)}:${hex(r & 255, 2)}:${hex(s >> 8, 2)}:${hex(s & 255, 2)}`;
      rows.logical_router_port.push({
        uuid: topoUuid(7, s),
        name: lrp,
        router_uuid: lr,
        mac,
        networks: [`10.${s >> 8}.${s & 255}.254/24`],
      });
      rows.logical_switch_port.push({
        uuid: topoUuid(8, s),
        name: `ls${s}-lr${r}`,
        switch_uuid: topoUuid(1, s),
        type: 'router',
        addresses: ['router'],
        options: { 'router-port': lrp },
      });
    }
    rows.logical_router_static_route.push({
      uuid: topoUuid(9, r),
      router_uuid: lr,
      ip_prefix: '0.0.0.0/0',
      nexthop: `10.${(r * scale.switchesPerRouter) >> 8}.${(r * scale.switchesPerRouter) & 255}.1`,
    });
  }
  return rows;
}

/** Tables in an order that satisfies foreign keys when inserting. */
export const INSERT_ORDER: readonly (keyof NbRows)[] = [
  'logical_switch',
  'logical_switch_port',
  'logical_router',
  'logical_router_port',
  'logical_router_static_route',
  'port_group',
  'port_group_port',
  'address_set',
  'acl',
];
