// The SQL side of conditional following (see src/view/sb-interest.ts for what is followed):
// loading the rows a growing interest adds, in one query per round, and reading the change feed
// with the interest as a condition, so rows of other datapaths never leave the database.

import { DbError } from '@ovn-ts/db';
import { SB_SCHEMA } from '@ovn-ts/sb-db';
import type pg from 'pg';
import {
  type InterestGrowth,
  noInterest,
  type SbInterest,
  SCOPED_ROW_TABLES,
  SKELETON_PORT_TYPES,
  WHOLE_TABLES,
} from '../view/sb-interest.js';
import type { RowChange } from '../view/sb-view-model.js';

const S = SB_SCHEMA;

/** Every table a controller follows (a part of it, or whole). */
const FOLLOWED_TABLES = [
  ...WHOLE_TABLES,
  ...SCOPED_ROW_TABLES,
  'logical_dp_group_datapath',
  'multicast_group_port',
];

/**
 * A flow as the controller uses it: the bulk of SB, so provenance and tags stay in the database.
 */
const flowJson = (f: string) =>
  `jsonb_build_object('uuid', ${f}.uuid, 'logical_datapath', ${f}.logical_datapath,
     'logical_dp_group', ${f}.logical_dp_group, 'pipeline', ${f}.pipeline, 'table_id', ${f}.table_id,
     'priority', ${f}.priority, 'match', ${f}.match, 'actions', ${f}.actions, 'stage', ${f}.stage)`;

/** What one loading round asks for. */
export interface LoadRound {
  /** The first round: whole tables, and the port skeleton. */
  readonly initial: boolean;
  readonly growth: InterestGrowth;
  readonly chassisUuid: string | undefined;
  /** Datapath groups whose flows are held already (not loaded again through new members). */
  readonly heldDpGroups: readonly string[];
}

/**
 * The rows one round adds, as feed-style inserts. Flows of the groups that new datapaths are
 * members of, and the members of their multicast groups, come in the same round.
 */
export async function loadRound(client: pg.PoolClient, r: LoadRound): Promise<RowChange[]> {
  const g = r.growth;
  const parts: string[] = [];
  const params: unknown[] = [
    g.datapaths, // $1 uuid[]
    g.names, // $2 text[]
    r.growth.chassis || r.initial ? (r.chassisUuid ?? null) : null, // $3 uuid
    g.dpGroups, // $4 uuid[]
    g.multicastGroups, // $5 uuid[]
    r.heldDpGroups, // $6 uuid[]
    SKELETON_PORT_TYPES, // $7 text[]
    r.initial, // $8 boolean
  ];
  const sel = (table: string, where: string, row = 'to_jsonb(x)') =>
    parts.push(`SELECT '${table}' AS t, ${row} AS row FROM ${S}.${table} x WHERE ${where}`);
  if (r.initial) for (const t of WHOLE_TABLES) sel(t, 'true');
  sel(
    'port_binding',
    `x.datapath = ANY($1::uuid[]) OR x.logical_port = ANY($2::text[]) OR x.chassis = $3::uuid
     OR ($8::boolean AND x.type = ANY($7::text[]))`,
  );
  sel('logical_dp_group_datapath', 'x.datapath = ANY($1::uuid[])');
  sel(
    'logical_flow',
    `x.logical_datapath = ANY($1::uuid[]) OR x.logical_dp_group = ANY($4::uuid[])
     OR x.logical_dp_group IN (SELECT m.dp_group FROM ${S}.logical_dp_group_datapath m
                                WHERE m.datapath = ANY($1::uuid[])
                                  AND NOT m.dp_group = ANY($6::uuid[] || $4::uuid[]))`,
    flowJson('x'),
  );
  sel('multicast_group', 'x.datapath = ANY($1::uuid[])');
  sel(
    'multicast_group_port',
    `x.multicast_group = ANY($5::uuid[])
     OR x.multicast_group IN (SELECT mg.uuid FROM ${S}.multicast_group mg WHERE mg.datapath = ANY($1::uuid[]))`,
  );
  sel('mac_binding', 'x.datapath = ANY($1::uuid[])');
  sel(
    'fdb',
    `x.dp_key IN (SELECT d.tunnel_key FROM ${S}.datapath_binding d WHERE d.uuid = ANY($1::uuid[]))`,
  );
  const res = await client.query<{ t: string; row: Record<string, unknown> }>(
    parts.join('\nUNION ALL\n'),
    params,
  );
  return res.rows.map((x) => ({ table: x.t, op: 'insert', row: x.row }));
}

