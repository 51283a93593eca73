// What the controller does with a punt (pure): the daemon carries out the returned effects.

import { type Action, load, type PacketIn, setField } from '@ovn-ts/datapath';
import { decodePunt, type Punt } from '../compile/punt.js';
import { arpRequestFor, icmp4ErrorFor, tcpResetFor } from './generate.js';
import { readPinRefs } from './packet-in-fields.js';

/** A MAC binding learnt from put_arp/put_nd, by datapath and port tunnel keys. */
export interface LearntBinding {
  readonly datapathKey: number;
  readonly portKey: number;
  /** IPv4 address as a 32-bit value, IPv6 as 128 bits. */
  readonly ip: bigint;
  readonly v6: boolean;
  readonly mac: bigint;
}

export type PuntEffect =
  | {
      readonly kind: 'packet-out';
      readonly packet: Uint8Array;
      readonly actions: readonly Action[];
    }
  | { readonly kind: 'mac-binding'; readonly binding: LearntBinding }
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
  if (!punt) return [];
  return effectsOf(pin, punt);
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
    case 'tcp_reset':
      return send(tcpResetFor(pin.fields, pin.packet));
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
    default:
      return [{ kind: 'unhandled', op: punt.op }];
  }
}
