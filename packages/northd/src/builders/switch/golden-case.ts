// Test-only: the shape of a table-driven golden case, shared by the feature tests and by the
// test that validates every flow of every case with the expression package.
import type { Stage } from '../../stages.js';
import type { NbFixture } from '../../testing/nb-fixture.js';

export interface GoldenCase {
  readonly name: string;
  /** Builds the NB rows; the switch under test is "sw0". */
  readonly setup: (fx: NbFixture) => void;
  /** The stages the expectation covers. */
  readonly stages: readonly Stage[];
  /** formatFlows lines, in its order (pipeline, table, priority desc, match, actions). */
  readonly expected: readonly string[];
  /** Problems reported (if any), as `table: problem`. */
  readonly diagnostics?: readonly string[];
}
