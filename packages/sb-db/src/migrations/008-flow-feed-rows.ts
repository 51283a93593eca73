import { feedCaptureFunctionSql } from '@ovn-ts/db';
import { SB_SCHEMA as S } from '../names.js';

/**
 * The change feed records logical flows by reference. northd writes them by the hundred thousand
 * and never updates one; converting each to jsonb in the capture trigger was a third of the cost
 * of writing it. So a logical_flow change's `row` in change_log holds only what a reader needs to
 * decide whether it cares and to forget it: `uuid`, `logical_datapath` and `logical_dp_group`. The
 * view `change_feed` is change_log with the rest filled in: for an insert or update, the flow as
 * it is now, or NULL if it is gone by now (a later commit of the feed deletes it).
 */
const flowColumns = (r: string) =>
  `jsonb_build_object('uuid', ${r}.uuid, 'logical_datapath', ${r}.logical_datapath, 'logical_dp_group', ${r}.logical_dp_group)`;

export const flowFeedRowsSql = `
${feedCaptureFunctionSql(S, 'feed_capture_flow', (r) => `${r}.uuid`, flowColumns)}
DROP TRIGGER feed_capture_insert ON logical_flow;
DROP TRIGGER feed_capture_update ON logical_flow;
DROP TRIGGER feed_capture_delete ON logical_flow;
CREATE TRIGGER feed_capture_insert AFTER INSERT ON logical_flow REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION ${S}.feed_capture_flow();
CREATE TRIGGER feed_capture_update AFTER UPDATE ON logical_flow REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION ${S}.feed_capture_flow();
CREATE TRIGGER feed_capture_delete AFTER DELETE ON logical_flow REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION ${S}.feed_capture_flow();

CREATE VIEW change_feed AS
SELECT l.id, l.txid, l.tbl, l.op, l.row_uuid,
       CASE WHEN l.tbl = 'logical_flow' AND l.op <> 'delete'
            THEN (SELECT to_jsonb(f) FROM ${S}.logical_flow f WHERE f.uuid = l.row_uuid)
            ELSE l.row END AS row
  FROM change_log l;
`;
