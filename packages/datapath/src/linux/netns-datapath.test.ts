/**
 * Evidence that the datapath forwards real traffic: network namespaces as hosts, veth pairs to the
 * datapath's AF_PACKET ports, `ping` between them through flows installed here. Needs root (CI runs
 * as root) and iproute2 + iputils-ping (.ci/run installs them).
 */
import { resolve } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { output, setField } from '../actions.js';
import { Datapath } from '../datapath.js';
import { AfPacketPort } from './af-packet-port.js';
import { buildDatapathPackage, packageDir } from './compiled-package.js';
import { ping, pingUntilReachable, runAsync } from './lab-measurements.js';
import { NetnsLab } from './netns-lab.js';
import { TapPort } from './tap-port.js';
import { tcpTransfer } from './tcp-transfer.js';

// The VLAN test runs a compiled tool inside the namespaces.
beforeAll(() => buildDatapathPackage(), 120_000);

let lab: NetnsLab | undefined;
let dp: Datapath | undefined;

afterEach(async () => {
  await dp?.close();
  dp = undefined;
  lab?.destroy();
  lab = undefined;
});

function twoHosts(label: string) {
  lab = new NetnsLab(label);
  const h1 = lab.addHost('h1', { cidr: '10.0.0.1/24' });
  const h2 = lab.addHost('h2', { cidr: '10.0.0.2/24' });
  dp = new Datapath({ now: () => Date.now() });
  dp.addPort('p1', new AfPacketPort(h1.rootIf), { port: 1 });
  dp.addPort('p2', new AfPacketPort(h2.rootIf), { port: 2 });
  return { h1, h2, dp };
}

describe('one datapath between two namespaces', () => {
  it('forwards ping both ways through port-to-port flows', async () => {
    const { h1, h2, dp } = twoHosts('ports');
    dp.addFlows([
      { match: { in_port: 1 }, actions: [output(2)] },
      { match: { in_port: 2 }, actions: [output(1)] },
    ]);
    expect(await pingUntilReachable(h1, h2.ip)).toBe(true);
    const r = await ping(h1, h2.ip, 3, 0.2);
    expect(r.received).toBe(3);
    // Every echo request went 1 -> 2 and every reply 2 -> 1 through the flows, not around them.
    const flows = dp.flowStats();
    expect(flows.find((f) => f.match.includes('in_port=1'))!.packets).toBeGreaterThanOrEqual(4);
    expect(flows.find((f) => f.match.includes('in_port=2'))!.packets).toBeGreaterThanOrEqual(4);
  });

  it('forwards by destination MAC and floods broadcasts; without flows nothing passes', async () => {
    const { h1, h2, dp } = twoHosts('macs');
    expect((await ping(h1, h2.ip, 2, 0.2, 1)).received).toBe(0);
    dp.addFlows([
      { priority: 100, match: { eth_dst: h2.mac }, actions: [output(2)] },
      { priority: 100, match: { eth_dst: h1.mac }, actions: [output(1)] },
      // ARP requests: flood (output to the ingress port is skipped, as in OpenFlow).
      { priority: 50, match: { eth_dst: 'ff:ff:ff:ff:ff:ff' }, actions: [output(1), output(2)] },
    ]);
    expect(await pingUntilReachable(h1, h2.ip)).toBe(true);
    expect((await ping(h2, h1.ip, 3, 0.2)).received).toBe(3);
    const toH1 = dp.flowStats().find((f) => f.match.includes(h1.mac))!;
    expect(toH1.packets).toBeGreaterThanOrEqual(3);
  });
});

