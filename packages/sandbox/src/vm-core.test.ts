import { buildPacket, TCP_ACK, TCP_RST, TCP_SYN } from '@ovn-ts/datapath';
import { describe, expect, test } from 'vitest';
import { decodeFrame } from './frame.js';
import { VmCore } from './vm-core.js';

const ME = {
  name: 'vm1',
  mac: '0a:00:00:00:00:01',
  ip: '10.0.0.1',
  prefix: 24,
  gateway: '10.0.0.254',
};
const PEER = { mac: '0a:00:00:00:00:02', ip: '10.0.0.2' };
const ZERO = '00:00:00:00:00:00';

const arpRequest = (from: typeof PEER, tpa: string) =>
  buildPacket({
    eth: { src: from.mac, dst: 'ff:ff:ff:ff:ff:ff' },
    arp: { op: 1, sha: from.mac, spa: from.ip, tha: ZERO, tpa },
  });

describe('VmCore', () => {
  test('answers an ARP request for its address and learns the asker', () => {
    const vm = new VmCore(ME);
    const out = vm.receive(arpRequest(PEER, ME.ip));
    expect(out.send).toEqual([
      buildPacket({
        eth: { src: ME.mac, dst: PEER.mac },
        arp: { op: 2, sha: ME.mac, spa: ME.ip, tha: PEER.mac, tpa: PEER.ip },
      }),
    ]);
    expect(out.events).toEqual([{ kind: 'arp-learnt', ip: PEER.ip, mac: PEER.mac }]);
    expect(vm.arpCache.get(PEER.ip)).toBe(PEER.mac);
  });

  test('ignores ARP requests for other addresses and frames for other MACs', () => {
    const vm = new VmCore(ME);
    expect(vm.receive(arpRequest(PEER, '10.0.0.3'))).toEqual({ send: [], events: [] });
    const ping = buildPacket({
      eth: { src: PEER.mac, dst: '0a:00:00:00:00:99' },
      ip4: { src: PEER.ip, dst: ME.ip },
      icmp: { type: 8, id: 1, seq: 1 },
    });
    expect(vm.receive(ping)).toEqual({ send: [], events: [] });
    expect(vm.arpCache.size).toBe(0);
  });

  test('learns from an ARP reply addressed to it', () => {
    const vm = new VmCore(ME);
    const reply = buildPacket({
      eth: { src: PEER.mac, dst: ME.mac },
      arp: { op: 2, sha: PEER.mac, spa: PEER.ip, tha: ME.mac, tpa: ME.ip },
    });
    expect(vm.receive(reply).events).toEqual([{ kind: 'arp-learnt', ip: PEER.ip, mac: PEER.mac }]);
  });

  test('answers an echo request with an echo reply carrying the same id, seq and payload', () => {
    const vm = new VmCore(ME);
    const payload = Uint8Array.of(1, 2, 3, 4);
    const out = vm.receive(
      buildPacket({
        eth: { src: PEER.mac, dst: ME.mac },
        ip4: { src: PEER.ip, dst: ME.ip, ttl: 63 },
        icmp: { type: 8, id: 7, seq: 3 },
        payload,
      }),
    );
    expect(out.send).toEqual([
      buildPacket({
        eth: { src: ME.mac, dst: PEER.mac },
        ip4: { src: ME.ip, dst: PEER.ip },
        icmp: { type: 0, code: 0, id: 7, seq: 3 },
        payload,
      }),
    ]);
  });

  test('an echo reply becomes an event; pings to another address are ignored', () => {
    const vm = new VmCore(ME);
    const reply = buildPacket({
      eth: { src: PEER.mac, dst: ME.mac },
      ip4: { src: PEER.ip, dst: ME.ip, ttl: 62 },
      icmp: { type: 0, id: 7, seq: 3 },
    });
    expect(vm.receive(reply).events).toEqual([
      { kind: 'echo-reply', from: PEER.ip, id: 7, seq: 3, ttl: 62 },
    ]);
    vm.setIp('10.0.0.9');
    expect(vm.receive(reply)).toEqual({ send: [], events: [] });
  });

  test('the next hop is the destination on the subnet, else the gateway', () => {
    const vm = new VmCore(ME);
    expect(vm.nextHop('10.0.0.77')).toBe('10.0.0.77');
    expect(vm.nextHop('10.1.0.5')).toBe('10.0.0.254');
    vm.setGateway(undefined);
    expect(vm.nextHop('10.1.0.5')).toBeUndefined();
    vm.setIp('10.1.0.9', 16);
    expect(vm.nextHop('10.1.200.5')).toBe('10.1.200.5');
  });

  test('TCP: a listening port answers SYN-ACK, a closed one RST, acknowledging seq + 1', () => {
    const vm = new VmCore(ME);
    vm.listen(80);
    const syn = (dport: number) =>
      buildPacket({
        eth: { src: PEER.mac, dst: ME.mac },
        ip4: { src: PEER.ip, dst: ME.ip },
        tcp: { sport: 5000, dport, flags: TCP_SYN, seq: 41 },
      });
    const open = decodeFrame(vm.receive(syn(80)).send[0]!);
    expect(open).toMatchObject({
      kind: 'tcp',
      sport: 80,
      dport: 5000,
      ack: 42,
      flags: TCP_SYN | TCP_ACK,
    });
    const closed = decodeFrame(vm.receive(syn(81)).send[0]!);
    expect(closed).toMatchObject({
      kind: 'tcp',
      sport: 81,
      dport: 5000,
      ack: 42,
      flags: TCP_RST | TCP_ACK,
    });
  });

  test('TCP: the answer to our SYN becomes an event, and a SYN-ACK is acknowledged', () => {
    const a = new VmCore(ME);
    const b = new VmCore({ name: 'vm2', ...PEER, prefix: 24 });
    b.listen(22);
    const synAck = b.receive(a.syn(PEER.ip, PEER.mac, 50000, 22)).send[0]!;
    const out = a.receive(synAck);
    expect(out.events).toEqual([
      { kind: 'tcp-answer', from: PEER.ip, remotePort: 22, localPort: 50000, answer: 'syn-ack' },
    ]);
    expect(decodeFrame(out.send[0]!)).toMatchObject({ kind: 'tcp', flags: TCP_ACK, dport: 22 });
    // The same SYN-ACK again is not ours any more: a connection is answered once.
    expect(a.receive(synAck)).toEqual({ send: [], events: [] });
    const rst = b.receive(a.syn(PEER.ip, PEER.mac, 50001, 23)).send[0]!;
    expect(a.receive(rst).events).toEqual([
      { kind: 'tcp-answer', from: PEER.ip, remotePort: 23, localPort: 50001, answer: 'reset' },
    ]);
  });

  test('UDP datagrams to its address become events with their payload', () => {
    const a = new VmCore(ME);
    const b = new VmCore({ name: 'vm2', ...PEER, prefix: 24 });
    const d = b.udp(ME.ip, ME.mac, 4000, 53, Uint8Array.of(9, 8, 7));
    expect(a.receive(d).events).toEqual([
      { kind: 'udp', from: PEER.ip, sport: 4000, dport: 53, payload: Uint8Array.of(9, 8, 7) },
    ]);
  });

  test('two cores wired back to back resolve each other and ping', () => {
    const a = new VmCore(ME);
    const b = new VmCore({ name: 'vm2', ...PEER, prefix: 24 });
    const [reply] = b.receive(a.arpRequest(PEER.ip)).send;
    expect(a.receive(reply!).events).toEqual([{ kind: 'arp-learnt', ip: PEER.ip, mac: PEER.mac }]);
    const [echo] = b.receive(a.echoRequest(PEER.ip, a.arpCache.get(PEER.ip)!, 1, 1)).send;
    expect(a.receive(echo!).events).toEqual([
      { kind: 'echo-reply', from: PEER.ip, id: 1, seq: 1, ttl: 64 },
    ]);
  });
});
