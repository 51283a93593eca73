export { NB_SCHEMA, NB_CHANNEL, nbMigrations } from './migrations/index.js';
export { initNb } from './init.js';
export { NbStore, NbAccess, EntityRepo, LinkRepo, type EntityTable } from './store.js';
export { nbCatalog, findCatalogTable, type CatalogTable, type CatalogColumn, type ColumnKind } from './catalog.js';
export type * from './types.js';