describe('VLAN-tagged traffic', () => {
  it('sees and forwards tags the kernel stripped on receive (put back from auxiliary data)', async () => {
    const { h1, h2, dp } = twoHosts('vlan');
    // Only frames tagged with VLAN 10 pass (vlan_vid carries the "present" bit 0x1000, as in OpenFlow).
    dp.addFlows([
      { match: { in_port: 1, vlan_vid: 0x1000 | 10 }, actions: [output(2)] },
      { match: { in_port: 2, vlan_vid: 0x1000 | 10 }, actions: [output(1)] },
    ]);
    const macHex = (mac: string) => mac.replaceAll(':', '');
    // dst, src, 802.1Q tag (PCP 3, VID 10), then a local-experimental EtherType and a payload.
    const tagged = `${macHex(h2.mac)}${macHex(h1.mac)}8100600a88b5${'5a'.repeat(46)}`;
    const untagged = `${macHex(h2.mac)}${macHex(h1.mac)}88b5${'a5'.repeat(46)}`;
    const tool = resolve(packageDir, 'dist/linux/raw-frames.js');
    const recv = runAsync('ip', [
      'netns',
      'exec',
      h2.ns,
      process.execPath,
      tool,
      'recv',
      h2.nsIf,
      '2',
      '3000',
    ]);
    // The receiver prints "ready" at once; give it a moment to bind before sending.
    await new Promise((r) => setTimeout(r, 500));
    await runAsync('ip', [
      'netns',
      'exec',
      h1.ns,
      process.execPath,
      tool,
      'send',
      h1.nsIf,
      untagged,
      tagged,
    ]);
    const lines = (await recv).stdout.trim().split('\n');
    expect(lines[0]).toBe('ready');
    // The untagged frame matched no flow; the tagged one crossed with its tag in place.
    expect(lines.slice(1)).toEqual([tagged]);
  });
});

describe('offloads through one datapath', () => {
  it('passes TSO frames whole with pending checksums, and TCP data arrives intact', async () => {
    const { h1, h2, dp } = twoHosts('tso');
    dp.addFlows([
      { match: { in_port: 1 }, actions: [output(2)] },
      { match: { in_port: 2 }, actions: [output(1)] },
    ]);
    expect(await pingUntilReachable(h1, h2.ip)).toBe(true);
    const r = await tcpTransfer(h1, h2, 32 << 20);
    expect(r.received).toEqual(r.sent);
    expect(r.sent.n).toBe(32 << 20);
    // veth offloads are on by default: the sender's stack hands over segments larger than the
    // 1500-byte MTU, so the average frame into port 1 exceeds a full-size Ethernet frame.
    const p1 = dp.portStats().find((p) => p.port === 1)!;
    expect(p1.rxBytes / p1.rxPackets).toBeGreaterThan(1514);
  });
});

describe('address rewrites on offloaded frames', () => {
  it('translates a virtual IP on TSO frames and TCP data arrives intact', async () => {
    const { h1, h2, dp } = twoHosts('nat');
    const vip = '10.0.0.100';
    // h1 reaches the virtual IP at h2's MAC; the flows translate it to h2's address and back.
    lab!.exec(h1, 'ip', ['neigh', 'replace', vip, 'lladdr', h2.mac, 'dev', h1.nsIf]);
    dp.addFlows([
      {
        priority: 200,
        match: { in_port: 1, eth_type: 0x800, ip_dst: vip },
        actions: [setField('ip_dst', h2.ip), output(2)],
      },
      {
        priority: 200,
        match: { in_port: 2, eth_type: 0x800, ip_src: h2.ip, ip_dst: h1.ip },
        actions: [setField('ip_src', vip), output(1)],
      },
      { priority: 100, match: { in_port: 1 }, actions: [output(2)] },
      { priority: 100, match: { in_port: 2 }, actions: [output(1)] },
    ]);
    expect(await pingUntilReachable(h1, vip)).toBe(true);
    const r = await tcpTransfer(h1, h2, 16 << 20, 5400, 20_000, vip);
    expect(r.received).toEqual(r.sent);
    const p1 = dp.portStats().find((p) => p.port === 1)!;
    expect(p1.rxBytes / p1.rxPackets).toBeGreaterThan(1514);
  });
});

describe('a TAP port beside an AF_PACKET port', () => {
  it('forwards ping between a namespace on a TAP device and one on a veth', async () => {
    lab = new NetnsLab('tap');
    const tap = new TapPort(lab.interfaceName());
    dp = new Datapath({ now: () => Date.now() });
    dp.addPort('tap', tap, { port: 1 });
    const h1 = lab.adoptInterface('h1', tap.ifname, { cidr: '10.0.0.1/24' });
    const h2 = lab.addHost('h2', { cidr: '10.0.0.2/24' });
    dp.addPort('veth', new AfPacketPort(h2.rootIf), { port: 2 });
    dp.addFlows([
      { match: { in_port: 1 }, actions: [output(2)] },
      { match: { in_port: 2 }, actions: [output(1)] },
    ]);
    expect(await pingUntilReachable(h1, h2.ip)).toBe(true);
    expect((await ping(h2, h1.ip, 3, 0.2)).received).toBe(3);
    expect(tap.stats().rxPackets).toBeGreaterThanOrEqual(4);
  });
});
