/** diag-list: what northd could not compile (ovn-ts's own; ovn-northd only logs these). */
import { defineCommand } from './command.js';

export const diagCommands = [
  defineCommand({
    name: 'diag-list',
    usage: '[TABLE]',
    summary:
      'list NB rows northd left out, with the problem (e.g. an ACL whose match does not parse)',
    group: 'Diagnostics',
    minArgs: 0,
    maxArgs: 1,
    writes: false,
    parse: (args: readonly string[]) => ({ table: args[0]?.toLowerCase() }),
    async run({ tx }, plan: { table: string | undefined }) {
      // A port group's ACL is compiled on each of its switches: report each problem once.
      const rows = await tx.query<{ nb_table: string; nb_uuid: string; problem: string }>(
        `SELECT DISTINCT nb_table, nb_uuid::text AS nb_uuid, problem FROM northd_diagnostic
          WHERE $1::text IS NULL OR nb_table = $1 ORDER BY nb_table, nb_uuid, problem`,
        [plan.table ?? null],
      );
      return {
        kind: 'table',
        headings: ['table', 'uuid', 'problem'],
        rows: rows.map((r) => [r.nb_table, r.nb_uuid, r.problem]),
        text: rows.map((r) => `${r.nb_table} ${r.nb_uuid}: ${r.problem}`),
      };
    },
  }),
];
