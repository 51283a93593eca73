import type { LFlow, Stage, sim } from '@ovn-ts/northd';

type SimWorld = sim.SimWorld;
type SimDatapath = sim.SimDatapath;
type SimPort = sim.SimPort;
type MacBinding = sim.MacBinding;

import type pg from 'pg';

/**
 * The logical network as SB holds it, for the simulator: what `ovn-ts trace` runs packets through.
 * Datapaths are named as northd names them (external_ids:name), or by uuid when unnamed.
 */
export async function worldFromSb(pool: pg.Pool): Promise<SimWorld> {
  const q = async <R extends pg.QueryResultRow>(text: string) => (await pool.query<R>(text)).rows;
  const dps = await q<{ uuid: string; name: string; type: string }>(
    `SELECT uuid::text, coalesce(external_ids->>'name', uuid::text) AS name, coalesce(type, '') AS type
       FROM sb.datapath_binding`,
  );
  const nameOf = new Map(dps.map((d) => [d.uuid, d.name]));
  const ports = await q<{
    logical_port: string;
    datapath: string;
    type: string;
    options: Record<string, string>;
  }>(
    'SELECT logical_port, datapath::text, type, options FROM sb.port_binding ORDER BY logical_port',
  );
  const portDp = new Map(ports.map((p) => [p.logical_port, p.datapath]));
  const flows = await q<{
    dp: string;
    stage: Stage;
    priority: number;
    match: string;
    actions: string;
    builder: string;
    nb_table: string | null;
    nb_uuid: string | null;
  }>(
    `SELECT coalesce(f.logical_datapath, g.datapath)::text AS dp, f.stage, f.priority, f.match, f.actions,
            f.builder, f.nb_table, f.nb_uuid::text
       FROM sb.logical_flow f LEFT JOIN sb.logical_dp_group_datapath g ON g.dp_group = f.logical_dp_group`,
  );
  const groups = await q<{ datapath: string; name: string; ports: string[] }>(
    `SELECT g.datapath::text, g.name, coalesce(array_agg(pb.logical_port ORDER BY pb.tunnel_key)
              FILTER (WHERE pb.logical_port IS NOT NULL), '{}') AS ports
       FROM sb.multicast_group g LEFT JOIN sb.multicast_group_port m ON m.multicast_group = g.uuid
       LEFT JOIN sb.port_binding pb ON pb.uuid = m.port_binding GROUP BY g.uuid`,
  );
  const bindings = await q<{ datapath: string; logical_port: string; ip: string; mac: string }>(
    'SELECT datapath::text, logical_port, host(ip) AS ip, mac::text FROM sb.mac_binding',
  );
  const sets = await q<{ name: string; addresses: string[] }>(
    'SELECT name, addresses FROM sb.address_set',
  );
  const pgs = await q<{ name: string; ports: string[] }>('SELECT name, ports FROM sb.port_group');

  const byDp = new Map<
    string,
    { flows: LFlow[]; ports: SimPort[]; groups: Record<string, string[]> }
  >();
  for (const d of dps) byDp.set(d.uuid, { flows: [], ports: [], groups: {} });
  for (const f of flows) {
    byDp.get(f.dp)?.flows.push({
      stage: f.stage,
      priority: f.priority,
      match: f.match,
      actions: f.actions,
      provenance: {
        builder: f.builder,
        ...(f.nb_table && { nbTable: f.nb_table }),
        ...(f.nb_uuid && { nbUuid: f.nb_uuid }),
      },
    });
  }
  for (const p of ports) {
    const peer = p.type === 'patch' ? p.options.peer : undefined;
    const peerDp = peer ? portDp.get(peer) : undefined;
    const port: SimPort =
      p.type === 'chassisredirect' && p.options['distributed-port']
        ? { name: p.logical_port, redirect: p.options['distributed-port'] }
        : peer && peerDp
          ? { name: p.logical_port, peer: { datapath: nameOf.get(peerDp)!, port: peer } }
          : { name: p.logical_port };
    byDp.get(p.datapath)?.ports.push(port);
  }
  for (const g of groups) {
    const entry = byDp.get(g.datapath);
    if (entry) entry.groups[g.name] = g.ports;
  }
  const datapaths: SimDatapath[] = dps.map((d) => ({
    name: d.name,
    kind: d.type === 'logical-router' ? 'router' : 'switch',
    flows: byDp.get(d.uuid)!.flows,
    ports: byDp.get(d.uuid)!.ports,
    multicastGroups: byDp.get(d.uuid)!.groups,
  }));
  const macBindings: MacBinding[] = bindings.flatMap((b) =>
    nameOf.has(b.datapath)
      ? [{ datapath: nameOf.get(b.datapath)!, port: b.logical_port, ip: b.ip, mac: b.mac }]
      : [],
  );
  return {
    datapaths,
    macBindings,
    addressSets: Object.fromEntries(sets.map((s) => [s.name, s.addresses])),
    portGroups: Object.fromEntries(pgs.map((p) => [p.name, p.ports])),
  };
}
