/**
 * show [SWITCH|ROUTER]: the NB contents as an indented tree, laid out as ovn-nbctl show does.
 * It reads only the switches/routers shown and their children, a handful of queries in all.
 */
import ipaddr from 'ipaddr.js';
import { defineCommand, type Tx } from './command.js';
import { objectError } from './errors.js';
import { lookup, ROUTER, SWITCH } from './lookup.js';

type Ext = Record<string, string>;

const aka = (ext: Ext, key: string) => (ext[key] ? ` (aka ${ext[key]})` : '');
const quotedList = (xs: readonly string[]) => `[${xs.map((x) => `"${x}"`).join(', ')}]`;

/** The IPv6 link-local address a router port derives from its MAC (EUI-64). */
export function ipv6LinkLocal(mac: string): string {
  const b = mac.split(':').map((h) => Number.parseInt(h, 16));
  const bytes = [
    0xfe,
    0x80,
    0,
    0,
    0,
    0,
    0,
    0,
    b[0]! ^ 0x02,
    b[1]!,
    b[2]!,
    0xff,
    0xfe,
    b[3]!,
    b[4]!,
    b[5]!,
  ];
  return ipaddr.fromByteArray(bytes).toString();
}

async function showSwitches(tx: Tx, only: string | undefined): Promise<string[]> {
  const switches = await tx.query<{ uuid: string; name: string; external_ids: Ext }>(
    `SELECT uuid::text AS uuid, name, external_ids FROM logical_switch ${only ? 'WHERE uuid = $1' : ''} ORDER BY name, uuid`,
    only ? [only] : [],
  );
  if (switches.length === 0) return [];
  const ports = await tx.query<{
    switch_uuid: string;
    name: string;
    type: string;
    parent_name: string | null;
    tag: number | null;
    addresses: string[];
    options: Ext;
    external_ids: Ext;
  }>(
    `SELECT switch_uuid::text AS switch_uuid, name, type, parent_name, tag, addresses, options, external_ids
       FROM logical_switch_port WHERE switch_uuid = ANY($1::uuid[]) ORDER BY name`,
    [switches.map((s) => s.uuid)],
  );
  const out: string[] = [];
  for (const sw of switches) {
    out.push(`switch ${sw.uuid} (${sw.name})${aka(sw.external_ids, 'neutron:network_name')}`);
    for (const p of ports.filter((x) => x.switch_uuid === sw.uuid)) {
      out.push(`    port ${p.name}${aka(p.external_ids, 'neutron:port_name')}`);
      if (p.type) out.push(`        type: ${p.type}`);
      if (p.parent_name) out.push(`        parent: ${p.parent_name}`);
      if (p.tag !== null) out.push(`        tag: ${p.tag}`);
      // A lone "router" address is clutter: the router port says it all.
      if (p.addresses.length > 0 && !(p.addresses.length === 1 && p.addresses[0] === 'router')) {
        out.push(`        addresses: ${quotedList(p.addresses)}`);
      }
      if (p.options['router-port']) out.push(`        router-port: ${p.options['router-port']}`);
    }
  }
  return out;
}

async function showRouters(tx: Tx, only: string | undefined): Promise<string[]> {
  const routers = await tx.query<{ uuid: string; name: string; external_ids: Ext }>(
    `SELECT uuid::text AS uuid, name, external_ids FROM logical_router ${only ? 'WHERE uuid = $1' : ''} ORDER BY name, uuid`,
    only ? [only] : [],
  );
  if (routers.length === 0) return [];
  const ids = [routers.map((r) => r.uuid)];
  const ports = await tx.query<{
    uuid: string;
    router_uuid: string;
    name: string;
    mac: string;
    networks: string[];
    peer: string | null;
    options: Ext;
  }>(
    `SELECT uuid::text AS uuid, router_uuid::text AS router_uuid, name, mac::text AS mac, networks::text[] AS networks, peer, options
       FROM logical_router_port WHERE router_uuid = ANY($1::uuid[]) ORDER BY name`,
    ids,
  );
  const gateways = await tx.query<{ router_port_uuid: string; chassis_name: string }>(
    `SELECT g.router_port_uuid::text AS router_port_uuid, g.chassis_name
       FROM gateway_chassis g JOIN logical_router_port p ON p.uuid = g.router_port_uuid
      WHERE p.router_uuid = ANY($1::uuid[]) ORDER BY g.priority DESC, g.chassis_name`,
    ids,
  );
  const nats = await tx.query<{
    uuid: string;
    router_uuid: string;
    type: string;
    external_ip: string;
    external_port_range: string | null;
    logical_ip: string;
  }>(
    `SELECT uuid::text AS uuid, router_uuid::text AS router_uuid, type, host(external_ip) AS external_ip, external_port_range,
            abbrev(logical_ip) AS logical_ip
       FROM nat WHERE router_uuid = ANY($1::uuid[]) ORDER BY type, external_ip, logical_ip`,
    ids,
  );
  const out: string[] = [];
  for (const r of routers) {
    out.push(`router ${r.uuid} (${r.name})${aka(r.external_ids, 'neutron:router_name')}`);
    for (const p of ports.filter((x) => x.router_uuid === r.uuid)) {
      out.push(`    port ${p.name}`);
      out.push(`        mac: "${p.mac}"`);
      out.push(`        ipv6-lla: "${ipv6LinkLocal(p.mac)}"`);
      out.push(`        networks: ${quotedList(p.networks)}`);
      if (p.options.route_table) out.push(`        route-table: ${p.options.route_table}`);
      const gws = gateways.filter((g) => g.router_port_uuid === p.uuid).map((g) => g.chassis_name);
      if (gws.length > 0) out.push(`        gateway chassis: [${gws.join(' ')}]`);
      if (p.peer) out.push(`        peer: ${p.peer}`);
    }
    for (const n of nats.filter((x) => x.router_uuid === r.uuid)) {
      out.push(`    nat ${n.uuid}`);
      out.push(`        external ip: "${n.external_ip}"`);
      if (n.external_port_range) out.push(`        external port(s): "${n.external_port_range}"`);
      out.push(`        logical ip: "${n.logical_ip}"`);
      out.push(`        type: "${n.type}"`);
    }
  }
  return out;
}

export const showCommands = [
  defineCommand({
    name: 'show',
    usage: '[SWITCH|ROUTER]',
    summary: 'print an overview of switches and routers (or just one)',
    group: 'General commands',
    minArgs: 0,
    maxArgs: 1,
    writes: false,
    parse: (args) => ({ id: args[0] }),
    async run({ tx }, p) {
      if (p.id === undefined)
        return [...(await showSwitches(tx, undefined)), ...(await showRouters(tx, undefined))];
      const sw = await lookup(tx, SWITCH, p.id, { mustExist: false });
      const lr = await lookup(tx, ROUTER, p.id, { mustExist: false });
      if (!sw && !lr) throw objectError('not-found', p.id, 'no switch or router has this name');
      return [
        ...(sw ? await showSwitches(tx, sw.uuid) : []),
        ...(lr ? await showRouters(tx, lr.uuid) : []),
      ];
    },
  }),
];
