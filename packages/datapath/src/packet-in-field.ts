import { fieldByName, readField } from './fields.js';
import type { PacketIn } from './packet-in.js';

/** Reads any match field from a packet-in's snapshot of the key ('reg10', 'ct_label', 'ip_src', …). */
export function readPacketInField(pin: PacketIn, name: string): bigint {
  const f = fieldByName(name);
  if (!f) throw new Error(`packet-in: unknown field "${name}"`);
  return readField(pin.fields, f);
}
