/**
 * Less central SB tables (ovn-sb(5)): meters for controller-bound traffic, controller events,
 * IP multicast (IGMP/MLD snooping) settings, BFD sessions and static MAC bindings.
 */
const id = `uuid uuid PRIMARY KEY DEFAULT gen_random_uuid()`;
const map = (col: string) =>
  `${col} jsonb NOT NULL DEFAULT '{}' CONSTRAINT ${col}_is_string_map CHECK (${col} = '{}' OR is_string_map(${col}))`;
const range = (col: string, lo: number | string, hi: number | string) =>
  `CONSTRAINT ${col}_range CHECK (${col} BETWEEN ${lo} AND ${hi})`;

/** The tables this migration creates, in order; all of them go under the feed. */
export const TABLES_V5 = [
  'meter',
  'meter_band',
  'controller_event',
  'ip_multicast',
  'bfd',
  'static_mac_binding',
] as const;

export const moreTablesSql = `
CREATE TABLE meter (${id},
  name text NOT NULL CONSTRAINT meter_name_unique UNIQUE CONSTRAINT name_not_empty CHECK (name <> ''),
  unit text NOT NULL CONSTRAINT meter_unit_known CHECK (unit IN ('kbps', 'pktps'))
);
-- A meter's bands belong to it.
CREATE TABLE meter_band (${id},
  meter uuid NOT NULL CONSTRAINT meter_band_meter_fk REFERENCES meter(uuid) ON DELETE CASCADE,
  action text NOT NULL DEFAULT 'drop' CONSTRAINT band_action_known CHECK (action IN ('drop')),
  rate bigint NOT NULL ${range('rate', 1, 4294967295)},
  burst_size bigint NOT NULL DEFAULT 0 ${range('burst_size', 0, 4294967295)}
);
CREATE INDEX meter_band_meter ON meter_band (meter);

-- Events that controllers raise for a CMS (trigger_event), e.g. a VIP without backends.
CREATE TABLE controller_event (${id},
  event_type text NOT NULL CONSTRAINT event_type_known CHECK (event_type IN ('empty_lb_backends')),
  ${map('event_info')},
  chassis uuid CONSTRAINT controller_event_chassis_fk REFERENCES chassis(uuid) ON DELETE SET NULL,
  seq_num bigint NOT NULL CONSTRAINT seq_num_not_negative CHECK (seq_num >= 0)
);

-- Per-switch multicast snooping settings, one row per datapath that has them.
CREATE TABLE ip_multicast (${id},
  datapath uuid NOT NULL CONSTRAINT ip_multicast_datapath_unique UNIQUE
    CONSTRAINT ip_multicast_datapath_fk REFERENCES datapath_binding(uuid) ON DELETE CASCADE,
  enabled boolean,
  querier boolean,
  eth_src macaddr,
  ip4_src inet CONSTRAINT ip4_src_is_ipv4_host CHECK (family(ip4_src) = 4 AND is_host(ip4_src)),
  ip6_src inet CONSTRAINT ip6_src_is_ipv6_host CHECK (family(ip6_src) = 6 AND is_host(ip6_src)),
  table_size bigint CONSTRAINT table_size_not_negative CHECK (table_size >= 0),
  idle_timeout bigint CONSTRAINT idle_timeout_not_negative CHECK (idle_timeout >= 0),
  query_interval bigint CONSTRAINT query_interval_not_negative CHECK (query_interval >= 0),
  query_max_resp bigint CONSTRAINT query_max_resp_not_negative CHECK (query_max_resp >= 0),
  seq_no bigint NOT NULL DEFAULT 0
);

CREATE TABLE bfd (${id},
  src_port integer NOT NULL ${range('src_port', 49152, 65535)},
  disc bigint NOT NULL ${range('disc', 1, 4294967295)},
  logical_port text NOT NULL,
  dst_ip inet NOT NULL CONSTRAINT dst_ip_is_host CHECK (is_host(dst_ip)),
  min_tx bigint NOT NULL CONSTRAINT min_tx_not_negative CHECK (min_tx >= 0),
  min_rx bigint NOT NULL CONSTRAINT min_rx_not_negative CHECK (min_rx >= 0),
  detect_mult integer NOT NULL ${range('detect_mult', 1, 255)},
  status text NOT NULL DEFAULT 'admin_down' CONSTRAINT bfd_status_known CHECK (status IN ('down', 'init', 'up', 'admin_down')),
  chassis_name text NOT NULL DEFAULT '',
  ${map('options')},
  ${map('external_ids')},
  CONSTRAINT bfd_session_unique UNIQUE (logical_port, dst_ip, src_port, disc)
);

-- MAC bindings configured in NB (not learned); they go with their port.
CREATE TABLE static_mac_binding (${id},
  logical_port text NOT NULL CONSTRAINT static_mac_binding_port_fk REFERENCES port_binding(logical_port) ON DELETE CASCADE ON UPDATE CASCADE,
  ip inet NOT NULL CONSTRAINT ip_is_host CHECK (is_host(ip)),
  mac macaddr NOT NULL,
  override_dynamic_mac boolean NOT NULL DEFAULT false,
  datapath uuid NOT NULL CONSTRAINT static_mac_binding_datapath_fk REFERENCES datapath_binding(uuid) ON DELETE CASCADE,
  CONSTRAINT static_mac_binding_unique UNIQUE (logical_port, ip)
);

${TABLES_V5.map((t) => `SELECT feed_attach('${t}');`).join('\n')}
`;
