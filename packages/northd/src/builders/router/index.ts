import type { FlowSink } from '../../lflow.js';
import type { RouterInput } from '../../inputs/inputs.js';

export type RouterBuilder = (input: RouterInput, sink: FlowSink) => void;

/** The router pipeline, one builder per feature, each in its own file. */
export const ROUTER_BUILDERS: ReadonlyArray<readonly [name: string, build: RouterBuilder]> = [];
