import { TABLES_V3 } from './migrations/003-tables.js';
import { TABLES_V5 } from './migrations/005-more-tables.js';

/** Every SB table (all under the change feed), link tables included. */
export const SB_TABLES: readonly string[] = [...TABLES_V3, ...TABLES_V5];
