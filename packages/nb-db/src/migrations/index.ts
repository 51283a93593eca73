import { feedCaptureV2Sql, feedSchemaSql, type Migration } from '@ovn-ts/db';
import { validatorsSql } from './001-validators.js';
import { tablesSql, triggersSql } from './002-tables.js';
import { diagnosticsSql } from './003-diagnostics.js';

export const NB_SCHEMA = 'nb';
/** NOTIFY channel of the NB change feed (payload: the commit number). */
export const NB_CHANNEL = 'ovn_nb_changes';

/** Append only: a released migration is never edited, a change is a new version. */
export const nbMigrations: readonly Migration[] = [
  { version: 1, name: 'change feed', sql: feedSchemaSql(NB_SCHEMA, NB_CHANNEL) },
  { version: 2, name: 'validators', sql: validatorsSql },
  { version: 3, name: 'tables', sql: `${tablesSql}\n${triggersSql}` },
  { version: 4, name: 'northd diagnostics', sql: diagnosticsSql },
  { version: 5, name: 'change feed capture v2', sql: feedCaptureV2Sql(NB_SCHEMA) },
];
