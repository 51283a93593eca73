import type { DatapathInput } from '../inputs/inputs.js';
import { type Diagnostic, FlowList, type LFlow } from '../lflow.js';
import { ROUTER_BUILDERS } from './router/index.js';
import { SWITCH_BUILDERS } from './switch/index.js';

/** All logical flows of one datapath, and the problems found in its NB rows. Pure. */
export function buildDatapath(input: DatapathInput): { flows: LFlow[]; diagnostics: Diagnostic[] } {
  const list = new FlowList();
  if (input.kind === 'switch')
    for (const [name, b] of SWITCH_BUILDERS) list.with(name, (s) => b(input, s));
  else for (const [name, b] of ROUTER_BUILDERS) list.with(name, (s) => b(input, s));
  return { flows: list.flows, diagnostics: list.diagnostics };
}
