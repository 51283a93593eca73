/**
 * Catalogs of the generic options that `put_dhcp_opts`, `put_dhcpv6_opts`,
 * `put_nd_ra_opts` and `trigger_event` accept: name, wire code and value type.
 *
 * The DHCPv4 and DHCPv6 catalogs are what northd writes into the SB
 * DHCP_Options / DHCPv6_Options tables, so they are exported for that too.
 * The value types are the ones ovn-sb(5) documents for those tables.
 */

/** Value types of DHCPv4 options (SB DHCP_Options.type). */
export type DhcpV4OptionType =
  | 'bool'
  | 'uint8'
  | 'uint16'
  | 'uint32'
  | 'ipv4'
  | 'static_routes'
  | 'str'
  | 'host_id'
  | 'domains';

/** Value types of DHCPv6 options (SB DHCPv6_Options.type). */
export type DhcpV6OptionType = 'ipv6' | 'str' | 'mac' | 'domain';

/** Value types used by the IPv6 router-advertisement and controller-event options. */
export type GenericOptionType = DhcpV4OptionType | DhcpV6OptionType;

export interface GenericOption<T extends string = GenericOptionType> {
  readonly name: string;
  readonly code: number;
  readonly type: T;
}

export type DhcpV4Option = GenericOption<DhcpV4OptionType>;
export type DhcpV6Option = GenericOption<DhcpV6OptionType>;

const v4 = (name: string, code: number, type: DhcpV4OptionType): DhcpV4Option =>
  Object.freeze({ name, code, type });
const v6 = (name: string, code: number, type: DhcpV6OptionType): DhcpV6Option =>
  Object.freeze({ name, code, type });

/**
 * DHCPv4 options.  Codes 0, 253 and 254 are not real DHCP option codes: OVN
 * uses them internally for the offered address (`offerip`), the header's
 * next-server field (`next_server`) and the iPXE alternative boot file name.
 */
export const DHCPV4_OPTIONS: readonly DhcpV4Option[] = Object.freeze([
  v4('offerip', 0, 'ipv4'),
  v4('netmask', 1, 'ipv4'),
  v4('router', 3, 'ipv4'),
  v4('dns_server', 6, 'ipv4'),
  v4('log_server', 7, 'ipv4'),
  v4('lpr_server', 9, 'ipv4'),
  v4('hostname', 12, 'str'),
  v4('domain_name', 15, 'str'),
  v4('swap_server', 16, 'ipv4'),
  v4('ip_forward_enable', 19, 'bool'),
  v4('policy_filter', 21, 'ipv4'),
  v4('default_ttl', 23, 'uint8'),
  v4('mtu', 26, 'uint16'),
  v4('broadcast_address', 28, 'ipv4'),
  v4('router_discovery', 31, 'bool'),
  v4('router_solicitation', 32, 'ipv4'),
  v4('arp_cache_timeout', 35, 'uint32'),
  v4('ethernet_encap', 36, 'bool'),
  v4('tcp_ttl', 37, 'uint8'),
  v4('tcp_keepalive_interval', 38, 'uint32'),
  v4('nis_server', 41, 'ipv4'),
  v4('ntp_server', 42, 'ipv4'),
  v4('netbios_name_server', 44, 'ipv4'),
  v4('netbios_node_type', 46, 'uint8'),
  v4('lease_time', 51, 'uint32'),
  v4('server_id', 54, 'ipv4'),
  v4('T1', 58, 'uint32'),
  v4('T2', 59, 'uint32'),
  v4('tftp_server', 66, 'host_id'),
  v4('bootfile_name', 67, 'str'),
  v4('domain_search_list', 119, 'domains'),
  v4('classless_static_route', 121, 'static_routes'),
  v4('tftp_server_address', 150, 'ipv4'),
  v4('path_prefix', 210, 'str'),
  v4('ms_classless_static_route', 249, 'static_routes'),
  v4('wpad', 252, 'str'),
  v4('next_server', 253, 'ipv4'),
  v4('bootfile_name_alt', 254, 'str'),
]);

/** DHCPv6 options (codes from RFC 8415 and friends; 254 is OVN's iPXE alternative). */
export const DHCPV6_OPTIONS: readonly DhcpV6Option[] = Object.freeze([
  v6('server_id', 2, 'mac'),
  v6('ia_addr', 5, 'ipv6'),
  v6('dns_server', 23, 'ipv6'),
  v6('domain_search', 24, 'str'),
  v6('fqdn', 39, 'domain'),
  v6('bootfile_name', 59, 'str'),
  v6('bootfile_name_alt', 254, 'str'),
]);

/**
 * `put_nd_ra_opts` options.  Codes are ND option types (RFC 4861, 4191,
 * 8106); 0 and 255 are OVN's internal codes for the address mode and the
 * router preference, which live in the RA header rather than in an option.
 */
export const ND_RA_OPTIONS: readonly GenericOption[] = Object.freeze([
  Object.freeze({ name: 'addr_mode', code: 0, type: 'str' as const }),
  Object.freeze({ name: 'slla', code: 1, type: 'mac' as const }),
  Object.freeze({ name: 'prefix', code: 3, type: 'ipv6' as const }),
  Object.freeze({ name: 'mtu', code: 5, type: 'uint32' as const }),
  Object.freeze({ name: 'route_info', code: 24, type: 'str' as const }),
  Object.freeze({ name: 'rdnss', code: 25, type: 'ipv6' as const }),
  Object.freeze({ name: 'dnssl', code: 31, type: 'str' as const }),
  Object.freeze({ name: 'router_preference', code: 255, type: 'str' as const }),
]);

/** Controller events that `trigger_event` may raise, with their options. */
export const CONTROLLER_EVENTS: Readonly<Record<string, readonly GenericOption[]>> = Object.freeze({
  empty_lb_backends: Object.freeze([
    Object.freeze({ name: 'vip', code: 1, type: 'str' as const }),
    Object.freeze({ name: 'protocol', code: 2, type: 'str' as const }),
    Object.freeze({ name: 'load_balancer', code: 3, type: 'str' as const }),
  ]),
});

/** Option types whose value must be a string constant; the rest take numbers (host_id takes either). */
export function optionTakesString(type: string): boolean {
  return type === 'str' || type === 'domains' || type === 'domain';
}

/** Builds a by-name lookup for an option catalog. */
export function optionIndex<T extends GenericOption<string>>(
  options: readonly T[],
): ReadonlyMap<string, T> {
  return new Map(options.map((o) => [o.name, o]));
}
