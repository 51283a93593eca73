/**
 * ovn-nbctl refuses lsp-set-addresses when an IP is already used by another port of the same
 * switch. Checking command by command would read every port of the switch each time (a 500-port
 * batch into a 10,000-port switch: millions of comparisons), so commands only note the ports they
 * gave IPs, and one query at the end of the batch, before commit, compares those with the rest of
 * their switches.
 */
import type { RunContext, Tx } from './command.js';
import { CommandFailure, objectError } from './errors.js';

const touchedBy = new WeakMap<RunContext, Set<string>>();

/** Records that `port` (a name or UUID) got `addresses`; schedules the check if any has an IP. */
export function noteAddressesSet(
  ctx: RunContext,
  port: string,
  addresses: readonly string[],
): void {
  const hasIp = addresses.some((a) => !a.startsWith('dynamic') && a.trim().includes(' '));
  if (!hasIp) return;
  let ports = touchedBy.get(ctx);
  if (!ports) {
    const set = new Set<string>();
    ports = set;
    touchedBy.set(ctx, set);
    ctx.finalChecks.set('duplicate-ips', () => checkDuplicateIps(ctx.tx, set));
  }
  ports.add(port);
}

async function checkDuplicateIps(tx: Tx, ports: ReadonlySet<string>): Promise<void> {
  const rows = await tx.query<{ name: string; ip: string; other: string; switch: string }>(
    `WITH touched AS (
       SELECT uuid, switch_uuid FROM logical_switch_port WHERE name = ANY($1::text[]) OR uuid::text = ANY($1::text[])
     ), ips AS (
       SELECT p.uuid, p.name, p.switch_uuid, host(t::inet) AS ip
         FROM logical_switch_port p
        CROSS JOIN LATERAL unnest(p.addresses) a
        CROSS JOIN LATERAL unnest((regexp_split_to_array(btrim(a), '\\s+'))[2:]) t
        WHERE p.switch_uuid IN (SELECT switch_uuid FROM touched)
          AND a NOT IN ('unknown', 'router') AND a NOT LIKE 'dynamic%' AND t <> 'dynamic'
     )
     SELECT a.name, a.ip, b.name AS other, s.name AS switch
       FROM ips a
       JOIN ips b ON b.switch_uuid = a.switch_uuid AND b.ip = a.ip AND b.uuid <> a.uuid
       JOIN logical_switch s ON s.uuid = a.switch_uuid
      WHERE a.uuid IN (SELECT uuid FROM touched)
      ORDER BY a.name, a.ip
      LIMIT 1`,
    [[...ports]],
  );
  const dup = rows[0];
  if (dup) {
    throw new CommandFailure(
      'lsp-set-addresses',
      objectError(
        'exists',
        dup.name,
        `IP address ${dup.ip} is already used by port ${dup.other} on switch ${dup.switch}`,
      ),
    );
  }
}
