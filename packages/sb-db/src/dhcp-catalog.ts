/**
 * The options that OVN's put_dhcp_opts / put_dhcpv6_opts actions accept: name, wire code and value
 * type. northd publishes them in SB dhcp_options / dhcpv6_options (here: a migration fills them),
 * and controllers read them to encode replies. The facts are OVN's (lib/ovn-l7.h); the list is
 * kept in step with packages/expr's catalog of the same options.
 */
export type DhcpV4Type =
  | 'bool'
  | 'uint8'
  | 'uint16'
  | 'uint32'
  | 'ipv4'
  | 'static_routes'
  | 'str'
  | 'host_id'
  | 'domains';
export type DhcpV6Type = 'ipv6' | 'str' | 'mac' | 'domain';

export interface DhcpCatalogEntry<T extends string> {
  readonly name: string;
  readonly code: number;
  readonly type: T;
}

const e = <T extends string>(name: string, code: number, type: T): DhcpCatalogEntry<T> => ({
  name,
  code,
  type,
});

/**
 * DHCPv4 options. Codes 0, 253 and 254 are not DHCP option codes on the wire: OVN uses them for the
 * offered address, the header's next-server field and the iPXE alternative boot file name.
 */
export const DHCPV4_CATALOG: readonly DhcpCatalogEntry<DhcpV4Type>[] = [
  e('offerip', 0, 'ipv4'),
  e('netmask', 1, 'ipv4'),
  e('router', 3, 'ipv4'),
  e('dns_server', 6, 'ipv4'),
  e('log_server', 7, 'ipv4'),
  e('lpr_server', 9, 'ipv4'),
  e('hostname', 12, 'str'),
  e('domain_name', 15, 'str'),
  e('swap_server', 16, 'ipv4'),
  e('ip_forward_enable', 19, 'bool'),
  e('policy_filter', 21, 'ipv4'),
  e('default_ttl', 23, 'uint8'),
  e('mtu', 26, 'uint16'),
  e('broadcast_address', 28, 'ipv4'),
  e('router_discovery', 31, 'bool'),
  e('router_solicitation', 32, 'ipv4'),
  e('arp_cache_timeout', 35, 'uint32'),
  e('ethernet_encap', 36, 'bool'),
  e('tcp_ttl', 37, 'uint8'),
  e('tcp_keepalive_interval', 38, 'uint32'),
  e('nis_server', 41, 'ipv4'),
  e('ntp_server', 42, 'ipv4'),
  e('netbios_name_server', 44, 'ipv4'),
  e('netbios_node_type', 46, 'uint8'),
  e('lease_time', 51, 'uint32'),
  e('server_id', 54, 'ipv4'),
  e('T1', 58, 'uint32'),
  e('T2', 59, 'uint32'),
  e('tftp_server', 66, 'host_id'),
  e('bootfile_name', 67, 'str'),
  e('domain_search_list', 119, 'domains'),
  e('classless_static_route', 121, 'static_routes'),
  e('tftp_server_address', 150, 'ipv4'),
  e('path_prefix', 210, 'str'),
  e('ms_classless_static_route', 249, 'static_routes'),
  e('wpad', 252, 'str'),
  e('next_server', 253, 'ipv4'),
  e('bootfile_name_alt', 254, 'str'),
];

/** DHCPv6 options (254 is OVN's iPXE alternative boot file URL). */
export const DHCPV6_CATALOG: readonly DhcpCatalogEntry<DhcpV6Type>[] = [
  e('server_id', 2, 'mac'),
  e('ia_addr', 5, 'ipv6'),
  e('dns_server', 23, 'ipv6'),
  e('domain_search', 24, 'str'),
  e('fqdn', 39, 'domain'),
  e('bootfile_name', 59, 'str'),
  e('bootfile_name_alt', 254, 'str'),
];
