import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { findCatalogColumn, findCatalogTable, SB_CATALOG } from './column-catalog.js';
import { readOvnRows } from './ovn-rows.js';
import { SB_TABLES } from './sb-tables.js';
import { openSbTestDb, type SbTestDb } from './test-support.js';

let t: SbTestDb;
beforeAll(async () => {
  t = await openSbTestDb('sbcatalog');
});
afterAll(() => t.close());

/** PostgreSQL types each OVN kind may be stored as. */
const STORAGE: Record<string, string[]> = {
  string: ['text', 'inet', 'macaddr'],
  integer: ['smallint', 'integer', 'bigint'],
  boolean: ['boolean'],
  uuid: ['uuid'],
  map: ['jsonb'],
  'string-set': ['ARRAY'],
};

describe('column catalog', () => {
  test('every catalog column lives where it says, in storage that fits its kind', async () => {
    const r = await t.pool.query<{ table_name: string; column_name: string; data_type: string }>(
      `SELECT table_name, column_name, data_type FROM information_schema.columns WHERE table_schema = 'sb'`,
    );
    const type = new Map(r.rows.map((x) => [`${x.table_name}.${x.column_name}`, x.data_type]));
    const problems: string[] = [];
    for (const table of SB_CATALOG) {
      const own = table.table.replace(/^sb\./, '');
      for (const c of table.columns) {
        const d = c.derived;
        if (!d) {
          const dt = type.get(`${own}.${c.column}`);
          if (!dt || !STORAGE[c.kind]!.includes(dt))
            problems.push(`${table.name}.${c.name}: ${dt}`);
          continue;
        }
        const other = d.table.replace(/^sb\./, '');
        if (c.kind !== 'uuid' || type.get(`${other}.${d.pick ?? 'uuid'}`) !== 'uuid')
          problems.push(`${table.name}.${c.name}: pick`);
        if (type.get(`${other}.${d.fk}`) !== type.get(`${own}.${d.key ?? 'uuid'}`))
          problems.push(`${table.name}.${c.name}: fk`);
      }
    }
    expect(problems).toEqual([]);
  });

  test('every SB table with rows of its own is in the catalog; link tables are not', () => {
    const links = SB_TABLES.filter((x) =>
      SB_CATALOG.some((t) =>
        t.columns.some((c) => c.derived?.link && c.derived.table === `sb.${x}`),
      ),
    );
    expect(links.sort()).toEqual(
      [
        'dns_datapath',
        'load_balancer_datapath',
        'logical_dp_group_datapath',
        'multicast_group_port',
        'port_binding_additional_chassis',
      ].sort(),
    );
    expect(SB_CATALOG.map((x) => x.table.replace(/^sb\./, '')).sort()).toEqual(
      SB_TABLES.filter((x) => !links.includes(x)).sort(),
    );
  });

  test('tables are found as users type them', () => {
    expect(findCatalogTable('Port_Binding')?.table).toBe('sb.port_binding');
    expect(findCatalogTable('port-binding')?.table).toBe('sb.port_binding');
    expect(findCatalogTable('port_b')?.table).toBe('sb.port_binding');
    expect(findCatalogTable('mac')?.table).toBe('sb.mac_binding');
    expect(findCatalogTable('dhcp')).toBeUndefined(); // DHCP_Options or DHCPv6_Options?
    expect(findCatalogTable('nope')).toBeUndefined();
    const flow = findCatalogTable('Logical_Flow')!;
    expect(findCatalogColumn(flow, 'stage')).toMatchObject({ kind: 'string', extension: true });
    expect(findCatalogColumn(flow, 'logical_datapath')).toMatchObject({
      kind: 'uuid',
      ref: 'Datapath_Binding',
      optional: true,
    });
  });

  test('readOvnRows returns rows in OVN shape, found by uuid or name', async () => {
    const reg = await t.sb.chassis.register({
      name: 'hv1',
      encaps: [{ type: 'geneve', ip: '192.0.2.1' }],
    });
    const dp = await t.sb.datapaths.insert({ tunnel_key: 7, external_ids: { name: 'sw0' } });
    const [p] = await t.sb.ports.insertMany([
      { logical_port: 'sw0p1', datapath: dp.uuid, tunnel_key: 1, mac: ['0a:00:00:00:00:01'] },
    ]);
    await t.sb.ports.claim('sw0p1', 'hv1');
    const mc = await t.sb.multicastGroups.create({
      datapath: dp.uuid,
      name: '_MC_flood',
      tunnelKey: 32768,
      ports: [p!],
    });

    const [chassis] = await readOvnRows(t.sb.db, findCatalogTable('Chassis')!, {
      records: ['hv1'],
    });
    expect(chassis).toEqual({
      _uuid: reg.chassis.uuid,
      name: 'hv1',
      hostname: '',
      encaps: [reg.encaps[0]!.uuid],
      nb_cfg: 0,
      vtep_logical_switches: [],
      transport_zones: [],
      other_config: {},
      external_ids: {},
    });
    const [port] = await readOvnRows(t.sb.db, findCatalogTable('Port_Binding')!, { records: [p!] });
    expect(port).toMatchObject({
      logical_port: 'sw0p1',
      datapath: dp.uuid,
      chassis: reg.chassis.uuid,
      up: true,
      tag: null,
      gateway_chassis: [],
    });
    const [group] = await readOvnRows(t.sb.db, findCatalogTable('Multicast_Group')!);
    expect(group).toEqual({
      _uuid: mc.uuid,
      datapath: dp.uuid,
      name: '_MC_flood',
      tunnel_key: 32768,
      ports: [p!],
    });
    const byName = await readOvnRows(t.sb.db, findCatalogTable('Datapath_Binding')!, {
      records: ['sw0'],
    });
    expect(byName.map((r) => r._uuid)).toEqual([dp.uuid]);
    const [encap] = await readOvnRows(t.sb.db, findCatalogTable('Encap')!);
    expect(encap).toMatchObject({ type: 'geneve', ip: '192.0.2.1', chassis_name: 'hv1' });
    expect(await readOvnRows(t.sb.db, findCatalogTable('Chassis')!, { records: ['hv9'] })).toEqual(
      [],
    );
  });
});
