import type { NbRows, NbTable } from '../model/nb-model.js';
import { NbModel } from '../model/nb-model.js';

type Partial_<T> = { [K in keyof T]?: T[K] };

/**
 * Builds an NB model from a few readable calls, for builder and engine tests. Uuids are
 * deterministic (00000000-0000-4000-8000-00000000000N), rows get the database's defaults.
 */
export class NbFixture {
  readonly model = new NbModel();
  private next = 1;
  private readonly byName = new Map<string, string>();

  uuid(): string {
    return `00000000-0000-4000-8000-${String(this.next++).padStart(12, '0')}`;
  }

  /** The uuid of the row created under `name` (switches, routers, ports, groups …). */
  id(name: string): string {
    const u = this.byName.get(name);
    if (!u) throw new Error(`fixture: no row named ${name}`);
    return u;
  }

  insert<T extends NbTable>(table: T, row: Partial_<NbRows[T]>, name?: string): NbRows[T] {
    const full = {
      ...DEFAULTS[table],
      uuid: this.uuid(),
      external_ids: {},
      ...row,
    } as unknown as NbRows[T];
    this.model.apply({ table, op: 'insert', row: full as unknown as Record<string, unknown> });
    if (name) this.byName.set(name, (full as { uuid: string }).uuid);
    return full;
  }

  update<T extends NbTable>(table: T, uuid: string, patch: Partial_<NbRows[T]>): NbRows[T] {
    const old = this.model.get(table, uuid);
    if (!old) throw new Error(`fixture: no ${table} ${uuid}`);
    const row = { ...old, ...patch } as NbRows[T];
    this.model.apply({ table, op: 'update', row: row as unknown as Record<string, unknown> });
    return row;
  }

  delete(table: NbTable, row: Record<string, unknown>): void {
    this.model.apply({ table, op: 'delete', row });
  }

  switch(name: string, extra: Partial_<NbRows['logical_switch']> = {}) {
    return this.insert('logical_switch', { name, ...extra }, name);
  }

  /** A switch port; `addresses` as in Logical_Switch_Port.addresses. */
  port(sw: string, name: string, extra: Partial_<NbRows['logical_switch_port']> = {}) {
    return this.insert('logical_switch_port', { name, switch_uuid: this.id(sw), ...extra }, name);
  }

  router(name: string, extra: Partial_<NbRows['logical_router']> = {}) {
    return this.insert('logical_router', { name, ...extra }, name);
  }

  routerPort(
    lr: string,
    name: string,
    mac: string,
    networks: string[],
    extra: Partial_<NbRows['logical_router_port']> = {},
  ) {
    return this.insert(
      'logical_router_port',
      { name, router_uuid: this.id(lr), mac, networks, ...extra },
      name,
    );
  }

  /** Joins router port `lrp` to switch `sw` with a "router" type switch port named `lsp`. */
  connect(sw: string, lsp: string, lrp: string) {
    return this.port(sw, lsp, {
      type: 'router',
      addresses: ['router'],
      options: { 'router-port': lrp },
    });
  }

  route(
    lr: string,
    prefix: string,
    nexthop: string,
    extra: Partial_<NbRows['logical_router_static_route']> = {},
  ) {
    return this.insert('logical_router_static_route', {
      router_uuid: this.id(lr),
      ip_prefix: prefix,
      nexthop,
      ...extra,
    });
  }

  acl(
    owner: { switch: string } | { portGroup: string },
    direction: 'from-lport' | 'to-lport',
    priority: number,
    match: string,
    action: NbRows['acl']['action'],
    extra: Partial_<NbRows['acl']> = {},
  ) {
    const ownerCols =
      'switch' in owner
        ? { switch_uuid: this.id(owner.switch) }
        : { port_group_uuid: this.id(owner.portGroup) };
    return this.insert('acl', { ...ownerCols, direction, priority, match, action, ...extra });
  }

  portGroup(name: string, ports: string[]) {
    const pg = this.insert('port_group', { name }, name);
    for (const p of ports)
      this.insert('port_group_port', { port_group_uuid: pg.uuid, port_uuid: this.id(p) });
    return pg;
  }

  addressSet(name: string, addresses: string[]) {
    return this.insert('address_set', { name, addresses }, name);
  }
}

const map = {};
const DEFAULTS: { [T in NbTable]: Record<string, unknown> } = {
  nb_global: {
    name: '',
    nb_cfg: 0,
    nb_cfg_timestamp: 0,
    sb_cfg: 0,
    sb_cfg_timestamp: 0,
    hv_cfg: 0,
    hv_cfg_timestamp: 0,
    options: map,
  },
  logical_switch: { revision: 0, name: '', other_config: map },
  logical_switch_port: {
    revision: 0,
    type: '',
    addresses: [],
    dynamic_addresses: null,
    port_security: [],
    options: map,
    enabled: null,
    up: null,
    parent_name: null,
    tag_request: null,
    tag: null,
    dhcpv4_options: null,
    dhcpv6_options: null,
  },
  logical_router: { revision: 0, name: '', enabled: null, options: map },
  logical_router_port: { revision: 0, peer: null, enabled: null, options: map },
  gateway_chassis: { priority: 0, options: map },
  logical_router_static_route: {
    revision: 0,
    route_table: '',
    output_port: null,
    policy: null,
    options: map,
  },
  port_group: { revision: 0 },
  port_group_port: {},
  address_set: { revision: 0, addresses: [] },
  acl: {
    revision: 0,
    switch_uuid: null,
    port_group_uuid: null,
    name: null,
    log: false,
    severity: null,
    meter: null,
    label: 0,
    tier: 0,
    options: map,
  },
  nat: {
    revision: 0,
    external_mac: null,
    external_port_range: null,
    logical_port: null,
    options: map,
  },
  load_balancer: {
    revision: 0,
    name: '',
    vips: map,
    protocol: null,
    selection_fields: [],
    options: map,
  },
  logical_switch_load_balancer: {},
  logical_router_load_balancer: {},
  dhcp_options: { options: map },
};
