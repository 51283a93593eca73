// Test support: an SbView made by northd's engine from an NB fixture, so that controller tests
// compile the logical flows northd really produces.

import type { NbFixture } from '@ovn-ts/northd';
import {
  NB_TABLES,
  type NbChange,
  NorthdEngine,
  type Stage,
  stagePipeline,
  stageTable,
} from '@ovn-ts/northd';
import type {
  SbView,
  ViewChassis,
  ViewDatapath,
  ViewFlow,
  ViewMacBinding,
  ViewMulticastGroup,
  ViewPort,
} from '../compile/sb-view.js';

export interface NorthdViewOptions {
  /** Logical port → chassis it is bound to. */
  readonly bindings?: Readonly<Record<string, string>>;
  readonly chassis?: readonly ViewChassis[];
  readonly macBindings?: readonly Omit<ViewMacBinding, 'uuid'>[];
}

/** A uuid made from a number (and a kind, in its last group). */
export const testUuid = (n: number, kind = 0): string =>
  `${n.toString(16).padStart(8, '0')}-0000-4000-8000-${kind.toString(16).padStart(12, '0')}`;

export function viewFromNorthd(fx: NbFixture, opts: NorthdViewOptions = {}): SbView {
  const engine = new NorthdEngine();
  const rows: NbChange[] = NB_TABLES.flatMap((t) =>
    [...fx.model.table(t).values()].map((row) => ({
      table: t,
      op: 'insert' as const,
      row: row as never,
    })),
  );
  engine.load(rows);
  const delta = engine.recomputeAll();
  const datapaths = new Map<string, ViewDatapath>();
  const ports = new Map<string, ViewPort>();
  const groups = new Map<string, ViewMulticastGroup>();
  const flows = new Map<string, ViewFlow>();
  let n = 1;
  for (const r of engine.state().values()) {
    const dp = r.datapath;
    datapaths.set(dp.nbUuid, { uuid: dp.nbUuid, key: dp.key, kind: dp.kind, name: dp.name });
    for (const p of r.ports) {
      const uuid = testUuid(n++, 1);
      ports.set(uuid, {
        uuid,
        name: p.logicalPort,
        datapath: dp.nbUuid,
        key: p.key,
        type: p.type,
        options: p.options,
        chassis: opts.bindings?.[p.logicalPort] ?? null,
        tag: p.tag,
        virtualParent: null,
      });
    }
    for (const g of r.multicastGroups) {
      const uuid = testUuid(n++, 2);
      groups.set(uuid, { uuid, datapath: dp.nbUuid, name: g.name, key: g.key, ports: g.ports });
    }
    for (const f of r.flows) {
      const uuid = testUuid(n++, 3);
      const [pipeline, tableId] = stageOf(f.stage);
      flows.set(uuid, {
        uuid,
        datapaths: [dp.nbUuid],
        pipeline,
        tableId,
        priority: f.priority,
        match: f.match,
        actions: f.actions,
        stage: f.stage,
      });
    }
  }
  const macBindings = new Map<string, ViewMacBinding>();
  for (const b of opts.macBindings ?? []) {
    const uuid = testUuid(n++, 4);
    macBindings.set(uuid, { uuid, ...b });
  }
  return {
    datapaths,
    ports,
    multicastGroups: groups,
    flows,
    macBindings,
    chassis: new Map((opts.chassis ?? []).map((c) => [c.name, c])),
    addressSets: delta.addressSets.upsert,
    portGroups: delta.portGroups.upsert,
  };
}

function stageOf(stage: Stage): ['ingress' | 'egress', number] {
  return [stagePipeline(stage), stageTable(stage)];
}
