/**
 * Validation functions used by the NB tables' CHECK constraints, so that the database refuses bad
 * intent from any client, plain SQL included. Each returns false rather than raising, so the error
 * is the constraint's own (named for the column it guards).
 */
export const validatorsSql = `
-- A map column (options, external_ids …): a JSON object whose values are all strings.
CREATE FUNCTION nb.is_string_map(m jsonb) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$
  -- Most maps are empty; the others are tested with one jsonpath query (no subquery per row).
  SELECT m = '{}'::jsonb
      OR (jsonb_typeof(m) = 'object' AND NOT jsonb_path_exists(m, '$.* ? (@.type() != "string")'))
$$;

-- MACs are written as OVN writes them: six colon-separated hex pairs.
CREATE FUNCTION nb.is_mac(s text) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$
  SELECT s ~ '^[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2}){5}$'
$$;

-- IPv4 is checked by pattern (the common case, and cheap); anything else by a cast, whose failure
-- costs a subtransaction.
CREATE FUNCTION nb.is_inet(s text) RETURNS boolean LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
  m text[];
BEGIN
  m := regexp_match(s, '^([0-9]{1,3})\\.([0-9]{1,3})\\.([0-9]{1,3})\\.([0-9]{1,3})(?:/([0-9]{1,2}))?$');
  IF m IS NOT NULL THEN
    RETURN m[1]::int <= 255 AND m[2]::int <= 255 AND m[3]::int <= 255 AND m[4]::int <= 255
       AND coalesce(m[5]::int, 32) <= 32;
  END IF;
  IF s !~ '^[0-9A-Fa-f:.]+(/[0-9]{1,3})?$' THEN RETURN false; END IF;
  BEGIN
    PERFORM s::inet;
    RETURN true;
  EXCEPTION WHEN others THEN
    RETURN false;
  END;
END
$$;

-- Names that the match language refers to ($address_set, @port_group): an identifier.
CREATE FUNCTION nb.is_identifier(s text) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$
  SELECT s ~ '^[A-Za-z_.][A-Za-z0-9_.]*$'
$$;

-- One entry of Logical_Switch_Port.addresses: "unknown", "router", "dynamic",
-- "MAC [IP…]" or "MAC dynamic"/"dynamic IP" forms.
CREATE FUNCTION nb.is_lsp_address(a text) RETURNS boolean LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
  parts text[] := regexp_split_to_array(btrim(a), '\\s+');
  i int;
BEGIN
  IF a IN ('unknown', 'router', 'dynamic') THEN RETURN true; END IF;
  IF array_length(parts, 1) IS NULL THEN RETURN false; END IF;
  IF parts[1] = 'dynamic' THEN
    RETURN array_length(parts, 1) = 2 AND nb.is_inet(parts[2]);
  END IF;
  IF NOT nb.is_mac(parts[1]) THEN RETURN false; END IF;
  FOR i IN 2 .. coalesce(array_length(parts, 1), 1) LOOP
    IF parts[i] <> 'dynamic' AND NOT nb.is_inet(parts[i]) THEN RETURN false; END IF;
  END LOOP;
  RETURN true;
END
$$;

-- One entry of Logical_Switch_Port.port_security: "MAC [IP[/PLEN]…]".
CREATE FUNCTION nb.is_port_security(a text) RETURNS boolean LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
  parts text[] := regexp_split_to_array(btrim(a), '\\s+');
  i int;
BEGIN
  IF NOT nb.is_mac(parts[1]) THEN RETURN false; END IF;
  FOR i IN 2 .. coalesce(array_length(parts, 1), 1) LOOP
    IF NOT nb.is_inet(parts[i]) THEN RETURN false; END IF;
  END LOOP;
  RETURN true;
END
$$;

CREATE FUNCTION nb.all_true(xs boolean[]) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$
  SELECT coalesce(bool_and(x), true) FROM unnest(xs) x
$$;

CREATE FUNCTION nb.all_lsp_addresses(xs text[]) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$
  SELECT coalesce(bool_and(nb.is_lsp_address(x)), true) FROM unnest(xs) x
$$;

CREATE FUNCTION nb.all_port_security(xs text[]) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$
  SELECT coalesce(bool_and(nb.is_port_security(x)), true) FROM unnest(xs) x
$$;

-- Address_Set.addresses: IPv4/IPv6 addresses or prefixes, or MACs.
CREATE FUNCTION nb.all_set_addresses(xs text[]) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$
  SELECT coalesce(bool_and(nb.is_inet(x) OR nb.is_mac(x)), true) FROM unnest(xs) x
$$;

-- A load balancer VIP key: "IP", "IP:PORT" or "[IPv6]:PORT"; ports 1..65535.
CREATE FUNCTION nb.is_lb_endpoint(s text, need_port boolean) RETURNS boolean LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
  m text[];
BEGIN
  m := regexp_match(s, '^\\[([0-9A-Fa-f:.]+)\\]:([0-9]+)$');
  IF m IS NULL THEN m := regexp_match(s, '^([0-9.]+):([0-9]+)$'); END IF;
  IF m IS NOT NULL THEN
    RETURN nb.is_inet(m[1]) AND m[2]::int BETWEEN 1 AND 65535 AND masklen(m[1]::inet) IN (32, 128);
  END IF;
  RETURN NOT need_port AND nb.is_inet(s) AND masklen(s::inet) IN (32, 128);
EXCEPTION WHEN others THEN
  RETURN false;
END
$$;

-- Load_Balancer.vips: {"VIP[:PORT]": "IP[:PORT],IP[:PORT]…"}; backends carry a port iff the VIP does.
CREATE FUNCTION nb.is_lb_vips(v jsonb) RETURNS boolean LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
  e record;
  b text;
  with_port boolean;
BEGIN
  IF NOT nb.is_string_map(v) THEN RETURN false; END IF;
  FOR e IN SELECT key, value #>> '{}' AS backends FROM jsonb_each(v) LOOP
    IF NOT nb.is_lb_endpoint(e.key, false) THEN RETURN false; END IF;
    with_port := e.key ~ ':[0-9]+$' AND e.key !~ '^[0-9A-Fa-f:]+$';
    IF btrim(e.backends) = '' THEN CONTINUE; END IF;
    FOREACH b IN ARRAY regexp_split_to_array(e.backends, '\\s*,\\s*') LOOP
      IF NOT nb.is_lb_endpoint(b, with_port) THEN RETURN false; END IF;
      IF NOT with_port AND b ~ '\\]:|^[0-9.]+:' THEN RETURN false; END IF;
    END LOOP;
  END LOOP;
  RETURN true;
END
$$;

-- Every row that a cloud plugin may update carries a revision for compare-and-set.
CREATE FUNCTION nb.bump_revision() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.revision := OLD.revision + 1;
  RETURN NEW;
END
$$;
`;
