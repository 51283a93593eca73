/** lr-nat-add, lr-nat-del, lr-nat-list. */
import { defineCommand } from './command.js';
import { invalid, objectError } from './errors.js';
import { lookup, ROUTER } from './lookup.js';
import { memoLookup } from './named-entity.js';
import { checkMac, networkOf, parseCidr } from './net.js';
import { findPort } from './port-commands.js';

const GROUP = 'NAT commands';
const TYPES = ['snat', 'dnat', 'dnat_and_snat'];

interface NatRow {
  uuid: string;
  type: string;
  external_ip: string;
  external_mac: string | null;
  external_port_range: string | null;
  logical_ip: string;
  logical_port: string | null;
}

const NAT_COLUMNS = `uuid::text AS uuid, type, host(external_ip) AS external_ip, external_mac::text AS external_mac,
  external_port_range, abbrev(logical_ip) AS logical_ip, logical_port`;

/** A host address, with no prefix (or a full-length one). */
function checkHost(router: string, s: string, what: string): { ip: string; family: 4 | 6 } {
  const c = parseCidr(s, true);
  if (!c || c.prefix !== (c.family === 4 ? 32 : 128))
    throw invalid(router, `invalid ${what} "${s}" (expected an IP address)`);
  return { ip: c.ip, family: c.family };
}

function checkPortRange(router: string, s: string): string {
  const m = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(s);
  const lo = Number(m?.[1]);
  const hi = m?.[2] === undefined ? lo : Number(m[2]);
  if (!m || lo < 1 || hi > 65535 || lo > hi)
    throw invalid(router, `invalid port range "${s}" (expected LOW[-HIGH] within 1-65535)`);
  return s;
}