export type ScopedRead =
  | { readonly kind: 'resync' }
  | {
      readonly kind: 'commits';
      /** Commits read (each advances the cursor, even with no followed row). */
      readonly commits: number;
      readonly cursor: number;
      readonly changes: readonly RowChange[];
    };

const FILTER = `
  l.tbl = ANY($3::text[])
  OR (l.op = 'update' AND l.tbl = ANY($4::text[]))
  OR CASE l.tbl
    WHEN 'port_binding' THEN l.row->>'datapath' = ANY($5::text[]) OR l.row->>'type' = ANY($6::text[])
      OR l.row->>'logical_port' = ANY($7::text[]) OR l.row->>'chassis' = $8::text
    WHEN 'logical_flow' THEN l.row->>'logical_datapath' = ANY($5::text[])
      OR l.row->>'logical_dp_group' = ANY($9::text[])
    WHEN 'logical_dp_group_datapath' THEN l.row->>'datapath' = ANY($5::text[])
    WHEN 'multicast_group' THEN l.row->>'datapath' = ANY($5::text[])
    WHEN 'mac_binding' THEN l.row->>'datapath' = ANY($5::text[])
    WHEN 'multicast_group_port' THEN l.row->>'multicast_group' = ANY($10::text[])
    WHEN 'fdb' THEN (l.row->>'dp_key')::int = ANY($11::int[])
    ELSE false END`;

/**
 * The commits after `cursor` (at most `limit`), with only the rows `i` follows, plus every update
 * of a scoped table (an update may take a held row out of scope; selectChanges decides).
 */
export async function readScopedFeed(
  pool: pg.Pool,
  cursor: number,
  limit: number,
  i: SbInterest | 'all',
): Promise<ScopedRead> {
  const all = i === 'all';
  const filter = all ? `l.tbl = ANY($3::text[])` : FILTER;
  const interest = all ? noInterest : i;
  try {
    // One statement, so one snapshot: the feed state and the commits agree (no pruning between).
    const rows = await pool.query<{
      last_seq: string;
      min_seq: string;
      seq: string | null;
      tbl: string | null;
      op: RowChange['op'] | null;
      row: Record<string, unknown> | null;
    }>(
      // change_log records flows by reference (uuid and datapath columns, enough for the filter):
      // an inserted flow is read from logical_flow; one gone since has a NULL row and is skipped
      // (a later commit deletes it).
      `WITH st AS (SELECT last_seq, min_seq FROM ${S}.feed_state)
       SELECT st.last_seq, st.min_seq, c.seq, l.tbl, l.op,
              CASE WHEN l.tbl = 'logical_flow' AND l.op <> 'delete'
                   THEN (SELECT ${flowJson('f')} FROM ${S}.logical_flow f WHERE f.uuid = l.row_uuid)
                   ELSE l.row END AS row
         FROM st
         LEFT JOIN ${S}.feed_commit c
           ON c.seq > $1 AND c.seq <= least(st.last_seq, $2::bigint) AND $1 >= st.min_seq - 1
         LEFT JOIN ${S}.change_log l ON l.txid = c.txid AND (${filter})
        ORDER BY c.seq, l.id`,
      all
        ? [cursor, cursor + limit, FOLLOWED_TABLES]
        : [
            cursor,
            cursor + limit,
            [...WHOLE_TABLES],
            [...SCOPED_ROW_TABLES],
            [...interest.datapaths],
            SKELETON_PORT_TYPES,
            [...interest.names],
            interest.chassisUuid ?? null,
            [...interest.dpGroups],
            [...interest.multicastGroups],
            [...interest.datapathKeys],
          ],
    );
    const head = rows.rows[0]!;
    const last = Number(head.last_seq);
    if (cursor > last)
      throw new DbError('internal', `feed cursor ${cursor} is ahead of SB's newest commit ${last}`);
    if (cursor < Number(head.min_seq) - 1) return { kind: 'resync' };
    const changes: RowChange[] = [];
    let commits = 0;
    let seq = cursor;
    for (const r of rows.rows) {
      if (r.seq === null) continue;
      const n = Number(r.seq);
      if (n !== seq) {
        // Commits are numbered without gaps: a gap means the log was pruned under us.
        if (n !== seq + 1) return { kind: 'resync' };
        commits++;
        seq = n;
      }
      if (r.tbl && r.op && r.row) changes.push({ table: r.tbl, op: r.op, row: r.row });
    }
    if (commits === 0 && cursor < last) return { kind: 'resync' };
    return { kind: 'commits', commits, cursor: seq, changes };
  } catch (err) {
    throw DbError.from(err);
  }
}
