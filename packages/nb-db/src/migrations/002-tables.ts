/**
 * The NB tables, with OVN's meaning (ovn-nb(5)). Relations that OVSDB keeps as sets of references
 * become foreign keys on the child (a port belongs to one switch) or link tables (port groups and
 * load balancers are shared). Names are unique where OVN requires it: ports (switch and router
 * ports share the SB logical_port namespace, enforced by northd), port groups, address sets.
 */
const common = `
  uuid uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  external_ids jsonb NOT NULL DEFAULT '{}' CONSTRAINT external_ids_is_string_map CHECK (external_ids = '{}' OR is_string_map(external_ids))`;
const revision = `revision bigint NOT NULL DEFAULT 0`;
const options = (col = 'options') =>
  `${col} jsonb NOT NULL DEFAULT '{}' CONSTRAINT ${col}_is_string_map CHECK (${col} = '{}' OR is_string_map(${col}))`;

export const tablesSql = `
CREATE TABLE nb_global (${common},
  singleton boolean NOT NULL DEFAULT true UNIQUE CHECK (singleton),
  name text NOT NULL DEFAULT '',
  nb_cfg bigint NOT NULL DEFAULT 0 CHECK (nb_cfg >= 0),
  nb_cfg_timestamp bigint NOT NULL DEFAULT 0,
  sb_cfg bigint NOT NULL DEFAULT 0,
  sb_cfg_timestamp bigint NOT NULL DEFAULT 0,
  hv_cfg bigint NOT NULL DEFAULT 0,
  hv_cfg_timestamp bigint NOT NULL DEFAULT 0,
  ${options()}
);
INSERT INTO nb_global DEFAULT VALUES;

CREATE TABLE dhcp_options (${common},
  cidr cidr NOT NULL,
  ${options()}
);

CREATE TABLE logical_switch (${common}, ${revision},
  name text NOT NULL DEFAULT '',
  ${options('other_config')}
);
CREATE INDEX logical_switch_name ON logical_switch (name);

CREATE TABLE logical_switch_port (${common}, ${revision},
  name text NOT NULL CONSTRAINT logical_switch_port_name_unique UNIQUE CONSTRAINT name_not_empty CHECK (name <> ''),
  switch_uuid uuid NOT NULL REFERENCES logical_switch(uuid) ON DELETE CASCADE,
  type text NOT NULL DEFAULT '' CONSTRAINT lsp_type_known CHECK (type IN
    ('', 'router', 'localnet', 'localport', 'l2gateway', 'vtep', 'external', 'virtual', 'remote')),
  addresses text[] NOT NULL DEFAULT '{}' CONSTRAINT lsp_addresses_valid CHECK (all_lsp_addresses(addresses)),
  dynamic_addresses text,
  port_security text[] NOT NULL DEFAULT '{}' CONSTRAINT lsp_port_security_valid CHECK (all_port_security(port_security)),
  ${options()},
  enabled boolean,
  up boolean,
  parent_name text,
  tag_request integer CONSTRAINT tag_request_range CHECK (tag_request BETWEEN 0 AND 4095),
  tag integer CONSTRAINT tag_range CHECK (tag BETWEEN 1 AND 4095),
  dhcpv4_options uuid REFERENCES dhcp_options(uuid) ON DELETE SET NULL,
  dhcpv6_options uuid REFERENCES dhcp_options(uuid) ON DELETE SET NULL,
  CONSTRAINT tag_needs_parent CHECK (tag_request IS NULL OR parent_name IS NOT NULL)
);
CREATE INDEX logical_switch_port_switch ON logical_switch_port (switch_uuid);

CREATE TABLE logical_router (${common}, ${revision},
  name text NOT NULL DEFAULT '',
  enabled boolean,
  ${options()}
);
CREATE INDEX logical_router_name ON logical_router (name);

CREATE TABLE logical_router_port (${common}, ${revision},
  name text NOT NULL CONSTRAINT logical_router_port_name_unique UNIQUE CONSTRAINT name_not_empty CHECK (name <> ''),
  router_uuid uuid NOT NULL REFERENCES logical_router(uuid) ON DELETE CASCADE,
  mac macaddr NOT NULL,
  networks inet[] NOT NULL CONSTRAINT lrp_networks_not_empty CHECK (cardinality(networks) > 0),
  peer text,
  enabled boolean,
  ${options()}
);
CREATE INDEX logical_router_port_router ON logical_router_port (router_uuid);

CREATE TABLE gateway_chassis (${common},
  name text NOT NULL UNIQUE,
  router_port_uuid uuid NOT NULL REFERENCES logical_router_port(uuid) ON DELETE CASCADE,
  chassis_name text NOT NULL CONSTRAINT chassis_name_not_empty CHECK (chassis_name <> ''),
  priority integer NOT NULL DEFAULT 0 CONSTRAINT gateway_priority_range CHECK (priority BETWEEN 0 AND 32767),
  ${options()},
  UNIQUE (router_port_uuid, chassis_name)
);

CREATE TABLE logical_router_static_route (${common}, ${revision},
  router_uuid uuid NOT NULL REFERENCES logical_router(uuid) ON DELETE CASCADE,
  route_table text NOT NULL DEFAULT '',
  ip_prefix cidr NOT NULL,
  nexthop text NOT NULL CONSTRAINT nexthop_valid CHECK (nexthop = 'discard' OR (is_inet(nexthop) AND masklen(nexthop::inet) IN (32, 128))),
  output_port text,
  policy text CONSTRAINT route_policy_known CHECK (policy IN ('src-ip', 'dst-ip')),
  ${options()}
);
CREATE INDEX logical_router_static_route_router ON logical_router_static_route (router_uuid);

CREATE TABLE port_group (${common}, ${revision},
  name text NOT NULL CONSTRAINT port_group_name_unique UNIQUE CONSTRAINT port_group_name_identifier CHECK (is_identifier(name))
);

CREATE TABLE port_group_port (
  port_group_uuid uuid NOT NULL REFERENCES port_group(uuid) ON DELETE CASCADE,
  port_uuid uuid NOT NULL REFERENCES logical_switch_port(uuid) ON DELETE CASCADE,
  PRIMARY KEY (port_group_uuid, port_uuid)
);
CREATE INDEX port_group_port_port ON port_group_port (port_uuid);

CREATE TABLE address_set (${common}, ${revision},
  name text NOT NULL CONSTRAINT address_set_name_unique UNIQUE CONSTRAINT address_set_name_identifier CHECK (is_identifier(name)),
  addresses text[] NOT NULL DEFAULT '{}' CONSTRAINT address_set_addresses_valid CHECK (all_set_addresses(addresses))
);

CREATE TABLE acl (${common}, ${revision},
  switch_uuid uuid REFERENCES logical_switch(uuid) ON DELETE CASCADE,
  port_group_uuid uuid REFERENCES port_group(uuid) ON DELETE CASCADE,
  name text CONSTRAINT acl_name_length CHECK (length(name) <= 63),
  direction text NOT NULL CONSTRAINT acl_direction_known CHECK (direction IN ('from-lport', 'to-lport')),
  priority integer NOT NULL CONSTRAINT acl_priority_range CHECK (priority BETWEEN 0 AND 32767),
  match text NOT NULL CONSTRAINT acl_match_not_empty CHECK (btrim(match) <> ''),
  action text NOT NULL CONSTRAINT acl_action_known CHECK (action IN
    ('allow', 'allow-related', 'allow-stateless', 'drop', 'reject', 'pass')),
  log boolean NOT NULL DEFAULT false,
  severity text CONSTRAINT acl_severity_known CHECK (severity IN ('alert', 'warning', 'notice', 'info', 'debug')),
  meter text,
  label bigint NOT NULL DEFAULT 0 CONSTRAINT acl_label_range CHECK (label BETWEEN 0 AND 4294967295),
  tier integer NOT NULL DEFAULT 0 CONSTRAINT acl_tier_range CHECK (tier BETWEEN 0 AND 3),
  ${options()},
  CONSTRAINT acl_has_one_owner CHECK ((switch_uuid IS NULL) <> (port_group_uuid IS NULL))
);
CREATE INDEX acl_switch ON acl (switch_uuid);
CREATE INDEX acl_port_group ON acl (port_group_uuid);

CREATE TABLE nat (${common}, ${revision},
  router_uuid uuid NOT NULL REFERENCES logical_router(uuid) ON DELETE CASCADE,
  type text NOT NULL CONSTRAINT nat_type_known CHECK (type IN ('snat', 'dnat', 'dnat_and_snat')),
  external_ip inet NOT NULL CONSTRAINT nat_external_ip_host CHECK (masklen(external_ip) IN (32, 128)),
  external_mac macaddr,
  external_port_range text CONSTRAINT nat_port_range_valid CHECK (external_port_range ~ '^[0-9]{1,5}(-[0-9]{1,5})?$'),
  logical_ip inet NOT NULL,
  logical_port text,
  ${options()},
  CONSTRAINT nat_logical_ip_host CHECK (type = 'snat' OR masklen(logical_ip) IN (32, 128)),
  CONSTRAINT nat_mac_needs_port CHECK ((external_mac IS NULL) = (logical_port IS NULL)),
  CONSTRAINT nat_distributed_only_dnat_and_snat CHECK (logical_port IS NULL OR type = 'dnat_and_snat'),
  CONSTRAINT nat_unique UNIQUE (router_uuid, type, external_ip, logical_ip)
);

CREATE TABLE load_balancer (${common}, ${revision},
  name text NOT NULL DEFAULT '',
  vips jsonb NOT NULL DEFAULT '{}' CONSTRAINT load_balancer_vips_valid CHECK (is_lb_vips(vips)),
  protocol text CONSTRAINT load_balancer_protocol_known CHECK (protocol IN ('tcp', 'udp', 'sctp')),
  selection_fields text[] NOT NULL DEFAULT '{}',
  ${options()}
);
CREATE INDEX load_balancer_name ON load_balancer (name);

CREATE TABLE logical_switch_load_balancer (
  switch_uuid uuid NOT NULL REFERENCES logical_switch(uuid) ON DELETE CASCADE,
  load_balancer_uuid uuid NOT NULL REFERENCES load_balancer(uuid) ON DELETE CASCADE,
  PRIMARY KEY (switch_uuid, load_balancer_uuid)
);

CREATE TABLE logical_router_load_balancer (
  router_uuid uuid NOT NULL REFERENCES logical_router(uuid) ON DELETE CASCADE,
  load_balancer_uuid uuid NOT NULL REFERENCES load_balancer(uuid) ON DELETE CASCADE,
  PRIMARY KEY (router_uuid, load_balancer_uuid)
);
`;

/** Tables that carry a revision, bumped by every update. */
export const revisedTables = [
  'logical_switch',
  'logical_switch_port',
  'logical_router',
  'logical_router_port',
  'logical_router_static_route',
  'port_group',
  'address_set',
  'acl',
  'nat',
  'load_balancer',
] as const;

export const allTables = [
  'nb_global',
  'dhcp_options',
  'logical_switch',
  'logical_switch_port',
  'logical_router',
  'logical_router_port',
  'gateway_chassis',
  'logical_router_static_route',
  'port_group',
  'port_group_port',
  'address_set',
  'acl',
  'nat',
  'load_balancer',
  'logical_switch_load_balancer',
  'logical_router_load_balancer',
] as const;

export const triggersSql = [
  ...revisedTables.map(
    (t) =>
      `CREATE TRIGGER bump_revision BEFORE UPDATE ON ${t} FOR EACH ROW EXECUTE FUNCTION bump_revision();`,
  ),
  ...allTables.map((t) => `SELECT feed_attach('${t}');`),
].join('\n');
