// Golden cases for the pre-ACL, ACL hint, ACL and stateful stages (ovn-northd(8): "from-lport
// Pre-ACLs", "Pre-stateful", "ACL hints", "ACLs", "Stateful" and their egress counterparts).
import type { NbFixture } from '../../testing/nb-fixture.js';
import type { GoldenCase } from './golden-case.js';

const STATEFUL_DEFAULTS_IN = [
  'ls_in_stateful (priority=100), match=(reg0[1] == 1 && reg0[13] == 0), action=(ct_commit { ct_mark.blocked = 0; }; next;)',
  'ls_in_stateful (priority=100), match=(reg0[1] == 1 && reg0[13] == 1), action=(ct_commit { ct_mark.blocked = 0; ct_label.label = reg3; }; next;)',
  'ls_in_stateful (priority=0), match=(1), action=(next;)',
];
const STATEFUL_DEFAULTS_OUT = STATEFUL_DEFAULTS_IN.map((l) => l.replace('ls_in_', 'ls_out_'));

/** The conntrack hints of a stateful switch, for ingress or egress. */
const hints = (dir: 'in' | 'out') => [
  `ls_${dir}_acl_hint (priority=7), match=(ct.new && !ct.est), action=(reg0[7] = 1; reg0[9] = 1; next;)`,
  `ls_${dir}_acl_hint (priority=6), match=(!ct.new && ct.est && !ct.rpl && ct_mark.blocked == 1), action=(reg0[7] = 1; reg0[9] = 1; next;)`,
  `ls_${dir}_acl_hint (priority=5), match=(!ct.trk), action=(reg0[8] = 1; reg0[9] = 1; next;)`,
  `ls_${dir}_acl_hint (priority=4), match=(!ct.new && ct.est && !ct.rpl && ct_mark.blocked == 0), action=(reg0[8] = 1; reg0[10] = 1; next;)`,
  `ls_${dir}_acl_hint (priority=3), match=(!ct.est), action=(reg0[9] = 1; next;)`,
  `ls_${dir}_acl_hint (priority=2), match=(ct.est && ct_mark.blocked == 1), action=(reg0[9] = 1; next;)`,
  `ls_${dir}_acl_hint (priority=1), match=(ct.est && ct_mark.blocked == 0), action=(reg0[10] = 1; next;)`,
  `ls_${dir}_acl_hint (priority=0), match=(1), action=(next;)`,
];

/** The conntrack-state flows above all ACLs on a stateful switch. */
const ctGuards = (dir: 'in' | 'out') => [
  // Related traffic of an allowed connection (e.g. ICMP errors) passes.
  `ls_${dir}_acl (priority=65532), match=(!ct.est && ct.rel && !ct.new && !ct.inv && ct_mark.blocked == 0), action=(next;)`,
  // Replies of an allowed connection pass (ingress also clears the drop hints).
  `ls_${dir}_acl (priority=65532), match=(ct.est && !ct.rel && !ct.new && !ct.inv && ct.rpl && ct_mark.blocked == 0), action=(${dir === 'in' ? 'reg0[9] = 0; reg0[10] = 0; ' : ''}next;)`,
  // Invalid packets, and replies of blocked connections, drop.
  `ls_${dir}_acl (priority=65532), match=(ct.inv || (ct.est && ct.rpl && ct_mark.blocked == 1)), action=(drop;)`,
  `ls_${dir}_acl (priority=65532), match=(nd || nd_ra || nd_rs || mldv1 || mldv2), action=(next;)`,
];
/** Default allow on a stateful switch: commit new connections (and re-admit blocked ones). */
const commitDefault = (dir: 'in' | 'out') =>
  `ls_${dir}_acl (priority=1), match=(ip && (!ct.est || (ct.est && ct_mark.blocked == 1))), action=(reg0[1] = 1; next;)`;

const twoPorts = (fx: NbFixture) => {
  fx.switch('sw0');
  fx.port('sw0', 'p1', { addresses: ['00:00:00:00:00:01 10.0.0.1'] });
  fx.port('sw0', 'p2', { addresses: ['00:00:00:00:00:02 10.0.0.2'] });
};

const REJECT_IN = 'reg0 = 0; reject { outport <-> inport; next(pipeline=egress,table=5); };';
const REJECT_OUT = 'reg0 = 0; reject { outport <-> inport; next(pipeline=ingress,table=24); };';

