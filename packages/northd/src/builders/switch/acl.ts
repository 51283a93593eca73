import type { AclInput, SwitchInput } from '../../inputs/inputs.js';
import type { FlowSink } from '../../lflow.js';
import { type SwitchStage, stageTable } from '../../stages.js';
import { aclSource, checkedAcls } from './acl-parse.js';
import {
  ACL_PRIORITY_OFFSET,
  REG_LABEL,
  REGBIT_ACL_HINT_ALLOW,
  REGBIT_ACL_HINT_ALLOW_NEW,
  REGBIT_ACL_HINT_BLOCK,
  REGBIT_ACL_HINT_DROP,
  REGBIT_ACL_LABEL,
  REGBIT_CONNTRACK_COMMIT,
} from './registers.js';
import { switchFacts } from './switch-facts.js';

const ACL_STAGES = ['ls_in_acl', 'ls_out_acl'] as const;

/**
 * ACLs (ls_in_acl, ls_in_acl_after_lb, ls_out_acl): each user ACL becomes flows at its priority
 * + 1000 in the stage of its direction (from-lport: ingress, to-lport: egress; from-lport with
 * options:apply-after-lb=true: after load balancing). ACLs of port groups apply on every switch
 * the group has ports on, with their match as written (it usually names `inport == @pg` or
 * `outport == @pg` itself; address sets `$as` and port groups `@pg` are resolved downstream).
 *
 * On a stateless switch ACLs map directly to next/drop/reject. On a stateful switch (an
 * allow-related ACL or a load balancer) every allowed new connection is committed to conntrack,
 * replies and related traffic of allowed connections pass above all ACLs, and a drop ACL that
 * meets an established connection marks it blocked (ct_mark.blocked) so its replies stop too.
 * An ACL whose match does not parse is reported on its row and left out.
 */
export function buildAcls(input: SwitchInput, sink: FlowSink): void {
  const facts = switchFacts(input);
  // NB_Global options:default_acl_drop: what no ACL allows is dropped, where there are ACLs.
  const defaultDrop = input.defaultAclDrop === true && facts.hasAcls;
  // Without any ACL the stage is a formality; with some, unmatched traffic gets the default at 0.
  for (const stage of ACL_STAGES) {
    if (!facts.hasAcls && !facts.hasLbVip) sink.add(stage, 65535, '1', 'next;');
    else sink.add(stage, 0, '1', defaultDrop ? 'drop;' : 'next;');
  }
  sink.add('ls_in_acl_after_lb', 0, '1', 'next;');

  if (facts.stateful) {
    for (const stage of ACL_STAGES) {
      // Default allow must still commit new IP connections: the other direction may have a
      // stateful ACL, and its return traffic would otherwise be invalid. It also re-admits a
      // blocked connection that no ACL drops any more. (Default drop admits nothing.)
      if (!defaultDrop) {
        sink.add(
          stage,
          1,
          'ip && (!ct.est || (ct.est && ct_mark.blocked == 1))',
          `${REGBIT_CONNTRACK_COMMIT} = 1; next;`,
        );
      }
      sink.add(stage, 65532, 'ct.inv || (ct.est && ct.rpl && ct_mark.blocked == 1)', 'drop;');
      sink.add(
        stage,
        65532,
        'ct.est && !ct.rel && !ct.new && !ct.inv && ct.rpl && ct_mark.blocked == 0',
        // Ingress replies clear the drop hints, so nothing later treats them as droppable.
        stage === 'ls_in_acl'
          ? `${REGBIT_ACL_HINT_DROP} = 0; ${REGBIT_ACL_HINT_BLOCK} = 0; next;`
          : 'next;',
      );
      sink.add(
        stage,
        65532,
        '!ct.est && ct.rel && !ct.new && !ct.inv && ct_mark.blocked == 0',
        'next;',
      );
      sink.add(stage, 65532, 'nd || nd_ra || nd_rs || mldv1 || mldv2', 'next;');
    }
  }

  for (const c of checkedAcls(input)) {
    if (!c.ok) {
      sink.report(aclSource(c.acl), `${describeAcl(c.acl)} ${c.problem}`);
      continue;
    }
    buildAcl(c.acl, facts.stateful, defaultDrop, sink);
  }
}

/** "ACL from-lport priority 100 on port group pg1" — names the row for a diagnostic. */
export function describeAcl(acl: AclInput): string {
  const r = acl.row;
  const name = r.name ? ` "${r.name}"` : '';
  const pg = acl.portGroup ? ` on port group ${acl.portGroup.name}` : '';
  return `ACL${name} ${r.direction} priority ${r.priority}${pg}`;
}

function aclStage(acl: AclInput): SwitchStage {
  if (acl.row.direction === 'to-lport') return 'ls_out_acl';
  return acl.row.options?.['apply-after-lb'] === 'true' ? 'ls_in_acl_after_lb' : 'ls_in_acl';
}

