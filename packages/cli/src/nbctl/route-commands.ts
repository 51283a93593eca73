/** lr-route-add, lr-route-del, lr-route-list: static routes, with policies, ECMP and route tables. */
import { defineCommand } from './command.js';
import { invalid, objectError } from './errors.js';
import { lookup, ROUTER } from './lookup.js';
import { memoLookup } from './named-entity.js';
import { type Cidr, isIp, networkOf, parseCidr } from './net.js';
import { findRouterPort } from './router-port-commands.js';

const GROUP = 'Logical router static route commands';

type Policy = 'dst-ip' | 'src-ip';

function checkPolicy(router: string, v: string | undefined): Policy | undefined {
  if (v === undefined) return undefined;
  if (v !== 'dst-ip' && v !== 'src-ip')
    throw invalid(router, `policy must be "dst-ip" or "src-ip", not "${v}"`);
  return v;
}

/** A route prefix: a network or a host, stored as its network (10.0.0.5/24 → 10.0.0.0/24). */
function checkPrefix(router: string, s: string): { cidr: string; family: 4 | 6; shown: string } {
  const c: Cidr | undefined = parseCidr(s, true);
  if (!c) throw invalid(router, `invalid prefix "${s}"`);
  const shown = networkOf(c);
  return { cidr: shown.includes('/') ? shown : `${shown}/${c.prefix}`, family: c.family, shown };
}

interface RouteRow {
  uuid: string;
  prefix: string;
  plen: number;
  family: number;
  nexthop: string;
  output_port: string | null;
  policy: string | null;
  route_table: string;
  options: Record<string, string>;
  external_ids: Record<string, string>;
}

const ROUTE_COLUMNS = `uuid::text AS uuid, ip_prefix::text AS prefix, masklen(ip_prefix) AS plen, family(ip_prefix) AS family,
  nexthop, output_port, policy, route_table, options, external_ids`;

/** How OVN shows a prefix: a host route without its /32 or /128. */
const showPrefix = (r: RouteRow) =>
  r.plen === (r.family === 4 ? 32 : 128) ? r.prefix.replace(/\/\d+$/, '') : r.prefix;

