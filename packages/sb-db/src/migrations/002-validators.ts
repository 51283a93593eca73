/**
 * Functions used by the SB tables' CHECK constraints. Each returns false rather than raising, so
 * the error a writer sees is the constraint's own, named for the column it guards.
 */
export const validatorsSql = `
-- A map column (options, external_ids …): a JSON object whose values are all strings.
CREATE FUNCTION is_string_map(m jsonb) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$
  -- Most maps are empty; the others are tested with one jsonpath query (no subquery per row).
  SELECT m = '{}'::jsonb
      OR (jsonb_typeof(m) = 'object' AND NOT jsonb_path_exists(m, '$.* ? (@.type() != "string")'))
$$;

-- A single address (no prefix): MAC bindings and BFD peers name hosts, not networks.
CREATE FUNCTION is_host(a inet) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$
  SELECT masklen(a) = CASE family(a) WHEN 4 THEN 32 ELSE 128 END
$$;
`;
