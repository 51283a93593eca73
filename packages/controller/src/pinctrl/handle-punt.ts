// What the controller does with a punt (pure): the daemon carries out the returned effects.

import {
  type Action,
  buildPacket,
  type FieldRef,
  formatIp4,
  formatMac,
  load,
  type PacketIn,
  setField,
} from '@ovn-ts/datapath';
import { decodePunt, type Punt } from '../compile/punt.js';
import { buildDhcpReply, DHCP_NAK, parseDhcp, replyType } from './dhcp.js';
import {
  arpRequestFor,
  icmp4ErrorFor,
  icmp6ErrorFor,
  ndNaFor,
  ndNsFor,
  tcpResetFor,
} from './generate.js';
import { readPinField, readPinRefs } from './packet-in-fields.js';

/** A MAC binding learnt from put_arp/put_nd, by datapath and port tunnel keys. */
export interface LearntBinding {
  readonly datapathKey: number;
  readonly portKey: number;
  /** IPv4 address as a 32-bit value, IPv6 as 128 bits. */
  readonly ip: bigint;
  readonly v6: boolean;
  readonly mac: bigint;
}

/** Field changes for a resumed pipeline: datapath field → bits to set. */
export type FieldChanges = Readonly<
  Record<string, { readonly value: bigint; readonly mask: bigint }>
>;

export type PuntEffect =
  | {
      readonly kind: 'packet-out';
      readonly packet: Uint8Array;
      readonly actions: readonly Action[];
    }
  /** Continue a paused pipeline, with a new packet and field changes. */
  | {
      readonly kind: 'resume';
      readonly pin: PacketIn;
      readonly packet?: Uint8Array;
      readonly fields: FieldChanges;
    }
  | { readonly kind: 'mac-binding'; readonly binding: LearntBinding }
  /** bind_vport: virtual port `vport` is now claimed by port `parentKey` of switch `datapathKey`. */
  | {
      readonly kind: 'bind-vport';
      readonly vport: string;
      readonly datapathKey: number;
      readonly parentKey: number;
    }
  /** put_fdb: `mac` lives behind port `portKey` of switch `datapathKey`. */
  | {
      readonly kind: 'fdb';
      readonly datapathKey: number;
      readonly portKey: number;
      readonly mac: bigint;
    }
  | { readonly kind: 'unhandled'; readonly op: string };

/** Actions that put back the logical context of the packet-in (datapath, registers, flags). */
export function restoreMetadata(pin: PacketIn): Action[] {
  const out: Action[] = [setField('metadata', pin.metadata)];
  for (let i = 0; i < 16; i++)
    out.push(load({ field: `reg${i}`, ofs: 0, nBits: 32 }, pin.regs[i]!));
  return out;
}

export function handlePunt(pin: PacketIn): PuntEffect[] {
  const punt = decodePunt(pin.userdata);
  if (!punt) return pin.continuation ? [{ kind: 'resume', pin, fields: {} }] : [];
  const effects = effectsOf(pin, punt);
  // A paused pipeline always continues, even when its action could not be carried out.
  if (pin.continuation && !effects.some((e) => e.kind === 'resume'))
    effects.push({ kind: 'resume', pin, fields: {} });
  return effects;
}

/** The changes that set a 1-bit result (spread over `refs`) to `bit`. */
function resultChanges(refs: readonly FieldRef[], bit: boolean): FieldChanges {
  const out: Record<string, { value: bigint; mask: bigint }> = {};
  for (const r of refs) {
    const ofs = BigInt(r.ofs ?? 0);
    const mask = ((1n << BigInt(r.nBits ?? 1)) - 1n) << ofs;
    const prev = out[r.field] ?? { value: 0n, mask: 0n };
    out[r.field] = { value: prev.value | (bit ? mask : 0n), mask: prev.mask | mask };
  }
  return out;
}

