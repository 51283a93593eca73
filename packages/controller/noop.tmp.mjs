import { ControllerCompiler, nothingInstalled, planInstall } from '@ovn-ts/controller';
import { generateTopology, INSERT_ORDER, NbFixture, SCALES } from '@ovn-ts/northd';
import { viewFromNorthd } from './dist/testing/northd-view.js';

const scale = SCALES.find((s) => s.name === 'small');
const rows = generateTopology(scale);
const fx = new NbFixture();
for (const t of INSERT_ORDER) for (const r of rows[t] ?? []) fx.insert(t, r);
const view = viewFromNorthd(fx, { bindings: { 'ls0-vm0': 'hv1' } });
const cx = {
  chassis: 'hv1',
  localPorts: new Map([['ls0-vm0', 1]]),
  tunnels: new Map(),
  zones: new Map(),
};
const c = new ControllerCompiler();
let r = c.update(view, cx);
let inst = planInstall(nothingInstalled, r, 1).next;
const t0 = performance.now();
for (let i = 0; i < 300; i++) {
  r = c.update(view, cx);
  const p = planInstall(inst, r, 1);
  inst = p.next;
}
console.log('noop+plan ms', (performance.now() - t0) / 300);
