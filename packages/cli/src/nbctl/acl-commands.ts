/**
 * acl-add, acl-del, acl-list on a logical switch or a port group (--type=switch|port-group when a
 * name exists as both).
 */
import { defineCommand, type Tx } from './command.js';
import { invalid, NbctlError, objectError, usageError } from './errors.js';
import { lookup, PORT_GROUP, SWITCH } from './lookup.js';
import { checkInt } from './net.js';

const GROUP = 'ACL commands';
const DIRECTIONS = ['from-lport', 'to-lport'];
const VERDICTS = ['allow', 'allow-related', 'allow-stateless', 'drop', 'reject', 'pass'];
const SEVERITIES = ['alert', 'warning', 'notice', 'info', 'debug'];

type EntityType = 'switch' | 'port-group' | undefined;

function checkType(v: string | undefined): EntityType {
  if (v === undefined || v === 'switch' || v === 'port-group') return v;
  throw usageError(`invalid value "${v}" for option --type (switch or port-group)`);
}

interface Owner {
  readonly column: 'switch_uuid' | 'port_group_uuid';
  readonly uuid: string;
  readonly name: string;
}

/** The switch or port group an ACL command is about, as ovn-nbctl resolves it. */
async function resolveOwner(tx: Tx, id: string, type: EntityType): Promise<Owner> {
  const owner = (column: Owner['column'], r: { uuid: string; name: string }): Owner => ({
    column,
    uuid: r.uuid,
    name: r.name,
  });
  if (type === 'switch') return owner('switch_uuid', (await lookup(tx, SWITCH, id))!);
  if (type === 'port-group') return owner('port_group_uuid', (await lookup(tx, PORT_GROUP, id))!);
  const pg = await lookup(tx, PORT_GROUP, id, { mustExist: false });
  const ls = await lookup(tx, SWITCH, id, { mustExist: false });
  if (pg && ls) {
    throw new NbctlError(
      'ambiguous',
      `${id}: both a port group and a switch have this name: use --type=port-group or --type=switch, or a UUID`,
    );
  }
  if (pg) return owner('port_group_uuid', pg);
  if (ls) return owner('switch_uuid', ls);
  throw objectError('not-found', id, 'no port group or switch has this name');
}

interface AclRow {
  uuid: string;
  direction: string;
  priority: number;
  match: string;
  action: string;
  log: boolean;
  name: string | null;
  severity: string | null;
  meter: string | null;
  label: number;
  tier: number;
  options: Record<string, string>;
}

