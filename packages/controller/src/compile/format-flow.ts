import { compileMatch, formatActions, formatMatch } from '@ovn-ts/datapath';
import type { DesiredFlow } from './desired.js';

/** A desired flow as ovs-ofctl prints one (without cookie and counters), for tests and dumps. */
export function formatFlow(f: DesiredFlow): string {
  const match = formatMatch(compileMatch(f.match));
  return `table=${f.table}, priority=${f.priority}${match ? `, ${match}` : ''} actions=${formatActions(f.actions)}`;
}

/** Flows as text, sorted by table, then priority (highest first), then text. */
export function formatFlows(flows: Iterable<DesiredFlow>): string[] {
  return [...flows]
    .sort((a, b) => a.table - b.table || b.priority - a.priority)
    .map(formatFlow)
    .sort((a, b) => {
      const ta = Number(/^table=(\d+)/.exec(a)![1]);
      const tb = Number(/^table=(\d+)/.exec(b)![1]);
      const pa = Number(/priority=(\d+)/.exec(a)![1]);
      const pb = Number(/priority=(\d+)/.exec(b)![1]);
      return ta - tb || pb - pa || (a < b ? -1 : a > b ? 1 : 0);
    });
}
