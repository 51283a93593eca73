export {
  type CatalogColumn,
  type CatalogTable,
  type ColumnKind,
  findCatalogTable,
  nbCatalog,
} from './catalog.js';
export { initNb } from './init.js';
export { NB_CHANNEL, NB_SCHEMA, nbMigrations } from './migrations/index.js';
export { EntityRepo, type EntityTable, LinkRepo, NbAccess, NbStore } from './store.js';
export { NB_INTENT_TABLES } from './tables.js';
export type * from './types.js';
