/**
 * The SB tables, with OVN's meaning (ovn-sb(5)), as northd and the controllers use them.
 *
 * Where OVSDB keeps a set of references, a relational schema needs either a foreign key on the child
 * (a port binding belongs to one datapath; a gateway_chassis row to one port binding, as OVN's
 * strong references imply) or a link table (datapath groups, multicast group ports, load balancer
 * datapaths, additional chassis). OVSDB's weak references become ON DELETE SET NULL or a cascade
 * on the link row; strong "owned" children cascade with their parent.
 *
 * Every table is attached to the change feed at the end.
 */
const id = `uuid uuid PRIMARY KEY DEFAULT gen_random_uuid()`;
const map = (col: string) =>
  `${col} jsonb NOT NULL DEFAULT '{}' CONSTRAINT ${col}_is_string_map CHECK (${col} = '{}' OR is_string_map(${col}))`;
const range = (col: string, lo: number | string, hi: number | string) =>
  `CONSTRAINT ${col}_range CHECK (${col} BETWEEN ${lo} AND ${hi})`;
const notEmpty = (col: string) => `CONSTRAINT ${col}_not_empty CHECK (${col} <> '')`;

/** The tables this migration creates, in order; all of them go under the feed. */
export const TABLES_V3 = [
  'sb_global',
  'chassis',
  'chassis_private',
  'encap',
  'datapath_binding',
  'ha_chassis_group',
  'ha_chassis',
  'port_binding',
  'port_binding_additional_chassis',
  'gateway_chassis',
  'logical_dp_group',
  'logical_dp_group_datapath',
  'logical_flow',
  'multicast_group',
  'multicast_group_port',
  'mac_binding',
  'fdb',
  'address_set',
  'port_group',
  'dhcp_options',
  'dhcpv6_options',
  'dns',
  'dns_datapath',
  'load_balancer',
  'load_balancer_datapath',
] as const;

