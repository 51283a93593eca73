import type { NbModel } from '../model/nb-model.js';

/** What a change touches: datapaths to recompute and SB sets to resync. */
export class Affected {
  readonly switches = new Set<string>();
  readonly routers = new Set<string>();
  readonly addressSets = new Set<string>();
  readonly portGroups = new Set<string>();
  full = false;
}

type Row = Record<string, unknown> | undefined;
const s = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/**
 * Records what a row change affects, reading the model as it is at the time of the call. The
 * engine calls it twice per change, before and after applying it, so both the old and the new
 * relations of the row are covered (a port moving between switches dirties both).
 *
 * Each case names what the builder inputs (inputs/derive.ts) read from that table; when derive
 * starts reading something new, this is the place to keep in step (the engine property test
 * catches a miss).
 */
export function collectAffected(nb: NbModel, table: string, row: Row, out: Affected): void {
  if (!row) return;
  switch (table) {
    case 'nb_global':
      // Global options may change every flow.
      out.full = true;
      return;
    case 'logical_switch':
      switchAndNeighbours(nb, row.uuid as string, out);
      return;
    case 'logical_switch_port': {
      switchAndNeighbours(nb, row.switch_uuid as string, out);
      // A router-type port names its router port: that router sees this switch.
      routerOfPortName(
        nb,
        (row.options as Record<string, string> | undefined)?.['router-port'],
        out,
      );
      // SB has one namespace for logical ports: a router port of the same name loses or wins it.
      routerOfPortName(nb, s(row.name), out);
      for (const g of nb.children('portGroupsByPort', row.uuid as string)) portGroup(nb, g, out);
      return;
    }
    case 'logical_router':
      routerAndNeighbours(nb, row.uuid as string, out);
      return;
    case 'logical_router_port': {
      routerAndNeighbours(nb, row.router_uuid as string, out);
      // The switch whose router-type port names this port, and that switch's other routers.
      for (const lsp of nb.children('switchPortsByRouterPort', s(row.name))) {
        const p = nb.get('logical_switch_port', lsp);
        if (p) switchAndNeighbours(nb, p.switch_uuid, out);
      }
      routerOfPortName(nb, s(row.peer), out);
      for (const lrp of nb.children('routerPortsByPeer', s(row.name))) {
        const p = nb.get('logical_router_port', lrp);
        if (p) out.routers.add(p.router_uuid);
      }
      return;
    }
    case 'gateway_chassis': {
      // Gateway chassis make a router port distributed: its router, and the switch it attaches
      // to (whose router-type port sees that), change like for the port itself.
      const lrp = nb.get('logical_router_port', row.router_port_uuid as string);
      if (lrp)
        collectAffected(nb, 'logical_router_port', lrp as unknown as Record<string, unknown>, out);
      return;
    }
    case 'logical_router_static_route':
    case 'nat':
      out.routers.add(row.router_uuid as string);
      return;
    case 'acl':
      if (row.switch_uuid) out.switches.add(row.switch_uuid as string);
      if (row.port_group_uuid) portGroupSwitches(nb, row.port_group_uuid as string, out);
      return;
    case 'port_group':
      out.portGroups.add(row.name as string);
      portGroupSwitches(nb, row.uuid as string, out);
      return;
    case 'port_group_port': {
      const p = nb.get('logical_switch_port', row.port_uuid as string);
      if (p) out.switches.add(p.switch_uuid);
      portGroup(nb, row.port_group_uuid as string, out);
      return;
    }
    case 'address_set':
      out.addressSets.add(row.name as string);
      return;
    case 'load_balancer':
      for (const ls of nb.children('switchesByLb', row.uuid as string)) out.switches.add(ls);
      for (const lr of nb.children('routersByLb', row.uuid as string)) out.routers.add(lr);
      return;
    case 'logical_switch_load_balancer':
      out.switches.add(row.switch_uuid as string);
      return;
    case 'logical_router_load_balancer':
      out.routers.add(row.router_uuid as string);
      return;
    case 'dhcp_options':
      for (const lsp of nb.children('portsByDhcpOptions', row.uuid as string)) {
        const p = nb.get('logical_switch_port', lsp);
        if (p) out.switches.add(p.switch_uuid);
      }
      return;
    default:
      // Tables northd does not read.
      return;
  }
}

/** A switch, and the routers attached to it (their neighbour tables list its ports). */
function switchAndNeighbours(nb: NbModel, ls: string | undefined, out: Affected): void {
  if (!ls) return;
  out.switches.add(ls);
  for (const lsp of nb.children('portsBySwitch', ls)) {
    const p = nb.get('logical_switch_port', lsp);
    if (p?.type === 'router') routerOfPortName(nb, p.options?.['router-port'], out);
  }
}

/** A router, and the switches attached to it (their router-type ports show its addresses). */
function routerAndNeighbours(nb: NbModel, lr: string | undefined, out: Affected): void {
  if (!lr) return;
  out.routers.add(lr);
  for (const lrp of nb.children('routerPortsByRouter', lr)) {
    const p = nb.get('logical_router_port', lrp);
    if (!p) continue;
    for (const lsp of nb.children('switchPortsByRouterPort', p.name)) {
      const sp = nb.get('logical_switch_port', lsp);
      if (sp) switchAndNeighbours(nb, sp.switch_uuid, out);
    }
    routerOfPortName(nb, p.peer ?? undefined, out);
  }
}

function routerOfPortName(nb: NbModel, name: string | undefined, out: Affected): void {
  if (!name) return;
  for (const lrp of nb.children('routerPortsByName', name)) {
    const p = nb.get('logical_router_port', lrp);
    if (p) out.routers.add(p.router_uuid);
  }
}

function portGroup(nb: NbModel, pg: string, out: Affected): void {
  const row = nb.get('port_group', pg);
  if (row) out.portGroups.add(row.name);
}

function portGroupSwitches(nb: NbModel, pg: string, out: Affected): void {
  for (const lsp of nb.children('portsByPortGroup', pg)) {
    const p = nb.get('logical_switch_port', lsp);
    if (p) out.switches.add(p.switch_uuid);
  }
}