/** put_dhcp_opts: the DHCP request becomes the reply; the result says whether it did. */
function dhcpReply(pin: PacketIn, punt: Punt): PuntEffect[] {
  const result = punt.result ?? [];
  const frame = pin.packet;
  const l3 = frame[12] === 0x81 && frame[13] === 0x00 ? 18 : 14;
  const ihl = ((frame[l3] ?? 0) & 0x0f) * 4;
  const udp = l3 + ihl;
  const req = frame.length > udp + 8 ? parseDhcp(frame.subarray(udp + 8)) : undefined;
  const type = req && replyType(req, punt.dhcp ?? []);
  if (!req || type === undefined)
    return [{ kind: 'resume', pin, fields: resultChanges(result, false) }];
  const f = pin.fields;
  const payload = buildDhcpReply(req, type, punt.dhcp ?? []);
  // To the client's address when it has one, else to the offered one unless it asked for broadcast.
  const yiaddr = new DataView(payload.buffer).getUint32(16);
  const dst = type === DHCP_NAK || (req.flags & 0x8000) !== 0 ? 0xffffffff : req.ciaddr || yiaddr;
  const packet = buildPacket({
    eth: { src: formatMac(readPinField(f, 'eth_src')), dst: formatMac(readPinField(f, 'eth_dst')) },
    ip4: { src: formatIp4(Number(readPinField(f, 'ip_src'))), dst: formatIp4(dst) },
    udp: { sport: Number(readPinField(f, 'udp_src')), dport: Number(readPinField(f, 'udp_dst')) },
    payload,
  });
  return [{ kind: 'resume', pin, packet, fields: resultChanges(result, true) }];
}

function effectsOf(pin: PacketIn, punt: Punt): PuntEffect[] {
  const send = (packet: Uint8Array): PuntEffect[] => [
    { kind: 'packet-out', packet, actions: [...restoreMetadata(pin), ...(punt.actions ?? [])] },
  ];
  switch (punt.op) {
    case 'arp':
      return send(arpRequestFor(pin.fields));
    case 'icmp4':
    case 'icmp4_error':
      return send(icmp4ErrorFor(pin.fields, pin.packet));
    case 'nd_ns':
      return send(ndNsFor(pin.fields));
    case 'nd_na':
    case 'nd_na_router':
      return send(ndNaFor(pin.fields, punt.op === 'nd_na_router'));
    case 'icmp6':
    case 'icmp6_error':
      return send(icmp6ErrorFor(pin.fields, pin.packet));
    case 'tcp_reset':
      return send(tcpResetFor(pin.fields, pin.packet));
    case 'reject': {
      // TCP gets a reset, other IPv4 an ICMP port unreachable, other IPv6 an ICMPv6 one, all
      // from the destination back to the sender (OVN's reject swaps the addresses itself).
      const f = pin.fields;
      const tcp = readPinField(f, 'eth_type') !== 0x806n && readPinField(f, 'ip_proto') === 6n;
      if (tcp) return send(tcpResetFor(f, pin.packet, true));
      if (readPinField(f, 'eth_type') === 0x86ddn) return send(icmp6ErrorFor(f, pin.packet, true));
      return send(icmp4ErrorFor(f, pin.packet, 3, true));
    }
    case 'put_arp':
    case 'put_nd': {
      const f = punt.fields ?? {};
      return [
        {
          kind: 'mac-binding',
          binding: {
            datapathKey: Number(pin.metadata & 0xffffffn),
            portKey: Number(readPinRefs(pin.fields, f.port ?? [])),
            ip: readPinRefs(pin.fields, f.ip ?? []),
            v6: punt.op === 'put_nd',
            mac: readPinRefs(pin.fields, f.mac ?? []),
          },
        },
      ];
    }
    case 'bind_vport':
      return [
        {
          kind: 'bind-vport',
          vport: punt.vport ?? '',
          datapathKey: Number(pin.metadata & 0xffffffn),
          parentKey: Number(readPinRefs(pin.fields, punt.fields?.parent ?? [])),
        },
      ];
    case 'put_fdb': {
      const f = punt.fields ?? {};
      return [
        {
          kind: 'fdb',
          datapathKey: Number(pin.metadata & 0xffffffn),
          portKey: Number(readPinRefs(pin.fields, f.port ?? [])),
          mac: readPinRefs(pin.fields, f.mac ?? []),
        },
      ];
    }
    case 'put_dhcp_opts':
      return dhcpReply(pin, punt);
    default:
      return [{ kind: 'unhandled', op: punt.op }];
  }
}
