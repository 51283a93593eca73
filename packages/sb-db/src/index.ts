export { SB_SCHEMA, SB_CHANNEL } from './names.js';
export { initSb } from './init.js';
export { SB_MIGRATIONS } from './migrations/index.js';
export { SB_TABLES } from './migrations/003-tables.js';
export { DHCPV4_CATALOG, DHCPV6_CATALOG, type DhcpCatalogEntry, type DhcpV4Type, type DhcpV6Type } from './dhcp-catalog.js';
export type { SbPool } from './pool.js';
