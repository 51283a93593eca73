// Prerequisites: what a flow's match must also say for its actions to make sense. `ip.ttl--`
// needs an IP packet, `tcp.dst = 80` a TCP one. The controller ANDs them into the match before
// compiling it, as ovn-controller does.

import type { MatchAst } from '../ast.js';
import { parseMatch } from '../parser.js';
import type { Result } from '../result.js';
import { ovnSymbolTable, type SymbolTable } from '../symbols.js';

const BARE_NAME = /^[A-Za-z_][\w.]*$/;

const wrap = (e: string): string => (BARE_NAME.test(e) ? e : `(${e})`);

/** ANDs prerequisite expressions, parenthesizing any that is not a bare name. */
export function andPrereqs(prereqs: readonly string[]): string | undefined {
  if (prereqs.length === 0) return undefined;
  if (prereqs.length === 1) return prereqs[0];
  return prereqs.map(wrap).join(' && ');
}

/** The match a flow effectively has: its own match ANDed with its actions' prerequisites. */
export function matchWithPrereqs(match: string, prereqs: readonly string[]): string {
  const p = andPrereqs(prereqs);
  if (p === undefined) return match;
  const m = match.trim();
  return m === '' || m === '1' ? p : `(${m}) && ${prereqs.map(wrap).join(' && ')}`;
}

/** The prerequisites as a match syntax tree (undefined when there are none). */
export function parsePrereqs(
  prereqs: readonly string[],
  symtab: SymbolTable = ovnSymbolTable,
): Result<MatchAst | undefined> {
  const text = andPrereqs(prereqs);
  if (text === undefined) return { ok: true, value: undefined };
  return parseMatch(text, symtab);
}
