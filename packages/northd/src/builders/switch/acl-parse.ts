import { parseMatch } from '@ovn-ts/expr';
import type { AclInput, SwitchInput } from '../../inputs/inputs.js';

/** An ACL whose match parses: it compiles. A bad one carries the problem ("match: …") instead. */
export type CheckedAcl =
  | { readonly acl: AclInput; readonly ok: true }
  | { readonly acl: AclInput; readonly ok: false; readonly problem: string };

const cache = new WeakMap<SwitchInput, readonly CheckedAcl[]>();

/**
 * Parse verdicts by match text (the parser's message, or null when it parses). A port group's
 * ACLs are checked on every switch the group spans: parse each text once. Bounded, so a long-
 * running northd does not keep every match it ever saw.
 */
const verdicts = new Map<string, string | null>();
const MAX_VERDICTS = 8192;

function matchProblem(match: string): string | null {
  const known = verdicts.get(match);
  if (known !== undefined) return known;
  const r = parseMatch(match);
  const problem = r.ok ? null : r.error.message;
  if (verdicts.size >= MAX_VERDICTS) verdicts.clear();
  verdicts.set(match, problem);
  return problem;
}

/**
 * The switch's ACLs with their matches checked by the expression parser, once per input (switch
 * facts, pre-ACL and ACL builders all need the verdict; only the ACL builder reports it). A bad
 * ACL is left out everywhere, as if it did not exist. Address sets and port groups stay names
 * here: they are resolved where the flows are compiled.
 */
export function checkedAcls(input: SwitchInput): readonly CheckedAcl[] {
  const hit = cache.get(input);
  if (hit) return hit;
  const out = input.acls.map((acl): CheckedAcl => {
    const problem = matchProblem(acl.row.match);
    if (problem !== null) return { acl, ok: false, problem: `match: ${problem}` };
    // The log action refuses longer names (as OVN's does): the ACL's flows would not parse.
    const name = acl.row.name;
    if (acl.row.log && name && name.length > 63)
      return { acl, ok: false, problem: 'name: longer than 63 characters, cannot be logged' };
    return { acl, ok: true };
  });
  cache.set(input, out);
  return out;
}

export function aclSource(acl: AclInput): { table: string; uuid: string } {
  return { table: 'acl', uuid: acl.row.uuid };
}
