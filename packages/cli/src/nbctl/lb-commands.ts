/** lb-add, lb-del, lb-list: load balancers and their VIPs. */
import { defineCommand, type Tx } from './command.js';
import { invalid, objectError } from './errors.js';
import { parseEndpoint, parseVipAndBackends } from './lb-endpoint.js';
import { ambiguous, LOAD_BALANCER } from './lookup.js';
import { lockName } from './named-entity.js';
import { isUuid } from './ovsdb-value.js';

const GROUP = 'Load balancer commands';
const PROTOCOLS = ['tcp', 'udp', 'sctp'];

interface LbRow {
  uuid: string;
  name: string;
  protocol: string | null;
  vips: Record<string, string>;
}

/** Load balancers by name (names may repeat) or UUID. */
export async function findLbs(tx: Tx, id: string, lock = false): Promise<LbRow[]> {
  const cols = 'uuid::text AS uuid, name, protocol, vips';
  const suffix = lock ? ' FOR UPDATE' : '';
  if (isUuid(id)) {
    const r = await tx.query<LbRow>(`SELECT ${cols} FROM load_balancer WHERE uuid = $1${suffix}`, [
      id,
    ]);
    if (r.length > 0) return r;
  }
  return tx.query<LbRow>(
    `SELECT ${cols} FROM load_balancer WHERE name = $1 ORDER BY uuid${suffix}`,
    [id],
  );
}

export async function findOneLb(tx: Tx, id: string, mustExist = true): Promise<LbRow | undefined> {
  const rows = await findLbs(tx, id);
  if (rows.length > 1)
    throw ambiguous(
      LOAD_BALANCER,
      id,
      rows.map((r) => r.uuid),
    );
  if (!rows[0] && mustExist) throw objectError('not-found', id, 'load balancer not found');
  return rows[0];
}

export const lbCommands = [
  defineCommand({
    name: 'lb-add',
    usage: 'LB VIP IPS [PROTOCOL]',
    summary:
      'create LB with VIP → IPS (comma-separated backends), or add the VIP to LB; PROTOCOL tcp|udp|sctp (default tcp)',
    group: GROUP,
    minArgs: 3,
    maxArgs: 4,
    options: { 'may-exist': 'flag', 'add-duplicate': 'flag' },
    writes: true,
    parse(args, opts) {
      const [name, vipText, ips, protocol] = args as [string, string, string, string?];
      const { vip, backends } = parseVipAndBackends(name, vipText, ips);
      if (protocol !== undefined) {
        if (!PROTOCOLS.includes(protocol))
          throw invalid(name, `protocol must be tcp, udp or sctp, not "${protocol}"`);
        if (vip.port === undefined) throw invalid(name, 'a protocol needs a VIP with a port');
      }
      if (opts.has('may-exist') && opts.has('add-duplicate'))
        throw invalid(name, '--may-exist and --add-duplicate may not be used together');
      return {
        name,
        vip: vip.text,
        backends,
        protocol: protocol ?? 'tcp',
        mayExist: opts.has('may-exist'),
        duplicate: opts.has('add-duplicate'),
      };
    },
    async run({ tx }, p) {
      const insert = () =>
        tx.query('INSERT INTO load_balancer (name, protocol, vips) VALUES ($1, $2, $3::jsonb)', [
          p.name,
          p.protocol,
          JSON.stringify({ [p.vip]: p.backends }),
        ]);
      if (p.duplicate) return void (await insert());
      await lockName(tx, LOAD_BALANCER, p.name);
      const rows = await findLbs(tx, p.name, true);
      if (rows.length > 1)
        throw ambiguous(
          LOAD_BALANCER,
          p.name,
          rows.map((r) => r.uuid),
        );
      const lb = rows[0];
      if (!lb) return void (await insert());
      if (lb.vips[p.vip] !== undefined && !p.mayExist)
        throw objectError('exists', p.name, `VIP ${p.vip} already exists`);
      if ((lb.protocol ?? 'tcp') !== p.protocol) {
        throw objectError(
          'exists',
          p.name,
          `load balancer has protocol ${lb.protocol ?? 'tcp'}, not ${p.protocol}`,
        );
      }
      await tx.query('UPDATE load_balancer SET vips = vips || $2::jsonb WHERE uuid = $1', [
        lb.uuid,
        JSON.stringify({ [p.vip]: p.backends }),
      ]);
    },
  }),
  defineCommand({
    name: 'lb-del',
    usage: 'LB [VIP]',
    summary: 'delete LB, or only its VIP',
    group: GROUP,
    minArgs: 1,
    maxArgs: 2,
    options: { 'if-exists': 'flag' },
    writes: true,
    parse: (args, opts) => ({
      name: args[0]!,
      vip: args[1] === undefined ? undefined : parseEndpoint(args[0]!, args[1], 'VIP').text,
      ifExists: opts.has('if-exists'),
    }),
    async run({ tx }, p) {
      const lb = await findOneLb(tx, p.name, !p.ifExists);
      if (!lb) return;
      if (p.vip === undefined)
        return void (await tx.query('DELETE FROM load_balancer WHERE uuid = $1', [lb.uuid]));
      if (lb.vips[p.vip] === undefined) {
        if (p.ifExists) return;
        throw objectError('not-found', p.name, `VIP ${p.vip} not found`);
      }
      await tx.query('UPDATE load_balancer SET vips = vips - $2 WHERE uuid = $1', [lb.uuid, p.vip]);
    },
  }),
  defineCommand({
    name: 'lb-list',
    usage: '[LB]',
    summary: 'list load balancers (or those named LB) with their VIPs and backends',
    group: GROUP,
    minArgs: 0,
    maxArgs: 1,
    writes: false,
    parse: (args) => ({ name: args[0] }),
    async run({ tx }, p) {
      const rows =
        p.name === undefined
          ? await tx.query<LbRow>(
              'SELECT uuid::text AS uuid, name, protocol, vips FROM load_balancer ORDER BY name, uuid',
            )
          : await findLbs(tx, p.name);
      return lbTable(rows);
    },
  }),
];

/** ovn-nbctl's layout: UUID, LB, PROTO, VIP, IPs, one line per VIP. */
export function lbTable(rows: readonly LbRow[]) {
  const table: string[][] = [];
  const text: string[] = [];
  const width = Math.max(0, ...rows.flatMap((r) => Object.keys(r.vips).map((k) => k.length)));
  for (const lb of rows) {
    Object.keys(lb.vips)
      .sort()
      .forEach((vip, i) => {
        const proto = parseEndpointPort(vip) ? (lb.protocol ?? 'tcp') : '';
        table.push([lb.uuid, lb.name, proto, vip, lb.vips[vip]!]);
        const head = i === 0 ? `${lb.uuid}    ${lb.name.slice(0, 16).padEnd(20)}` : ' '.repeat(60);
        text.push(`${head}${proto.padEnd(11)}${vip.padEnd(width + 4)}${lb.vips[vip]}`);
      });
  }
  if (text.length > 0)
    text.unshift(
      `${'UUID'.padEnd(40)}${'LB'.padEnd(20)}${'PROTO'.padEnd(11)}${'VIP'.padEnd(width + 4)}IPs`,
    );
  return {
    kind: 'table' as const,
    headings: ['uuid', 'name', 'protocol', 'vip', 'backends'],
    rows: table,
    text,
  };
}

const parseEndpointPort = (vip: string) => /\]:\d+$|^[^:]+:\d+$/.test(vip);
