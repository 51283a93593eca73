// Every flow of every golden case must be valid OVN: its match parses and annotates (address
// sets and port groups resolved against the case's NB rows) and its actions parse and validate
// where the flow sits (pipeline and table; `next(table=N)` bounded by our pipelines' lengths)
// with the expression package.
import { parseActions, parseExpr, type SetEnv } from '@ovn-ts/expr';
import { describe, expect, test } from 'vitest';
import { SWITCH_EGRESS, SWITCH_INGRESS, stagePipeline, stageTable } from '../../stages.js';
import { NbFixture } from '../../testing/nb-fixture.js';
import { ACL_CASES } from './acl.cases.js';
import { ARP_ND_RESPONDER_CASES } from './arp-nd-responder.cases.js';
import { DHCP_CASES } from './dhcp.cases.js';
import type { GoldenCase } from './golden-case.js';
import { L2_LOOKUP_CASES } from './l2-lookup.cases.js';
import { LB_CASES } from './lb.cases.js';
import { PORT_SECURITY_CASES } from './port-security.cases.js';
import { buildSwitch } from './test-helpers.js';

const ALL: readonly GoldenCase[] = [
  ...PORT_SECURITY_CASES,
  ...ACL_CASES,
  ...ARP_ND_RESPONDER_CASES,
  ...L2_LOOKUP_CASES,
  ...DHCP_CASES,
  ...LB_CASES,
];

const LENGTHS = { ingress: SWITCH_INGRESS.length, egress: SWITCH_EGRESS.length };

/** The address sets and port groups of the fixture, as the SB would hold them. */
function setEnv(fx: NbFixture): SetEnv {
  const m = fx.model;
  const addressSets: Record<string, readonly string[]> = {};
  for (const as of m.table('address_set').values()) addressSets[as.name] = as.addresses;
  const portGroups: Record<string, string[]> = {};
  for (const pg of m.table('port_group').values()) portGroups[pg.name] = [];
  for (const pgp of m.table('port_group_port').values()) {
    const pg = m.get('port_group', pgp.port_group_uuid);
    const port = m.get('logical_switch_port', pgp.port_uuid);
    if (pg && port) portGroups[pg.name]!.push(port.name);
  }
  return { addressSets, portGroups };
}

describe('every flow of every golden case is valid OVN', () => {
  test('the validation does refuse what is invalid', () => {
    // A drop combined with other actions, and a table past the end of our ingress pipeline.
    expect(parseActions('ct_commit { ct_mark.blocked = 1; }; drop;').ok).toBe(false);
    expect(parseActions('next(pipeline=ingress, table=26);', { pipelineLengths: LENGTHS }).ok).toBe(
      false,
    );
    expect(parseExpr('ip4.src == $nowhere', {}).ok).toBe(false);
  });

  for (const c of ALL) {
    test(c.name, () => {
      const fx = new NbFixture();
      c.setup(fx);
      const { flows } = buildSwitch(fx, 'sw0');
      const env = setEnv(fx);
      const bad: string[] = [];
      for (const f of flows) {
        const m = parseExpr(f.match, env);
        if (!m.ok) bad.push(`${f.stage} ${f.priority} match (${f.match}): ${m.error.message}`);
        const a = parseActions(f.actions, {
          pipeline: stagePipeline(f.stage),
          table: stageTable(f.stage),
          pipelineLengths: LENGTHS,
        });
        if (!a.ok) bad.push(`${f.stage} ${f.priority} actions (${f.actions}): ${a.error.message}`);
      }
      expect(bad).toEqual([]);
      // Every pipeline stage has a flow, so no packet falls off an empty table by accident.
      expect(new Set(flows.map((f) => f.stage)).size).toBe(36);
    });
  }
});