export const natCommands = [
  defineCommand({
    name: 'lr-nat-add',
    usage: 'ROUTER TYPE EXTERNAL_IP LOGICAL_IP [LOGICAL_PORT EXTERNAL_MAC] [EXTERNAL_PORT_RANGE]',
    summary:
      'add a NAT rule: TYPE snat|dnat|dnat_and_snat; LOGICAL_PORT and EXTERNAL_MAC make it distributed',
    group: GROUP,
    minArgs: 4,
    maxArgs: 7,
    options: { 'may-exist': 'flag', stateless: 'flag', portrange: 'flag' },
    writes: true,
    parse(args, opts) {
      const [router, type, ext, logical, ...rest] = args as [
        string,
        string,
        string,
        string,
        ...string[],
      ];
      if (!TYPES.includes(type))
        throw invalid(router, `NAT type must be one of ${TYPES.join(', ')}, not "${type}"`);
      const external = checkHost(router, ext, 'external IP');
      let logicalIp: string;
      let logicalFamily: 4 | 6;
      if (type === 'snat') {
        const c = parseCidr(logical, true);
        if (!c) throw invalid(router, `invalid logical IP or network "${logical}"`);
        logicalIp = networkOf(c);
        logicalFamily = c.family;
      } else {
        const h = checkHost(router, logical, 'logical IP');
        logicalIp = h.ip;
        logicalFamily = h.family;
      }
      if (logicalFamily !== external.family)
        throw invalid(
          router,
          `external IP ${ext} and logical IP ${logical} are of different families`,
        );
      const portRange = opts.has('portrange') ? rest.pop() : undefined;
      if (opts.has('portrange') && portRange === undefined)
        throw invalid(router, '--portrange needs an external port range argument');
      if (rest.length === 1)
        throw invalid(router, 'a logical port needs an external MAC (LOGICAL_PORT EXTERNAL_MAC)');
      if (rest.length > 2)
        throw invalid(router, 'too many arguments (use --portrange for a port range)');
      const [logicalPort, mac] = rest as [string?, string?];
      if (logicalPort !== undefined && type !== 'dnat_and_snat')
        throw invalid(router, 'a logical port and MAC are only for dnat_and_snat');
      const stateless = opts.has('stateless');
      if (stateless && type !== 'dnat_and_snat')
        throw invalid(router, '--stateless is only for dnat_and_snat');
      return {
        router,
        type,
        externalIp: external.ip,
        logicalIp,
        logicalPort,
        mac: mac === undefined ? undefined : checkMac(router, mac),
        portRange: portRange === undefined ? undefined : checkPortRange(router, portRange),
        stateless,
        mayExist: opts.has('may-exist'),
      };
    },
    async run({ tx, memo }, p) {
      const router = await memoLookup(tx, memo, ROUTER, p.router);
      if (p.logicalPort !== undefined && !(await findPort(tx, p.logicalPort))) {
        throw objectError('not-found', p.logicalPort, 'port not found');
      }
      const nats = await tx.query<NatRow>(
        `SELECT ${NAT_COLUMNS} FROM nat WHERE router_uuid = $1 AND type = $2`,
        [router.uuid, p.type],
      );
      const exact = nats.find(
        (n) => n.external_ip === p.externalIp && n.logical_ip === p.logicalIp,
      );
      if (exact) {
        if (!p.mayExist)
          throw objectError(
            'exists',
            p.router,
            `a ${p.type} NAT with external IP ${p.externalIp} and logical IP ${p.logicalIp} already exists`,
          );
        if (p.logicalPort !== undefined) {
          await tx.query('UPDATE nat SET logical_port = $2, external_mac = $3 WHERE uuid = $1', [
            exact.uuid,
            p.logicalPort,
            p.mac,
          ]);
        }
        return;
      }
      // OVN's rules: one logical IP per SNAT, one external IP per DNAT.
      if (p.type === 'snat' && nats.some((n) => n.logical_ip === p.logicalIp)) {
        throw objectError(
          'exists',
          p.router,
          `a snat NAT for logical IP ${p.logicalIp} already exists`,
        );
      }
      if (p.type !== 'snat' && nats.some((n) => n.external_ip === p.externalIp)) {
        throw objectError(
          'exists',
          p.router,
          `a ${p.type} NAT for external IP ${p.externalIp} already exists`,
        );
      }
      await tx.query(
        `INSERT INTO nat (router_uuid, type, external_ip, logical_ip, logical_port, external_mac, external_port_range, options)
         VALUES ($1, $2, $3::inet, $4::inet, $5, $6::macaddr, $7, $8::jsonb)`,
        [
          router.uuid,
          p.type,
          p.externalIp,
          p.logicalIp,
          p.logicalPort ?? null,
          p.mac ?? null,
          p.portRange ?? null,
          JSON.stringify(p.stateless ? { stateless: 'true' } : {}),
        ],
      );
    },
  }),
  defineCommand({
    name: 'lr-nat-del',
    usage: 'ROUTER [TYPE [IP]]',
    summary:
      'delete NAT rules: all, those of TYPE, or the one of TYPE with IP (logical IP for snat, external IP otherwise)',
    group: GROUP,
    minArgs: 1,
    maxArgs: 3,
    options: { 'if-exists': 'flag' },
    writes: true,
    parse(args, opts) {
      const [router, type, ip] = args as [string, string?, string?];
      if (type !== undefined && !TYPES.includes(type))
        throw invalid(router, `NAT type must be one of ${TYPES.join(', ')}, not "${type}"`);
      let key: string | undefined;
      if (ip !== undefined) {
        const c = parseCidr(ip, true);
        if (!c) throw invalid(router, `invalid IP address "${ip}"`);
        key = networkOf(c);
      }
      return { router, type, ip: key, ifExists: opts.has('if-exists') };
    },
    async run({ tx, memo }, p) {
      const router = await memoLookup(tx, memo, ROUTER, p.router);
      const params: unknown[] = [router.uuid];
      let where = 'router_uuid = $1';
      if (p.type) {
        params.push(p.type);
        where += ' AND type = $2';
      }
      if (p.ip !== undefined) {
        params.push(p.ip);
        where += p.type === 'snat' ? ' AND abbrev(logical_ip) = $3' : ' AND host(external_ip) = $3';
      }
      const rows = await tx.query(`DELETE FROM nat WHERE ${where} RETURNING 1`, params);
      if (rows.length === 0 && p.ip !== undefined && !p.ifExists) {
        throw objectError(
          'not-found',
          p.router,
          `no ${p.type} NAT with ${p.type === 'snat' ? 'logical' : 'external'} IP ${p.ip}`,
        );
      }
    },
  }),
  defineCommand({
    name: 'lr-nat-list',
    usage: 'ROUTER',
    summary: "list ROUTER's NAT rules",
    group: GROUP,
    minArgs: 1,
    maxArgs: 1,
    writes: false,
    parse: (args) => ({ router: args[0]! }),
    async run({ tx }, p) {
      const router = (await lookup(tx, ROUTER, p.router))!;
      const rows = await tx.query<NatRow>(
        `SELECT ${NAT_COLUMNS} FROM nat WHERE router_uuid = $1 ORDER BY type, external_ip, logical_ip`,
        [router.uuid],
      );
      const cols = (r: (string | null)[]) =>
        `${(r[0] ?? '').padEnd(17)}${(r[1] ?? '').padEnd(19)}${(r[2] ?? '').padEnd(17)}${(r[3] ?? '').padEnd(20)}${(r[4] ?? '').padEnd(21)}${r[5] ?? ''}`.trimEnd();
      const table = rows.map((r) => [
        r.type,
        r.external_ip,
        r.external_port_range ?? '',
        r.logical_ip,
        r.external_mac ?? '',
        r.logical_port ?? '',
      ]);
      return {
        kind: 'table',
        headings: [
          'type',
          'external_ip',
          'external_port',
          'logical_ip',
          'external_mac',
          'logical_port',
        ],
        rows: table,
        text:
          rows.length === 0
            ? []
            : [
                cols([
                  'TYPE',
                  'EXTERNAL_IP',
                  'EXTERNAL_PORT',
                  'LOGICAL_IP',
                  'EXTERNAL_MAC',
                  'LOGICAL_PORT',
                ]),
                ...table.map(cols),
              ],
      };
    },
  }),
];
