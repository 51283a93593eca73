import { ControllerCompiler, nothingInstalled, planInstall } from '@ovn-ts/controller';
import { generateTopology, INSERT_ORDER, NbFixture, SCALES } from '@ovn-ts/northd';
import { viewFromNorthd } from './dist/testing/northd-view.js';

const scale = SCALES.find((s) => s.name === 'small');
const rows = generateTopology(scale);
const fx = new NbFixture();
for (const t of INSERT_ORDER) for (const r of rows[t] ?? []) fx.insert(t, r);
const view = viewFromNorthd(fx, { bindings: { 'ls0-vm0': 'hv1' } });
const tunnels = new Map(Array.from({ length: 19 }, (_, i) => [`hv${i + 2}`, 100 + i]));
const cx = { chassis: 'hv1', localPorts: new Map([['ls0-vm0', 1]]), tunnels, zones: new Map() };
const c = new ControllerCompiler();
let r = c.update(view, cx);
let inst = planInstall(nothingInstalled, r, 1).next;
for (let i = 0; i < 200; i++) {
  r = c.update(view, cx);
  inst = planInstall(inst, r, 1).next;
}
const times = [];
for (let b = 0; b < 5; b++) {
  const t0 = performance.now();
  for (let i = 0; i < 200; i++) {
    r = c.update(view, cx);
    const p = planInstall(inst, r, 1);
    inst = p.next;
  }
  times.push((performance.now() - t0) / 200);
}
console.log('noop+plan ms min', Math.min(...times).toFixed(3), 'flows', r.flows.size);
