/**
 * Evidence that two datapaths in separate processes join over Geneve the way OVN chassis do:
 * ns1 <-> datapath A <=> Geneve over loopback UDP (127.0.0.1 <-> 127.0.0.2) <=> datapath B <-> ns2.
 * The flows put the datapath key in tun_id and OVN's port keys in the Geneve option on the way out,
 * and match both on the way in. The processes run the compiled package, built first.
 */

import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { output, setField } from '../actions.js';
import type { FlowSpec } from '../flow-mod.js';
import { buildDatapathPackage } from './compiled-package.js';
import { DatapathChild, droppedByPorts } from './datapath-child.js';
import { ping, pingUntilReachable } from './lab-measurements.js';
import { type LabHost, NetnsLab } from './netns-lab.js';
import { tcpTransfer } from './tcp-transfer.js';

beforeAll(() => buildDatapathPackage(), 120_000);

let lab: NetnsLab | undefined;
const children: DatapathChild[] = [];

afterEach(async () => {
  await Promise.all(children.splice(0).map((c) => c.stop()));
  lab?.destroy();
  lab = undefined;
});

const DATAPATH_KEY = 5;
/** OVN's option value: ingress logical port key << 16 | egress logical port key. */
const opt = (ingress: number, egress: number): number => (ingress << 16) | egress;

/** Flows of one chassis: local port 1, tunnel port 2; `local`/`remote` are the logical port keys. */
function chassisFlows(local: number, remote: number): FlowSpec[] {
  return [
    {
      match: { in_port: 1 },
      actions: [
        setField('tun_id', DATAPATH_KEY),
        setField('tun_metadata0', opt(local, remote)),
        output(2),
      ],
    },
    {
      match: { in_port: 2, tun_id: DATAPATH_KEY, tun_metadata0: opt(remote, local) },
      actions: [output(1)],
    },
  ];
}

describe('two datapath processes joined by a tunnel', () => {
  it.each(['geneve', 'vxlan'] as const)(
    'ping crosses %s between two namespaces',
    async (encapsulation) => {
      lab = new NetnsLab(encapsulation.slice(0, 3));
      const h1 = lab.addHost('h1', { cidr: '10.0.0.1/24' });
      const h2 = lab.addHost('h2', { cidr: '10.0.0.2/24' });
      const portA = 20000 + Math.floor(Math.random() * 20000);
      const portB = portA + 1;
      // VXLAN has no option: its flows match and set tun_id only.
      const flows = (local: number, remote: number): FlowSpec[] =>
        encapsulation === 'geneve'
          ? chassisFlows(local, remote)
          : [
              { match: { in_port: 1 }, actions: [setField('tun_id', DATAPATH_KEY), output(2)] },
              { match: { in_port: 2, tun_id: DATAPATH_KEY }, actions: [output(1)] },
            ];
      const a = await DatapathChild.start({
        ports: [
          { name: 'h1', port: 1, spec: { kind: 'af_packet', ifname: h1.rootIf } },
          {
            name: 'tun',
            port: 2,
            spec: {
              kind: encapsulation,
              localIp: '127.0.0.1',
              localPort: portA,
              remoteIp: '127.0.0.2',
              remotePort: portB,
            },
          },
        ],
        flows: flows(1, 2),
      });
      children.push(a);
      const b = await DatapathChild.start({
        ports: [
          { name: 'h2', port: 1, spec: { kind: 'af_packet', ifname: h2.rootIf } },
          {
            name: 'tun',
            port: 2,
            spec: {
              kind: encapsulation,
              localIp: '127.0.0.2',
              localPort: portB,
              remoteIp: '127.0.0.1',
              remotePort: portA,
            },
          },
        ],
        flows: flows(2, 1),
      });
      children.push(b);

      expect(await pingUntilReachable(h1, h2.ip)).toBe(true);
      expect((await ping(h1, h2.ip, 3, 0.2)).received).toBe(3);
      expect((await ping(h2, h1.ip, 3, 0.2)).received).toBe(3);

      // Both directions were decapsulated by the flow that matches the tunnel key (and option).
      for (const child of [a, b]) {
        const s = await child.stats();
        const fromTunnel = s.flows.find((f) => f.match.includes('tun_id'))!;
        expect(fromTunnel.packets).toBeGreaterThanOrEqual(6);
        expect(s.ports.find((p) => p.name === 'tun')!.rxPackets).toBeGreaterThanOrEqual(6);
      }
    },
  );

  it('drops tunnel traffic whose Geneve option names other logical ports', async () => {
    lab = new NetnsLab('gopt');
    const h1 = lab.addHost('h1', { cidr: '10.0.0.1/24' });
    const h2 = lab.addHost('h2', { cidr: '10.0.0.2/24' });
    const portA = 20000 + Math.floor(Math.random() * 20000);
    const portB = portA + 1;
    const a = await DatapathChild.start({
      ports: [
        { name: 'h1', port: 1, spec: { kind: 'af_packet', ifname: h1.rootIf } },
        {
          name: 'tun',
          port: 2,
          spec: {
            kind: 'geneve',
            localIp: '127.0.0.1',
            localPort: portA,
            remoteIp: '127.0.0.2',
            remotePort: portB,
          },
        },
      ],
      flows: chassisFlows(1, 2),
    });
    children.push(a);
    // B expects ingress key 7, which A never sends: nothing reaches h2.
    const b = await DatapathChild.start({
      ports: [
        { name: 'h2', port: 1, spec: { kind: 'af_packet', ifname: h2.rootIf } },
        {
          name: 'tun',
          port: 2,
          spec: {
            kind: 'geneve',
            localIp: '127.0.0.2',
            localPort: portB,
            remoteIp: '127.0.0.1',
            remotePort: portA,
          },
        },
      ],
      flows: chassisFlows(2, 7),
    });
    children.push(b);
    expect((await ping(h1, h2.ip, 2, 0.2, 1)).received).toBe(0);
    const s = await b.stats();
    expect(s.ports.find((p) => p.name === 'tun')!.rxPackets).toBeGreaterThan(0);
    expect(s.flows.find((f) => f.match.includes('tun_id'))!.packets).toBe(0);
  });

  it('carries TCP with TSO frames whole across Geneve (offload option), data intact', async () => {
    lab = new NetnsLab('gtso');
    const h1 = lab.addHost('h1', { cidr: '10.0.0.1/24' });
    const h2 = lab.addHost('h2', { cidr: '10.0.0.2/24' });
    const [a, b] = await geneveChassisPair(h1, h2);
    expect(await pingUntilReachable(h1, h2.ip)).toBe(true);
    const r = await tcpTransfer(h1, h2, 32 << 20);
    expect(r.received).toEqual(r.sent);
    expect(r.sent.n).toBe(32 << 20);
    const sa = await a.stats();
    const tunIn = (await b.stats()).ports.find((p) => p.name === 'tun')!;
    // Frames larger than a full-size Ethernet frame crossed the tunnel: TSO segments, not wire-sized ones.
    expect(tunIn.rxBytes / tunIn.rxPackets).toBeGreaterThan(1514);
    expect(droppedByPorts(sa)).toBe(0);
  });
});

