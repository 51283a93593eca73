/**
 * What each CHECK constraint of the SB schema means, in words for people, keyed by
 * "table.constraint". A test checks that every check constraint in the database has an entry.
 * Unique and foreign-key violations need no entry: PostgreSQL's detail names the key.
 */
const between = (col: string, lo: number, hi: number) => `${col} must be between ${lo} and ${hi}`;
const map = (col: string) => `${col} must be a JSON object of string values`;
const notEmpty = (col: string) => `${col} must not be empty`;

export const CHECK_PROBLEMS: Readonly<Record<string, string>> = {
  'sb_global.singleton_true': 'there is exactly one sb_global row',
  'sb_global.nb_cfg_not_negative': 'nb_cfg must not be negative',
  'sb_global.options_is_string_map': map('options'),
  'sb_global.external_ids_is_string_map': map('external_ids'),
  'chassis.name_not_empty': notEmpty('name'),
  'chassis.other_config_is_string_map': map('other_config'),
  'chassis.external_ids_is_string_map': map('external_ids'),
  'chassis_private.name_not_empty': notEmpty('name'),
  'chassis_private.nb_cfg_not_negative': 'nb_cfg must not be negative',
  'chassis_private.external_ids_is_string_map': map('external_ids'),
  'encap.encap_type_known': 'type must be geneve, vxlan or stt',
  'encap.ip_is_host': 'ip must be a single address, not a prefix',
  'encap.options_is_string_map': map('options'),
  'datapath_binding.tunnel_key_range': between('tunnel_key', 1, 16777215),
  'datapath_binding.datapath_type_known': 'type must be logical-switch or logical-router',
  'datapath_binding.external_ids_is_string_map': map('external_ids'),
  'ha_chassis_group.name_not_empty': notEmpty('name'),
  'ha_chassis_group.external_ids_is_string_map': map('external_ids'),
  'ha_chassis.priority_range': between('priority', 0, 32767),
  'ha_chassis.external_ids_is_string_map': map('external_ids'),
  'port_binding.logical_port_not_empty': notEmpty('logical_port'),
  'port_binding.port_type_known':
    "type must be one of '', patch, l3gateway, l2gateway, localnet, localport, vtep, chassisredirect, virtual, external, remote",
  'port_binding.tunnel_key_range': between('tunnel_key', 1, 32767),
  'port_binding.tag_range': between('tag', 1, 4095),
  'port_binding.options_is_string_map': map('options'),
  'port_binding.external_ids_is_string_map': map('external_ids'),
  'gateway_chassis.name_not_empty': notEmpty('name'),
  'gateway_chassis.priority_range': between('priority', 0, 32767),
  'gateway_chassis.options_is_string_map': map('options'),
  'gateway_chassis.external_ids_is_string_map': map('external_ids'),
  'logical_flow.pipeline_known': 'pipeline must be ingress or egress',
  'logical_flow.table_id_range': between('table_id', 0, 254),
  'logical_flow.stage_name_valid':
    'stage must be an OVN stage name such as ls_in_port_sec_l2 or lr_out_delivery',
  'logical_flow.priority_range': between('priority', 0, 65535),
  'logical_flow.tags_is_string_map': map('tags'),
  'logical_flow.external_ids_is_string_map': map('external_ids'),
  'logical_flow.one_datapath_or_group':
    'a flow has exactly one of logical_datapath and logical_dp_group',
  'logical_flow.stage_matches_pipeline':
    'an ingress flow needs an *_in_* stage and an egress flow an *_out_* stage',
  'logical_flow.nb_uuid_needs_table': 'nb_uuid needs nb_table (the NB table it refers to)',
  'multicast_group.name_not_empty': notEmpty('name'),
  'multicast_group.tunnel_key_range': between('tunnel_key', 32768, 65535),
  'mac_binding.ip_is_host': 'ip must be a single address, not a prefix',
  'fdb.dp_key_range': between('dp_key', 1, 16777215),
  'fdb.port_key_range': between('port_key', 1, 32767),
  'address_set.name_not_empty': notEmpty('name'),
  'address_set.options_is_string_map': map('options'),
  'port_group.name_not_empty': notEmpty('name'),
  'dhcp_options.name_not_empty': notEmpty('name'),
  'dhcp_options.code_range': between('code', 0, 254),
  'dhcp_options.dhcp_type_known':
    'type must be one of bool, uint8, uint16, uint32, ipv4, static_routes, str, host_id, domains',
  'dhcpv6_options.name_not_empty': notEmpty('name'),
  'dhcpv6_options.code_range': between('code', 0, 254),
  'dhcpv6_options.dhcpv6_type_known': 'type must be one of ipv6, str, mac, domain',
  'dns.records_is_string_map': map('records'),
  'dns.options_is_string_map': map('options'),
  'dns.external_ids_is_string_map': map('external_ids'),
  'load_balancer.vips_is_string_map': map('vips'),
  'load_balancer.lb_protocol_known': 'protocol must be tcp, udp or sctp',
  'load_balancer.options_is_string_map': map('options'),
  'load_balancer.external_ids_is_string_map': map('external_ids'),
};