export const aclCommands = [
  defineCommand({
    name: 'acl-add',
    usage: 'ENTITY DIRECTION PRIORITY MATCH VERDICT',
    summary:
      'add an ACL to a switch or port group: DIRECTION from-lport|to-lport, PRIORITY 0..32767, VERDICT allow|allow-related|allow-stateless|drop|reject|pass',
    group: GROUP,
    minArgs: 5,
    maxArgs: 5,
    options: {
      type: 'value',
      log: 'flag',
      name: 'value',
      severity: 'value',
      meter: 'value',
      label: 'value',
      tier: 'value',
      'apply-after-lb': 'flag',
      'may-exist': 'flag',
    },
    writes: true,
    parse(args, opts) {
      const [entity, direction, prio, match, verdict] = args as [
        string,
        string,
        string,
        string,
        string,
      ];
      if (!DIRECTIONS.includes(direction))
        throw invalid(entity, `direction must be from-lport or to-lport, not "${direction}"`);
      const priority = checkInt(entity, prio, 'priority', 0, 32767);
      if (match.trim() === '') throw invalid(entity, 'match must not be empty');
      if (!VERDICTS.includes(verdict))
        throw invalid(entity, `verdict must be one of ${VERDICTS.join(', ')}, not "${verdict}"`);
      const severity = opts.value('severity');
      if (severity !== undefined && !SEVERITIES.includes(severity)) {
        throw invalid(
          entity,
          `severity must be one of ${SEVERITIES.join(', ')}, not "${severity}"`,
        );
      }
      const name = opts.value('name');
      if (name !== undefined && name.length > 63)
        throw invalid(entity, `ACL name "${name}" is longer than 63 characters`);
      const label = opts.value('label');
      const tier = opts.value('tier');
      // --name, --severity and --meter only make sense for logged ACLs, so they turn logging on.
      const log =
        opts.has('log') || name !== undefined || severity !== undefined || opts.has('meter');
      return {
        entity,
        type: checkType(opts.value('type')),
        direction,
        priority,
        match,
        verdict,
        log,
        name,
        severity: severity ?? (log ? 'info' : undefined),
        meter: opts.value('meter'),
        label: label === undefined ? 0 : checkInt(entity, label, 'label', 0, 4294967295),
        tier: tier === undefined ? 0 : checkInt(entity, tier, 'tier', 0, 3),
        afterLb: opts.has('apply-after-lb'),
        mayExist: opts.has('may-exist'),
      };
    },
    async run({ tx }, p) {
      const owner = await resolveOwner(tx, p.entity, p.type);
      const dup = await tx.query(
        `SELECT 1 FROM acl WHERE ${owner.column} = $1 AND direction = $2 AND priority = $3 AND match = $4 AND action = $5 AND tier = $6`,
        [owner.uuid, p.direction, p.priority, p.match, p.verdict, p.tier],
      );
      if (dup.length > 0) {
        if (p.mayExist) return;
        throw objectError(
          'exists',
          p.entity,
          `the same ACL already exists (${p.direction} ${p.priority} (${p.match}) ${p.verdict})`,
        );
      }
      await tx.query(
        `INSERT INTO acl (${owner.column}, direction, priority, match, action, log, name, severity, meter, label, tier, options)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12::jsonb)`,
        [
          owner.uuid,
          p.direction,
          p.priority,
          p.match,
          p.verdict,
          p.log,
          p.name ?? null,
          p.severity ?? null,
          p.meter ?? null,
          p.label,
          p.tier,
          JSON.stringify(p.afterLb ? { 'apply-after-lb': 'true' } : {}),
        ],
      );
    },
  }),
  defineCommand({
    name: 'acl-del',
    usage: 'ENTITY [DIRECTION [PRIORITY MATCH]]',
    summary:
      "delete ACLs: all of ENTITY's, those of one direction, or the one with PRIORITY and MATCH",
    group: GROUP,
    minArgs: 1,
    maxArgs: 4,
    options: { type: 'value', tier: 'value' },
    writes: true,
    parse(args, opts) {
      const [entity, direction, prio, match] = args as [string, string?, string?, string?];
      if (direction !== undefined && !DIRECTIONS.includes(direction)) {
        throw invalid(entity, `direction must be from-lport or to-lport, not "${direction}"`);
      }
      if (prio !== undefined && match === undefined)
        throw usageError('cannot specify a priority without a match');
      const tier = opts.value('tier');
      return {
        entity,
        type: checkType(opts.value('type')),
        direction,
        priority: prio === undefined ? undefined : checkInt(entity, prio, 'priority', 0, 32767),
        match,
        tier: tier === undefined ? undefined : checkInt(entity, tier, 'tier', 0, 3),
      };
    },
    async run({ tx }, p) {
      const owner = await resolveOwner(tx, p.entity, p.type);
      const conds = [`${owner.column} = $1`];
      const params: unknown[] = [owner.uuid];
      const add = (col: string, v: unknown) => {
        if (v === undefined) return;
        params.push(v);
        conds.push(`${col} = $${params.length}`);
      };
      add('direction', p.direction);
      add('priority', p.priority);
      add('match', p.match);
      add('tier', p.tier);
      const rows = await tx.query(
        `DELETE FROM acl WHERE ${conds.join(' AND ')} RETURNING 1`,
        params,
      );
      if (rows.length === 0 && p.match !== undefined) {
        throw objectError(
          'not-found',
          p.entity,
          `no ACL ${p.direction} ${p.priority} (${p.match})`,
        );
      }
    },
  }),
  defineCommand({
    name: 'acl-list',
    usage: 'ENTITY',
    summary: 'list the ACLs of a switch or port group',
    group: GROUP,
    minArgs: 1,
    maxArgs: 1,
    options: { type: 'value' },
    writes: false,
    parse: (args, opts) => ({ entity: args[0]!, type: checkType(opts.value('type')) }),
    async run({ tx }, p) {
      const owner = await resolveOwner(tx, p.entity, p.type);
      // ovn-nbctl's order: direction (from-lport first), after-lb last, tier, priority high→low, match.
      const rows = await tx.query<AclRow>(
        `SELECT uuid::text AS uuid, direction, priority, match, action, log, name, severity, meter, label, tier, options
           FROM acl WHERE ${owner.column} = $1
          ORDER BY direction, coalesce(options->>'apply-after-lb', 'false') = 'true', tier, priority DESC, match COLLATE "C"`,
        [owner.uuid],
      );
      return {
        kind: 'table',
        headings: [
          'uuid',
          'direction',
          'priority',
          'match',
          'action',
          'log',
          'name',
          'severity',
          'meter',
          'label',
          'tier',
        ],
        rows: rows.map((r) => [
          r.uuid,
          r.direction,
          r.priority,
          r.match,
          r.action,
          r.log,
          r.name ?? '',
          r.severity ?? '',
          r.meter ?? '',
          r.label,
          r.tier,
        ]),
        text: rows.map(aclLine),
      };
    },
  }),
];

function aclLine(a: AclRow): string {
  let s = `${a.direction.padStart(10)} ${String(a.priority).padStart(5)} (${a.match}) ${a.action}`;
  if (a.log) {
    const parts = [
      a.name ? `name=${a.name}` : '',
      a.severity ? `severity=${a.severity}` : '',
      a.meter ? `meter="${a.meter}"` : '',
    ];
    s += ` log(${parts.filter(Boolean).join(',')})`;
  }
  if (a.label) s += ` label=${a.label}`;
  s += ` [tier ${a.tier}]`;
  if (a.options['apply-after-lb'] === 'true') s += ' [after-lb]';
  return s;
}
