import { buildPacket } from '@ovn-ts/datapath';
import { NbFixture } from '@ovn-ts/northd';
import { describe, expect, test } from 'vitest';
import {
  DHCP_ACK,
  DHCP_DISCOVER,
  DHCP_NAK,
  DHCP_OFFER,
  DHCP_REQUEST,
  parseDhcp,
} from '../pinctrl/dhcp.js';
import { ChassisHarness } from '../testing/chassis-harness.js';
import { viewFromNorthd } from '../testing/northd-view.js';

const MAC = '0a:00:00:00:00:05';
const SMAC = '0a:00:00:00:ff:fe';

function dhcpRequest(type: number, extra: number[] = []): Uint8Array {
  const m = new Uint8Array(240);
  m[0] = 1;
  m[1] = 1;
  m[2] = 6;
  new DataView(m.buffer).setUint32(4, 0x1234abcd);
  m.set([0x0a, 0, 0, 0, 0, 5], 28);
  m.set([99, 130, 83, 99], 236);
  const payload = new Uint8Array([...m, 53, 1, type, ...extra, 255]);
  return buildPacket({
    eth: { src: MAC, dst: 'ff:ff:ff:ff:ff:ff' },
    ip4: { src: '0.0.0.0', dst: '255.255.255.255' },
    udp: { sport: 68, dport: 67 },
    payload,
  });
}

function harness() {
  const fx = new NbFixture();
  fx.switch('sw0');
  const opts = fx.insert('dhcp_options', {
    cidr: '10.0.0.0/24',
    options: {
      server_id: '10.0.0.254',
      server_mac: SMAC,
      lease_time: '3600',
      router: '10.0.0.254',
      dns_server: '{8.8.8.8, 9.9.9.9}',
    },
  });
  fx.port('sw0', 'vm1', { addresses: [`${MAC} 10.0.0.5`], dhcpv4_options: opts.uuid });
  const view = viewFromNorthd(fx, { bindings: { vm1: 'hv1' } });
  return new ChassisHarness(view, {
    chassis: 'hv1',
    localPorts: new Map([['vm1', 1]]),
    tunnels: new Map(),
    zones: new Map(),
  });
}

/** The DHCP reply in a frame, with its L2-L4 addresses. */
function reply(frame: Uint8Array) {
  const v = new DataView(frame.buffer, frame.byteOffset);
  const hex = (o: number) =>
    [...frame.slice(o, o + 6)].map((b) => b.toString(16).padStart(2, '0')).join(':');
  const ip = (o: number) => [...frame.slice(o, o + 4)].join('.');
  const msg = parseDhcp(frame.slice(42))!;
  return {
    eth: [hex(6), hex(0)],
    ip: [ip(26), ip(30)],
    udp: [v.getUint16(34), v.getUint16(36)],
    type: msg.options.get(53)?.[0],
    yiaddr: ip(42 + 16),
    router: [...(msg.options.get(3) ?? [])].join('.'),
    dns: [...(msg.options.get(6) ?? [])].join('.'),
    lease: msg.options.get(51) && new DataView(msg.options.get(51)!.buffer).getUint32(0),
    xid: msg.xid,
  };
}

describe('native DHCP (put_dhcp_opts, paused and resumed by the controller)', () => {
  test('DISCOVER gets an OFFER of the port address with the options; REQUEST gets an ACK', () => {
    const h = harness();
    expect(h.result.problems).toEqual([]);
    h.send('vm1', [dhcpRequest(DHCP_DISCOVER)]);
    const [offer] = h.take('vm1');
    expect(reply(offer!)).toEqual({
      eth: [SMAC, MAC],
      ip: ['10.0.0.254', '10.0.0.5'],
      udp: [67, 68],
      type: DHCP_OFFER,
      yiaddr: '10.0.0.5',
      router: '10.0.0.254',
      dns: '8.8.8.8.9.9.9.9',
      lease: 3600,
      xid: 0x1234abcd,
    });
    h.send('vm1', [dhcpRequest(DHCP_REQUEST, [50, 4, 10, 0, 0, 5])]);
    expect(reply(h.take('vm1')[0]!).type).toBe(DHCP_ACK);
    h.send('vm1', [dhcpRequest(DHCP_REQUEST, [50, 4, 10, 0, 0, 9])]);
    expect(reply(h.take('vm1')[0]!)).toMatchObject({
      type: DHCP_NAK,
      ip: ['10.0.0.254', '255.255.255.255'],
    });
  });
});
