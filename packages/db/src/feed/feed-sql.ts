/**
 * The change feed, in SQL. This is a documented contract (see the README): outside systems read it.
 *
 * Every captured table has statement triggers that append its changed rows to `change_log`, tagged
 * with the writing transaction's id. A deferred constraint trigger runs once per transaction just
 * before it commits: it takes the next number from `feed_state` and records it in `feed_commit`.
 * The `feed_state` row stays locked until that transaction has committed (PostgreSQL makes a
 * transaction visible before it releases its locks), so the next writer gets its number only after
 * the previous one is visible. Hence commit numbers are gap-free and in commit order, however
 * transactions interleave, and a reader that has seen number N has seen every commit before it.
 * Then it NOTIFYs the channel with the number as payload.
 *
 * Readers keep a cursor (the last number seen), read `feed_commit` joined with `change_log` for
 * the numbers after it, and LISTEN only to wake up. Old entries are pruned: a reader whose cursor
 * is below `feed_state.min_seq - 1` has lost changes and must resync from a snapshot.
 */
export function feedSchemaSql(schema: string, channel: string): string {
  return `
CREATE TABLE ${schema}.change_log (
  -- No primary key: readers and pruning go through (txid, id); an index less per captured row.
  id bigserial NOT NULL,
  txid xid8 NOT NULL DEFAULT pg_current_xact_id(),
  tbl text NOT NULL,
  op text NOT NULL CHECK (op IN ('insert', 'update', 'delete')),
  row_uuid uuid,
  row jsonb NOT NULL
);
CREATE INDEX change_log_txid ON ${schema}.change_log (txid, id);

CREATE TABLE ${schema}.feed_commit (
  seq bigint PRIMARY KEY,
  txid xid8 NOT NULL,
  committed_at timestamptz NOT NULL
);

CREATE TABLE ${schema}.feed_state (
  id integer PRIMARY KEY CHECK (id = 1),
  last_seq bigint NOT NULL,
  min_seq bigint NOT NULL,
  retain bigint NOT NULL CHECK (retain >= 100),
  channel text NOT NULL
);
INSERT INTO ${schema}.feed_state VALUES (1, 0, 1, 100000, '${channel}');

CREATE TABLE ${schema}.feed_reader (
  name text PRIMARY KEY,
  seq bigint NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- Captures a whole statement's rows at once (transition tables): far cheaper than a row trigger
-- for the bulk writes northd makes. The first capture of a transaction also enqueues, through
-- feed_pending, the one deferred event that numbers the transaction at commit.
CREATE TABLE ${schema}.feed_pending (txid xid8 PRIMARY KEY);

CREATE FUNCTION ${schema}.feed_capture() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  IF TG_OP = 'DELETE' THEN
    INSERT INTO ${schema}.change_log (tbl, op, row_uuid, row)
    SELECT TG_TABLE_NAME, 'delete', (r->>'uuid')::uuid, r FROM (SELECT to_jsonb(feed_old_row.*) AS r FROM old_rows feed_old_row) x;
  ELSE
    INSERT INTO ${schema}.change_log (tbl, op, row_uuid, row)
    SELECT TG_TABLE_NAME, lower(TG_OP), (r->>'uuid')::uuid, r FROM (SELECT to_jsonb(feed_new_row.*) AS r FROM new_rows feed_new_row) x;
  END IF;
  IF FOUND AND current_setting('ovn_feed.${schema}', true) IS DISTINCT FROM 'pending' THEN
    PERFORM set_config('ovn_feed.${schema}', 'pending', true);
    INSERT INTO ${schema}.feed_pending VALUES (pg_current_xact_id()) ON CONFLICT DO NOTHING;
  END IF;
  RETURN NULL;
END
$fn$;

CREATE FUNCTION ${schema}.feed_prune(keep bigint) RETURNS bigint LANGUAGE plpgsql AS $fn$
DECLARE
  cut bigint;
BEGIN
  SELECT last_seq - keep INTO cut FROM ${schema}.feed_state;
  IF cut < 1 THEN RETURN 0; END IF;
  DELETE FROM ${schema}.change_log l USING ${schema}.feed_commit c
   WHERE c.seq <= cut AND l.txid = c.txid;
  DELETE FROM ${schema}.feed_commit WHERE seq <= cut;
  UPDATE ${schema}.feed_state SET min_seq = greatest(min_seq, cut + 1);
  RETURN cut;
END
$fn$;

CREATE FUNCTION ${schema}.feed_commit_number() RETURNS trigger LANGUAGE plpgsql AS $fn$
DECLARE
  s bigint;
  keep bigint;
BEGIN
  DELETE FROM ${schema}.feed_pending WHERE txid = NEW.txid;
  UPDATE ${schema}.feed_state SET last_seq = last_seq + 1 WHERE id = 1 RETURNING last_seq, retain INTO s, keep;
  INSERT INTO ${schema}.feed_commit (seq, txid, committed_at) VALUES (s, NEW.txid, clock_timestamp());
  IF s % 1000 = 0 THEN PERFORM ${schema}.feed_prune(keep); END IF;
  PERFORM pg_notify('${channel}', s::text);
  RETURN NULL;
END
$fn$;

-- Fires at commit, once per transaction (one feed_pending row each).
CREATE CONSTRAINT TRIGGER feed_commit_number AFTER INSERT ON ${schema}.feed_pending
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION ${schema}.feed_commit_number();

-- Puts a table under the feed. Called by the migrations that create tables.
CREATE FUNCTION ${schema}.feed_attach(t regclass) RETURNS void LANGUAGE plpgsql AS $fn$
BEGIN
  EXECUTE format('CREATE TRIGGER feed_capture_insert AFTER INSERT ON %s REFERENCING NEW TABLE AS new_rows
                  FOR EACH STATEMENT EXECUTE FUNCTION ${schema}.feed_capture()', t);
  EXECUTE format('CREATE TRIGGER feed_capture_update AFTER UPDATE ON %s REFERENCING NEW TABLE AS new_rows
                  FOR EACH STATEMENT EXECUTE FUNCTION ${schema}.feed_capture()', t);
  EXECUTE format('CREATE TRIGGER feed_capture_delete AFTER DELETE ON %s REFERENCING OLD TABLE AS old_rows
                  FOR EACH STATEMENT EXECUTE FUNCTION ${schema}.feed_capture()', t);
END
$fn$;
`;
}