describe('three chassis, one Geneve endpoint each, one tunnel port per peer', () => {
  it('every host reaches the others; traffic is told apart by peer address and OVN port keys', async () => {
    lab = new NetnsLab('tri');
    const hosts = [1, 2, 3].map((i) => lab!.addHost(`h${i}`, { cidr: `10.0.0.${i}/24` }));
    const udpPort = 20000 + Math.floor(Math.random() * 20000);
    const MC_FLOOD = 0x8000; // OVN's flood multicast group key, as egress key for broadcasts
    const peerPort = (y: number) => 10 + y;
    for (let x = 1; x <= 3; x++) {
      const peers = [1, 2, 3].filter((y) => y !== x);
      const tun = (y: number) => [
        setField('tun_id', DATAPATH_KEY),
        setField('tun_metadata0', opt(x, y)),
      ];
      const flows: FlowSpec[] = [
        ...peers.map((y) => ({
          priority: 100,
          match: { in_port: 1, eth_dst: hosts[y - 1]!.mac },
          actions: [...tun(y), output(peerPort(y))],
        })),
        {
          priority: 90,
          match: { in_port: 1, eth_dst: 'ff:ff:ff:ff:ff:ff' },
          actions: [
            setField('tun_id', DATAPATH_KEY),
            setField('tun_metadata0', opt(x, MC_FLOOD)),
            ...peers.map((y) => output(peerPort(y))),
          ],
        },
        ...peers.flatMap((y) => [
          {
            priority: 100,
            match: { in_port: peerPort(y), tun_id: DATAPATH_KEY, tun_metadata0: opt(y, x) },
            actions: [output(1)],
          },
          {
            priority: 100,
            match: { in_port: peerPort(y), tun_id: DATAPATH_KEY, tun_metadata0: opt(y, MC_FLOOD) },
            actions: [output(1)],
          },
        ]),
      ];
      children.push(
        await DatapathChild.start({
          endpoints: [
            {
              name: 'geneve',
              encapsulation: 'geneve',
              localIp: `127.0.0.${x}`,
              localPort: udpPort,
              remotePort: udpPort,
            },
          ],
          ports: [
            { name: 'host', port: 1, spec: { kind: 'af_packet', ifname: hosts[x - 1]!.rootIf } },
            ...peers.map((y) => ({
              name: `ovn-hv${y}-0`,
              port: peerPort(y),
              spec: { kind: 'peer' as const, endpoint: 'geneve', remoteIp: `127.0.0.${y}` },
            })),
          ],
          flows,
        }),
      );
    }
    for (const [a, b] of [
      [0, 1],
      [0, 2],
      [1, 2],
    ] as const) {
      expect(await pingUntilReachable(hosts[a]!, hosts[b]!.ip)).toBe(true);
      expect((await ping(hosts[b]!, hosts[a]!.ip, 2, 0.2)).received).toBe(2);
    }
    // Chassis 1 received from each peer on that peer's own port.
    const s1 = await children[0]!.stats();
    for (const y of [2, 3])
      expect(s1.ports.find((p) => p.name === `ovn-hv${y}-0`)!.rxPackets).toBeGreaterThan(0);
  });
});

