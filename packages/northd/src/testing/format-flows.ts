import type { LFlow } from '../lflow.js';
import { stagePipeline, stageTable } from '../stages.js';

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;

/**
 * Flows as golden text: one line each, in ovn-sbctl lflow-list's manner with stage names, sorted
 * by pipeline, table, priority (high first), match and actions; uuids masked.
 */
export function formatFlows(
  flows: readonly LFlow[],
  opts: { stages?: readonly string[] } = {},
): string {
  const picked = opts.stages ? flows.filter((f) => opts.stages!.includes(f.stage)) : flows;
  return [...picked]
    .sort(
      (a, b) =>
        (stagePipeline(a.stage) === stagePipeline(b.stage)
          ? 0
          : stagePipeline(a.stage) === 'ingress'
            ? -1
            : 1) ||
        stageTable(a.stage) - stageTable(b.stage) ||
        b.priority - a.priority ||
        a.match.localeCompare(b.match) ||
        a.actions.localeCompare(b.actions),
    )
    .map((f) =>
      `${f.stage} (priority=${f.priority}), match=(${f.match}), action=(${f.actions})`.replace(
        UUID,
        '<uuid>',
      ),
    )
    .join('\n');
}