export const tablesSql = `
-- One row: northd's progress (nb_cfg) and global options.
CREATE TABLE sb_global (${id},
  singleton boolean NOT NULL DEFAULT true CONSTRAINT sb_global_singleton UNIQUE CONSTRAINT singleton_true CHECK (singleton),
  nb_cfg bigint NOT NULL DEFAULT 0 CONSTRAINT nb_cfg_not_negative CHECK (nb_cfg >= 0),
  nb_cfg_timestamp bigint NOT NULL DEFAULT 0,
  ipsec boolean NOT NULL DEFAULT false,
  ${map('options')},
  ${map('external_ids')}
);
INSERT INTO sb_global DEFAULT VALUES;

-- A hypervisor or gateway, registered by its controller.
CREATE TABLE chassis (${id},
  name text NOT NULL CONSTRAINT chassis_name_unique UNIQUE ${notEmpty('name')},
  hostname text NOT NULL DEFAULT '',
  -- Deprecated in OVN: controllers report nb_cfg in chassis_private.
  nb_cfg bigint NOT NULL DEFAULT 0,
  vtep_logical_switches text[] NOT NULL DEFAULT '{}',
  transport_zones text[] NOT NULL DEFAULT '{}',
  ${map('other_config')},
  ${map('external_ids')}
);

-- What only the chassis itself writes, so that its frequent nb_cfg reports do not touch chassis.
CREATE TABLE chassis_private (${id},
  name text NOT NULL CONSTRAINT chassis_private_name_unique UNIQUE ${notEmpty('name')},
  chassis uuid CONSTRAINT chassis_private_chassis_fk REFERENCES chassis(uuid) ON DELETE SET NULL,
  nb_cfg bigint NOT NULL DEFAULT 0 CONSTRAINT nb_cfg_not_negative CHECK (nb_cfg >= 0),
  nb_cfg_timestamp bigint NOT NULL DEFAULT 0,
  ${map('external_ids')}
);

-- A tunnel endpoint of a chassis. OVN indexes (type, ip); we add the chassis so that several
-- sandbox chassis may share a loopback address (told apart by options:dst_port).
CREATE TABLE encap (${id},
  type text NOT NULL CONSTRAINT encap_type_known CHECK (type IN ('geneve', 'vxlan', 'stt')),
  ip inet NOT NULL CONSTRAINT ip_is_host CHECK (is_host(ip)),
  ${map('options')},
  chassis_name text NOT NULL CONSTRAINT encap_chassis_fk REFERENCES chassis(name) ON DELETE CASCADE ON UPDATE CASCADE,
  CONSTRAINT encap_unique UNIQUE (chassis_name, type, ip)
);

-- A logical switch or router, with its stable 24-bit tunnel key.
CREATE TABLE datapath_binding (${id},
  tunnel_key integer NOT NULL CONSTRAINT datapath_tunnel_key_unique UNIQUE ${range('tunnel_key', 1, 16777215)},
  type text CONSTRAINT datapath_type_known CHECK (type IN ('logical-switch', 'logical-router')),
  -- The NB logical_switch / logical_router row this datapath implements.
  nb_uuid uuid CONSTRAINT datapath_nb_uuid_unique UNIQUE,
  ${map('external_ids')}
);

CREATE TABLE ha_chassis_group (${id},
  name text NOT NULL CONSTRAINT ha_chassis_group_name_unique UNIQUE ${notEmpty('name')},
  ${map('external_ids')}
);

CREATE TABLE ha_chassis (${id},
  ha_chassis_group uuid NOT NULL CONSTRAINT ha_chassis_group_fk REFERENCES ha_chassis_group(uuid) ON DELETE CASCADE,
  chassis uuid CONSTRAINT ha_chassis_chassis_fk REFERENCES chassis(uuid) ON DELETE SET NULL,
  priority integer NOT NULL DEFAULT 0 ${range('priority', 0, 32767)},
  ${map('external_ids')}
);
CREATE INDEX ha_chassis_group_idx ON ha_chassis (ha_chassis_group);

CREATE TABLE port_binding (${id},
  logical_port text NOT NULL CONSTRAINT port_binding_logical_port_unique UNIQUE ${notEmpty('logical_port')},
  type text NOT NULL DEFAULT '' CONSTRAINT port_type_known CHECK (type IN
    ('', 'patch', 'l3gateway', 'l2gateway', 'localnet', 'localport', 'vtep', 'chassisredirect',
     'virtual', 'external', 'remote')),
  datapath uuid NOT NULL CONSTRAINT port_binding_datapath_fk REFERENCES datapath_binding(uuid) ON DELETE CASCADE,
  tunnel_key integer NOT NULL ${range('tunnel_key', 1, 32767)},
  mac text[] NOT NULL DEFAULT '{}',
  port_security text[] NOT NULL DEFAULT '{}',
  nat_addresses text[] NOT NULL DEFAULT '{}',
  ${map('options')},
  parent_port text,
  tag integer ${range('tag', 1, 4095)},
  virtual_parent text,
  chassis uuid CONSTRAINT port_binding_chassis_fk REFERENCES chassis(uuid) ON DELETE SET NULL,
  encap uuid CONSTRAINT port_binding_encap_fk REFERENCES encap(uuid) ON DELETE SET NULL,
  requested_chassis uuid CONSTRAINT port_binding_requested_chassis_fk REFERENCES chassis(uuid) ON DELETE SET NULL,
  ha_chassis_group uuid CONSTRAINT port_binding_ha_chassis_group_fk REFERENCES ha_chassis_group(uuid) ON DELETE SET NULL,
  up boolean NOT NULL DEFAULT false,
  ${map('external_ids')},
  CONSTRAINT port_tunnel_key_unique UNIQUE (datapath, tunnel_key)
);
CREATE INDEX port_binding_chassis ON port_binding (chassis);

CREATE TABLE port_binding_additional_chassis (
  port_binding uuid NOT NULL CONSTRAINT additional_chassis_port_fk REFERENCES port_binding(uuid) ON DELETE CASCADE,
  chassis uuid NOT NULL CONSTRAINT additional_chassis_chassis_fk REFERENCES chassis(uuid) ON DELETE CASCADE,
  CONSTRAINT additional_chassis_pk PRIMARY KEY (port_binding, chassis)
);

-- A gateway chassis of a distributed gateway port; owned by that port binding.
CREATE TABLE gateway_chassis (${id},
  name text NOT NULL CONSTRAINT gateway_chassis_name_unique UNIQUE ${notEmpty('name')},
  port_binding uuid NOT NULL CONSTRAINT gateway_chassis_port_fk REFERENCES port_binding(uuid) ON DELETE CASCADE,
  chassis uuid CONSTRAINT gateway_chassis_chassis_fk REFERENCES chassis(uuid) ON DELETE SET NULL,
  priority integer NOT NULL DEFAULT 0 ${range('priority', 0, 32767)},
  ${map('options')},
  ${map('external_ids')}
);
CREATE INDEX gateway_chassis_port ON gateway_chassis (port_binding);

-- A set of datapaths that share identical logical flows.
CREATE TABLE logical_dp_group (${id});
CREATE TABLE logical_dp_group_datapath (
  dp_group uuid NOT NULL CONSTRAINT dp_group_member_group_fk REFERENCES logical_dp_group(uuid) ON DELETE CASCADE,
  datapath uuid NOT NULL CONSTRAINT dp_group_member_datapath_fk REFERENCES datapath_binding(uuid) ON DELETE CASCADE,
  CONSTRAINT logical_dp_group_datapath_pk PRIMARY KEY (dp_group, datapath)
);
CREATE INDEX logical_dp_group_datapath_dp ON logical_dp_group_datapath (datapath);

-- A logical flow, with its provenance: the stage (OVN keeps it in external_ids:stage-name), the
-- NB row it came from and the northd builder that made it.
CREATE TABLE logical_flow (${id},
  logical_datapath uuid CONSTRAINT logical_flow_datapath_fk REFERENCES datapath_binding(uuid) ON DELETE CASCADE,
  logical_dp_group uuid CONSTRAINT logical_flow_dp_group_fk REFERENCES logical_dp_group(uuid) ON DELETE CASCADE,
  pipeline text NOT NULL CONSTRAINT pipeline_known CHECK (pipeline IN ('ingress', 'egress')),
  table_id smallint NOT NULL ${range('table_id', 0, 254)},
  stage text NOT NULL,
  priority integer NOT NULL ${range('priority', 0, 65535)},
  match text NOT NULL,
  actions text NOT NULL,
  controller_meter text,
  flow_desc text,
  ${map('tags')},
  nb_uuid uuid,
  nb_table text,
  builder text NOT NULL DEFAULT '',
  ${map('external_ids')},
  CONSTRAINT one_datapath_or_group CHECK ((logical_datapath IS NULL) <> (logical_dp_group IS NULL)),
  -- LIKE rather than a regular expression: this runs for every one of hundreds of thousands of rows.
  CONSTRAINT stage_matches_pipeline CHECK (CASE pipeline
    WHEN 'ingress' THEN stage LIKE 'ls\\_in\\_%' OR stage LIKE 'lr\\_in\\_%'
    ELSE stage LIKE 'ls\\_out\\_%' OR stage LIKE 'lr\\_out\\_%' END),
  CONSTRAINT nb_uuid_needs_table CHECK (nb_uuid IS NULL OR nb_table IS NOT NULL)
);
CREATE INDEX logical_flow_datapath ON logical_flow (logical_datapath) WHERE logical_datapath IS NOT NULL;
-- Partial: most flows have no group (and many no NB row); NULLs would only cost inserts.
CREATE INDEX logical_flow_dp_group ON logical_flow (logical_dp_group) WHERE logical_dp_group IS NOT NULL;
-- No index on nb_uuid: only debugging looks flows up by NB row, and each index costs every insert.

CREATE TABLE multicast_group (${id},
  datapath uuid NOT NULL CONSTRAINT multicast_group_datapath_fk REFERENCES datapath_binding(uuid) ON DELETE CASCADE,
  name text NOT NULL ${notEmpty('name')},
  tunnel_key integer NOT NULL ${range('tunnel_key', 32768, 65535)},
  CONSTRAINT multicast_tunnel_key_unique UNIQUE (datapath, tunnel_key),
  CONSTRAINT multicast_name_unique UNIQUE (datapath, name)
);
CREATE TABLE multicast_group_port (
  multicast_group uuid NOT NULL CONSTRAINT multicast_port_group_fk REFERENCES multicast_group(uuid) ON DELETE CASCADE,
  port_binding uuid NOT NULL CONSTRAINT multicast_port_port_fk REFERENCES port_binding(uuid) ON DELETE CASCADE,
  CONSTRAINT multicast_group_port_pk PRIMARY KEY (multicast_group, port_binding)
);
CREATE INDEX multicast_group_port_port ON multicast_group_port (port_binding);

-- Learned IP-to-MAC bindings of router ports. They go with their port.
CREATE TABLE mac_binding (${id},
  logical_port text NOT NULL CONSTRAINT mac_binding_port_fk REFERENCES port_binding(logical_port) ON DELETE CASCADE ON UPDATE CASCADE,
  ip inet NOT NULL CONSTRAINT ip_is_host CHECK (is_host(ip)),
  mac macaddr NOT NULL,
  timestamp bigint NOT NULL DEFAULT 0,
  datapath uuid NOT NULL CONSTRAINT mac_binding_datapath_fk REFERENCES datapath_binding(uuid) ON DELETE CASCADE,
  CONSTRAINT mac_binding_unique UNIQUE (logical_port, ip)
);
CREATE INDEX mac_binding_datapath ON mac_binding (datapath);

-- Learned MAC-to-port bindings of switches, by tunnel keys as OVN keeps them.
CREATE TABLE fdb (${id},
  mac macaddr NOT NULL,
  dp_key integer NOT NULL ${range('dp_key', 1, 16777215)}
    CONSTRAINT fdb_datapath_fk REFERENCES datapath_binding(tunnel_key) ON DELETE CASCADE ON UPDATE CASCADE,
  port_key integer NOT NULL ${range('port_key', 1, 32767)},
  timestamp bigint NOT NULL DEFAULT 0,
  CONSTRAINT fdb_unique UNIQUE (mac, dp_key)
);

CREATE TABLE address_set (${id},
  name text NOT NULL CONSTRAINT address_set_name_unique UNIQUE ${notEmpty('name')},
  addresses text[] NOT NULL DEFAULT '{}',
  ${map('options')}
);

-- Port groups as SB has them: names of logical ports (northd splits NB groups per datapath).
CREATE TABLE port_group (${id},
  name text NOT NULL CONSTRAINT port_group_name_unique UNIQUE ${notEmpty('name')},
  ports text[] NOT NULL DEFAULT '{}'
);

-- Catalogs of the options that put_dhcp_opts / put_dhcpv6_opts accept (filled by a migration).
CREATE TABLE dhcp_options (${id},
  name text NOT NULL CONSTRAINT dhcp_options_name_unique UNIQUE ${notEmpty('name')},
  code integer NOT NULL ${range('code', 0, 254)},
  type text NOT NULL CONSTRAINT dhcp_type_known CHECK (type IN
    ('bool', 'uint8', 'uint16', 'uint32', 'ipv4', 'static_routes', 'str', 'host_id', 'domains'))
);
CREATE TABLE dhcpv6_options (${id},
  name text NOT NULL CONSTRAINT dhcpv6_options_name_unique UNIQUE ${notEmpty('name')},
  code integer NOT NULL ${range('code', 0, 254)},
  type text NOT NULL CONSTRAINT dhcpv6_type_known CHECK (type IN ('ipv6', 'str', 'mac', 'domain'))
);

CREATE TABLE dns (${id},
  ${map('records')},
  ${map('options')},
  ${map('external_ids')}
);
CREATE TABLE dns_datapath (
  dns uuid NOT NULL CONSTRAINT dns_datapath_dns_fk REFERENCES dns(uuid) ON DELETE CASCADE,
  datapath uuid NOT NULL CONSTRAINT dns_datapath_datapath_fk REFERENCES datapath_binding(uuid) ON DELETE CASCADE,
  CONSTRAINT dns_datapath_pk PRIMARY KEY (dns, datapath)
);

CREATE TABLE load_balancer (${id},
  name text NOT NULL DEFAULT '',
  -- "VIP[:PORT]" to "BACKEND[:PORT],…", as in OVN.
  ${map('vips')},
  protocol text CONSTRAINT lb_protocol_known CHECK (protocol IN ('tcp', 'udp', 'sctp')),
  ls_datapath_group uuid CONSTRAINT lb_ls_dp_group_fk REFERENCES logical_dp_group(uuid) ON DELETE SET NULL,
  lr_datapath_group uuid CONSTRAINT lb_lr_dp_group_fk REFERENCES logical_dp_group(uuid) ON DELETE SET NULL,
  ${map('options')},
  ${map('external_ids')}
);
CREATE TABLE load_balancer_datapath (
  load_balancer uuid NOT NULL CONSTRAINT lb_datapath_lb_fk REFERENCES load_balancer(uuid) ON DELETE CASCADE,
  datapath uuid NOT NULL CONSTRAINT lb_datapath_datapath_fk REFERENCES datapath_binding(uuid) ON DELETE CASCADE,
  CONSTRAINT load_balancer_datapath_pk PRIMARY KEY (load_balancer, datapath)
);

${TABLES_V3.map((t) => `SELECT feed_attach('${t}');`).join('\n')}
`;
