import type { FieldValue } from './field-value.js';

/**
 * OpenFlow-style actions as small immutable nodes with a `kind` discriminant. Flows, group buckets,
 * packet-outs and clone() carry lists of them. The datapath validates and precompiles them when a
 * flow is added, so a bad action is refused with the flow named, never at packet time.
 */

/** A field or a bit range of it: `{ field: 'reg0', ofs: 0, nBits: 16 }` is OVS's `reg0[0..15]`. */
export interface FieldRef {
  readonly field: string;
  readonly ofs?: number;
  readonly nBits?: number;
}

export interface NatSpec {
  /** 'src' (SNAT) or 'dst' (DNAT); absent: apply the NAT already set up for the connection (un-NAT). */
  readonly kind?: 'src' | 'dst';
  readonly ipMin?: string;
  readonly ipMax?: string;
  readonly portMin?: number;
  readonly portMax?: number;
}

export type Action =
  | { readonly kind: 'output'; readonly port: number }
  /** Output to the port number held in a field (OVS's output:NXM_NX_REG15[]). */
  | { readonly kind: 'output_field'; readonly src: FieldRef }
  | { readonly kind: 'resubmit'; readonly table: number; readonly port?: number }
  | {
      readonly kind: 'set_field';
      readonly field: string;
      readonly value: FieldValue;
      readonly mask?: FieldValue;
    }
  | { readonly kind: 'load'; readonly dst: FieldRef; readonly value: bigint | number }
  | { readonly kind: 'move'; readonly src: FieldRef; readonly dst: FieldRef }
  | { readonly kind: 'swap'; readonly a: FieldRef; readonly b: FieldRef }
  | { readonly kind: 'push'; readonly src: FieldRef }
  | { readonly kind: 'pop'; readonly dst: FieldRef }
  | { readonly kind: 'dec_ttl'; readonly onZero?: 'drop' | 'controller' }
  | { readonly kind: 'push_vlan'; readonly tpid?: number }
  | { readonly kind: 'pop_vlan' }
  /** Stops the whole pipeline for this packet (the reason shows in traces). */
  | { readonly kind: 'drop'; readonly reason?: string }
  /** Stops the whole pipeline; outputs already made stand (OVS's exit). */
  | { readonly kind: 'exit' }
  | { readonly kind: 'group'; readonly id: number }
  | {
      readonly kind: 'controller';
      readonly reason?: string;
      readonly userdata?: Uint8Array;
      /** Stop the pipeline here; the controller may `resume` the continuation it receives. */
      readonly pause?: boolean;
    }
  | {
      readonly kind: 'ct';
      readonly commit?: boolean;
      /** A constant zone or a field holding it (OVN keeps zones in a register). */
      readonly zone?: number | FieldRef;
      /** Recirculate the packet, with ct_state & co. set, to this table. */
      readonly table?: number;
      readonly nat?: NatSpec;
      /** Only set_field/load/move into ct_mark and ct_label, applied when committing. */
      readonly exec?: readonly Action[];
    }
  | { readonly kind: 'ct_clear' }
  | { readonly kind: 'clone'; readonly actions: readonly Action[] }
  | { readonly kind: 'note'; readonly text: string }
  | {
      readonly kind: 'conjunction';
      readonly id: number;
      readonly clause: number;
      readonly nClauses: number;
    };

export type ActionKind = Action['kind'];

/** Parses OVS's subfield notation: "reg0", "reg0[5]", "reg0[0..15]". */
export function ref(text: string): FieldRef {
  const m = /^([a-z_0-9]+)(?:\[(\d+)(?:\.\.(\d+))?\])?$/.exec(text.trim());
  if (!m) throw new Error(`bad field reference "${text}"`);
  if (m[2] === undefined) return { field: m[1]! };
  const lo = Number(m[2]);
  const hi = m[3] === undefined ? lo : Number(m[3]);
  if (hi < lo) throw new Error(`bad field reference "${text}": range is reversed`);
  return { field: m[1]!, ofs: lo, nBits: hi - lo + 1 };
}

const r = (x: FieldRef | string): FieldRef => (typeof x === 'string' ? ref(x) : x);

export const output = (port: number): Action => ({ kind: 'output', port });
export const outputField = (src: FieldRef | string): Action => ({
  kind: 'output_field',
  src: r(src),
});
export const resubmit = (table: number, port?: number): Action =>
  port === undefined ? { kind: 'resubmit', table } : { kind: 'resubmit', table, port };
export const setField = (field: string, value: FieldValue, mask?: FieldValue): Action =>
  mask === undefined
    ? { kind: 'set_field', field, value }
    : { kind: 'set_field', field, value, mask };
export const load = (dst: FieldRef | string, value: bigint | number): Action => ({
  kind: 'load',
  dst: r(dst),
  value,
});
export const move = (src: FieldRef | string, dst: FieldRef | string): Action => ({
  kind: 'move',
  src: r(src),
  dst: r(dst),
});
export const swap = (a: FieldRef | string, b: FieldRef | string): Action => ({
  kind: 'swap',
  a: r(a),
  b: r(b),
});
export const push = (src: FieldRef | string): Action => ({ kind: 'push', src: r(src) });
export const pop = (dst: FieldRef | string): Action => ({ kind: 'pop', dst: r(dst) });
export const decTtl = (onZero: 'drop' | 'controller' = 'drop'): Action => ({
  kind: 'dec_ttl',
  onZero,
});
export const pushVlan = (tpid?: number): Action =>
  tpid === undefined ? { kind: 'push_vlan' } : { kind: 'push_vlan', tpid };
export const popVlan = (): Action => ({ kind: 'pop_vlan' });
export const drop = (reason?: string): Action =>
  reason === undefined ? { kind: 'drop' } : { kind: 'drop', reason };
export const exit = (): Action => ({ kind: 'exit' });
export const group = (id: number): Action => ({ kind: 'group', id });
export const controller = (
  opts: { reason?: string; userdata?: Uint8Array; pause?: boolean } = {},
): Action => ({
  kind: 'controller',
  ...opts,
});
export const ct = (opts: Omit<Extract<Action, { kind: 'ct' }>, 'kind'> = {}): Action => ({
  kind: 'ct',
  ...opts,
});
export const ctClear = (): Action => ({ kind: 'ct_clear' });
export const clone = (actions: readonly Action[]): Action => ({ kind: 'clone', actions });
export const note = (text: string): Action => ({ kind: 'note', text });
export const conjunction = (id: number, clause: number, nClauses: number): Action => ({
  kind: 'conjunction',
  id,
  clause,
  nClauses,
});
