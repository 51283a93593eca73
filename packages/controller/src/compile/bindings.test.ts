import { describe, expect, test } from 'vitest';
import { bindingChanges } from './bindings.js';
import { emptyView, type SbView, type ViewPort } from './sb-view.js';

const port = (
  name: string,
  type: string,
  chassis: string | null,
  options: Record<string, string> = {},
): ViewPort => ({
  uuid: `u-${name}`,
  name,
  datapath: 'd',
  key: 1,
  type,
  options,
  chassis,
});

function view(
  ports: ViewPort[],
  gateways: Record<string, { chassis: string; priority: number }[]> = {},
): SbView {
  return {
    ...emptyView(),
    ports: new Map(ports.map((p) => [p.uuid, p])),
    chassis: new Map(['hv1', 'hv2'].map((n) => [n, { name: n, encaps: [] }])),
    gatewayChassis: new Map(Object.entries(gateways)),
  };
}

describe('which bindings a chassis takes and gives up', () => {
  test.each([
    [
      'an attached VIF is claimed (up later)',
      [port('vm1', '', null)],
      {},
      ['vm1'],
      { claim: [{ port: 'vm1', vif: true }], release: [] },
    ],
    [
      'an attached VIF bound elsewhere is taken over',
      [port('vm1', '', 'hv2')],
      {},
      ['vm1'],
      { claim: [{ port: 'vm1', vif: true }], release: [] },
    ],
    [
      'a detached VIF bound here is released',
      [port('vm1', '', 'hv1')],
      {},
      [],
      { claim: [], release: ['vm1'] },
    ],
    [
      'a VIF bound elsewhere and not here is left alone',
      [port('vm1', '', 'hv2')],
      {},
      [],
      { claim: [], release: [] },
    ],
    [
      'a gateway router port follows l3gateway-chassis',
      [port('lr-p', 'l3gateway', null, { 'l3gateway-chassis': 'hv1' })],
      {},
      [],
      { claim: [{ port: 'lr-p', vif: false }], release: [] },
    ],
    [
      'a gateway router port moved away is released',
      [port('lr-p', 'l3gateway', 'hv1', { 'l3gateway-chassis': 'hv2' })],
      {},
      [],
      { claim: [], release: ['lr-p'] },
    ],
    [
      'a chassisredirect port goes to the highest-priority gateway',
      [port('cr-p', 'chassisredirect', null)],
      {
        'cr-p': [
          { chassis: 'hv1', priority: 20 },
          { chassis: 'hv2', priority: 10 },
        ],
      },
      [],
      { claim: [{ port: 'cr-p', vif: false }], release: [] },
    ],
    [
      'a chassisredirect port leaves for a better gateway',
      [port('cr-p', 'chassisredirect', 'hv1')],
      {
        'cr-p': [
          { chassis: 'hv2', priority: 20 },
          { chassis: 'hv1', priority: 10 },
        ],
      },
      [],
      { claim: [], release: ['cr-p'] },
    ],
    [
      'an unregistered gateway does not count',
      [port('cr-p', 'chassisredirect', null)],
      {
        'cr-p': [
          { chassis: 'hv9', priority: 30 },
          { chassis: 'hv1', priority: 10 },
        ],
      },
      [],
      { claim: [{ port: 'cr-p', vif: false }], release: [] },
    ],
    [
      'a VIF requested on another chassis is not claimed',
      [port('vm1', '', null, { 'requested-chassis': 'hv2' })],
      {},
      ['vm1'],
      { claim: [], release: [] },
    ],
    [
      'a VIF requested elsewhere but bound here is released',
      [port('vm1', '', 'hv1', { 'requested-chassis': 'hv2' })],
      {},
      ['vm1'],
      { claim: [], release: ['vm1'] },
    ],
    [
      'a VIF requested here is claimed',
      [port('vm1', '', null, { 'requested-chassis': 'hv2,hv1' })],
      {},
      ['vm1'],
      { claim: [{ port: 'vm1', vif: true }], release: [] },
    ],
    [
      "patch ports are nobody's",
      [port('sw-lr', 'patch', null)],
      {},
      ['sw-lr'],
      { claim: [], release: [] },
    ],
  ] as const)('%s', (_t, ports, gateways, attached, expected) => {
    const v = view([...ports], gateways as Record<string, { chassis: string; priority: number }[]>);
    expect(bindingChanges(v, 'hv1', new Map(attached.map((n, i) => [n, i + 1])))).toEqual(expected);
  });
});
