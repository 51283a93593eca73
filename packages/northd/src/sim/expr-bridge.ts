// The simulator's only contact with @ovn-ts/expr's parsers: flow texts in, evaluable matches and
// action trees out, cached per text (a trace meets the same flows again and again).
import { type Expr, parseActions, parseExpr, type SetEnv } from '@ovn-ts/expr';
import type { LFlow } from '../lflow.js';
import { stagePipeline, stageTable } from '../stages.js';

type Parsed = Extract<ReturnType<typeof parseActions>, { ok: true }>['value'];
/** One logical action (the expr package's action tree). */
export type Action = Parsed['actions'][number];
/** A field or bit range as actions name it (reg0[3..5]). */
export type ActionField = Extract<Action, { kind: 'move' }>['dst'];
export type ActionOf<K extends Action['kind']> = Extract<Action, { kind: K }>;

export interface CompiledFlow {
  readonly flow: LFlow;
  readonly match: Expr;
  readonly actions: readonly Action[];
}

// Bounded caches, so that a long-lived process does not keep every text it ever saw.
const MAX_CACHED = 8192;
const NO_SETS: SetEnv = {};
const matches = new WeakMap<SetEnv, Map<string, Expr>>();
const actions = new Map<string, readonly Action[]>();

function remember<K, V>(cache: Map<K, V>, key: K, value: V): V {
  if (cache.size >= MAX_CACHED) cache.clear();
  cache.set(key, value);
  return value;
}

/**
 * A flow's match as an evaluable expression. Address sets ($name) and port groups (@name) are
 * resolved from `sets`. Throws, naming the stage, if it does not parse.
 */
export function compileMatch(flow: LFlow, sets: SetEnv = NO_SETS): Expr {
  let cache = matches.get(sets);
  if (!cache) {
    cache = new Map();
    matches.set(sets, cache);
  }
  const hit = cache.get(flow.match);
  if (hit) return hit;
  const r = parseExpr(flow.match, sets);
  if (!r.ok) throw new Error(`sim: ${flow.stage} match "${flow.match}": ${r.error.message}`);
  return remember(cache, flow.match, r.value);
}

/** A flow's actions, parsed where the flow sits (`next;` means its pipeline's next table). */
export function compileActions(flow: LFlow): readonly Action[] {
  const pipeline = stagePipeline(flow.stage);
  const table = stageTable(flow.stage);
  const key = `${pipeline}\u0000${table}\u0000${flow.actions}`;
  const hit = actions.get(key);
  if (hit) return hit;
  const r = parseActions(flow.actions, { pipeline, table });
  if (!r.ok) throw new Error(`sim: ${flow.stage} actions "${flow.actions}": ${r.error.message}`);
  return remember(actions, key, r.value.actions);
}

/** Parses a flow's match and actions; throws with the flow named if either does not parse. */
export function compileFlow(flow: LFlow, sets: SetEnv = NO_SETS): CompiledFlow {
  return { flow, match: compileMatch(flow, sets), actions: compileActions(flow) };
}