export const ACL_CASES: readonly GoldenCase[] = [
  {
    name: 'no ACL: every ACL stage passes at 65535, nothing goes to conntrack',
    setup: twoPorts,
    stages: [
      'ls_in_pre_acl',
      'ls_in_pre_stateful',
      'ls_in_acl_hint',
      'ls_in_acl',
      'ls_in_stateful',
      'ls_out_pre_acl',
      'ls_out_pre_stateful',
      'ls_out_acl_hint',
      'ls_out_acl',
      'ls_out_stateful',
    ],
    expected: [
      'ls_in_pre_acl (priority=0), match=(1), action=(next;)',
      'ls_in_pre_stateful (priority=100), match=(reg0[0] == 1), action=(ct_next;)',
      'ls_in_pre_stateful (priority=0), match=(1), action=(next;)',
      'ls_in_acl_hint (priority=65535), match=(1), action=(next;)',
      'ls_in_acl (priority=65535), match=(1), action=(next;)',
      ...STATEFUL_DEFAULTS_IN,
      'ls_out_pre_acl (priority=0), match=(1), action=(next;)',
      'ls_out_pre_stateful (priority=100), match=(reg0[0] == 1), action=(ct_next;)',
      'ls_out_pre_stateful (priority=0), match=(1), action=(next;)',
      'ls_out_acl_hint (priority=65535), match=(1), action=(next;)',
      'ls_out_acl (priority=65535), match=(1), action=(next;)',
      ...STATEFUL_DEFAULTS_OUT,
    ],
  },
  {
    name: 'stateless ACLs map to next / drop / reject directly, at priority + 1000, by direction',
    setup: (fx) => {
      twoPorts(fx);
      fx.addressSet('as1', ['10.0.0.1', '10.0.0.2']);
      fx.acl({ switch: 'sw0' }, 'from-lport', 100, 'ip4.src == $as1 && tcp.dst == 80', 'allow');
      fx.acl({ switch: 'sw0' }, 'from-lport', 90, 'ip4', 'drop');
      fx.acl({ switch: 'sw0' }, 'from-lport', 300, 'arp', 'allow-stateless');
      fx.acl({ switch: 'sw0' }, 'to-lport', 200, 'outport == "p2" && udp', 'reject');
      fx.acl({ switch: 'sw0' }, 'from-lport', 95, 'icmp4', 'reject');
    },
    stages: [
      'ls_in_pre_acl',
      'ls_in_acl_hint',
      'ls_in_acl',
      'ls_out_pre_acl',
      'ls_out_acl_hint',
      'ls_out_acl',
    ],
    expected: [
      // No stateful ACL: nothing to send to conntrack, no stateless bypass needed.
      'ls_in_pre_acl (priority=0), match=(1), action=(next;)',
      'ls_in_acl_hint (priority=0), match=(1), action=(next;)',
      'ls_in_acl (priority=1300), match=(arp), action=(next;)',
      'ls_in_acl (priority=1100), match=(ip4.src == $as1 && tcp.dst == 80), action=(next;)',
      // An ingress reject answers through the egress pipeline from QoS (table 5) on.
      `ls_in_acl (priority=1095), match=(icmp4), action=(${REJECT_IN})`,
      'ls_in_acl (priority=1090), match=(ip4), action=(drop;)',
      'ls_in_acl (priority=0), match=(1), action=(next;)',
      'ls_out_pre_acl (priority=0), match=(1), action=(next;)',
      'ls_out_acl_hint (priority=0), match=(1), action=(next;)',
      // An egress reject answers through ingress L2 lookup (table 24).
      `ls_out_acl (priority=1200), match=(outport == "p2" && udp), action=(${REJECT_OUT})`,
      'ls_out_acl (priority=0), match=(1), action=(next;)',
    ],
  },
  {
    name: 'stateful switch: conntrack for IP (not via router ports), hints, commit on allow, block on drop',
    setup: (fx) => {
      twoPorts(fx);
      fx.router('lr0');
      fx.routerPort('lr0', 'lrp0', '00:00:00:00:ff:01', ['10.0.0.254/24']);
      fx.connect('sw0', 'sw0-lr0', 'lrp0');
      fx.acl({ switch: 'sw0' }, 'from-lport', 1000, 'inport == "p1" && ip4', 'allow-related');
      fx.acl({ switch: 'sw0' }, 'to-lport', 900, 'outport == "p1" && tcp.dst == 22', 'drop');
      fx.acl({ switch: 'sw0' }, 'from-lport', 500, 'udp', 'allow-stateless');
      fx.acl({ switch: 'sw0' }, 'to-lport', 100, 'ip4', 'allow', { label: 7 });
    },
    stages: [
      'ls_in_pre_acl',
      'ls_in_acl_hint',
      'ls_in_acl',
      'ls_out_pre_acl',
      'ls_out_acl_hint',
      'ls_out_acl',
    ],
    expected: [
      // The stateless ACL's traffic bypasses conntrack; it outranks the conntrack hint at 100.
      'ls_in_pre_acl (priority=1500), match=(udp), action=(next;)',
      'ls_in_pre_acl (priority=110), match=(eth.mcast), action=(next;)',
      'ls_in_pre_acl (priority=110), match=(ip && inport == "sw0-lr0"), action=(next;)',
      'ls_in_pre_acl (priority=110), match=(nd || nd_rs || nd_ra || mldv1 || mldv2 || (udp && udp.src == 546 && udp.dst == 547)), action=(next;)',
      'ls_in_pre_acl (priority=100), match=(ip), action=(reg0[0] = 1; next;)',
      'ls_in_pre_acl (priority=0), match=(1), action=(next;)',
      ...hints('in'),
      ...ctGuards('in'),
      'ls_in_acl (priority=2000), match=(reg0[7] == 1 && (inport == "p1" && ip4)), action=(reg0[1] = 1; next;)',
      'ls_in_acl (priority=2000), match=(reg0[8] == 1 && (inport == "p1" && ip4)), action=(next;)',
      'ls_in_acl (priority=1500), match=(udp), action=(next;)',
      commitDefault('in'),
      'ls_in_acl (priority=0), match=(1), action=(next;)',
      'ls_out_pre_acl (priority=110), match=(eth.mcast), action=(next;)',
      'ls_out_pre_acl (priority=110), match=(ip && outport == "sw0-lr0"), action=(next;)',
      'ls_out_pre_acl (priority=110), match=(nd || nd_rs || nd_ra || mldv1 || mldv2 || (udp && udp.src == 546 && udp.dst == 547)), action=(next;)',
      'ls_out_pre_acl (priority=100), match=(ip), action=(reg0[0] = 1; next;)',
      'ls_out_pre_acl (priority=0), match=(1), action=(next;)',
      ...hints('out'),
      ...ctGuards('out'),
      // Drop on an established, allowed connection: mark it blocked (then drop).
      'ls_out_acl (priority=1900), match=(reg0[10] == 1 && (outport == "p1" && tcp.dst == 22)), action=(ct_commit { ct_mark.blocked = 1; }; /* drop */)',
      'ls_out_acl (priority=1900), match=(reg0[9] == 1 && (outport == "p1" && tcp.dst == 22)), action=(drop;)',
      // "allow" commits too on a stateful switch; the label is committed on both flows.
      'ls_out_acl (priority=1100), match=(reg0[7] == 1 && (ip4)), action=(reg0[1] = 1; reg0[13] = 1; reg3 = 7; next;)',
      'ls_out_acl (priority=1100), match=(reg0[8] == 1 && (ip4)), action=(reg0[1] = 1; reg0[13] = 1; reg3 = 7; next;)',
      commitDefault('out'),
      'ls_out_acl (priority=0), match=(1), action=(next;)',
    ],
  },
  {
    name: 'port group ACLs apply with their match as written; a reject on a stateful switch blocks too',
    setup: (fx) => {
      twoPorts(fx);
      fx.portGroup('pg1', ['p1']);
      fx.addressSet('as_web', ['10.0.0.0/24']);
      fx.acl(
        { portGroup: 'pg1' },
        'to-lport',
        100,
        'outport == @pg1 && ip4.src == $as_web',
        'allow-related',
      );
      fx.acl({ portGroup: 'pg1' }, 'to-lport', 50, 'outport == @pg1', 'reject');
    },
    stages: ['ls_out_acl'],
    expected: [
      ...ctGuards('out'),
      'ls_out_acl (priority=1100), match=(reg0[7] == 1 && (outport == @pg1 && ip4.src == $as_web)), action=(reg0[1] = 1; next;)',
      'ls_out_acl (priority=1100), match=(reg0[8] == 1 && (outport == @pg1 && ip4.src == $as_web)), action=(next;)',
      `ls_out_acl (priority=1050), match=(reg0[10] == 1 && (outport == @pg1)), action=(ct_commit { ct_mark.blocked = 1; }; ${REJECT_OUT})`,
      `ls_out_acl (priority=1050), match=(reg0[9] == 1 && (outport == @pg1)), action=(${REJECT_OUT})`,
      commitDefault('out'),
      'ls_out_acl (priority=0), match=(1), action=(next;)',
    ],
  },
  {
    name: 'logging, apply-after-lb and pass',
    setup: (fx) => {
      twoPorts(fx);
      fx.acl({ switch: 'sw0' }, 'from-lport', 100, 'tcp', 'allow', {
        log: true,
        name: 'web',
        severity: 'alert',
      });
      fx.acl({ switch: 'sw0' }, 'from-lport', 200, 'udp', 'drop', { log: true });
      fx.acl({ switch: 'sw0' }, 'from-lport', 300, 'ip4', 'drop', {
        options: { 'apply-after-lb': 'true' },
      });
      fx.acl({ switch: 'sw0' }, 'to-lport', 400, 'icmp4', 'pass');
    },
    stages: ['ls_in_acl', 'ls_in_acl_after_lb', 'ls_out_acl'],
    expected: [
      // A logged drop has no `drop;` (it cannot follow other actions): the list just ends.
      'ls_in_acl (priority=1200), match=(udp), action=(log(verdict=drop, severity=info); /* drop */)',
      'ls_in_acl (priority=1100), match=(tcp), action=(log(verdict=allow, name="web", severity=alert); next;)',
      'ls_in_acl (priority=0), match=(1), action=(next;)',
      'ls_in_acl_after_lb (priority=1300), match=(ip4), action=(drop;)',
      'ls_in_acl_after_lb (priority=0), match=(1), action=(next;)',
      'ls_out_acl (priority=1400), match=(icmp4), action=(next;)',
      'ls_out_acl (priority=0), match=(1), action=(next;)',
    ],
  },
  {
    name: 'an ACL whose match does not parse is reported and left out; the rest compiles',
    setup: (fx) => {
      twoPorts(fx);
      fx.acl({ switch: 'sw0' }, 'from-lport', 100, 'ip4.sorc == 10.0.0.1', 'drop');
      fx.acl({ switch: 'sw0' }, 'from-lport', 200, 'ip4 &&', 'allow-related');
      fx.acl({ switch: 'sw0' }, 'from-lport', 300, 'tcp', 'drop');
      fx.acl({ switch: 'sw0' }, 'to-lport', 400, 'udp', 'allow-related', {
        log: true,
        name: 'x'.repeat(64),
      });
    },
    stages: ['ls_in_pre_acl', 'ls_in_acl'],
    expected: [
      // The bad allow-related ACLs do not count: the switch is not stateful.
      'ls_in_pre_acl (priority=0), match=(1), action=(next;)',
      'ls_in_acl (priority=1300), match=(tcp), action=(drop;)',
      'ls_in_acl (priority=0), match=(1), action=(next;)',
    ],
    // OVN's wording (lib/expr.c): an identifier that is no field; and at the end of input a
    // primary that is not an identifier must be a constant (`1 < f` form), so "constant".
    diagnostics: [
      // In the inputs' ACL order: by direction, then priority (high first).
      'acl: ACL from-lport priority 200 match: Syntax error at end of input expecting constant.',
      "acl: ACL from-lport priority 100 match: Syntax error at `ip4.sorc' expecting field name.",
      `acl: ACL "${'x'.repeat(64)}" to-lport priority 400 name: longer than 63 characters, cannot be logged`,
    ],
  },
  {
    name: 'NB_Global default_acl_drop: what no ACL allows is dropped; replies of allowed connections still pass',
    setup: (fx) => {
      fx.insert('nb_global', { options: { default_acl_drop: 'true' } });
      twoPorts(fx);
      fx.acl(
        { switch: 'sw0' },
        'to-lport',
        100,
        'outport == "p2" && tcp.dst == 80',
        'allow-related',
      );
    },
    stages: ['ls_in_acl', 'ls_out_acl'],
    expected: [
      ...ctGuards('in'),
      // No priority-1 commit: new connections no ACL allows are not admitted.
      'ls_in_acl (priority=0), match=(1), action=(drop;)',
      ...ctGuards('out'),
      'ls_out_acl (priority=1100), match=(reg0[7] == 1 && (outport == "p2" && tcp.dst == 80)), action=(reg0[1] = 1; next;)',
      'ls_out_acl (priority=1100), match=(reg0[8] == 1 && (outport == "p2" && tcp.dst == 80)), action=(next;)',
      'ls_out_acl (priority=0), match=(1), action=(drop;)',
    ],
  },
  {
    name: 'default_acl_drop does not touch a switch without ACLs',
    setup: (fx) => {
      fx.insert('nb_global', { options: { default_acl_drop: 'true' } });
      twoPorts(fx);
    },
    stages: ['ls_in_acl', 'ls_out_acl'],
    expected: [
      'ls_in_acl (priority=65535), match=(1), action=(next;)',
      'ls_out_acl (priority=65535), match=(1), action=(next;)',
    ],
  },
  {
    name: 'pass skips lower ACLs and applies the default: commit on a stateful switch, drop under default_acl_drop',
    setup: (fx) => {
      twoPorts(fx);
      fx.acl({ switch: 'sw0' }, 'from-lport', 200, 'tcp.dst == 22', 'pass');
      fx.acl({ switch: 'sw0' }, 'from-lport', 100, 'tcp', 'allow-related');
    },
    stages: ['ls_in_acl'],
    expected: [
      ...ctGuards('in'),
      // Like the default flow at priority 1: new connections are committed.
      'ls_in_acl (priority=1200), match=(reg0[7] == 1 && (tcp.dst == 22)), action=(reg0[1] = 1; next;)',
      'ls_in_acl (priority=1200), match=(reg0[8] == 1 && (tcp.dst == 22)), action=(next;)',
      'ls_in_acl (priority=1100), match=(reg0[7] == 1 && (tcp)), action=(reg0[1] = 1; next;)',
      'ls_in_acl (priority=1100), match=(reg0[8] == 1 && (tcp)), action=(next;)',
      commitDefault('in'),
      'ls_in_acl (priority=0), match=(1), action=(next;)',
    ],
  },
  {
    name: 'pass under default_acl_drop drops what it matches (the default), also blocking established connections',
    setup: (fx) => {
      fx.insert('nb_global', { options: { default_acl_drop: 'true' } });
      twoPorts(fx);
      fx.acl({ switch: 'sw0' }, 'from-lport', 200, 'tcp.dst == 22', 'pass');
      fx.acl({ switch: 'sw0' }, 'from-lport', 100, 'tcp', 'allow-related');
    },
    stages: ['ls_in_acl'],
    expected: [
      ...ctGuards('in'),
      'ls_in_acl (priority=1200), match=(reg0[10] == 1 && (tcp.dst == 22)), action=(ct_commit { ct_mark.blocked = 1; }; /* drop */)',
      'ls_in_acl (priority=1200), match=(reg0[9] == 1 && (tcp.dst == 22)), action=(drop;)',
      'ls_in_acl (priority=1100), match=(reg0[7] == 1 && (tcp)), action=(reg0[1] = 1; next;)',
      'ls_in_acl (priority=1100), match=(reg0[8] == 1 && (tcp)), action=(next;)',
      'ls_in_acl (priority=0), match=(1), action=(drop;)',
    ],
  },
  {
    name: 'log-related: replies and related traffic of a logged, labelled ACL are logged in the other pipeline',
    setup: (fx) => {
      twoPorts(fx);
      fx.acl(
        { switch: 'sw0' },
        'to-lport',
        100,
        'outport == "p2" && tcp.dst == 80',
        'allow-related',
        {
          log: true,
          name: 'web',
          label: 42,
          options: { 'log-related': 'true' },
        },
      );
    },
    stages: ['ls_in_acl'],
    expected: [
      // 65533: just above the reply/related allow flows, matching the committed label.
      'ls_in_acl (priority=65533), match=(!ct.est && ct.rel && !ct.new && !ct.inv && ct_mark.blocked == 0 && ct_label.label == 42), action=(log(verdict=allow, name="web", severity=info); next;)',
      'ls_in_acl (priority=65533), match=(ct.est && !ct.rel && !ct.new && !ct.inv && ct.rpl && ct_mark.blocked == 0 && ct_label.label == 42), action=(log(verdict=allow, name="web", severity=info); next;)',
      ...ctGuards('in'),
      commitDefault('in'),
      'ls_in_acl (priority=0), match=(1), action=(next;)',
    ],
  },
];
