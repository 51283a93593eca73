import type { Action, GroupSpec } from '@ovn-ts/datapath';

/** A match field's value as the compiler emits it: always value and mask, in field units. */
export interface MaskedBits {
  readonly value: bigint;
  readonly mask: bigint;
}

/** A datapath flow the controller wants installed. Identity: (table, priority, match). */
export interface DesiredFlow {
  readonly table: number;
  readonly priority: number;
  /** Datapath field name (ovs-fields(7)) → masked value. */
  readonly match: Readonly<Record<string, MaskedBits>>;
  readonly actions: readonly Action[];
  /**
   * 32 bits naming where the flow came from (uuidSource of the logical flow's or the
   * port binding's uuid, 0 for fixed flows); the installer puts it in the cookie's low half.
   */
  readonly source: number;
}

/** Everything the controller wants in the datapath. */
export interface DesiredState {
  /** By flowKey. */
  readonly flows: ReadonlyMap<string, DesiredFlow>;
  readonly groups: ReadonlyMap<number, GroupSpec>;
}

const hex = (v: bigint) => v.toString(16);

const keyCache = new WeakMap<object, string>();

/** The identity of a flow in its table, as text: equal keys replace each other in the datapath. */
export function flowKey(f: Pick<DesiredFlow, 'table' | 'priority' | 'match'>): string {
  // Compiled flows keep their objects while their logical flow is unchanged: key them once.
  let k = keyCache.get(f);
  if (k === undefined) {
    k = computeFlowKey(f);
    keyCache.set(f, k);
  }
  return k;
}

function computeFlowKey(f: Pick<DesiredFlow, 'table' | 'priority' | 'match'>): string {
  const names = Object.keys(f.match).sort();
  let s = `${f.table}/${f.priority}/`;
  for (const n of names) {
    const m = f.match[n]!;
    s += `${n}=${hex(m.value)}/${hex(m.mask)},`;
  }
  return s;
}

/** An exact match of a whole field. */
export const exact = (value: bigint | number, bits: number): MaskedBits => ({
  value: BigInt(value),
  mask: (1n << BigInt(bits)) - 1n,
});

/**
 * 32 bits naming a uuid in cookies. OVN takes the uuid's first 32 bits, which are random there;
 * northd's uuids here may share a prefix (deterministic ones do), so a hash of the whole uuid
 * (FNV-1a) tells flows apart, e.g. when a trace names the logical flow of each datapath flow.
 */
export function uuidSource(uuid: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < uuid.length; i++) h = Math.imul(h ^ uuid.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

const isConjunctionOnly = (actions: readonly Action[]) =>
  actions.length > 0 && actions.every((a) => a.kind === 'conjunction');

/**
 * Collects flows under their identity. Two conjunction-clause flows with one identity merge their
 * conjunction() actions (as OVN does); otherwise the first flow added wins, and the conflict is
 * reported, so that the result depends on the order of the input only in that broken case.
 */
export class FlowCollector {
  readonly flows = new Map<string, DesiredFlow>();
  readonly conflicts: string[] = [];

  add(f: DesiredFlow): void {
    const key = flowKey(f);
    const old = this.flows.get(key);
    if (!old) {
      this.flows.set(key, f);
      return;
    }
    if (isConjunctionOnly(old.actions) && isConjunctionOnly(f.actions)) {
      const actions = [...old.actions, ...f.actions].sort((a, b) =>
        a.kind === 'conjunction' && b.kind === 'conjunction'
          ? a.id - b.id || a.clause - b.clause
          : 0,
      );
      this.flows.set(key, {
        ...old,
        actions: dedupe(actions),
        source: Math.min(old.source, f.source),
      });
      return;
    }
    this.conflicts.push(key);
  }
}

function dedupe(actions: readonly Action[]): Action[] {
  const seen = new Set<string>();
  return actions.filter((a) => {
    const k = a.kind === 'conjunction' ? `${a.id}/${a.clause}/${a.nClauses}` : '';
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
