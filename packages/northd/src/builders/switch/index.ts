import type { FlowSink } from '../../lflow.js';
import type { SwitchInput } from '../../inputs/inputs.js';

export type SwitchBuilder = (input: SwitchInput, sink: FlowSink) => void;

/**
 * The switch pipeline, one builder per feature, each in its own file. Order does not matter for
 * the result (flows are identified by stage, priority, match and actions), only for readability.
 */
export const SWITCH_BUILDERS: ReadonlyArray<readonly [name: string, build: SwitchBuilder]> = [];
