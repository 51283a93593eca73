// The simulator's only contact with @ovn-ts/expr's parsers: flow texts in, evaluable matches and
// action trees out, cached per text (a trace meets the same flows again and again).
import { type Expr, parseActions, parseExpr } from '@ovn-ts/expr';
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

const matches = new Map<string, Expr>();
const actions = new Map<string, readonly Action[]>();

/** Parses a flow's match and actions; throws with the flow named if either does not parse. */
export function compileFlow(flow: LFlow): CompiledFlow {
  let m = matches.get(flow.match);
  if (!m) {
    const r = parseExpr(flow.match);
    if (!r.ok) throw new Error(`sim: ${flow.stage} match "${flow.match}": ${r.error.message}`);
    m = r.value;
    matches.set(flow.match, m);
  }
  // `next;` means the following table of the flow's own pipeline, so the parse depends on where
  // the flow sits.
  const pipeline = stagePipeline(flow.stage);
  const table = stageTable(flow.stage);
  const key = `${pipeline}\u0000${table}\u0000${flow.actions}`;
  let a = actions.get(key);
  if (!a) {
    const r = parseActions(flow.actions, { pipeline, table });
    if (!r.ok) throw new Error(`sim: ${flow.stage} actions "${flow.actions}": ${r.error.message}`);
    a = r.value.actions;
    actions.set(key, a);
  }
  return { flow, match: m, actions: a };
}
