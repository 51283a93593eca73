/** The PostgreSQL schema that holds the SB tables. */
export const SB_SCHEMA = 'sb';

/** The NOTIFY channel of the SB change feed (payload: the commit number). */
export const SB_CHANNEL = 'ovn_sb_changes';
