import { feedCaptureV2Sql, type Migration } from '@ovn-ts/db';
import { SB_SCHEMA } from '../names.js';
import { feedSql } from './001-feed.js';
import { validatorsSql } from './002-validators.js';
import { tablesSql } from './003-tables.js';
import { dhcpCatalogSql } from './004-dhcp-catalog.js';
import { moreTablesSql } from './005-more-tables.js';
import { flowReferencesSql } from './007-flow-references.js';
import { flowFeedRowsSql } from './008-flow-feed-rows.js';

/** The SB schema's history. Append only: a released migration never changes. */
export const SB_MIGRATIONS: readonly Migration[] = [
  { version: 1, name: 'change feed', sql: feedSql },
  { version: 2, name: 'validators', sql: validatorsSql },
  { version: 3, name: 'tables', sql: tablesSql },
  { version: 4, name: 'dhcp option catalogs', sql: dhcpCatalogSql },
  {
    version: 5,
    name: 'meters, controller events, ip multicast, bfd, static mac bindings',
    sql: moreTablesSql,
  },
  { version: 6, name: 'change feed capture v2', sql: feedCaptureV2Sql(SB_SCHEMA) },
  { version: 7, name: 'flow references checked per statement', sql: flowReferencesSql },
  { version: 8, name: 'logical flows in the change feed by reference', sql: flowFeedRowsSql },
];
