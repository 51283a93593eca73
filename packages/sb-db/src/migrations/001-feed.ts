import { feedSchemaSql } from '@ovn-ts/db';
import { SB_CHANNEL, SB_SCHEMA } from '../names.js';

/** The change feed's tables and triggers; later migrations attach every SB table to it. */
export const feedSql = feedSchemaSql(SB_SCHEMA, SB_CHANNEL);