function buildAcl(acl: AclInput, stateful: boolean, defaultDrop: boolean, sink: FlowSink): void {
  const r = acl.row;
  const stage = aclStage(acl);
  const prio = r.priority + ACL_PRIORITY_OFFSET;
  const src = aclSource(acl);
  const log = logAction(acl);
  const add = (match: string, actions: string) => sink.add(stage, prio, match, actions, src);

  const allow = (label: string) => {
    if (!stateful) {
      add(r.match, `${log}next;`);
      return;
    }
    // New (or blocked, re-admitted) connection: commit it in the stateful stage.
    add(
      `${REGBIT_ACL_HINT_ALLOW_NEW} == 1 && (${r.match})`,
      `${REGBIT_CONNTRACK_COMMIT} = 1; ${label}${log}next;`,
    );
    // Request of a committed connection, or untracked: allowed; recommit only to carry a label.
    add(
      `${REGBIT_ACL_HINT_ALLOW} == 1 && (${r.match})`,
      `${label ? `${REGBIT_CONNTRACK_COMMIT} = 1; ${label}` : ''}${log}next;`,
    );
  };
  const deny = (reject: boolean) => {
    // `drop;` cannot follow other actions: a list that neither outputs nor continues drops.
    const verdict = (before: string) =>
      reject ? `${before}${rejectAction(stage)}` : before ? `${before}/* drop */` : 'drop;';
    if (!stateful) {
      add(r.match, verdict(log));
      return;
    }
    add(`${REGBIT_ACL_HINT_DROP} == 1 && (${r.match})`, verdict(log));
    // A connection allowed before is blocked now: mark it so that its replies stop as well
    // (conntrack is committed here, not in the stateful stage, as the packet goes no further).
    add(
      `${REGBIT_ACL_HINT_BLOCK} == 1 && (${r.match})`,
      verdict(`${log}ct_commit { ct_mark.blocked = 1; }; `),
    );
  };

  switch (r.action) {
    case 'allow-stateless':
      add(r.match, `${log}next;`);
      return;
    case 'allow':
    case 'allow-related':
      allow(r.label ? `${REGBIT_ACL_LABEL} = 1; ${REG_LABEL} = ${r.label}; ` : '');
      if (stateful && log && r.label && r.options?.['log-related'] === 'true')
        logRelated(acl, log, sink);
      return;
    case 'drop':
    case 'reject':
      deny(r.action === 'reject');
      return;
    case 'pass':
      // No verdict, and no later tier to give one (tiers are not modelled): lower-priority ACLs
      // are skipped and the switch's default applies to what matches, as the priority 0/1
      // default flows would apply it (allow, committing on stateful switches; or drop).
      if (defaultDrop) deny(false);
      else allow('');
      return;
  }
}

/**
 * options:log-related on a logged, labelled allow ACL: its connections' replies and related
 * traffic are logged too. They pass the opposite pipeline above the ACLs anyway (priority
 * 65532), so these flows sit just above (65533), recognise the connection by the label the ACL
 * committed, log, and let the packet through.
 */
function logRelated(acl: AclInput, log: string, sink: FlowSink): void {
  const stage = acl.row.direction === 'to-lport' ? 'ls_in_acl' : 'ls_out_acl';
  const label = `ct_mark.blocked == 0 && ct_label.label == ${acl.row.label}`;
  const src = aclSource(acl);
  sink.add(
    stage,
    65533,
    `ct.est && !ct.rel && !ct.new && !ct.inv && ct.rpl && ${label}`,
    `${log}next;`,
    src,
  );
  sink.add(stage, 65533, `!ct.est && ct.rel && !ct.new && !ct.inv && ${label}`, `${log}next;`, src);
}

/**
 * Reject answers the sender: a TCP RST, or ICMP unreachable otherwise (the `reject` action
 * swaps Ethernet and IP addresses itself). The answer is sent back where the packet came from,
 * resuming in the other pipeline past the ACLs: ingress rejects continue in egress at QoS, egress
 * rejects in ingress at L2 lookup.
 */
function rejectAction(stage: SwitchStage): string {
  const next =
    stage === 'ls_out_acl'
      ? `next(pipeline=ingress,table=${stageTable('ls_in_l2_lkup')});`
      : `next(pipeline=egress,table=${stageTable('ls_out_qos_mark')});`;
  return `reg0 = 0; reject { outport <-> inport; ${next} };`;
}

function logAction(acl: AclInput): string {
  const r = acl.row;
  if (!r.log) return '';
  const verdict =
    r.action === 'drop'
      ? 'drop'
      : r.action === 'reject'
        ? 'reject'
        : r.action === 'pass'
          ? 'pass'
          : 'allow';
  const parts = [`verdict=${verdict}`];
  if (r.name) parts.push(`name=${JSON.stringify(r.name)}`);
  parts.push(`severity=${r.severity ?? 'info'}`);
  if (r.meter) parts.push(`meter=${JSON.stringify(r.meter)}`);
  return `log(${parts.join(', ')}); `;
}
