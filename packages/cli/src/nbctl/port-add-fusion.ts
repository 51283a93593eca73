/**
 * A batch optimisation for bulk loads: consecutive `lsp-add SW P [-- lsp-set-addresses P …]
 * [-- lsp-set-port-security P …]` groups become ONE multi-row INSERT that creates the ports with
 * their addresses and port security, instead of a statement per command (a 500-port batch: one
 * statement instead of 1,500).
 *
 * The result is always what running the commands one by one gives: only fresh inserts are fused.
 * A group whose port already exists (or repeats an earlier name) runs as written, in order,
 * after the insert; and if the database refuses any row, the insert is rolled back to a savepoint
 * and every group runs one by one, so that the error names the command that caused it.
 */
import type { Output, RunContext } from './command.js';
import { noteAddressesSet } from './duplicate-ip-check.js';
import { CommandFailure } from './errors.js';
import { SWITCH } from './lookup.js';
import { memoLookup } from './named-entity.js';
import type { Planned } from './plan.js';
import { classifyDatabaseError } from './report.js';

interface AddPlan {
  readonly sw: string;
  readonly port: string;
  readonly parent: string | undefined;
  readonly tagRequest: number | undefined;
}

const SETTERS: Record<string, 'addresses' | 'port_security'> = {
  'lsp-set-addresses': 'addresses',
  'lsp-set-port-security': 'port_security',
};

interface Group {
  readonly start: number;
  readonly size: number;
  readonly add: AddPlan;
  readonly addresses: readonly string[] | undefined;
  readonly portSecurity: readonly string[] | undefined;
}

/** An lsp-add and the setters of the same port right after it (each column at most once). */
function groupAt(planned: readonly Planned[], start: number): Group {
  const add = planned[start]!.plan as AddPlan;
  const values: { addresses?: readonly string[]; port_security?: readonly string[] } = {};
  let size = 1;
  for (let j = start + 1; j < planned.length; j++) {
    const column = SETTERS[planned[j]!.spec.name];
    const plan = planned[j]!.plan as { port: string; addresses?: string[]; addrs?: string[] };
    if (!column || plan.port !== add.port || values[column] !== undefined) break;
    values[column] = column === 'addresses' ? plan.addresses! : plan.addrs!;
    size++;
  }
  return { start, size, add, addresses: values.addresses, portSecurity: values.port_security };
}

export type RunOne = (p: Planned) => Promise<Output>;

/**
 * Runs the lsp-add at planned[i] and the groups that follow it; returns one output per command
 * consumed. `runOne` runs a single command as the batch normally would.
 */
export async function runPortAdds(
  ctx: RunContext,
  planned: readonly Planned[],
  i: number,
  runOne: RunOne,
): Promise<Output[]> {
  const groups: Group[] = [];
  for (let j = i; j < planned.length && planned[j]!.spec.name === 'lsp-add'; ) {
    const g = groupAt(planned, j);
    groups.push(g);
    j += g.size;
  }
  const outputs: Output[] = [];
  const runGroup = async (g: Group) => {
    for (let k = g.start; k < g.start + g.size; k++) outputs.push(await runOne(planned[k]!));
  };
  if (groups.length === 1 && groups[0]!.size === 1) {
    await runGroup(groups[0]!);
    return outputs;
  }

  // The first group of each port name goes into the insert; repeats run as written afterwards.
  const fused = new Map<string, Group>();
  const rows: unknown[] = [];
  for (const g of groups) {
    if (fused.has(g.add.port)) continue;
    let sw: { uuid: string };
    try {
      sw = await memoLookup(ctx.tx, ctx.memo, SWITCH, g.add.sw);
    } catch (err) {
      throw new CommandFailure('lsp-add', err);
    }
    fused.set(g.add.port, g);
    rows.push({
      name: g.add.port,
      switch_uuid: sw.uuid,
      parent_name: g.add.parent ?? null,
      tag_request: g.add.tagRequest ?? null,
      addresses: g.addresses ?? [],
      port_security: g.portSecurity ?? [],
    });
  }

  let inserted: Set<string>;
  await ctx.tx.query('SAVEPOINT nbctl_port_adds');
  try {
    const r = await ctx.tx.query<{ name: string }>(
      `INSERT INTO logical_switch_port (name, switch_uuid, parent_name, tag_request, addresses, port_security)
       SELECT name, switch_uuid, parent_name, tag_request, addresses, port_security
         FROM jsonb_to_recordset($1::jsonb)
           AS x(name text, switch_uuid uuid, parent_name text, tag_request integer, addresses text[], port_security text[])
       ON CONFLICT (name) DO NOTHING RETURNING name`,
      [JSON.stringify(rows)],
    );
    inserted = new Set(r.map((x) => x.name));
    await ctx.tx.query('RELEASE SAVEPOINT nbctl_port_adds');
  } catch (err) {
    if (classifyDatabaseError(err)?.kind === 'connection') throw err;
    await ctx.tx.query('ROLLBACK TO SAVEPOINT nbctl_port_adds');
    for (const g of groups) await runGroup(g);
    return outputs;
  }
  for (const g of groups) {
    if (fused.get(g.add.port) === g && inserted.has(g.add.port)) {
      for (let k = 0; k < g.size; k++) outputs.push([]);
      if (g.addresses) noteAddressesSet(ctx, g.add.port, g.addresses);
    } else {
      await runGroup(g);
    }
  }
  return outputs;
}