describe('TSO frames towards a peer that cannot carry them', () => {
  it('carries TCP across VXLAN with TSO frames cut in software, data intact', async () => {
    lab = new NetnsLab('vtso');
    const h1 = lab.addHost('h1', { cidr: '10.0.0.1/24' });
    const h2 = lab.addHost('h2', { cidr: '10.0.0.2/24' });
    const portA = 20000 + Math.floor(Math.random() * 20000);
    const portB = portA + 1;
    const flows: FlowSpec[] = [
      { match: { in_port: 1 }, actions: [setField('tun_id', DATAPATH_KEY), output(2)] },
      { match: { in_port: 2, tun_id: DATAPATH_KEY }, actions: [output(1)] },
    ];
    for (const [h, local, remote, lp, rp] of [
      [h1, '127.0.0.1', '127.0.0.2', portA, portB],
      [h2, '127.0.0.2', '127.0.0.1', portB, portA],
    ] as const) {
      children.push(
        await DatapathChild.start({
          ports: [
            { name: 'host', port: 1, spec: { kind: 'af_packet', ifname: h.rootIf } },
            {
              name: 'tun',
              port: 2,
              spec: {
                kind: 'vxlan',
                localIp: local,
                localPort: lp,
                remoteIp: remote,
                remotePort: rp,
              },
            },
          ],
          flows,
        }),
      );
    }
    expect(await pingUntilReachable(h1, h2.ip)).toBe(true);
    const r = await tcpTransfer(h1, h2, 16 << 20);
    expect(r.received).toEqual(r.sent);
    // The sender's datapath took TSO frames in and sent more, smaller datagrams out.
    const s = await children[0]!.stats();
    const fromHost = s.ports.find((p) => p.name === 'host')!;
    const intoTunnel = s.io.tun!;
    expect(fromHost.rxBytes / fromHost.rxPackets).toBeGreaterThan(1514);
    expect(intoTunnel.txDropped).toBe(0);
    expect(s.ports.find((p) => p.name === 'tun')!.txBytes).toBeGreaterThan(0);
  });
});

async function geneveChassisPair(
  h1: LabHost,
  h2: LabHost,
): Promise<[DatapathChild, DatapathChild]> {
  const portA = 20000 + Math.floor(Math.random() * 20000);
  const portB = portA + 1;
  const a = await DatapathChild.start({
    ports: [
      { name: 'h1', port: 1, spec: { kind: 'af_packet', ifname: h1.rootIf } },
      {
        name: 'tun',
        port: 2,
        spec: {
          kind: 'geneve',
          localIp: '127.0.0.1',
          localPort: portA,
          remoteIp: '127.0.0.2',
          remotePort: portB,
        },
      },
    ],
    flows: chassisFlows(1, 2),
  });
  children.push(a);
  const b = await DatapathChild.start({
    ports: [
      { name: 'h2', port: 1, spec: { kind: 'af_packet', ifname: h2.rootIf } },
      {
        name: 'tun',
        port: 2,
        spec: {
          kind: 'geneve',
          localIp: '127.0.0.2',
          localPort: portB,
          remoteIp: '127.0.0.1',
          remotePort: portA,
        },
      },
    ],
    flows: chassisFlows(2, 1),
  });
  children.push(b);
  return [a, b];
}
