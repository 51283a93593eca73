/**
 * Problems northd found in NB rows (e.g. an ACL whose match does not parse). northd keeps this
 * table equal to its current findings; `nbctl diag-list` shows it. One row per problem per
 * datapath, since a port group's ACL is compiled on every switch where the group has ports.
 */
export const diagnosticsSql = `
CREATE TABLE northd_diagnostic (
  nb_table text NOT NULL,
  nb_uuid uuid NOT NULL,
  datapath uuid NOT NULL,
  builder text NOT NULL,
  problem text NOT NULL,
  reported_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (nb_uuid, datapath, problem)
);
CREATE INDEX northd_diagnostic_datapath ON northd_diagnostic (datapath);
SELECT feed_attach('northd_diagnostic');
`;
