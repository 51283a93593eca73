/**
 * Validation functions used by the NB tables' CHECK constraints, so that the database refuses bad
 * intent from any client, plain SQL included. Each returns false rather than raising, so the error
 * is the constraint's own (named for the column it guards).
 */
export const validatorsSql = `
-- A map column (options, external_ids …): a JSON object whose values are all strings.
CREATE FUNCTION is_string_map(m jsonb) RETURNS boolean LANGUAGE sql IMMUTABLE SET search_path FROM CURRENT AS $$
  SELECT jsonb_typeof(m) = 'object'
     AND NOT EXISTS (SELECT 1 FROM jsonb_each(m) e WHERE jsonb_typeof(e.value) <> 'string')
$$;

-- MACs are written as OVN writes them: six colon-separated hex pairs.
CREATE FUNCTION is_mac(s text) RETURNS boolean LANGUAGE sql IMMUTABLE SET search_path FROM CURRENT AS $$
  SELECT s ~ '^[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2}){5}$'
$$;

CREATE FUNCTION is_inet(s text) RETURNS boolean LANGUAGE plpgsql IMMUTABLE SET search_path FROM CURRENT AS $$
BEGIN
  PERFORM s::inet;
  RETURN s !~ '^\\s|\\s$';
EXCEPTION WHEN others THEN
  RETURN false;
END
$$;

-- Names that the match language refers to ($address_set, @port_group): an identifier.
CREATE FUNCTION is_identifier(s text) RETURNS boolean LANGUAGE sql IMMUTABLE SET search_path FROM CURRENT AS $$
  SELECT s ~ '^[A-Za-z_.][A-Za-z0-9_.]*$'
$$;

-- One entry of Logical_Switch_Port.addresses: "unknown", "router", "dynamic",
-- "MAC [IP…]" or "MAC dynamic"/"dynamic IP" forms.
CREATE FUNCTION is_lsp_address(a text) RETURNS boolean LANGUAGE plpgsql IMMUTABLE SET search_path FROM CURRENT AS $$
DECLARE
  parts text[] := regexp_split_to_array(btrim(a), '\\s+');
  i int;
BEGIN
  IF a IN ('unknown', 'router', 'dynamic') THEN RETURN true; END IF;
  IF array_length(parts, 1) IS NULL THEN RETURN false; END IF;
  IF parts[1] = 'dynamic' THEN
    RETURN array_length(parts, 1) = 2 AND is_inet(parts[2]);
  END IF;
  IF NOT is_mac(parts[1]) THEN RETURN false; END IF;
  FOR i IN 2 .. coalesce(array_length(parts, 1), 1) LOOP
    IF parts[i] <> 'dynamic' AND NOT is_inet(parts[i]) THEN RETURN false; END IF;
  END LOOP;
  RETURN true;
END
$$;

-- One entry of Logical_Switch_Port.port_security: "MAC [IP[/PLEN]…]".
CREATE FUNCTION is_port_security(a text) RETURNS boolean LANGUAGE plpgsql IMMUTABLE SET search_path FROM CURRENT AS $$
DECLARE
  parts text[] := regexp_split_to_array(btrim(a), '\\s+');
  i int;
BEGIN
  IF NOT is_mac(parts[1]) THEN RETURN false; END IF;
  FOR i IN 2 .. coalesce(array_length(parts, 1), 1) LOOP
    IF NOT is_inet(parts[i]) THEN RETURN false; END IF;
  END LOOP;
  RETURN true;
END
$$;

CREATE FUNCTION all_true(xs boolean[]) RETURNS boolean LANGUAGE sql IMMUTABLE SET search_path FROM CURRENT AS $$
  SELECT coalesce(bool_and(x), true) FROM unnest(xs) x
$$;

CREATE FUNCTION all_lsp_addresses(xs text[]) RETURNS boolean LANGUAGE sql IMMUTABLE SET search_path FROM CURRENT AS $$
  SELECT coalesce(bool_and(is_lsp_address(x)), true) FROM unnest(xs) x
$$;

CREATE FUNCTION all_port_security(xs text[]) RETURNS boolean LANGUAGE sql IMMUTABLE SET search_path FROM CURRENT AS $$
  SELECT coalesce(bool_and(is_port_security(x)), true) FROM unnest(xs) x
$$;

-- Address_Set.addresses: IPv4/IPv6 addresses or prefixes, or MACs.
CREATE FUNCTION all_set_addresses(xs text[]) RETURNS boolean LANGUAGE sql IMMUTABLE SET search_path FROM CURRENT AS $$
  SELECT coalesce(bool_and(is_inet(x) OR is_mac(x)), true) FROM unnest(xs) x
$$;

-- A load balancer VIP key: "IP", "IP:PORT" or "[IPv6]:PORT"; ports 1..65535.
CREATE FUNCTION is_lb_endpoint(s text, need_port boolean) RETURNS boolean LANGUAGE plpgsql IMMUTABLE SET search_path FROM CURRENT AS $$
DECLARE
  m text[];
BEGIN
  m := regexp_match(s, '^\\[([0-9A-Fa-f:.]+)\\]:([0-9]+)$');
  IF m IS NULL THEN m := regexp_match(s, '^([0-9.]+):([0-9]+)$'); END IF;
  IF m IS NOT NULL THEN
    RETURN is_inet(m[1]) AND m[2]::int BETWEEN 1 AND 65535 AND masklen(m[1]::inet) IN (32, 128);
  END IF;
  RETURN NOT need_port AND is_inet(s) AND masklen(s::inet) IN (32, 128);
EXCEPTION WHEN others THEN
  RETURN false;
END
$$;

-- Load_Balancer.vips: {"VIP[:PORT]": "IP[:PORT],IP[:PORT]…"}; backends carry a port iff the VIP does.
CREATE FUNCTION is_lb_vips(v jsonb) RETURNS boolean LANGUAGE plpgsql IMMUTABLE SET search_path FROM CURRENT AS $$
DECLARE
  e record;
  b text;
  with_port boolean;
BEGIN
  IF NOT is_string_map(v) THEN RETURN false; END IF;
  FOR e IN SELECT key, value #>> '{}' AS backends FROM jsonb_each(v) LOOP
    IF NOT is_lb_endpoint(e.key, false) THEN RETURN false; END IF;
    with_port := e.key ~ ':[0-9]+$' AND e.key !~ '^[0-9A-Fa-f:]+$';
    IF btrim(e.backends) = '' THEN CONTINUE; END IF;
    FOREACH b IN ARRAY regexp_split_to_array(e.backends, '\\s*,\\s*') LOOP
      IF NOT is_lb_endpoint(b, with_port) THEN RETURN false; END IF;
      IF NOT with_port AND b ~ '\\]:|^[0-9.]+:' THEN RETURN false; END IF;
    END LOOP;
  END LOOP;
  RETURN true;
END
$$;

-- Every row that a cloud plugin may update carries a revision for compare-and-set.
CREATE FUNCTION bump_revision() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
  NEW.revision := OLD.revision + 1;
  RETURN NEW;
END
$$;
`;
