/**
 * Version 2 of the feed's capture triggers, applied by a migration after feedSchemaSql (which is a
 * released migration and never changes). Same contract, cheaper capture: each changed row is
 * converted to jsonb once and its id read from its `uuid` column, where version 1 converted it in a
 * subquery and parsed the id back out of the jsonb (a third of the capture's cost in bulk writes).
 * Tables without a `uuid` column (link tables keyed by their columns) get a capture function that
 * records no row id, as before.
 */
export function feedCaptureV2Sql(schema: string): string {
  const capture = (name: string, rowUuid: (r: string) => string) =>
    feedCaptureFunctionSql(schema, name, rowUuid, (r) => `to_jsonb(${r})`);
  return `
${capture('feed_capture', (r) => `${r}.uuid`)}
${capture('feed_capture_keyless', () => 'NULL::uuid')}

-- Puts a table under the feed, with the capture function its columns call for.
CREATE OR REPLACE FUNCTION ${schema}.feed_attach(t regclass) RETURNS void LANGUAGE plpgsql AS $fn$
DECLARE
  fn text := CASE WHEN EXISTS (SELECT 1 FROM pg_attribute
                                WHERE attrelid = t AND attname = 'uuid' AND NOT attisdropped)
             THEN '${schema}.feed_capture' ELSE '${schema}.feed_capture_keyless' END;
BEGIN
  EXECUTE format('DROP TRIGGER IF EXISTS feed_capture_insert ON %s', t);
  EXECUTE format('DROP TRIGGER IF EXISTS feed_capture_update ON %s', t);
  EXECUTE format('DROP TRIGGER IF EXISTS feed_capture_delete ON %s', t);
  EXECUTE format('CREATE TRIGGER feed_capture_insert AFTER INSERT ON %s REFERENCING NEW TABLE AS new_rows
                  FOR EACH STATEMENT EXECUTE FUNCTION %s()', t, fn);
  EXECUTE format('CREATE TRIGGER feed_capture_update AFTER UPDATE ON %s REFERENCING NEW TABLE AS new_rows
                  FOR EACH STATEMENT EXECUTE FUNCTION %s()', t, fn);
  EXECUTE format('CREATE TRIGGER feed_capture_delete AFTER DELETE ON %s REFERENCING OLD TABLE AS old_rows
                  FOR EACH STATEMENT EXECUTE FUNCTION %s()', t, fn);
END
$fn$;

-- Re-attach every table already under the feed.
SELECT ${schema}.feed_attach(g.tgrelid::regclass)
  FROM pg_trigger g
 WHERE g.tgname = 'feed_capture_insert'
   AND g.tgrelid IN (SELECT oid FROM pg_class WHERE relnamespace = '${schema}'::regnamespace);
`;
}

/**
 * A capture function (for feed_capture_* triggers) that records each changed row `r` with the id
 * `rowUuid(r)` and the jsonb `row(r)`: the whole row, or what a table recorded by reference keeps.
 */
export function feedCaptureFunctionSql(
  schema: string,
  name: string,
  rowUuid: (r: string) => string,
  row: (r: string) => string,
): string {
  return `
CREATE OR REPLACE FUNCTION ${schema}.${name}() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  IF TG_OP = 'DELETE' THEN
    INSERT INTO ${schema}.change_log (tbl, op, row_uuid, row)
    SELECT TG_TABLE_NAME, 'delete', ${rowUuid('r')}, ${row('r')} FROM old_rows r;
  ELSE
    INSERT INTO ${schema}.change_log (tbl, op, row_uuid, row)
    SELECT TG_TABLE_NAME, lower(TG_OP), ${rowUuid('r')}, ${row('r')} FROM new_rows r;
  END IF;
  IF FOUND AND current_setting('ovn_feed.${schema}', true) IS DISTINCT FROM 'pending' THEN
    PERFORM set_config('ovn_feed.${schema}', 'pending', true);
    INSERT INTO ${schema}.feed_pending VALUES (pg_current_xact_id()) ON CONFLICT DO NOTHING;
  END IF;
  RETURN NULL;
END
$fn$;`;
}
