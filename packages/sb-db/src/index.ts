export {
  type CatalogColumn,
  type CatalogTable,
  type ColumnKind,
  type DerivedColumn,
  findCatalogColumn,
  findCatalogTable,
  SB_CATALOG,
} from './column-catalog.js';
export { CHECK_PROBLEMS } from './constraint-problems.js';
export {
  DHCPV4_CATALOG,
  DHCPV6_CATALOG,
  type DhcpCatalogEntry,
  type DhcpV4Type,
  type DhcpV6Type,
} from './dhcp-catalog.js';
export { initSb } from './init.js';
export { SB_MIGRATIONS, SB_MIGRATIONS as sbMigrations } from './migrations/index.js';
export { SB_CHANNEL, SB_SCHEMA } from './names.js';
export { type OvnRow, readOvnRows } from './ovn-rows.js';
export type { SbPool } from './pool.js';
export type * from './sb-database.js';
export { sbError } from './sb-error.js';
export { followSbFeed, sbFeedReader } from './sb-feed.js';
export { SB_TABLES } from './sb-tables.js';
export type {
  ChassisRegistration,
  ChassisStore,
  RegisteredChassis,
} from './store/chassis-store.js';
export type { DatapathStore } from './store/datapath-store.js';
export type { DpGroup, DpGroupStore } from './store/dp-group-store.js';
export type { FdbStore } from './store/fdb-store.js';
export type { LoadBalancerStore, LoadBalancerWithDatapaths } from './store/load-balancer-store.js';
export type { FlowChanges, FlowFilter, LogicalFlowStore } from './store/logical-flow-store.js';
export type { MacBindingInput, MacBindingStore } from './store/mac-binding-store.js';
export type {
  MulticastGroupStore,
  MulticastGroupWithPorts,
} from './store/multicast-group-store.js';
export type { NamedSetStore } from './store/named-set-store.js';
export type { PortBindingStore, PortFilter } from './store/port-binding-store.js';
export { RowStore, type UuidTable } from './store/row-store.js';
export type { SbGlobalStore } from './store/sb-global-store.js';
export { createSbKysely, SbStore } from './store/sb-store.js';
export type { StoreContext } from './store/store-context.js';
