/**
 * Logical flows keep their references to datapaths and datapath groups, checked once per statement
 * instead of once per row. A foreign key checks each inserted row with its own query (about a
 * quarter of the cost of inserting a flow, for a northd writing hundreds of thousands); these
 * statement triggers lock each referenced row once, FOR KEY SHARE as a foreign key does, and refuse
 * the statement if one is missing, with the foreign key's own error. Deleting a datapath or a group
 * deletes its flows, as ON DELETE CASCADE did, and a referenced row's uuid cannot change.
 */
import { SB_SCHEMA as S } from '../names.js';

// Function bodies name their tables with the schema: they run under the caller's search_path.
const reference = (col: string, target: string, constraint: string) => `
CREATE FUNCTION logical_flow_check_${col}() RETURNS trigger LANGUAGE plpgsql AS $fn$
DECLARE
  wanted bigint;
  locked bigint;
  missing uuid;
BEGIN
  SELECT count(DISTINCT ${col}) INTO wanted FROM new_rows;
  IF wanted = 0 THEN RETURN NULL; END IF;
  SELECT count(*) INTO locked FROM (
    SELECT 1 FROM ${S}.${target} WHERE uuid IN (SELECT ${col} FROM new_rows) FOR KEY SHARE) x;
  IF locked < wanted THEN
    SELECT n.${col} INTO missing FROM new_rows n
     WHERE n.${col} IS NOT NULL AND NOT EXISTS (SELECT 1 FROM ${S}.${target} t WHERE t.uuid = n.${col})
     LIMIT 1;
    RAISE EXCEPTION 'insert or update on table "logical_flow" violates foreign key constraint "${constraint}"'
      USING ERRCODE = 'foreign_key_violation', CONSTRAINT = '${constraint}', TABLE = 'logical_flow',
            SCHEMA = TG_TABLE_SCHEMA,
            DETAIL = format('Key (${col})=(%s) is not present in table "${target}".', missing);
  END IF;
  RETURN NULL;
END
$fn$;
CREATE TRIGGER check_${col}_insert AFTER INSERT ON logical_flow REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION logical_flow_check_${col}();
CREATE TRIGGER check_${col}_update AFTER UPDATE ON logical_flow REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION logical_flow_check_${col}();

CREATE FUNCTION ${target}_delete_flows() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  DELETE FROM ${S}.logical_flow WHERE ${col} IN (SELECT uuid FROM old_rows);
  RETURN NULL;
END
$fn$;
CREATE TRIGGER delete_flows AFTER DELETE ON ${target} REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION ${target}_delete_flows();

CREATE FUNCTION ${target}_keep_uuid() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  RAISE EXCEPTION 'uuid of ${target} % cannot change', OLD.uuid
    USING ERRCODE = 'integrity_constraint_violation', TABLE = '${target}', SCHEMA = TG_TABLE_SCHEMA;
END
$fn$;
CREATE TRIGGER keep_uuid BEFORE UPDATE OF uuid ON ${target}
  FOR EACH ROW WHEN (OLD.uuid IS DISTINCT FROM NEW.uuid) EXECUTE FUNCTION ${target}_keep_uuid();
`;

export const flowReferencesSql = `
ALTER TABLE logical_flow DROP CONSTRAINT logical_flow_datapath_fk,
                         DROP CONSTRAINT logical_flow_dp_group_fk;
${reference('logical_datapath', 'datapath_binding', 'logical_flow_datapath_fk')}
${reference('logical_dp_group', 'logical_dp_group', 'logical_flow_dp_group_fk')}
`;
