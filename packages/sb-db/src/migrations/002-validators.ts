/**
 * Functions used by the SB tables' CHECK constraints. Each returns false rather than raising, so
 * the error a writer sees is the constraint's own, named for the column it guards.
 */
export const validatorsSql = `
-- A map column (options, external_ids …): a JSON object whose values are all strings.
CREATE FUNCTION is_string_map(m jsonb) RETURNS boolean LANGUAGE sql IMMUTABLE SET search_path FROM CURRENT AS $$
  SELECT jsonb_typeof(m) = 'object'
     AND NOT EXISTS (SELECT 1 FROM jsonb_each(m) e WHERE jsonb_typeof(e.value) <> 'string')
$$;

-- A single address (no prefix): MAC bindings and BFD peers name hosts, not networks.
CREATE FUNCTION is_host(a inet) RETURNS boolean LANGUAGE sql IMMUTABLE SET search_path FROM CURRENT AS $$
  SELECT masklen(a) = CASE family(a) WHEN 4 THEN 32 ELSE 128 END
$$;
`;
