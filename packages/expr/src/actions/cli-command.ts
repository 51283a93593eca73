// `ovn-ts expr actions`: one action list in, one line out. Pure; the CLI wires it to argv and
// to `--batch` (one input per line).

import type { ActionEnv } from './env.js';
import { formatActions } from './format-actions.js';
import { parseActions } from './parse-actions.js';

/**
 * Returns `ok <canonical actions>` (followed by ` [prereqs: <match>]` when the actions add
 * prerequisites to the flow's match and `showPrereqs` is set) or `error <message>`.
 */
export function exprActions(
  input: string,
  env: ActionEnv = {},
  opts: { showPrereqs?: boolean } = {},
): string {
  const r = parseActions(input, env);
  if (!r.ok) return `error ${r.error.message}`;
  const text = `ok ${formatActions(r.value.actions)}`;
  return opts.showPrereqs && r.value.prereqMatch !== undefined
    ? `${text} [prereqs: ${r.value.prereqMatch}]`
    : text;
}
