// Planning a datapath update (pure): installed state + desired state → flow and group mods for one
// atomic bundle. Cookies carry an owner tag and a generation (as Antrea's do): a restarted
// controller installs everything under a new generation, which replaces equal flows in place, then
// sweeps flows of older generations, so traffic is never dropped by a flush.

import { addFlow, deleteFlows, type FlowMod, type GroupSpec } from '@ovn-ts/datapath';
import type { DesiredFlow, DesiredState } from './desired.js';

/** Bits 48..63 of every cookie this controller installs. */
export const COOKIE_OWNER = 0x0a7cn;
export const OWNER_MASK = 0xffffn << 48n;
export const GENERATION_MASK = 0xffffn << 32n;

export function cookieOf(generation: number, source: number): bigint {
  return (COOKIE_OWNER << 48n) | (BigInt(generation & 0xffff) << 32n) | BigInt(source >>> 0);
}

export interface InstalledState {
  readonly flows: ReadonlyMap<string, DesiredFlow>;
  readonly groups: ReadonlyMap<number, GroupSpec>;
}

export const nothingInstalled: InstalledState = { flows: new Map(), groups: new Map() };

const sigCache = new WeakMap<object, string>();
const json = (v: unknown) =>
  JSON.stringify(v, (_k, x) =>
    typeof x === 'bigint' ? `${x}n` : x instanceof Uint8Array ? Buffer.from(x).toString('hex') : x,
  );

/** A comparable text of a value, remembered per object (unchanged flows keep their objects). */
function sig(o: object): string {
  let s = sigCache.get(o);
  if (s === undefined) {
    s = json(o);
    sigCache.set(o, s);
  }
  return s;
}

export interface InstallPlan {
  readonly mods: readonly FlowMod[];
  /** What the datapath holds once the mods are applied. */
  readonly next: InstalledState;
  readonly added: number;
  readonly changed: number;
  readonly removed: number;
}

/**
 * The mods that turn `installed` into `desired`, flows under generation `generation`. With
 * `reinstall`, every desired flow is (re)added, which moves it to the new generation (after a
 * restart: the caller then sweeps the older generations).
 */
export function planInstall(
  installed: InstalledState,
  desired: DesiredState,
  generation: number,
  reinstall = false,
): InstallPlan {
  const mods: FlowMod[] = [];
  let added = 0;
  let changed = 0;
  let removed = 0;
  for (const [id, g] of desired.groups) {
    const old = installed.groups.get(id);
    if (!old) mods.push({ kind: 'add_group', group: g });
    else if (reinstall || (old !== g && sig(old) !== sig(g)))
      mods.push({ kind: 'modify_group', group: g });
  }
  for (const [key, f] of desired.flows) {
    const old = installed.flows.get(key);
    if (
      old &&
      !reinstall &&
      (old === f || (old.source === f.source && sig(old.actions) === sig(f.actions)))
    )
      continue;
    if (old) changed++;
    else added++;
    mods.push(
      addFlow({
        table: f.table,
        priority: f.priority,
        match: f.match,
        actions: f.actions,
        cookie: cookieOf(generation, f.source),
      }),
    );
  }
  for (const [key, f] of installed.flows) {
    if (desired.flows.has(key)) continue;
    removed++;
    mods.push(deleteFlows({ table: f.table, priority: f.priority, match: f.match, strict: true }));
  }
  for (const id of installed.groups.keys()) {
    if (!desired.groups.has(id)) mods.push({ kind: 'delete_group', id });
  }
  return { mods, next: { flows: desired.flows, groups: desired.groups }, added, changed, removed };
}
