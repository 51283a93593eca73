import type { Action } from './actions.js';
import type { GroupSpec } from './group.js';
import type { MatchSpec } from './match.js';

/** A flow as the client describes it. Defaults: table 0, priority 32768, cookie 0, match everything. */
export interface FlowSpec {
  readonly table?: number;
  readonly priority?: number;
  readonly cookie?: bigint;
  readonly match?: MatchSpec;
  readonly actions: readonly Action[];
}

/**
 * Selects flows for modify/delete. Non-strict (default): every flow whose match is at least as
 * specific as `match` (OpenFlow's rule), in `table` or in all tables. Strict: exactly `match` at
 * `priority`. The cookie filter keeps flows with (cookie & cookieMask) == (filter cookie & cookieMask),
 * which is how a client deletes one owner's or one generation's flows.
 */
export interface FlowFilter {
  readonly table?: number;
  readonly match?: MatchSpec;
  readonly priority?: number;
  readonly strict?: boolean;
  readonly cookie?: bigint;
  readonly cookieMask?: bigint;
}

export type FlowMod =
  /** Adds a flow, replacing one with the same table, priority and match (its counters restart). */
  | { readonly kind: 'add'; readonly flow: FlowSpec }
  /** Replaces the actions (and, when given, the cookie) of the selected flows; counters are kept. */
  | {
      readonly kind: 'modify';
      readonly filter: FlowFilter;
      readonly actions: readonly Action[];
      readonly newCookie?: bigint;
    }
  | { readonly kind: 'delete'; readonly filter: FlowFilter }
  | { readonly kind: 'add_group'; readonly group: GroupSpec }
  | { readonly kind: 'modify_group'; readonly group: GroupSpec }
  | { readonly kind: 'delete_group'; readonly id: number };

export interface BundleResult {
  readonly added: number;
  readonly replaced: number;
  readonly modified: number;
  readonly deleted: number;
  readonly groupsChanged: number;
}

export const addFlow = (flow: FlowSpec): FlowMod => ({ kind: 'add', flow });
export const deleteFlows = (filter: FlowFilter = {}): FlowMod => ({ kind: 'delete', filter });
export const modifyFlows = (
  filter: FlowFilter,
  actions: readonly Action[],
  newCookie?: bigint,
): FlowMod =>
  newCookie === undefined
    ? { kind: 'modify', filter, actions }
    : { kind: 'modify', filter, actions, newCookie };