export const routeCommands = [
  defineCommand({
    name: 'lr-route-add',
    usage: 'ROUTER PREFIX NEXTHOP|discard [PORT]',
    summary:
      'add a static route (--policy=dst-ip|src-ip, --ecmp for more next hops, --route-table=T)',
    group: GROUP,
    minArgs: 3,
    maxArgs: 4,
    options: {
      'may-exist': 'flag',
      policy: 'value',
      ecmp: 'flag',
      'ecmp-symmetric-reply': 'flag',
      'route-table': 'value',
    },
    writes: true,
    parse(args, opts) {
      const [router, prefixText, nexthopText, port] = args as [string, string, string, string?];
      const prefix = checkPrefix(router, prefixText);
      let nexthop: string;
      if (nexthopText === 'discard') {
        if (port !== undefined) throw invalid(router, 'a discard route takes no output port');
        nexthop = 'discard';
      } else {
        const hop = parseCidr(nexthopText, true);
        if (!hop || !isIp(hop.ip) || hop.prefix !== (hop.family === 4 ? 32 : 128)) {
          throw invalid(
            router,
            `invalid next hop "${nexthopText}" (expected an IP address or discard)`,
          );
        }
        if (hop.family !== prefix.family)
          throw invalid(
            router,
            `next hop ${nexthopText} is not in the address family of ${prefixText}`,
          );
        nexthop = hop.ip;
      }
      const symmetric = opts.has('ecmp-symmetric-reply');
      return {
        router,
        prefix,
        nexthop,
        port,
        policy: checkPolicy(router, opts.value('policy')),
        routeTable: opts.value('route-table') ?? '',
        ecmp: opts.has('ecmp') || symmetric,
        symmetric,
        mayExist: opts.has('may-exist'),
      };
    },
    async run({ tx, memo }, p) {
      const router = await memoLookup(tx, memo, ROUTER, p.router);
      if (p.port !== undefined && !(await findRouterPort(tx, p.port)))
        throw objectError('not-found', p.port, 'router port not found');
      const same = await tx.query<RouteRow>(
        `SELECT ${ROUTE_COLUMNS} FROM logical_router_static_route
          WHERE router_uuid = $1 AND ip_prefix = $2::cidr AND coalesce(policy, 'dst-ip') = $3 AND route_table = $4`,
        [router.uuid, p.prefix.cidr, p.policy ?? 'dst-ip', p.routeTable],
      );
      const policy = p.policy ?? 'dst-ip';
      if (same.length > 0 && !p.ecmp) {
        if (!p.mayExist) {
          throw objectError(
            'exists',
            p.router,
            `duplicate prefix: ${p.prefix.shown} (policy: ${policy}); use --ecmp to add an ECMP route`,
          );
        }
        await tx.query(
          'UPDATE logical_router_static_route SET nexthop = $2, output_port = $3 WHERE uuid = $1',
          [same[0]!.uuid, p.nexthop, p.port ?? null],
        );
        return;
      }
      if (same.some((r) => r.nexthop === p.nexthop && (r.output_port ?? undefined) === p.port)) {
        if (p.mayExist) return;
        throw objectError(
          'exists',
          p.router,
          `duplicate nexthop ${p.nexthop} for prefix ${p.prefix.shown} (policy: ${policy})`,
        );
      }
      await tx.query(
        `INSERT INTO logical_router_static_route (router_uuid, ip_prefix, nexthop, output_port, policy, route_table, options)
         VALUES ($1, $2::cidr, $3, $4, $5, $6, $7::jsonb)`,
        [
          router.uuid,
          p.prefix.cidr,
          p.nexthop,
          p.port ?? null,
          p.policy ?? null,
          p.routeTable,
          JSON.stringify(p.symmetric ? { ecmp_symmetric_reply: 'true' } : {}),
        ],
      );
    },
  }),
  defineCommand({
    name: 'lr-route-del',
    usage: 'ROUTER [PREFIX [NEXTHOP [PORT]]]',
    summary: "delete the routes that match (all of ROUTER's when only ROUTER is given)",
    group: GROUP,
    minArgs: 1,
    maxArgs: 4,
    options: { 'if-exists': 'flag', policy: 'value', 'route-table': 'value' },
    writes: true,
    parse(args, opts) {
      const [router, prefix, nexthop, port] = args as [string, string?, string?, string?];
      if (nexthop !== undefined && nexthop !== 'discard' && !isIp(nexthop))
        throw invalid(router, `invalid next hop "${nexthop}"`);
      return {
        router,
        prefix: prefix === undefined ? undefined : checkPrefix(router, prefix),
        nexthop,
        port,
        policy: checkPolicy(router, opts.value('policy')),
        routeTable: opts.value('route-table'),
        ifExists: opts.has('if-exists'),
      };
    },
    async run({ tx, memo }, p) {
      const router = await memoLookup(tx, memo, ROUTER, p.router);
      const conds = ['router_uuid = $1'];
      const params: unknown[] = [router.uuid];
      const add = (sql: string, v: unknown) => {
        params.push(v);
        conds.push(sql.replace('?', `$${params.length}`));
      };
      if (p.policy) add("coalesce(policy, 'dst-ip') = ?", p.policy);
      if (p.routeTable !== undefined) add('route_table = ?', p.routeTable);
      if (p.prefix) add('ip_prefix = ?::cidr', p.prefix.cidr);
      if (p.nexthop !== undefined) add('nexthop = ?', p.nexthop);
      if (p.port !== undefined) add('output_port = ?', p.port);
      const deleted = await tx.query(
        `DELETE FROM logical_router_static_route WHERE ${conds.join(' AND ')} RETURNING 1`,
        params,
      );
      if (deleted.length === 0 && p.prefix && !p.ifExists) {
        const what = [
          `policy: ${p.policy ?? 'any'}`,
          `prefix: ${p.prefix.shown}`,
          p.nexthop !== undefined ? `nexthop: ${p.nexthop}` : undefined,
          p.port !== undefined ? `output_port: ${p.port}` : undefined,
        ].filter(Boolean);
        throw objectError('not-found', p.router, `no matching route (${what.join(', ')})`);
      }
    },
  }),
  defineCommand({
    name: 'lr-route-list',
    usage: 'ROUTER',
    summary: "list ROUTER's static routes by family and route table, longest prefix first",
    group: GROUP,
    minArgs: 1,
    maxArgs: 1,
    options: { 'route-table': 'value' },
    writes: false,
    parse: (args, opts) => ({ router: args[0]!, routeTable: opts.value('route-table') }),
    async run({ tx }, p) {
      const router = (await lookup(tx, ROUTER, p.router))!;
      const rows = await tx.query<RouteRow>(
        `SELECT ${ROUTE_COLUMNS} FROM logical_router_static_route
          WHERE router_uuid = $1 ${p.routeTable !== undefined ? 'AND route_table = $2' : ''}
          ORDER BY route_table, masklen(ip_prefix) DESC, coalesce(policy, 'dst-ip'), ip_prefix, nexthop, output_port NULLS FIRST`,
        p.routeTable !== undefined ? [router.uuid, p.routeTable] : [router.uuid],
      );
      return {
        kind: 'table',
        headings: ['uuid', 'route_table', 'prefix', 'nexthop', 'policy', 'output_port'],
        rows: rows.map((r) => [
          r.uuid,
          r.route_table,
          showPrefix(r),
          r.nexthop,
          r.policy ?? 'dst-ip',
          r.output_port ?? '',
        ]),
        text: routeListText(rows),
      };
    },
  }),
];

/** ovn-nbctl's layout: "IPv4 Routes", "Route Table <main>:", then right-aligned prefix and next hop. */
function routeListText(rows: readonly RouteRow[]): string[] {
  const out: string[] = [];
  for (const family of [4, 6]) {
    const fam = rows.filter((r) => r.family === family);
    if (fam.length === 0) continue;
    if (out.length > 0) out.push('');
    out.push(`IPv${family} Routes`);
    const key = (r: RouteRow) => `${r.route_table}\0${r.prefix}\0${r.policy ?? 'dst-ip'}`;
    fam.forEach((r, i) => {
      if (i === 0 || r.route_table !== fam[i - 1]!.route_table) {
        if (i > 0) out.push('');
        out.push(`Route Table ${r.route_table || '<main>'}:`);
      }
      const ecmp = fam.some((o) => o !== r && key(o) === key(r));
      let line = `${showPrefix(r).padStart(25)} ${r.nexthop.padStart(25)} ${r.policy ?? 'dst-ip'}`;
      if (r.output_port) line += ` ${r.output_port}`;
      if (r.external_ids['ic-learned-route']) line += ' (learned)';
      if (ecmp) line += ' ecmp';
      if (r.options.ecmp_symmetric_reply === 'true') line += ' ecmp-symmetric-reply';
      out.push(line);
    });
  }
  return out;
}
