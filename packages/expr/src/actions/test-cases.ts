// Helpers for the action tests: run a case the way `ovn-ts expr actions` shows it, and check
// that the canonical text of an accepted case is a fixed point of parse ∘ format.

import { isDeepStrictEqual } from 'node:util';
import type { ActionEnv } from './env.js';
import { formatActions } from './format-actions.js';
import { parseActions } from './parse-actions.js';

/** `ok <canonical> [prereqs: <match>]` or `error <message>`. */
export function show(input: string, env: ActionEnv = {}): string {
  const r = parseActions(input, env);
  if (!r.ok) return `error ${r.error.message}`;
  const text = `ok ${formatActions(r.value.actions)}`;
  return r.value.prereqMatch === undefined ? text : `${text} [prereqs: ${r.value.prereqMatch}]`;
}

/**
 * For input that parses: format, re-parse, and compare trees and prerequisites; format again
 * and compare text. Returns a description of the first difference, or undefined.
 */
export function roundTripProblem(input: string, env: ActionEnv = {}): string | undefined {
  const first = parseActions(input, env);
  if (!first.ok) return undefined;
  const text = formatActions(first.value.actions);
  const second = parseActions(text, env);
  if (!second.ok) return `canonical text ${text} does not parse: ${second.error.message}`;
  if (!isDeepStrictEqual(second.value.actions, first.value.actions)) {
    return `canonical text ${text} parses to a different tree`;
  }
  if (!isDeepStrictEqual(second.value.prereqs, first.value.prereqs)) {
    return `canonical text ${text} has different prerequisites`;
  }
  const again = formatActions(second.value.actions);
  if (again !== text) return `format is not idempotent: ${text} then ${again}`;
  return undefined;
}
