/**
 * The NB intent tables (what northd reads), without the schema name. A module of its own, free
 * of database code, so that pure cores can import it.
 */
export { allTables as NB_INTENT_TABLES } from './migrations/002-tables.js';
