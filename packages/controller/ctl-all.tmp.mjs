import { ControllerCompiler, nothingInstalled, planInstall } from '@ovn-ts/controller';
import { Datapath } from '@ovn-ts/datapath';
import { generateTopology, INSERT_ORDER, NbFixture, SCALES } from '@ovn-ts/northd';
import { viewFromNorthd } from './dist/testing/northd-view.js';

const scale = SCALES.find((s) => s.name === (process.argv[2] ?? 'medium'));
const rows = generateTopology(scale);
const fx = new NbFixture();
for (const t of INSERT_ORDER) for (const r of rows[t] ?? []) fx.insert(t, r);
const bindings = {};
const local = new Map();
for (let s = 0; s < scale.switches; s++) {
  bindings[`ls${s}-vm0`] = 'hv1';
  local.set(`ls${s}-vm0`, s + 1);
}
let t0 = performance.now();
const view = viewFromNorthd(fx, { bindings });
console.log('view', view.flows.size, Math.round(performance.now() - t0));
const cx = { chassis: 'hv1', localPorts: local, tunnels: new Map(), zones: new Map() };
const c = new ControllerCompiler();
t0 = performance.now();
const r = c.update(view, cx);
console.log(
  'compile',
  r.flows.size,
  r.datapaths.length,
  Math.round(performance.now() - t0),
  'problems',
  r.problems.length,
);
t0 = performance.now();
c.update(view, cx);
console.log('noop', Math.round(performance.now() - t0));
const dp = new Datapath({ now: () => 0 });
t0 = performance.now();
const plan = planInstall(nothingInstalled, r, 1);
console.log('plan', Math.round(performance.now() - t0));
t0 = performance.now();
const CH = Number(process.env.CHUNK ?? 0);
if (CH) {
  for (let i = 0; i < plan.mods.length; i += CH) dp.bundle(plan.mods.slice(i, i + CH));
} else dp.bundle(plan.mods);
console.log('install', Math.round(performance.now() - t0));
global.gc?.();
const m = process.memoryUsage();
console.log('heap MB', Math.round(m.heapUsed / 1e6), 'rss', Math.round(m.rss / 1e6));
