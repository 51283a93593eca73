/** Reading and updating one switch port by name or UUID in a single statement (names are unique). */
import type { Tx } from './command.js';
import { objectError } from './errors.js';
import { isUuid } from './ovsdb-value.js';

const where = (id: string) => (isUuid(id) ? '(uuid = $1::text::uuid OR name = $1)' : 'name = $1');

/** `UPDATE … SET <set>` on the port; `set` uses $2, $3 … for `params`. */
export async function updatePort(
  tx: Tx,
  id: string,
  set: string,
  params: readonly unknown[],
): Promise<void> {
  const rows = await tx.query(
    `UPDATE logical_switch_port SET ${set} WHERE ${where(id)} RETURNING 1`,
    [id, ...params],
  );
  if (rows.length === 0) throw objectError('not-found', id, 'port not found');
}

export async function readPort<R>(tx: Tx, id: string, columns: string): Promise<R> {
  const rows = await tx.query<R>(`SELECT ${columns} FROM logical_switch_port WHERE ${where(id)}`, [
    id,
  ]);
  if (!rows[0]) throw objectError('not-found', id, 'port not found');
  return rows[0];
}
