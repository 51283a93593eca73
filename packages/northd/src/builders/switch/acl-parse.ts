import { parseMatch } from '@ovn-ts/expr';
import type { AclInput, SwitchInput } from '../../inputs/inputs.js';

/** An ACL whose match parses: it compiles. A bad one carries the parser's message instead. */
export type CheckedAcl =
  | { readonly acl: AclInput; readonly ok: true }
  | { readonly acl: AclInput; readonly ok: false; readonly problem: string };

const cache = new WeakMap<SwitchInput, readonly CheckedAcl[]>();

/**
 * The switch's ACLs with their matches checked by the expression parser, once per input (the
 * pre-ACL and ACL builders both need the verdict; only the ACL builder reports it). Address sets
 * and port groups stay names here: they are resolved where the flows are compiled.
 */
export function checkedAcls(input: SwitchInput): readonly CheckedAcl[] {
  const hit = cache.get(input);
  if (hit) return hit;
  const out = input.acls.map((acl): CheckedAcl => {
    const r = parseMatch(acl.row.match);
    return r.ok ? { acl, ok: true } : { acl, ok: false, problem: r.error.message };
  });
  cache.set(input, out);
  return out;
}

export function aclSource(acl: AclInput): { table: string; uuid: string } {
  return { table: 'acl', uuid: acl.row.uuid };
}
