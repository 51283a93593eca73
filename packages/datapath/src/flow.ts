import type { Action } from './actions.js';
import type { CAction } from './compile-actions.js';
import type { CompiledMatch } from './match.js';

/** An installed flow. Identity within a table is (priority, match), as in OpenFlow. */
export interface Flow {
  readonly table: number;
  readonly priority: number;
  cookie: bigint;
  readonly match: CompiledMatch;
  actions: readonly Action[];
  cactions: readonly CAction[];
  /** True when every action is conjunction(): the flow is a clause, looked up separately. */
  conj: boolean;
  packets: number;
  bytes: number;
  /** Insertion sequence, used only to order dumps stably. */
  readonly seq: number;
}
