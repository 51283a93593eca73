import type { Action, FieldRef } from './actions.js';
import { formatFieldValue, parseFieldValue } from './field-value.js';
import { fieldByName } from './fields.js';
import { PORT_CONTROLLER, PORT_IN_PORT, PORT_LOCAL } from './key-layout.js';

function refText(r: FieldRef): string {
  if (r.ofs === undefined && r.nBits === undefined) return `${r.field}[]`;
  const lo = r.ofs ?? 0;
  const f = fieldByName(r.field);
  const n = r.nBits ?? (f ? f.bits - lo : 1);
  return n === 1 ? `${r.field}[${lo}]` : `${r.field}[${lo}..${lo + n - 1}]`;
}

export function portText(p: number): string {
  if (p === PORT_IN_PORT) return 'IN_PORT';
  if (p === PORT_CONTROLLER) return 'CONTROLLER';
  if (p === PORT_LOCAL) return 'LOCAL';
  return String(p);
}

function hex(b: Uint8Array): string {
  return [...b].map((x) => x.toString(16).padStart(2, '0')).join('.');
}

function valueText(field: string, value: unknown, mask: unknown): string {
  const f = fieldByName(field);
  if (!f) return String(value);
  try {
    const v = parseFieldValue(
      f,
      mask === undefined ? (value as never) : { value: value as never, mask: mask as never },
    );
    return formatFieldValue(f, v.value, v.mask);
  } catch {
    return String(value);
  }
}

/** One action in ovs-ofctl's notation (close to it; our own extensions are spelled plainly). */
export function formatAction(a: Action): string {
  switch (a.kind) {
    case 'output':
      return a.port === PORT_IN_PORT
        ? 'in_port'
        : a.port === PORT_CONTROLLER
          ? 'controller'
          : `output:${portText(a.port)}`;
    case 'output_field':
      return `output:${refText(a.src)}`;
    case 'resubmit':
      return `resubmit(${a.port === undefined ? '' : portText(a.port)},${a.table})`;
    case 'set_field':
      return `set_field:${valueText(a.field, a.value, a.mask)}->${a.field}`;
    case 'load':
      return `load:0x${BigInt(a.value).toString(16)}->${refText(a.dst)}`;
    case 'move':
      return `move:${refText(a.src)}->${refText(a.dst)}`;
    case 'swap':
      return `swap:${refText(a.a)}<->${refText(a.b)}`;
    case 'push':
      return `push:${refText(a.src)}`;
    case 'pop':
      return `pop:${refText(a.dst)}`;
    case 'dec_ttl':
      return a.onZero === 'controller' ? 'dec_ttl' : 'dec_ttl(drop)';
    case 'push_vlan':
      return `push_vlan:0x${(a.tpid ?? 0x8100).toString(16)}`;
    case 'pop_vlan':
      return 'pop_vlan';
    case 'drop':
      return a.reason ? `drop(${a.reason})` : 'drop';
    case 'exit':
      return 'exit';
    case 'group':
      return `group:${a.id}`;
    case 'controller': {
      const parts: string[] = [];
      if (a.reason) parts.push(`reason=${a.reason}`);
      if (a.userdata) parts.push(`userdata=${hex(a.userdata)}`);
      if (a.pause) parts.push('pause');
      return parts.length ? `controller(${parts.join(',')})` : 'controller';
    }
    case 'ct': {
      const parts: string[] = [];
      if (a.commit) parts.push('commit');
      if (a.zone !== undefined)
        parts.push(`zone=${typeof a.zone === 'number' ? a.zone : refText(a.zone)}`);
      if (a.table !== undefined) parts.push(`table=${a.table}`);
      if (a.nat) {
        const n = a.nat;
        if (!n.kind) parts.push('nat');
        else {
          const br = (a: string | undefined): string =>
            a?.includes(':') && n.portMin !== undefined ? `[${a}]` : `${a}`;
          const range =
            n.ipMax && n.ipMax !== n.ipMin ? `${br(n.ipMin)}-${br(n.ipMax)}` : br(n.ipMin);
          const ports =
            n.portMin === undefined
              ? ''
              : n.portMax !== undefined && n.portMax !== n.portMin
                ? `:${n.portMin}-${n.portMax}`
                : `:${n.portMin}`;
          parts.push(`nat(${n.kind}=${range}${ports})`);
        }
      }
      if (a.exec?.length) parts.push(`exec(${a.exec.map(formatAction).join(',')})`);
      return `ct(${parts.join(',')})`;
    }
    case 'ct_clear':
      return 'ct_clear';
    case 'clone':
      return `clone(${a.actions.map(formatAction).join(',')})`;
    case 'note':
      return `note:${JSON.stringify(a.text)}`;
    case 'conjunction':
      return `conjunction(${a.id},${a.clause}/${a.nClauses})`;
  }
}

export function formatActions(actions: readonly Action[]): string {
  return actions.length === 0 ? 'drop' : actions.map(formatAction).join(',');
}
