// Test-only: "which flow of stage X wins for this packet", with the expression package's parser
// and evaluator. A stage-level stand-in for the logical pipeline simulator: registers the
// earlier stages would set are given in the packet by the test.
import {
  type Expr,
  evaluate,
  ones,
  ovnSymbolTable,
  parseExpr,
  parseIpv4,
  parseIpv6,
  parseMac,
  resolveSubfield,
  type SetEnv,
} from '@ovn-ts/expr';
import type { LFlow } from '../../lflow.js';
import type { Stage } from '../../stages.js';

export type FieldValue = string | number | bigint;

/** Where the packet is evaluated: port keys for inport/outport, address sets, port groups. */
export interface StageEnv extends SetEnv {
  readonly ports: ReadonlyMap<string, number>;
}

/**
 * A packet from readable symbol values (`eth.src`, `reg0[7]`, `ct.est` …): MACs, IPs, numbers;
 * port names for inport/outport.
 */
export function packet(
  env: StageEnv,
  fields: Readonly<Record<string, FieldValue>>,
): Map<string, bigint> {
  const pkt = new Map<string, bigint>();
  for (const [name, v] of Object.entries(fields)) {
    const sym = ovnSymbolTable.get(name);
    if (sym?.kind === 'string') {
      const key = env.ports.get(String(v));
      if (key === undefined) throw new Error(`no port ${v}`);
      pkt.set(sym.field, BigInt(key));
      continue;
    }
    const value = toBigint(v);
    // `reg0[7]`, `reg0[0..15]`: a bit range of a symbol.
    const m = /^(.+)\[(\d+)(?:\.\.(\d+))?\]$/.exec(name);
    const segs = m
      ? resolveSubfield(
          ovnSymbolTable,
          m[1]!,
          Number(m[2]),
          Number(m[3] ?? m[2]) - Number(m[2]) + 1,
        )
      : resolveSubfield(ovnSymbolTable, name);
    if (!segs.ok) throw new Error(`${name}: ${segs.error.message}`);
    for (const s of segs.value) {
      const part = (value >> BigInt(s.at)) & ones(s.width);
      const mask = ones(s.width) << BigInt(s.offset);
      pkt.set(s.field.name, ((pkt.get(s.field.name) ?? 0n) & ~mask) | (part << BigInt(s.offset)));
    }
  }
  return pkt;
}

function toBigint(v: FieldValue): bigint {
  if (typeof v !== 'string') return BigInt(v);
  const parsed = parseMac(v) ?? parseIpv4(v) ?? parseIpv6(v);
  if (parsed !== undefined) return parsed;
  return BigInt(v);
}

const parsed = new WeakMap<LFlow, Expr>();

/** The flow of `stage` that wins for the packet (highest priority; OVN leaves ties undefined). */
export function winner(
  flows: readonly LFlow[],
  stage: Stage,
  pkt: Map<string, bigint>,
  env: StageEnv,
): LFlow | undefined {
  let best: LFlow | undefined;
  for (const f of flows) {
    if (f.stage !== stage || (best && best.priority >= f.priority)) continue;
    let e = parsed.get(f);
    if (!e) {
      const r = parseExpr(f.match, env);
      if (!r.ok) throw new Error(`${f.stage} ${f.match}: ${r.error.message}`);
      e = r.value;
      parsed.set(f, e);
    }
    if (evaluate(e, pkt, { ports: env.ports })) best = f;
  }
  return best;
}

/** `priority: actions` of the winning flow, or "miss" (the table drops the packet). */
export function verdict(
  flows: readonly LFlow[],
  stage: Stage,
  pkt: Map<string, bigint>,
  env: StageEnv,
): string {
  const f = winner(flows, stage, pkt, env);
  return f ? `${f.priority}: ${f.actions}` : 'miss';
}
