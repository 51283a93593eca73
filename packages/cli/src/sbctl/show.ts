import type pg from 'pg';

/** Chassis, their encapsulations and the ports bound to them, as ovn-sbctl show prints them. */
export async function sbShow(pool: pg.Pool): Promise<string[]> {
  const chassis = await pool.query<{ uuid: string; name: string; hostname: string }>(
    'SELECT uuid, name, hostname FROM sb.chassis ORDER BY name',
  );
  const encaps = await pool.query<{
    chassis_name: string;
    type: string;
    ip: string;
    options: Record<string, string>;
  }>(
    'SELECT chassis_name, type, host(ip) AS ip, options FROM sb.encap ORDER BY chassis_name, type, ip',
  );
  const ports = await pool.query<{ chassis: string; logical_port: string }>(
    'SELECT chassis, logical_port FROM sb.port_binding WHERE chassis IS NOT NULL ORDER BY logical_port',
  );
  const out: string[] = [];
  for (const c of chassis.rows) {
    out.push(`Chassis ${JSON.stringify(c.name)}`);
    if (c.hostname) out.push(`    hostname: ${c.hostname}`);
    for (const e of encaps.rows.filter((x) => x.chassis_name === c.name)) {
      out.push(`    Encap ${e.type}`);
      out.push(`        ip: "${e.ip}"`);
      const opts = Object.entries(e.options).map(([k, v]) => `${k}=${JSON.stringify(v)}`);
      out.push(`        options: {${opts.join(', ')}}`);
    }
    for (const p of ports.rows.filter((x) => x.chassis === c.uuid))
      out.push(`    Port_Binding ${p.logical_port}`);
  }
  return out;
}
