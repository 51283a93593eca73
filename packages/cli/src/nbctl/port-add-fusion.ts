/**
 * A batch optimisation for the common bulk load `lsp-add SW P -- lsp-set-addresses P … --
 * lsp-set-port-security P …`: the new port is inserted with its addresses and port security in
 * one statement instead of an INSERT and two UPDATEs (a third of the round trips, row versions
 * and change-feed records). Only a fresh insert is fused; if the port exists the commands run
 * one by one as written, so the result is always the same as without fusion.
 */
import type { Output, RunContext } from './command.js';
import { SWITCH } from './lookup.js';
import { memoLookup } from './named-entity.js';
import type { Planned } from './plan.js';

interface AddPlan {
  readonly sw: string;
  readonly port: string;
  readonly parent: string | undefined;
  readonly tagRequest: number | undefined;
}

const FUSABLE: Record<string, 'addresses' | 'port_security'> = {
  'lsp-set-addresses': 'addresses',
  'lsp-set-port-security': 'port_security',
};

/**
 * Runs planned[i] (an lsp-add) fused with the setters of the same port that follow it. Returns
 * the outputs of the commands it ran (one per command), or undefined to run them normally.
 */
export async function runFusedPortAdd(
  ctx: RunContext,
  planned: readonly Planned[],
  i: number,
): Promise<Output[] | undefined> {
  const add = planned[i]!.plan as AddPlan;
  const values: { addresses?: readonly string[]; port_security?: readonly string[] } = {};
  let n = 0;
  for (let j = i + 1; j < planned.length; j++) {
    const column = FUSABLE[planned[j]!.spec.name];
    const plan = planned[j]!.plan as { port: string; addresses?: string[]; addrs?: string[] };
    if (!column || plan.port !== add.port || values[column] !== undefined) break;
    values[column] = column === 'addresses' ? plan.addresses! : plan.addrs!;
    n++;
  }
  if (n === 0) return undefined;
  const sw = await memoLookup(ctx.tx, ctx.memo, SWITCH, add.sw);
  const inserted = await ctx.tx.query(
    `INSERT INTO logical_switch_port (name, switch_uuid, parent_name, tag_request, addresses, port_security)
     VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (name) DO NOTHING RETURNING uuid`,
    [
      add.port,
      sw.uuid,
      add.parent ?? null,
      add.tagRequest ?? null,
      values.addresses ?? [],
      values.port_security ?? [],
    ],
  );
  if (inserted.length === 0) return undefined;
  return Array.from({ length: n + 1 }, () => []);
}
