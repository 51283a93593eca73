// One logical flow on one datapath → datapath flows (OVN's controller/lflow.c): the actions are
// parsed and compiled once, their prerequisites ANDed into the match, the match compiled to
// datapath matches (with conjunctions), and every flow pinned to the datapath's metadata.

import type { Action, GroupSpec } from '@ovn-ts/datapath';
import { conjunction } from '@ovn-ts/datapath';
import {
  compileMatches,
  type EvalEnv,
  matchWithPrereqs,
  ovnSymbolTable,
  parseActions,
  parseExpr,
  type SetEnv,
  type SymbolTable,
} from '@ovn-ts/expr';
import { compileActions } from './actions.js';
import { type DesiredFlow, exact, type MaskedBits, uuidSource } from './desired.js';
import { CompileProblem, datapathField } from './fields.js';
import type { ViewDatapath, ViewFlow } from './sb-view.js';
import { MAX_EGRESS_TABLES, MAX_INGRESS_TABLES, physicalTable } from './tables.js';

/** What a logical flow's compilation may refer to on its datapath. */
export interface LflowEnv {
  /** Port and multicast group names → keys on this datapath. */
  readonly ports: ReadonlyMap<string, bigint>;
  readonly isChassisResident: (port: string) => boolean;
  readonly sets: SetEnv;
  readonly symtab?: SymbolTable;
}

export interface CompiledLflow {
  readonly flows: readonly DesiredFlow[];
  readonly groups: ReadonlyMap<number, GroupSpec>;
  /** Why the flow compiled to nothing, when it did so because of a problem. */
  readonly problem?: string;
}

const PIPELINE_LENGTHS = { ingress: MAX_INGRESS_TABLES, egress: MAX_EGRESS_TABLES };

/**
 * Conjunction ids come from a hash of the flow's uuid, in steps of 64 (as early OVN took them from
 * the uuid): a function of the flow alone, so an incremental compile gives the same ids as a full
 * one. The flows that use them also match the datapath, table and priority, so two logical flows
 * only clash if their hashes agree and they sit on one datapath in one table at one priority.
 */
function firstConjId(uuid: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < uuid.length; i++) h = Math.imul(h ^ uuid.charCodeAt(i), 0x01000193) >>> 0;
  return (h & ~63) >>> 0 || 64;
}

const NO_GROUPS: ReadonlyMap<number, GroupSpec> = new Map();

export function compileLflow(flow: ViewFlow, dp: ViewDatapath, env: LflowEnv): CompiledLflow {
  const symtab = env.symtab ?? ovnSymbolTable;
  const groups = new Map<number, GroupSpec>();
  const fail = (problem: string): CompiledLflow => ({
    flows: [],
    groups,
    problem: `${flow.stage} ${flow.uuid}: ${problem}`,
  });
  const parsed = parseActions(flow.actions, {
    symbols: symtab,
    pipeline: flow.pipeline,
    table: flow.tableId,
    pipelineLengths: PIPELINE_LENGTHS,
  });
  if (!parsed.ok) return fail(`actions: ${parsed.error.message}`);
  let actions: Action[];
  try {
    actions = compileActions(parsed.value.actions, {
      kind: dp.kind,
      pipeline: flow.pipeline,
      table: flow.tableId,
      ports: env.ports,
      symtab,
      groups,
    });
  } catch (e) {
    if (e instanceof CompileProblem) return fail(`actions: ${e.message}`);
    throw e;
  }
  const expr = parseExpr(matchWithPrereqs(flow.match, parsed.value.prereqs), env.sets, symtab);
  if (!expr.ok) return fail(`match: ${expr.error.message}`);
  const evalEnv: EvalEnv = { ports: env.ports, isChassisResident: env.isChassisResident };
  const compiled = compileMatches(expr.value, evalEnv, {
    symtab,
    firstConjId: firstConjId(flow.uuid),
  });
  if (!compiled.ok) return fail(`match: ${compiled.error.message}`);

  const table = physicalTable(flow.pipeline, flow.tableId);
  const metadata = exact(dp.key, 64);
  const source = uuidSource(flow.uuid);
  const flows: DesiredFlow[] = [];
  try {
    for (const m of compiled.value.matches) {
      const match: Record<string, MaskedBits> = { metadata };
      for (const f of m.fields) {
        const name = datapathField(f.field, symtab);
        match[name] = { value: f.value, mask: f.mask };
      }
      const acts =
        m.conjunctions.length === 0
          ? actions
          : m.conjunctions.map((c) => conjunction(c.id, c.clause, c.nClauses));
      flows.push({ table, priority: flow.priority, match, actions: acts, source });
    }
  } catch (e) {
    if (e instanceof CompileProblem) return fail(`match: ${e.message}`);
    throw e;
  }
  for (const id of compiled.value.conjIds) {
    flows.push({
      table,
      priority: flow.priority,
      match: { metadata, conj_id: exact(id, 32) },
      actions,
      source,
    });
  }
  // Most flows make no group: share one empty map rather than keep one each.
  return { flows, groups: groups.size > 0 ? groups : NO_GROUPS };
}
