// Controller compile benchmark: northd's generated topologies (small, medium), one chassis hosting
// one VM, so its local datapaths are one router block. Prints a table and a JSON line:
// full compile, a no-op incremental update, an update after one new logical flow, and installing
// the result into an empty in-memory datapath. Run after a build:
//   node packages/controller/dist/bench/controller-bench.js [small|medium|large]

import { Datapath } from '@ovn-ts/datapath';
import { generateTopology, INSERT_ORDER, NbFixture, SCALES } from '@ovn-ts/northd';
import { ControllerCompiler } from '../compile/compiler.js';
import { nothingInstalled, planInstall } from '../compile/install-plan.js';
import type { LocalContext, ViewFlow } from '../compile/sb-view.js';
import { viewFromNorthd } from '../testing/northd-view.js';

const ms = (t0: number) => Math.round((performance.now() - t0) * 10) / 10;
const wanted = process.argv.slice(2);
const results: Record<string, unknown>[] = [];
for (const scale of SCALES.filter((s) =>
  wanted.length === 0 ? s.name !== 'large' : wanted.includes(s.name),
)) {
  const rows = generateTopology(scale) as Record<string, object[]>;
  const fx = new NbFixture();
  for (const t of INSERT_ORDER) for (const r of rows[t] ?? []) fx.insert(t as never, r as never);
  const view = viewFromNorthd(fx, { bindings: { 'ls0-vm0': 'hv1' } });
  const cx: LocalContext = {
    chassis: 'hv1',
    localPorts: new Map([['ls0-vm0', 1]]),
    tunnels: new Map(),
    zones: new Map(),
  };
  const compiler = new ControllerCompiler();
  let t0 = performance.now();
  const full = compiler.update(view, cx);
  const fullMs = ms(t0);
  t0 = performance.now();
  compiler.update(view, cx);
  const noopMs = ms(t0);
  const dpUuid = full.datapaths[0]!.uuid;
  const extra: ViewFlow = {
    uuid: 'ffffffff-0000-4000-8000-000000000000',
    datapaths: [dpUuid],
    pipeline: 'ingress',
    tableId: 9,
    priority: 5000,
    match: 'ip4.src == 10.99.0.0/16 && tcp.dst == {22, 80, 443}',
    actions: 'drop;',
    stage: 'ls_in_acl',
  };
  const changed = { ...view, flows: new Map([...view.flows, [extra.uuid, extra]]) };
  t0 = performance.now();
  compiler.update(changed, cx);
  const oneFlowMs = ms(t0);
  const dp = new Datapath({ now: () => 0 });
  t0 = performance.now();
  dp.bundle(planInstall(nothingInstalled, full, 1).mods);
  const installMs = ms(t0);
  results.push({
    scale: scale.name,
    lflows: view.flows.size,
    localDatapaths: full.datapaths.length,
    datapathFlows: full.flows.size,
    fullMs,
    noopMs,
    oneFlowMs,
    installMs,
  });
}
console.table(results);
console.log(JSON.stringify({ bench: 'controller', results }));
