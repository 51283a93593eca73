// Reads the SB view one chassis needs, in one consistent snapshot: every datapath, port binding,
// chassis and named set (small), then, for the datapaths local to this chassis only, their logical
// flows, multicast groups and MAC bindings (large).

import type { SbStore } from '@ovn-ts/sb-db';
import type {
  SbView,
  ViewDatapath,
  ViewFdb,
  ViewFlow,
  ViewMacBinding,
  ViewMulticastGroup,
  ViewPort,
} from '../compile/sb-view.js';
import { indexView, localDatapaths } from '../compile/view-index.js';

export interface LoadedView {
  readonly view: SbView;
  /** The feed position of the snapshot: follow the feed from here. */
  readonly seq: number;
  /** sb_global.nb_cfg in the snapshot: what this chassis reports once it has installed the view. */
  readonly nbCfg: number;
}

export async function loadView(
  sb: SbStore,
  chassis: string,
  localPorts: ReadonlyMap<string, number>,
): Promise<LoadedView> {
  const { seq, value } = await sb.snapshot(async (s) => {
    const [dpRows, portRows, chassisRows, encaps, addressSets, portGroups, global] =
      await Promise.all([
        s.datapaths.listByKeys(),
        s.ports.listWhere(),
        s.chassis.list(),
        s.chassis.encaps(),
        s.addressSets.list(),
        s.portGroups.list(),
        s.global.getNbCfg(),
      ]);
    const chassisName = new Map(chassisRows.map((c) => [c.uuid, c.name]));
    const datapaths = new Map<string, ViewDatapath>();
    for (const d of dpRows) {
      const kind = d.type === 'logical-router' ? 'router' : 'switch';
      datapaths.set(d.uuid, {
        uuid: d.uuid,
        key: d.tunnel_key,
        kind,
        name: d.external_ids.name ?? d.uuid,
      });
    }
    const ports = new Map<string, ViewPort>();
    for (const p of portRows) {
      ports.set(p.uuid, {
        uuid: p.uuid,
        name: p.logical_port,
        datapath: p.datapath,
        key: p.tunnel_key,
        type: p.type,
        options: p.options,
        chassis: p.chassis ? (chassisName.get(p.chassis) ?? null) : null,
        tag: p.tag,
        virtualParent: p.virtual_parent,
      });
    }
    const partial: SbView = {
      datapaths,
      ports,
      multicastGroups: new Map(),
      flows: new Map(),
      macBindings: new Map(),
      chassis: new Map(
        chassisRows.map((c) => [
          c.name,
          {
            name: c.name,
            encaps: encaps
              .filter((e) => e.chassis_name === c.name)
              .map((e) => ({ type: e.type, ip: e.ip })),
          },
        ]),
      ),
      addressSets: new Map(addressSets.map((a) => [a.name, a.addresses])),
      portGroups: new Map(portGroups.map((g) => [g.name, g.ports])),
    };
    const local = localDatapaths(indexView(partial), chassis, localPorts);
    const keys = local.map((d) => d.key);
    if (keys.length === 0) return { view: partial, nbCfg: global };
    const [flowRows, dpGroups, groupRows, macRows, fdbRows] = await Promise.all([
      s.flows.listWhere({ datapathKeys: keys }),
      s.dpGroups.list(keys),
      s.multicastGroups.listWithPorts(keys),
      s.macBindings.listWhere(keys),
      s.fdb.listWhere(keys),
    ]);
    const groupMembers = new Map(dpGroups.map((g) => [g.uuid, g.datapaths]));
    const flows = new Map<string, ViewFlow>();
    for (const f of flowRows) {
      const dps = f.logical_datapath
        ? [f.logical_datapath]
        : (groupMembers.get(f.logical_dp_group ?? '') ?? []);
      flows.set(f.uuid, {
        uuid: f.uuid,
        datapaths: dps,
        pipeline: f.pipeline,
        tableId: f.table_id,
        priority: f.priority,
        match: f.match,
        actions: f.actions,
        stage: f.stage,
      });
    }
    const multicastGroups = new Map<string, ViewMulticastGroup>();
    for (const g of groupRows) {
      const names = g.ports
        .map((u) => ports.get(u)?.name)
        .filter((n): n is string => n !== undefined);
      multicastGroups.set(g.uuid, {
        uuid: g.uuid,
        datapath: g.datapath,
        name: g.name,
        key: g.tunnel_key,
        ports: names,
      });
    }
    const macBindings = new Map<string, ViewMacBinding>();
    for (const b of macRows) {
      macBindings.set(b.uuid, {
        uuid: b.uuid,
        datapath: b.datapath,
        logicalPort: b.logical_port,
        ip: b.ip,
        mac: b.mac,
      });
    }
    const fdb = new Map<string, ViewFdb>(
      fdbRows.map((e) => [
        e.uuid,
        { uuid: e.uuid, mac: e.mac, dpKey: e.dp_key, portKey: e.port_key },
      ]),
    );
    return { view: { ...partial, flows, multicastGroups, macBindings, fdb }, nbCfg: global };
  });
  return { view: value.view, seq, nbCfg: value.nbCfg };
}
